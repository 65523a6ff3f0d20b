//! The other sections of an organization: its overview, Flexible Assets by type,
//! Configurations, Contacts and Passwords. A password's value is never written:
//! the page shows a mask, and so does any flexible asset field of kind Password.

use std::fmt::Write;

use serde_json::Value;

use super::layout::{link_to, page};
use super::{Index, MASK, paths};
use crate::bundle::{FieldDef, FlexibleAsset, FlexibleAssetType, Organization, PageSource};
use crate::model::Severity;
use crate::render::{escape_attr, escape_text};

fn opt(s: &Option<String>, m: &mut String) {
    match s {
        Some(s) => escape_text(s, m),
        None => m.push_str("<span class=\"muted\">\u{2014}</span>"),
    }
}

fn notes_cell(notes: &Option<String>, m: &mut String) {
    m.push_str("<td class=\"pre\">");
    opt(notes, m);
    m.push_str("</td>");
}

fn row_start(key: &str, m: &mut String) {
    m.push_str("<tr id=\"");
    escape_attr(&paths::anchor(key), m);
    m.push_str("\">");
}

/// The document made from the same source page, when there is one.
fn source_cell(idx: &Index, path: &str, src: &PageSource, m: &mut String) {
    m.push_str("<td>");
    let key = format!(
        "doc/{}/{}",
        crate::bundle::keys::part(&src.space_key),
        crate::bundle::keys::part(&src.page_id)
    );
    if idx.docs.contains_key(key.as_str()) {
        link_to(idx, path, &key, &format!("page {}", src.page_id), m);
    } else {
        let _ = write!(m, "<span class=\"muted\">page ");
        escape_text(&src.page_id, m);
        m.push_str("</span>");
    }
    m.push_str("</td>");
}

/// `index.html`: what the organization will hold.
pub fn overview(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "index");
    let r = idx.records;
    let count = |n: usize, label: &str| format!("<tr><th>{label}</th><td>{n}</td></tr>\n");
    let mut m = String::new();
    m.push_str("<h1>");
    escape_text(&org.name, &mut m);
    m.push_str("</h1>\n<div class=\"card\"><p>Organization: ");
    m.push_str(if org.match_ == "existing" {
        "matched to an existing IT Glue organization of this name"
    } else {
        "created by upload"
    });
    let _ = write!(m, " (source space <code>");
    escape_text(&org.source.space_key, &mut m);
    m.push_str("</code>).</p>\n<table class=\"list\">\n");
    let docs: Vec<_> = r.documents.iter().filter(|d| d.org == org.key).collect();
    let doc_keys: std::collections::HashSet<&str> = docs.iter().map(|d| d.key.as_str()).collect();
    m.push_str(&count(docs.len(), "Documents"));
    m.push_str(&count(
        r.folders.iter().filter(|x| x.org == org.key).count(),
        "Document folders",
    ));
    m.push_str(&count(
        r.attachments
            .iter()
            .filter(|a| idx.org_of.get(a.owner.as_str()) == Some(&org.key.as_str()))
            .count(),
        "Attachments",
    ));
    m.push_str(&count(
        r.flexible_assets
            .iter()
            .filter(|x| x.org == org.key)
            .count(),
        "Flexible assets",
    ));
    m.push_str(&count(
        r.configurations.iter().filter(|x| x.org == org.key).count(),
        "Configurations",
    ));
    m.push_str(&count(
        r.contacts.iter().filter(|x| x.org == org.key).count(),
        "Contacts",
    ));
    m.push_str(&count(
        r.passwords.iter().filter(|x| x.org == org.key).count(),
        "Passwords",
    ));
    let with_findings = doc_keys
        .iter()
        .filter(|k| idx.findings.contains_key(**k))
        .count();
    m.push_str(&count(with_findings, "Documents with findings"));
    m.push_str("</table></div>\n");
    page(idx, &path, Some(org), "index", &org.name, m)
}

