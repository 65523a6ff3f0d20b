//! report.html: the findings of a run for a person, self-contained (no scripts,
//! no network).

use std::collections::BTreeMap;

use crate::model::Finding;
use crate::render::{escape_attr, escape_text};

/// Counts shown at the top: (label, number).
pub type Totals = Vec<(String, u64)>;

pub fn render(title: &str, totals: &Totals, findings: &[Finding]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape_text(title, &mut h);
    h.push_str("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}</style>\n</head>\n<body>\n<h1>");
    escape_text(title, &mut h);
    h.push_str("</h1>\n<h2>Totals</h2>\n<table>\n");
    for (label, n) in totals {
        h.push_str("<tr><th>");
        escape_text(label, &mut h);
        h.push_str(&format!("</th><td>{n}</td></tr>\n"));
    }
    h.push_str("</table>\n<h2>Findings</h2>\n");
    let mut by_code: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_code.entry(f.code.as_str()).or_default().push(f);
    }
    for (code, list) in by_code {
        h.push_str("<h3>");
        escape_text(code, &mut h);
        h.push_str(&format!(" ({})</h3>\n<table>\n", list.len()));
        for f in list {
            h.push_str("<tr><td>");
            if let Some(p) = &f.page {
                if let Some(rest) = p.strip_prefix("doc/") {
                    let href = format!("documents/{rest}.html");
                    h.push_str("<a href=\"");
                    escape_attr(&href, &mut h);
                    h.push_str("\">");
                    escape_text(p, &mut h);
                    h.push_str("</a>");
                } else {
                    escape_text(p, &mut h);
                }
            }
            h.push_str("</td><td>");
            escape_text(f.entry.as_deref().unwrap_or(""), &mut h);
            h.push_str("</td><td>");
            escape_text(&f.message, &mut h);
            h.push_str("</td></tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}
