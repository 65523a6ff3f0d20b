//! The report of a run: report.json (every finding, sorted, with a summary by code)
//! and report.html for a person.

mod html;
pub mod work;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Finding;

pub use html::{
    Input as HtmlInput, OPEN_GROUP_MAX, WORK_SHOWN, render as render_html, render_to as write_html,
};

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub summary: BTreeMap<&'static str, usize>,
    pub findings: &'a [Finding],
}

/// Sorts findings the way the bundle stores them: code, page, entry, message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.code.as_str(), &a.page, &a.entry, &a.message, &a.detail).cmp(&(
            b.code.as_str(),
            &b.page,
            &b.entry,
            &b.message,
            &b.detail,
        ))
    });
}

pub fn summary(findings: &[Finding]) -> BTreeMap<&'static str, usize> {
    let mut s = BTreeMap::new();
    for f in findings {
        *s.entry(f.code.as_str()).or_default() += 1;
    }
    s
}

/// report.json bytes (findings must be sorted).
pub fn to_json(findings: &[Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&mut out, findings).expect("writing to memory does not fail");
    out
}

/// [`to_json`] written to `w` as it is serialized.
pub fn write_json(w: &mut dyn std::io::Write, findings: &[Finding]) -> std::io::Result<()> {
    let report = Report {
        summary: summary(findings),
        findings,
    };
    serde_json::to_writer_pretty(&mut *w, &report).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests;
