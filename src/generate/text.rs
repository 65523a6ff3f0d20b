//! Words, titles and names for synthetic pages: IT documentation vocabulary, so
//! bodies compress like real ones.

use super::rng::Rng;

pub const WORDS: &[&str] = &[
    "server",
    "backup",
    "network",
    "firewall",
    "switch",
    "router",
    "domain",
    "controller",
    "policy",
    "user",
    "account",
    "password",
    "printer",
    "driver",
    "license",
    "vendor",
    "warranty",
    "rack",
    "office",
    "site",
    "client",
    "ticket",
    "escalation",
    "procedure",
    "install",
    "update",
    "patch",
    "reboot",
    "schedule",
    "monitor",
    "alert",
    "disk",
    "volume",
    "snapshot",
    "replica",
    "storage",
    "cluster",
    "host",
    "virtual",
    "machine",
    "certificate",
    "renewal",
    "DNS",
    "DHCP",
    "VLAN",
    "subnet",
    "gateway",
    "VPN",
    "tunnel",
    "the",
    "the",
    "the",
    "a",
    "a",
    "to",
    "to",
    "of",
    "of",
    "and",
    "and",
    "in",
    "is",
    "on",
    "for",
    "with",
    "before",
    "after",
    "every",
    "each",
    "must",
    "should",
    "check",
    "verify",
    "restart",
    "configure",
    "document",
    "owner",
    "contact",
    "phone",
    "email",
    "weekly",
    "daily",
    "monthly",
    "quarterly",
    "retention",
    "offsite",
    "restore",
    "test",
    "log",
    "event",
    "error",
    "warning",
    "service",
    "agent",
    "console",
    "portal",
    "admin",
    "role",
    "group",
    "permission",
    "share",
    "folder",
    "mailbox",
    "tenant",
    "Microsoft",
    "Windows",
    "Linux",
    "Dell",
    "HP",
    "Cisco",
    "Ubiquiti",
    "Fortinet",
    "Veeam",
    "Azure",
    "Intune",
];

const TITLE_WORDS: &[&str] = &[
    "Backups",
    "Servers",
    "Network",
    "Overview",
    "Firewall",
    "Switches",
    "Printers",
    "Onboarding",
    "Offboarding",
    "Procedures",
    "Contacts",
    "Vendors",
    "Licenses",
    "Workstations",
    "Wireless",
    "Guest",
    "Portal",
    "Domain",
    "Controllers",
    "Storage",
    "Monitoring",
    "Alerts",
    "Runbook",
    "Checklist",
    "Patching",
    "Email",
    "Phones",
    "Cameras",
    "Access",
    "Control",
    "Site",
    "Office",
    "Warehouse",
    "Branch",
    "Hosting",
    "DNS",
    "Certificates",
    "Microsoft 365",
    "Azure AD",
    "Intune",
    "VPN",
    "Remote Access",
    "Build Notes",
    "Disaster Recovery",
    "Change Log",
    "Meeting Notes",
    "Standards",
];

pub const PEOPLE: &[&str] = &[
    "Priya Raman",
    "Marcus Oyelaran",
    "Dana Whitfield",
    "Tom Becker (Unlicensed)",
    "Lena Kowalski",
    "Ahmed Haddad",
    "Sofia Marquez",
    "Jonas Lindqvist",
    "Mei Chen",
    "Olumide Adebayo",
    "Chloé Dubois",
    "Ravi Patel",
    "User 7e2a4",
    "Hannah Schmidt",
];

/// `n` words of prose.
pub fn words(rng: &mut Rng, n: usize, out: &mut String) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

/// A column header of an ordinary table: any word but a credential one, so that
/// only [`Credentials`] tables look like password tables to the classifier (a
/// random "password | user" header made prose words into secrets, and every later
/// page's prose into scrub matches: the cost grew with the square of the export).
pub fn header_word(rng: &mut Rng) -> &'static str {
    loop {
        let w = rng.pick(WORDS);
        if !matches!(w, "password" | "user" | "account") {
            return w;
        }
    }
}

/// A table of credentials as MSPs keep them: system, username, password, URL; the
/// passwords random strings of 12–20 characters, as a password manager makes them.
pub struct Credentials {
    pub header: [&'static str; 4],
    pub rows: Vec<[String; 4]>,
}

impl Credentials {
    /// The column that holds the URL (written as a link).
    pub const URL: usize = 3;

    pub fn new(rng: &mut Rng) -> Credentials {
        const CHARS: &[u8] =
            b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%*+-=?@^_";
        let rows = (0..rng.range(2, 7))
            .map(|_| {
                let system = format!("{} {}", rng.pick(TITLE_WORDS), rng.pick(WORDS));
                let user = format!(
                    "{}{}",
                    rng.pick(&["admin", "svc-", "root", "it-", "backup"]),
                    rng.below(100)
                );
                let len = rng.range(12, 21) as usize;
                let secret: String = (0..len)
                    .map(|_| CHARS[rng.below(CHARS.len() as u64) as usize] as char)
                    .collect();
                let url = format!(
                    "https://10.{}.{}.{}/",
                    rng.below(255),
                    rng.below(255),
                    rng.below(255)
                );
                [system, user, secret, url]
            })
            .collect();
        Credentials {
            header: ["System", "Username", "Password", "URL"],
            rows,
        }
    }
}

/// A sentence of 8–24 words with a capital and a full stop.
pub fn sentence(rng: &mut Rng) -> String {
    let mut s = String::new();
    let n = rng.range(8, 24) as usize;
    words(rng, n, &mut s);
    let mut c = s.chars();
    let first = c
        .next()
        .map(|f| f.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}.", c.as_str())
}

/// A page title. About one in six carries characters that make the HTML export name
/// the file by id only (`( ) & : / +` or non-ASCII); some carry `'` or `,`.
pub fn title(rng: &mut Rng, n: usize) -> String {
    let a = rng.pick(TITLE_WORDS);
    let b = rng.pick(TITLE_WORDS);
    match rng.below(12) {
        0 => format!("{a} ({b}) {n}"),
        1 => format!("{a} / {b} {n}"),
        2 => format!("{a}: {b} {n}"),
        3 => format!("{a}'s {b} {n}"),
        4 => format!("{a}, {b} {n}"),
        5 if rng.chance(0.5) => format!("Zprovoznění {a} {n}"),
        _ => format!("{a} {b} {n}"),
    }
}

/// The HTML export's file name for a page (research doc §2.1).
pub fn html_file_name(title: &str, id: u64) -> String {
    let plain = title
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " -_.',".contains(c));
    if !plain {
        return format!("{id}.html");
    }
    let mut s = String::with_capacity(title.len() + 16);
    for c in title.chars() {
        match c {
            ' ' => s.push('-'),
            '\'' => s.push_str("%27"),
            ',' => s.push_str("%2C"),
            c => s.push(c),
        }
    }
    format!("{s}_{id}.html")
}

/// Escapes text for HTML/XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_export_rule() {
        assert_eq!(
            html_file_name("Backups Servers 3", 42),
            "Backups-Servers-3_42.html"
        );
        assert_eq!(
            html_file_name("Printer's Quirks", 7),
            "Printer%27s-Quirks_7.html"
        );
        assert_eq!(html_file_name("A, B", 7), "A%2C-B_7.html");
        assert_eq!(html_file_name("A (B)", 9), "9.html");
        assert_eq!(html_file_name("Zprovoznění", 9), "9.html");
    }
}
