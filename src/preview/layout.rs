//! The page shell of the preview: a top bar, IT Glue's sidebar for the current
//! organization, and the main column; plus the site's landing page and the
//! findings box shown at the top of a document.

use std::fmt::Write;

use super::{Index, paths};
use crate::bundle::Organization;
use crate::model::Finding;
use crate::render::{escape_attr, escape_text};

/// The preview's one stylesheet (`preview/style.css`); system fonts only.
pub const CSS: &str = "\
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f3f5f7}
a{color:#0b63c5;text-decoration:none}a:hover{text-decoration:underline}
.top{background:#16243a;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:baseline}
.top a{color:#cfe0ff}.top .brand{font-weight:700;color:#fff}
.wrap{display:flex;min-height:calc(100vh - 42px)}
nav.side{width:230px;flex:none;background:#fff;border-right:1px solid #dde3ea;padding:12px 0}
nav.side .org{font-weight:700;padding:4px 16px 10px;border-bottom:1px solid #eef1f4;margin-bottom:6px}
nav.side a,nav.side span{display:block;padding:5px 16px;color:#33415c}
nav.side a.on{background:#e8f1fd;border-left:3px solid #0b63c5;padding-left:13px;font-weight:600}
nav.side .sub{padding-left:30px;font-size:13px}
nav.side .n{float:right;color:#7b8794;font-size:12px}
main{flex:1;min-width:0;padding:18px 28px;max-width:1100px}
.crumbs{color:#7b8794;font-size:13px;margin-bottom:6px}
h1{font-size:22px;margin:0 0 12px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:4px;padding:14px 18px;margin-bottom:14px}
.doc img{max-width:100%;height:auto}
.doc table{border-collapse:collapse;margin:8px 0}.doc td,.doc th{border:1px solid #c9d1da;padding:4px 8px;vertical-align:top}
.doc th{background:#f3f5f7}
.doc pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:8px;overflow:auto}
.findings{border-left:4px solid #d97706;background:#fff8eb}
.findings ul{margin:4px 0 0;padding-left:18px}
.sev-warning{color:#b45309}.sev-error{color:#b91c1c}.sev-info{color:#52606d}
table.list{border-collapse:collapse;width:100%;background:#fff}
table.list th,table.list td{border-bottom:1px solid #e4e7eb;padding:6px 8px;text-align:left;vertical-align:top}
table.list th{background:#f8fafc;font-weight:600}
table.list td.br{overflow-wrap:anywhere}
.pre{white-space:pre-wrap}
.rf{margin:4px 0 0;padding-left:16px;font-size:12px}
ul.tree{list-style:none;padding-left:18px;margin:2px 0}ul.tree.top{padding-left:0}
.folder{font-weight:600}.folder::before{content:'\\1F4C1  '}.docl::before{content:'\\1F4C4  '}
.masked{font-family:monospace;letter-spacing:1px;color:#52606d}
.muted{color:#7b8794}
";

/// A whole preview page at `path`, with the sidebar of `org` (None on the landing page).
pub fn page(
    idx: &Index,
    path: &str,
    org: Option<&Organization>,
    active: &str,
    title: &str,
    mut main: String,
) -> String {
    let mut h = String::with_capacity(4096);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape_text(title, &mut h);
    h.push_str(" \u{2013} preview</title>\n<link rel=\"stylesheet\" href=\"");
    h.push_str(&paths::href(
        path,
        &format!("{}/style.css", paths::ROOT),
        None,
    ));
    h.push_str("\">\n</head>\n<body>\n<div class=\"top\"><span class=\"brand\">cf2itglue preview</span><a href=\"");
    h.push_str(&paths::href(path, &paths::index(), None));
    h.push_str("\">Organizations</a><a href=\"");
    h.push_str(&paths::href(path, "report.html", None));
    h.push_str("\">Report</a></div>\n<div class=\"wrap\">\n");
    if let Some(org) = org {
        sidebar(idx, path, org, active, &mut h);
    }
    h.push_str("<main>\n");
    // The shell goes in front of the content, in the content's own buffer: a
    // list page of tens of thousands of rows is never held twice.
    main.insert_str(0, &h);
    main.push_str("</main>\n</div>\n</body>\n</html>\n");
    main
}

fn sidebar(idx: &Index, path: &str, org: &Organization, active: &str, h: &mut String) {
    let r = idx.records;
    let c = idx
        .counts
        .get(org.key.as_str())
        .copied()
        .unwrap_or_default();
    h.push_str("<nav class=\"side\">\n<div class=\"org\">");
    escape_text(&org.name, h);
    h.push_str("</div>\n");
    let item = |section: &str, label: &str, n: Option<usize>, h: &mut String| {
        let _ = write!(
            h,
            "<a href=\"{}\"{}>",
            paths::href(path, &paths::org_page(&org.key, section), None),
            if section == active {
                " class=\"on\""
            } else {
                ""
            }
        );
        escape_text(label, h);
        if let Some(n) = n {
            let _ = write!(h, "<span class=\"n\">{n}</span>");
        }
        h.push_str("</a>\n");
    };
    item("index", "Overview", None, h);
    item("documents", "Documents", Some(c.documents), h);
    item("flexible-assets", "Flexible Assets", None, h);
    let target = paths::org_page(&org.key, "flexible-assets");
    for t in &r.flexible_asset_types {
        let n = idx
            .fa_counts
            .get(&(org.key.as_str(), t.key.as_str()))
            .copied()
            .unwrap_or(0);
        if n == 0 {
            continue;
        }
        let _ = write!(
            h,
            "<a class=\"sub\" href=\"{}\">",
            paths::href(path, &target, Some(&paths::anchor(&t.key)))
        );
        escape_text(&t.name, h);
        let _ = writeln!(h, "<span class=\"n\">{n}</span></a>");
    }
    item(
        "configurations",
        "Configurations",
        Some(c.configurations),
        h,
    );
    item("contacts", "Contacts", Some(c.contacts), h);
    item("passwords", "Passwords", Some(c.passwords), h);
    h.push_str("</nav>\n");
}

/// The landing page: every organization with its counts.
pub fn site_index(idx: &Index) -> String {
    let path = paths::index();
    let mut m = String::from(
        "<h1>Organizations</h1>\n<table class=\"list\">\n<tr><th>Organization</th><th>Match</th><th>Documents</th><th>Folders</th></tr>\n",
    );
    for org in &idx.records.organizations {
        let _ = write!(
            m,
            "<tr><td><a href=\"{}\">",
            paths::href(&path, &paths::org_page(&org.key, "index"), None)
        );
        escape_text(&org.name, &mut m);
        m.push_str("</a></td><td>");
        escape_text(&org.match_, &mut m);
        let docs = idx
            .records
            .documents
            .iter()
            .filter(|d| d.org == org.key)
            .count();
        let folders = idx
            .records
            .folders
            .iter()
            .filter(|d| d.org == org.key)
            .count();
        let _ = writeln!(m, "</td><td>{docs}</td><td>{folders}</td></tr>");
    }
    m.push_str("</table>\n");
    page(idx, &path, None, "", "Organizations", m)
}

/// The findings box at the top of a document (nothing when there are none).
pub fn findings_box(list: &[&Finding], h: &mut String) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<div class=\"card findings\"><strong>{} finding{} on this document</strong>\n<ul>",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    for f in list {
        let sev = match f.severity {
            crate::model::Severity::Info => "info",
            crate::model::Severity::Warning => "warning",
            crate::model::Severity::Error => "error",
        };
        let _ = write!(
            h,
            "<li><span class=\"sev-{sev}\">{}</span> ",
            f.code.as_str()
        );
        escape_text(&f.message, h);
        h.push_str("</li>\n");
    }
    h.push_str("</ul></div>\n");
}

/// A link from `path` to where `key` is shown, or its text alone when it has no page.
pub fn link_to(idx: &Index, path: &str, key: &str, text: &str, h: &mut String) {
    match idx.location(key) {
        Some((to, frag)) => {
            h.push_str("<a href=\"");
            escape_attr(&paths::href(path, &to, frag.as_deref()), h);
            h.push_str("\">");
            escape_text(text, h);
            h.push_str("</a>");
        }
        None => escape_text(text, h),
    }
}
