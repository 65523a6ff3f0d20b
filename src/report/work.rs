//! Which pages need a person before upload, and why: unsupported macros, images
//! that are missing, links back to the old wiki, a body empty after conversion, or
//! so many converted macros that the layout should be checked by eye; for a record
//! (flexible asset, configuration), field values left empty because they were invalid.

use std::collections::BTreeMap;

use crate::preview::Index;

/// A page converted with at least this many macros is "macro-heavy".
pub const MACRO_HEAVY: usize = 5;

/// One page that needs manual work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// The document key (or folder key when the page became only a folder).
    pub key: String,
    /// Readable reasons, most serious first.
    pub reasons: Vec<String>,
    weight: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Pages needing work, the most work first (then by key).
pub fn pages_needing_work(idx: &Index) -> Vec<WorkItem> {
    // Findings per page, a folder's counted with the document of the same page.
    let mut per: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for (page, list) in &idx.findings {
        let key = match page.strip_prefix("folder/") {
            Some(rest) if idx.docs.contains_key(format!("doc/{rest}").as_str()) => {
                format!("doc/{rest}")
            }
            _ => page.to_string(),
        };
        let counts = per.entry(key).or_default();
        for f in list {
            *counts.entry(f.code.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (key, counts) in per {
        let n = |code: &str| counts.get(code).copied().unwrap_or(0);
        let mut reasons = Vec::new();
        let mut weight = 0;
        let unsupported = n("macro-unsupported");
        if unsupported > 0 {
            reasons.push(plural(
                unsupported,
                "unsupported macro",
                "unsupported macros",
            ));
            weight += 100 + unsupported;
        }
        let images = n("image-missing");
        if images > 0 {
            reasons.push(plural(images, "image missing", "images missing"));
            weight += 100 + images;
        }
        if n("page-empty") > 0 {
            reasons.push("empty after conversion".to_string());
            weight += 100;
        }
        let old = n("link-to-old-wiki");
        if old > 0 {
            reasons.push(plural(old, "link to the old wiki", "links to the old wiki"));
            weight += 50 + old;
        }
        let invalid = n("field-invalid");
        if invalid > 0 {
            reasons.push(plural(
                invalid,
                "field value left empty (invalid)",
                "field values left empty (invalid)",
            ));
            weight += 20 + invalid;
        }
        let converted = n("macro-converted");
        if converted >= MACRO_HEAVY {
            reasons.push(format!("macro-heavy ({converted} macros converted)"));
            weight += 10 + converted;
        }
        if !reasons.is_empty() {
            out.push(WorkItem {
                key,
                reasons,
                weight,
            });
        }
    }
    out.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.key.cmp(&b.key)));
    out
}
