//! report.html: what a run staged and what it lost, for a person, in one
//! self-contained page (inline CSS and SVG, no scripts, no fonts, no network).
//!
//! Order of the page, most urgent first: the headline numbers, the pages that need
//! manual work, what each page became (a bar chart), totals per organization and
//! kind, and every finding grouped by code, each linking to the affected document.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use super::work::{self, WorkItem};
use crate::bundle::Records;
use crate::model::{Finding, Severity};
use crate::preview::{Index, paths};
use crate::render::{escape_attr, escape_text};

/// Everything the report is made from.
pub struct Input<'a> {
    pub title: &'a str,
    pub records: &'a Records,
    /// Sorted as in report.json.
    pub findings: &'a [Finding],
    /// Pages read from the exports (every one became something or has a finding).
    pub pages: usize,
    /// Whether `preview/` is written: links then go to the preview pages, else to
    /// the document bodies under `documents/`.
    pub preview: bool,
}

const CSS: &str = "\
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f3f5f7}
header{background:#16243a;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cfe0ff}
header a{color:#cfe0ff}
main{padding:16px 28px;max-width:1200px}
h2{font-size:17px;margin:22px 0 8px}
a{color:#0b63c5;text-decoration:none}a:hover{text-decoration:underline}
.tiles{display:flex;gap:12px;flex-wrap:wrap}
.tile{background:#fff;border:1px solid #dde3ea;border-radius:4px;padding:8px 14px;min-width:140px}
.tile .n{font-size:28px;font-weight:700;display:block}
.tile.bad .n{color:#b45309}.tile.ok .n{color:#1f7a3a}
.card{background:#fff;border:1px solid #dde3ea;border-radius:4px;padding:12px 16px;margin-bottom:12px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e4e7eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f8fafc;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:700}
.muted{color:#7b8794}
.sev-warning{color:#b45309}.sev-error{color:#b91c1c}.sev-info{color:#52606d}
details{background:#fff;border:1px solid #dde3ea;border-radius:4px;margin-bottom:8px}
details summary{padding:8px 12px;cursor:pointer;font-weight:600}
details table{border-top:1px solid #dde3ea}
.reason{display:inline-block;background:#fff4e0;border:1px solid #f3c98b;border-radius:3px;padding:0 6px;margin:1px 4px 1px 0;font-size:12px}
code{font-size:12px}
";

/// The whole page in memory (tests, small runs); convert streams it with
/// [`render_to`].
pub fn render(input: &Input) -> String {
    let mut out = Vec::new();
    render_to(input, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the report is built from strings")
}

/// Writes the page to `out` as it is made: the findings (most of a large run's
/// report, tens of MB on an export of 40,000 pages) go out a few rows at a time.
pub fn render_to(input: &Input, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let idx = Index::new(input.records, input.findings);
    let links = Links {
        idx: &idx,
        preview: input.preview,
    };
    let work = work::pages_needing_work(&idx);
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape_text(input.title, &mut h);
    h.push_str("</title>\n<style>\n");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<header><h1>");
    escape_text(input.title, &mut h);
    h.push_str("</h1><p>What convert staged for IT Glue and what needs a person before upload.");
    if input.preview {
        h.push_str(" <a href=\"preview/index.html\">Open the preview</a>");
    }
    h.push_str("</p></header>\n<main>\n");
    tiles(input, &work, &mut h);
    manual_work(&links, &work, &mut h);
    became_chart(input, &mut h);
    totals(input, &idx, &mut h);
    findings(input, &links, &mut h, out)?;
    h.push_str("</main>\n</body>\n</html>\n");
    out.write_all(h.as_bytes())
}

/// How much of the page is held before it is written out.
const CHUNK: usize = 64 * 1024;

/// Where the report links a record key to.
struct Links<'a, 'b> {
    idx: &'b Index<'a>,
    preview: bool,
}

impl Links<'_, '_> {
    /// The document a key stands for: itself, or the document made from the
    /// same page as a folder.
    fn doc_key(&self, key: &str) -> Option<String> {
        if self.idx.docs.contains_key(key) {
            return Some(key.to_string());
        }
        let rest = key.strip_prefix("folder/")?;
        let k = format!("doc/{rest}");
        self.idx.docs.contains_key(k.as_str()).then_some(k)
    }

    /// (href, label) for a key, or None when nothing in the bundle shows it.
    fn target(&self, key: &str) -> Option<(String, String)> {
        if let Some(k) = self.doc_key(key) {
            let d = self.idx.docs[k.as_str()];
            let to = if self.preview {
                paths::document(&d.content)
            } else {
                d.content.clone()
            };
            return Some((paths::href("report.html", &to, None), d.name.clone()));
        }
        if !self.preview {
            return None;
        }
        let (to, frag) = self.idx.location(key)?;
        let label = self
            .idx
            .folders
            .get(key)
            .map(|f| format!("{} (folder)", f.name))
            .unwrap_or_else(|| key.to_string());
        Some((paths::href("report.html", &to, frag.as_deref()), label))
    }

    /// A link to `key` labelled with its name, the key in small print beside it.
    fn write(&self, key: &str, h: &mut String) {
        match self.target(key) {
            Some((href, label)) => {
                h.push_str("<a href=\"");
                escape_attr(&href, h);
                h.push_str("\">");
                escape_text(&label, h);
                h.push_str("</a> <code class=\"muted\">");
                escape_text(key, h);
                h.push_str("</code>");
            }
            None => {
                h.push_str("<code>");
                escape_text(key, h);
                h.push_str("</code>");
            }
        }
    }
}

fn tile(n: usize, label: &str, bad: bool, h: &mut String) {
    let class = if bad && n > 0 { "tile bad" } else { "tile ok" };
    let _ = write!(h, "<div class=\"{class}\"><span class=\"n\">{n}</span>");
    escape_text(label, h);
    h.push_str("</div>\n");
}

fn count(findings: &[Finding], code: &str) -> usize {
    findings.iter().filter(|f| f.code.as_str() == code).count()
}

fn tiles(input: &Input, work: &[WorkItem], h: &mut String) {
    let r = input.records;
    let sev = |s: Severity| input.findings.iter().filter(|f| f.severity == s).count();
    h.push_str("<div class=\"tiles\">\n");
    tile(input.pages, "pages read", false, h);
    tile(r.documents.len(), "documents staged", false, h);
    tile(
        r.attachments.iter().filter(|a| a.inline).count(),
        "images staged",
        false,
        h,
    );
    tile(
        count(input.findings, "image-missing"),
        "images missing",
        true,
        h,
    );
    tile(
        count(input.findings, "attachment-missing"),
        "attachments missing",
        true,
        h,
    );
    tile(work.len(), "pages need manual work", true, h);
    tile(sev(Severity::Warning), "warnings", true, h);
    tile(sev(Severity::Error), "errors", true, h);
    h.push_str("</div>\n");
}

/// Pages needing work listed before the rest are folded away.
pub const WORK_SHOWN: usize = 25;

/// A findings group with more entries than this starts folded even when it
/// holds warnings.
pub const OPEN_GROUP_MAX: usize = 50;

fn manual_work(links: &Links, work: &[WorkItem], h: &mut String) {
    let _ = writeln!(
        h,
        "<h2 id=\"manual-work\">Pages that need manual work ({})</h2>",
        work.len()
    );
    if work.is_empty() {
        h.push_str("<p class=\"card\">None: no page has unsupported macros, missing images, links to the old wiki, is empty after conversion or macro-heavy.</p>\n");
        return;
    }
    let row = |w: &WorkItem, h: &mut String| {
        h.push_str("<tr><td>");
        links.write(&w.key, h);
        h.push_str("</td><td>");
        for r in &w.reasons {
            h.push_str("<span class=\"reason\">");
            escape_text(r, h);
            h.push_str("</span>");
        }
        h.push_str("</td></tr>\n");
    };
    let head = "<table>\n<tr><th>Page</th><th>Why</th></tr>\n";
    h.push_str(head);
    for w in work.iter().take(WORK_SHOWN) {
        row(w, h);
    }
    h.push_str("</table>\n");
    // The rest folded, so the chart and totals stay near the top of a big export.
    if work.len() > WORK_SHOWN {
        let _ = writeln!(
            h,
            "<details id=\"manual-work-more\"><summary>{} more pages that need manual work</summary>",
            work.len() - WORK_SHOWN
        );
        h.push_str(head);
        for w in &work[WORK_SHOWN..] {
            row(w, h);
        }
        h.push_str("</table>\n</details>\n");
    }
}

/// Pages per outcome: (label, count, colour).
fn became(input: &Input) -> Vec<(&'static str, usize, &'static str)> {
    let r = input.records;
    let doc_pages: BTreeSet<&str> = r
        .documents
        .iter()
        .filter_map(|d| d.key.strip_prefix("doc/"))
        .collect();
    let folder_only = r
        .folders
        .iter()
        .filter_map(|f| f.key.strip_prefix("folder/"))
        .filter(|k| !doc_pages.contains(k))
        .count();
    let distinct = |it: &mut dyn Iterator<Item = (&str, &str)>| {
        it.filter(|(s, p)| !doc_pages.contains(format!("{s}/{p}").as_str()))
            .collect::<BTreeSet<_>>()
            .len()
    };
    let fa = distinct(
        &mut r
            .flexible_assets
            .iter()
            .map(|x| (x.source.space_key.as_str(), x.source.page_id.as_str())),
    );
    let cfg = distinct(
        &mut r
            .configurations
            .iter()
            .map(|x| (x.source.space_key.as_str(), x.source.page_id.as_str())),
    );
    let contacts = distinct(
        &mut r
            .contacts
            .iter()
            .map(|x| (x.source.space_key.as_str(), x.source.page_id.as_str())),
    );
    let staged = r.documents.len() + folder_only + fa + cfg + contacts;
    vec![
        ("Document", r.documents.len(), "#0b63c5"),
        ("Folder only", folder_only, "#5b8def"),
        ("Flexible asset", fa, "#7c5cc4"),
        ("Configuration", cfg, "#1f7a3a"),
        ("Contact", contacts, "#2a9d8f"),
        (
            "Not staged (see findings)",
            input.pages.saturating_sub(staged),
            "#b45309",
        ),
    ]
}

fn became_chart(input: &Input, h: &mut String) {
    let rows = became(input);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (190usize, 560usize, 28usize);
    let height = rows.len() * row_h + 8;
    let width = label_w + bar_w + 70;
    h.push_str("<h2 id=\"became\">What each page became</h2>\n<div class=\"card\">\n");
    let _ = writeln!(
        h,
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Pages by outcome\" font-family=\"sans-serif\" font-size=\"13\">"
    );
    for (i, (label, n, colour)) in rows.iter().enumerate() {
        let y = 4 + i * row_h;
        let w = if *n == 0 { 0 } else { (n * bar_w / max).max(2) };
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#33415c\">{label}</text>\
<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{colour}\" rx=\"2\"/>\
<text x=\"{}\" y=\"{}\" fill=\"#1f2933\">{n}</text>",
            label_w - 8,
            y + 16,
            row_h - 8,
            label_w + w + 6,
            y + 16,
        );
    }
    h.push_str("</svg>\n");
    let pw = input.records.passwords.len();
    if pw > 0 {
        let _ = writeln!(
            h,
            "<p class=\"muted\">Besides: {pw} password{} taken out of pages into Passwords (values never shown here).</p>",
            if pw == 1 { "" } else { "s" }
        );
    }
    h.push_str("</div>\n");
}

fn totals(input: &Input, idx: &Index, h: &mut String) {
    let r = input.records;
    const KINDS: [&str; 8] = [
        "Documents",
        "Folders",
        "Attachments",
        "of them images",
        "Flexible assets",
        "Configurations",
        "Contacts",
        "Passwords",
    ];
    let mut per: BTreeMap<&str, [usize; 8]> = r
        .organizations
        .iter()
        .map(|o| (o.key.as_str(), [0; 8]))
        .collect();
    let mut add = |org: &str, i: usize| {
        if let Some(row) = per.get_mut(org) {
            row[i] += 1;
        }
    };
    r.documents.iter().for_each(|x| add(&x.org, 0));
    r.folders.iter().for_each(|x| add(&x.org, 1));
    for a in &r.attachments {
        if let Some(org) = idx.org_of.get(a.owner.as_str()) {
            add(org, 2);
            if a.inline {
                add(org, 3);
            }
        }
    }
    r.flexible_assets.iter().for_each(|x| add(&x.org, 4));
    r.configurations.iter().for_each(|x| add(&x.org, 5));
    r.contacts.iter().for_each(|x| add(&x.org, 6));
    r.passwords.iter().for_each(|x| add(&x.org, 7));
    let names: HashMap<&str, &str> = r
        .organizations
        .iter()
        .map(|o| (o.key.as_str(), o.name.as_str()))
        .collect();
    h.push_str(
        "<h2 id=\"totals\">Totals per organization</h2>\n<table>\n<tr><th>Organization</th>",
    );
    for k in KINDS {
        let _ = write!(h, "<th class=\"num\">{k}</th>");
    }
    h.push_str("</tr>\n");
    let mut sum = [0usize; 8];
    for (org, row) in &per {
        h.push_str("<tr><td>");
        if input.preview {
            h.push_str("<a href=\"");
            escape_attr(
                &paths::href("report.html", &paths::org_page(org, "index"), None),
                h,
            );
            h.push_str("\">");
            escape_text(names[org], h);
            h.push_str("</a>");
        } else {
            escape_text(names[org], h);
        }
        h.push_str("</td>");
        for (i, n) in row.iter().enumerate() {
            sum[i] += n;
            let _ = write!(h, "<td class=\"num\">{n}</td>");
        }
        h.push_str("</tr>\n");
    }
    if per.len() > 1 {
        h.push_str("<tr class=\"total\"><td>All</td>");
        for n in sum {
            let _ = write!(h, "<td class=\"num\">{n}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn sev_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

fn findings(
    input: &Input,
    links: &Links,
    h: &mut String,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut by_code: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in input.findings {
        by_code.entry(f.code.as_str()).or_default().push(f);
    }
    let _ = writeln!(
        h,
        "<h2 id=\"findings\">Findings by code ({})</h2>",
        input.findings.len()
    );
    if by_code.is_empty() {
        h.push_str("<p class=\"card\">No findings.</p>\n");
        return Ok(());
    }
    // Most severe codes first, then the most frequent.
    let mut codes: Vec<(&str, Vec<&Finding>)> = by_code.into_iter().collect();
    let worst = |l: &[&Finding]| l.iter().map(|f| f.severity).max();
    codes.sort_by(|a, b| (worst(&b.1), b.1.len(), a.0).cmp(&(worst(&a.1), a.1.len(), b.0)));
    h.push_str("<table>\n<tr><th>Code</th><th>Severity</th><th class=\"num\">Count</th></tr>\n");
    for (code, list) in &codes {
        let sev = sev_name(worst(list).unwrap_or(Severity::Info));
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#code-{code}\">{code}</a></td><td class=\"sev-{sev}\">{sev}</td><td class=\"num\">{}</td></tr>",
            list.len()
        );
    }
    h.push_str("</table>\n<p></p>\n");
    for (code, list) in &codes {
        let sev = worst(list).unwrap_or(Severity::Info);
        let open = if sev >= Severity::Warning && list.len() <= OPEN_GROUP_MAX {
            " open"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<details id=\"code-{code}\"{open}><summary><span class=\"sev-{}\">{code}</span> ({})</summary>",
            sev_name(sev),
            list.len()
        );
        h.push_str("<table>\n<tr><th>Page</th><th>Entry</th><th>Message</th></tr>\n");
        for f in list {
            h.push_str("<tr><td>");
            match &f.page {
                Some(p) => links.write(p, h),
                None => match &f.detail {
                    Some(d) => {
                        h.push_str("<span class=\"muted\">");
                        escape_text(d, h);
                        h.push_str("</span>");
                    }
                    None => h.push_str("<span class=\"muted\">\u{2014}</span>"),
                },
            }
            h.push_str("</td><td>");
            escape_text(f.entry.as_deref().unwrap_or(""), h);
            h.push_str("</td><td>");
            escape_text(&f.message, h);
            h.push_str("</td></tr>\n");
            if h.len() >= CHUNK {
                out.write_all(h.as_bytes())?;
                h.clear();
            }
        }
        h.push_str("</table>\n</details>\n");
    }
    Ok(())
}