fn is_secret_field(fields: Option<&Vec<FieldDef>>, name: &str) -> bool {
    match fields.and_then(|fs| fs.iter().find(|f| f.name == name)) {
        Some(f) => f.kind.eq_ignore_ascii_case("password"),
        None => name.to_lowercase().contains("password"),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The findings about one record, as a small list in its row (nothing when none).
fn record_findings(idx: &Index, key: &str, m: &mut String) {
    let Some(list) = idx.findings.get(key) else {
        return;
    };
    m.push_str("<ul class=\"rf findings\">");
    for f in list {
        let sev = match f.severity {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let _ = write!(
            m,
            "<li><span class=\"sev-{sev}\">{}</span> ",
            f.code.as_str()
        );
        escape_text(&f.message, m);
        m.push_str("</li>");
    }
    m.push_str("</ul>");
}

/// The trait names of an asset in the order of its type's fields (then any the
/// type does not define, by name).
fn field_order<'a>(def: Option<&'a FlexibleAssetType>, a: &'a FlexibleAsset) -> Vec<&'a str> {
    let mut out: Vec<&str> = def
        .map(|d| d.fields.iter().map(|f| f.name.as_str()).collect())
        .unwrap_or_default();
    for k in a.traits.keys().chain(a.tags.keys()) {
        if !out.contains(&k.as_str()) {
            out.push(k);
        }
    }
    out
}

/// The name IT Glue lists an asset under: its first filled field in type order
/// (never a secret one); the record key when no field is filled.
fn asset_name(def: Option<&FlexibleAssetType>, a: &FlexibleAsset) -> String {
    field_order(def, a)
        .into_iter()
        .filter(|n| !is_secret_field(def.map(|d| &d.fields), n))
        .find_map(|n| {
            a.traits
                .get(n)
                .map(value_text)
                .filter(|t| !t.trim().is_empty())
        })
        .unwrap_or_else(|| a.key.clone())
}

/// `flexible-assets.html`: one table per type, fields in the type's order, tag
/// fields as links, fields of kind Password masked.
pub fn flexible_assets(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "flexible-assets");
    let r = idx.records;
    let mut m = String::from("<h1>Flexible Assets</h1>\n");
    let mut types: Vec<&str> = r
        .flexible_assets
        .iter()
        .filter(|a| a.org == org.key)
        .map(|a| a.type_.as_str())
        .collect();
    types.sort();
    types.dedup();
    if types.is_empty() {
        m.push_str("<p class=\"muted\">No flexible assets.</p>\n");
    }
    for t in types {
        let def = r.flexible_asset_types.iter().find(|d| d.key == t);
        let fields = def.map(|d| &d.fields);
        m.push_str("<h2 id=\"");
        escape_attr(&paths::anchor(t), &mut m);
        m.push_str("\">");
        escape_text(def.map(|d| d.name.as_str()).unwrap_or(t), &mut m);
        m.push_str(
            "</h2>\n<table class=\"list\">\n<tr><th>Name</th><th>Fields</th><th>Source</th></tr>\n",
        );
        for a in r
            .flexible_assets
            .iter()
            .filter(|a| a.org == org.key && a.type_ == t)
        {
            row_start(&a.key, &mut m);
            m.push_str("<td><strong>");
            escape_text(&asset_name(def, a), &mut m);
            m.push_str("</strong><br><code class=\"muted\">");
            escape_text(&a.key, &mut m);
            m.push_str("</code>");
            record_findings(idx, &a.key, &mut m);
            m.push_str("</td><td>");
            for name in field_order(def, a) {
                let (value, tags) = (a.traits.get(name), a.tags.get(name));
                if value.is_none() && tags.is_none_or(|t| t.is_empty()) {
                    continue;
                }
                m.push_str("<div><strong>");
                escape_text(name, &mut m);
                m.push_str(":</strong> ");
                if let Some(v) = value {
                    if is_secret_field(fields, name) {
                        let _ = write!(m, "<span class=\"masked\">{MASK}</span>");
                    } else {
                        m.push_str("<span class=\"pre\">");
                        escape_text(&value_text(v), &mut m);
                        m.push_str("</span>");
                    }
                }
                for (i, k) in tags.into_iter().flatten().enumerate() {
                    if i > 0 || value.is_some() {
                        m.push_str(", ");
                    }
                    let label = idx
                        .docs
                        .get(k.as_str())
                        .map(|d| d.name.as_str())
                        .unwrap_or(k);
                    link_to(idx, &path, k, label, &mut m);
                }
                m.push_str("</div>");
            }
            m.push_str("</td>");
            source_cell(idx, &path, &a.source, &mut m);
            m.push_str("</tr>\n");
        }
        m.push_str("</table>\n");
    }
    page(
        idx,
        &path,
        Some(org),
        "flexible-assets",
        &format!("{} \u{2013} Flexible Assets", org.name),
        m,
    )
}

/// `configurations.html`.
pub fn configurations(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "configurations");
    let mut m = String::from(
        "<h1>Configurations</h1>\n<table class=\"list\">\n<tr><th>Name</th><th>Type</th><th>Hostname</th><th>Primary IP</th><th>Operating system</th><th>Serial</th><th>Notes</th><th>Source</th></tr>\n",
    );
    for c in idx
        .records
        .configurations
        .iter()
        .filter(|c| c.org == org.key)
    {
        row_start(&c.key, &mut m);
        m.push_str("<td><strong>");
        escape_text(&c.name, &mut m);
        m.push_str("</strong>");
        record_findings(idx, &c.key, &mut m);
        m.push_str("</td>");
        for cell in [
            &c.configuration_type,
            &c.hostname,
            &c.primary_ip,
            &c.operating_system,
            &c.serial_number,
        ] {
            m.push_str("<td>");
            opt(cell, &mut m);
            m.push_str("</td>");
        }
        notes_cell(&c.notes, &mut m);
        source_cell(idx, &path, &c.source, &mut m);
        m.push_str("</tr>\n");
    }
    m.push_str("</table>\n");
    page(
        idx,
        &path,
        Some(org),
        "configurations",
        &format!("{} \u{2013} Configurations", org.name),
        m,
    )
}

/// `contacts.html`.
pub fn contacts(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "contacts");
    let mut m = String::from(
        "<h1>Contacts</h1>\n<table class=\"list\">\n<tr><th>Name</th><th>Title</th><th>Emails</th><th>Phones</th><th>Notes</th><th>Source</th></tr>\n",
    );
    for c in idx.records.contacts.iter().filter(|c| c.org == org.key) {
        row_start(&c.key, &mut m);
        let name = [c.first_name.as_deref(), c.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        m.push_str("<td><strong>");
        escape_text(&name, &mut m);
        m.push_str("</strong>");
        record_findings(idx, &c.key, &mut m);
        m.push_str("</td><td>");
        opt(&c.title, &mut m);
        m.push_str("</td><td class=\"br\">");
        escape_text(
            &c.emails
                .iter()
                .map(|e| e.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            &mut m,
        );
        m.push_str("</td><td>");
        let phones: Vec<String> = c
            .phones
            .iter()
            .map(|p| match &p.extension {
                Some(x) => format!("{} x{x}", p.value),
                None => p.value.clone(),
            })
            .collect();
        escape_text(&phones.join(", "), &mut m);
        m.push_str("</td>");
        notes_cell(&c.notes, &mut m);
        source_cell(idx, &path, &c.source, &mut m);
        m.push_str("</tr>\n");
    }
    m.push_str("</table>\n");
    page(
        idx,
        &path,
        Some(org),
        "contacts",
        &format!("{} \u{2013} Contacts", org.name),
        m,
    )
}

/// `passwords.html`: names, usernames and URLs; the value is always masked.
/// Category and Embedded in appear only when a password of the page has one.
pub fn passwords(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "passwords");
    let list: Vec<_> = idx
        .records
        .passwords
        .iter()
        .filter(|p| p.org == org.key)
        .collect();
    let has_category = list.iter().any(|p| p.category.is_some());
    let has_embedded = list.iter().any(|p| p.embedded_in.is_some());
    let mut m = String::from(
        "<h1>Passwords</h1>\n<p class=\"muted\">Values are masked in the preview; upload sends them to IT Glue.</p>\n<table class=\"list\">\n<tr><th>Name</th><th>Username</th><th>Password</th><th>URL</th>",
    );
    if has_category {
        m.push_str("<th>Category</th>");
    }
    m.push_str("<th>Notes</th>");
    if has_embedded {
        m.push_str("<th>Embedded in</th>");
    }
    m.push_str("<th>Source</th></tr>\n");
    for p in list {
        row_start(&p.key, &mut m);
        m.push_str("<td><strong>");
        escape_text(&p.name, &mut m);
        m.push_str("</strong>");
        record_findings(idx, &p.key, &mut m);
        m.push_str("</td><td class=\"br\">");
        opt(&p.username, &mut m);
        m.push_str("</td><td>");
        if p.password.is_some() {
            let _ = write!(m, "<span class=\"masked\">{MASK}</span>");
        } else {
            // No value: the page had none, or convert ran with --redact.
            m.push_str("<span class=\"muted\">(no value in the bundle)</span>");
        }
        m.push_str("</td><td class=\"br\">");
        opt(&p.url, &mut m);
        m.push_str("</td>");
        if has_category {
            m.push_str("<td>");
            opt(&p.category, &mut m);
            m.push_str("</td>");
        }
        notes_cell(&p.notes, &mut m);
        if has_embedded {
            m.push_str("<td>");
            match &p.embedded_in {
                Some(k) => {
                    let label = idx
                        .docs
                        .get(k.as_str())
                        .map(|d| d.name.as_str())
                        .unwrap_or(k);
                    link_to(idx, &path, k, label, &mut m)
                }
                None => m.push_str("<span class=\"muted\">\u{2014}</span>"),
            }
            m.push_str("</td>");
        }
        source_cell(idx, &path, &p.source, &mut m);
        m.push_str("</tr>\n");
    }
    m.push_str("</table>\n");
    page(
        idx,
        &path,
        Some(org),
        "passwords",
        &format!("{} \u{2013} Passwords", org.name),
        m,
    )
}
