//! Contact tables → Contact records: a full name split into first and last name
//! (last word, with particles like "van der", is the last name; "Last, First" is
//! understood), e-mails and phones as lists with the first one primary, a phone's
//! "(mobile)" suffix as its label and "x123" / "ext. 123" as its extension.

use super::PageCtx;
use super::mapping::Columns;
use super::tables::{self, cell_text, column, header};
use crate::bundle::{Contact, ContactEmail, ContactPhone, PageSource, keys};
use crate::model::{Body, Cell, LinkTarget};

#[derive(Debug, Clone)]
pub struct ContactColumns {
    pub name: Vec<String>,
    pub first_name: Vec<String>,
    pub last_name: Vec<String>,
    pub title: Vec<String>,
    pub email: Vec<String>,
    pub phone: Vec<String>,
    pub notes: Vec<String>,
}

impl ContactColumns {
    pub fn new(c: Option<&Columns>) -> ContactColumns {
        let c = c.cloned().unwrap_or_default();
        ContactColumns {
            name: c.name.unwrap_or_else(tables::default_contact_name),
            first_name: c.first_name.unwrap_or_else(tables::default_first_name),
            last_name: c.last_name.unwrap_or_else(tables::default_last_name),
            title: c.title.unwrap_or_else(tables::default_title),
            email: c.email.unwrap_or_else(tables::default_email),
            phone: c.phone.unwrap_or_else(tables::default_phone),
            notes: c.notes.unwrap_or_else(tables::default_notes),
        }
    }

    /// A contact table names people (a name, or first and last name) and how to
    /// reach them (an e-mail or phone column).
    pub fn matches(&self, h: &[String]) -> bool {
        let named = column(h, &self.name).is_some()
            || (column(h, &self.first_name).is_some() && column(h, &self.last_name).is_some());
        named && (column(h, &self.email).is_some() || column(h, &self.phone).is_some())
    }
}

const PARTICLES: [&str; 12] = [
    "van", "von", "der", "den", "de", "del", "della", "da", "di", "la", "le", "du",
];
const SUFFIXES: [&str; 6] = ["jr", "jr.", "sr", "sr.", "ii", "iii"];

/// Splits a full name into (first, last).
pub fn split_name(full: &str) -> (Option<String>, Option<String>) {
    let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((last, first)) = full.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        if !first.is_empty()
            && !last.is_empty()
            && !SUFFIXES.contains(&first.to_lowercase().as_str())
        {
            return (Some(first.to_string()), Some(last.to_string()));
        }
    }
    let words: Vec<&str> = full.split(' ').filter(|w| !w.is_empty()).collect();
    match words.len() {
        0 => (None, None),
        1 => (Some(words[0].to_string()), None),
        _ => {
            let mut start = words.len() - 1;
            if SUFFIXES.contains(&words[start].to_lowercase().trim_end_matches(',')) && start > 1 {
                start -= 1;
            }
            while start > 1 && PARTICLES.contains(&words[start - 1].to_lowercase().as_str()) {
                start -= 1;
            }
            (
                Some(words[..start].join(" ")),
                Some(words[start..].join(" ")),
            )
        }
    }
}

fn emails(c: &Cell) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut links = Vec::new();
    tables::links_in(&c.blocks, &mut links);
    for l in links {
        if let LinkTarget::External(u) = l
            && let Some(addr) = u.strip_prefix("mailto:")
        {
            let addr = addr.split('?').next().unwrap_or("").trim().to_string();
            if !addr.is_empty() && !out.contains(&addr) {
                out.push(addr);
            }
        }
    }
    for word in cell_text(c).split(|ch: char| ch.is_whitespace() || ",;<>()".contains(ch)) {
        let w = word.trim_matches(|ch: char| ".:".contains(ch));
        if w.contains('@') && !out.iter().any(|e| e.eq_ignore_ascii_case(w)) {
            out.push(w.to_string());
        }
    }
    out
}

