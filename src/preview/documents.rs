//! The Documents section of an organization (its folder tree) and one page per
//! document: breadcrumb, findings at the top, the body as upload will send it with
//! images from the bundle's blobs, links to other documents, and its attachments.

use std::fmt::Write;

use super::layout::{findings_box, link_to, page};
use super::{Index, paths};
use crate::bundle::{Document, Organization};
use crate::render::{escape_attr, escape_text};

/// `documents.html`: every folder and document of `org`, nested as in IT Glue.
pub fn tree(idx: &Index, org: &Organization) -> String {
    let path = paths::org_page(&org.key, "documents");
    let mut m = String::from("<h1>Documents</h1>\n<div class=\"card\">\n");
    if !idx.children.contains_key(&(org.key.as_str(), None)) {
        m.push_str("<p class=\"muted\">No documents.</p>\n");
    }
    level(idx, &path, &org.key, None, 0, true, &mut m);
    m.push_str("</div>\n");
    page(
        idx,
        &path,
        Some(org),
        "documents",
        &format!("{} \u{2013} Documents", org.name),
        m,
    )
}

fn level(
    idx: &Index,
    path: &str,
    org: &str,
    folder: Option<&str>,
    depth: usize,
    top: bool,
    m: &mut String,
) {
    let Some((folders, docs)) = idx.children.get(&(org, folder)) else {
        return;
    };
    if depth > 64 {
        return;
    }
    m.push_str(if top {
        "<ul class=\"tree top\">\n"
    } else {
        "<ul class=\"tree\">\n"
    });
    for f in folders {
        m.push_str("<li><span class=\"folder\" id=\"");
        escape_attr(&paths::anchor(&f.key), m);
        m.push_str("\">");
        escape_text(&f.name, m);
        m.push_str("</span>\n");
        level(idx, path, org, Some(&f.key), depth + 1, false, m);
        m.push_str("</li>\n");
    }
    for d in docs {
        m.push_str("<li class=\"docl\">");
        link_to(idx, path, &d.key, &d.name, m);
        let n = idx.doc_findings(d).len();
        if n > 0 {
            let _ = write!(
                m,
                " <span class=\"muted\">({n} finding{})</span>",
                if n == 1 { "" } else { "s" }
            );
        }
        m.push_str("</li>\n");
    }
    m.push_str("</ul>\n");
}

/// The preview of one document; `html` is its body file as staged.
pub fn page_html(idx: &Index, doc: &Document, html: &str) -> String {
    let path = paths::document(&doc.content);
    let docs_page = paths::org_page(&doc.org, "documents");
    let mut m = String::with_capacity(html.len() + 2048);
    m.push_str("<div class=\"crumbs\"><a href=\"");
    escape_attr(&paths::href(&path, &docs_page, None), &mut m);
    m.push_str("\">Documents</a>");
    for f in idx.folder_path(doc.folder.as_deref()) {
        m.push_str(" \u{203a} <a href=\"");
        escape_attr(
            &paths::href(&path, &docs_page, Some(&paths::anchor(&f.key))),
            &mut m,
        );
        m.push_str("\">");
        escape_text(&f.name, &mut m);
        m.push_str("</a>");
    }
    m.push_str("</div>\n<h1>");
    escape_text(&doc.name, &mut m);
    m.push_str("</h1>\n");
    findings_box(&idx.doc_findings(doc), &mut m);
    m.push_str("<div class=\"card doc\">\n");
    m.push_str(&rewrite_body(idx, &path, body_of(html)));
    m.push_str("</div>\n");
    let files: Vec<_> = idx
        .attachments
        .get(doc.key.as_str())
        .map(|v| v.as_slice())
        .unwrap_or(&[])
        .iter()
        .filter(|a| !a.inline)
        .collect();
    if !files.is_empty() {
        let _ = writeln!(
            m,
            "<div class=\"card\"><strong>Attachments ({})</strong>\n<ul>",
            files.len()
        );
        for a in files {
            m.push_str("<li><a href=\"");
            escape_attr(&paths::href(&path, &paths::blob(&a.blake3), None), &mut m);
            m.push_str("\">");
            escape_text(&a.file_name, &mut m);
            let _ = writeln!(m, "</a> <span class=\"muted\">{} bytes</span></li>", a.size);
        }
        m.push_str("</ul></div>\n");
    }
    let org = idx.orgs.get(doc.org.as_str()).copied();
    page(idx, &path, org, "documents", &doc.name, m)
}

/// The inside of `<body>` of a staged document (the whole text if it has none).
fn body_of(html: &str) -> &str {
    let start = html.find("<body>").map(|i| i + "<body>".len()).unwrap_or(0);
    let end = html
        .rfind("</body>")
        .filter(|&e| e >= start)
        .unwrap_or(html.len());
    html[start..end].trim_matches('\n')
}

/// Adapts a staged body to the preview page's place: blob references gain one
/// `../` (the preview sits one folder deeper than `documents/`), links to other
/// records get an href into the preview, and images from the web are not loaded.
fn rewrite_body(idx: &Index, path: &str, body: &str) -> String {
    let body = body
        .replace(" src=\"../../blobs/", " src=\"../../../blobs/")
        .replace(" href=\"../../blobs/", " href=\"../../../blobs/");
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end..];
        if let Some(key) = tag
            .strip_prefix("<a data-cf2itglue-ref=\"")
            .and_then(|t| t.split('"').next())
        {
            let key = unescape(key);
            match idx.location(&key) {
                Some((to, frag)) => {
                    out.push_str("<a href=\"");
                    escape_attr(&paths::href(path, &to, frag.as_deref()), &mut out);
                    out.push('"');
                    out.push_str(&tag[2..]);
                }
                None => out.push_str(tag),
            }
        } else if tag.starts_with("<img ")
            && (tag.contains(" src=\"http://") || tag.contains(" src=\"https://"))
        {
            let url = tag
                .split(" src=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .unwrap_or("");
            out.push_str("<span class=\"muted\" style=\"display:inline-block;border:1px dashed #9aa5b1;padding:4px 8px\">image from the web, not loaded in the preview: ");
            out.push_str(url);
            out.push_str("</span>");
        } else {
            out.push_str(tag);
        }
    }
    out.push_str(rest);
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