/// One phone per line (or per `;`): "+1 971 555 0188 (mobile)" → value and label.
pub fn phones(text: &str) -> Vec<ContactPhone> {
    let mut out = Vec::new();
    for part in text.split(['\n', ';']) {
        let mut value = part.trim().to_string();
        if value.is_empty() {
            continue;
        }
        let mut label = None;
        if let Some(open) = value.rfind('(')
            && value.ends_with(')')
        {
            label =
                Some(value[open + 1..value.len() - 1].trim().to_string()).filter(|l| !l.is_empty());
            value = value[..open].trim().to_string();
        }
        if let Some((v, l)) = value.split_once(':')
            && !l.trim().is_empty()
            && v.chars().all(|c| c.is_alphabetic() || c == ' ')
        {
            label = Some(v.trim().to_string());
            value = l.trim().to_string();
        }
        let mut extension = None;
        let lower = value.to_lowercase();
        for marker in [" ext. ", " ext ", " x"] {
            if let Some(i) = lower.find(marker) {
                let ext = value[i + marker.len()..].trim().to_string();
                if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_digit()) {
                    extension = Some(ext);
                    value = value[..i].trim().to_string();
                    break;
                }
            }
        }
        out.push(ContactPhone {
            value,
            extension,
            primary: out.is_empty(),
            label,
        });
    }
    out
}

/// Every contact of a body's contact tables.
pub fn extract(body: &Body, page: &PageCtx, cols: &ContactColumns) -> Vec<Contact> {
    let mut out = Vec::new();
    let mut n = 0;
    for t in tables::tables(&body.blocks) {
        let h = header(t);
        if !cols.matches(&h) {
            continue;
        }
        let get = |syn: &[String]| column(&h, syn);
        let (name_c, first_c, last_c, title_c, email_c, phone_c, notes_c) = (
            get(&cols.name),
            get(&cols.first_name),
            get(&cols.last_name),
            get(&cols.title),
            get(&cols.email),
            get(&cols.phone),
            get(&cols.notes),
        );
        for row in t.rows.iter().skip(1) {
            n += 1;
            let cell = |c: Option<usize>| c.and_then(|i| row.cells.get(i));
            let text = |c: Option<usize>| cell(c).map(cell_text).filter(|t| !t.is_empty());
            let (mut first, mut last) = match text(name_c) {
                Some(full) => split_name(&full.replace('\n', " ")),
                None => (None, None),
            };
            if let Some(f) = text(first_c) {
                first = Some(f);
            }
            if let Some(l) = text(last_c) {
                last = Some(l);
            }
            if first.is_none() && last.is_none() {
                continue;
            }
            let emails = cell(email_c).map(emails).unwrap_or_default();
            out.push(Contact {
                key: keys::contact(page.space, page.page_id, n),
                org: page.org.to_string(),
                first_name: first,
                last_name: last,
                title: text(title_c),
                emails: emails
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| ContactEmail {
                        value,
                        primary: i == 0,
                        label: None,
                    })
                    .collect(),
                phones: text(phone_c).map(|p| phones(&p)).unwrap_or_default(),
                notes: text(notes_c),
                source: PageSource {
                    space_key: page.space.to_string(),
                    page_id: page.page_id.to_string(),
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_sensibly() {
        let s = |n: &str| {
            let (f, l) = split_name(n);
            (f.unwrap_or_default(), l.unwrap_or_default())
        };
        assert_eq!(
            s("Margaret Ellen Kowalski"),
            ("Margaret Ellen".into(), "Kowalski".into())
        );
        assert_eq!(s("Jan van der Berg"), ("Jan".into(), "van der Berg".into()));
        assert_eq!(s("Okafor, Daniel"), ("Daniel".into(), "Okafor".into()));
        assert_eq!(s("Cher"), ("Cher".into(), "".into()));
        assert_eq!(
            s("Martin Luther King Jr."),
            ("Martin Luther".into(), "King Jr.".into())
        );
    }

    #[test]
    fn phones_keep_labels_and_extensions() {
        let p = phones("+1 503 555 0117\n+1 971 555 0188 (mobile)\nDesk: +1 503 555 0100 x204");
        assert_eq!(p.len(), 3);
        assert!(p[0].primary && !p[1].primary);
        assert_eq!(p[1].value, "+1 971 555 0188");
        assert_eq!(p[1].label.as_deref(), Some("mobile"));
        assert_eq!(p[2].value, "+1 503 555 0100");
        assert_eq!(p[2].extension.as_deref(), Some("204"));
        assert_eq!(p[2].label.as_deref(), Some("Desk"));
    }
}
