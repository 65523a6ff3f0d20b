//! In-page anchors: which ids each page offers (headings and anchor macros), and
//! matching a link's `#fragment` to one of them.
//!
//! Confluence writes the same heading's anchor in two styles: the HTML export's
//! heading ids are `PageTitle-HeadingText` (spaces removed), while links made in
//! the Cloud editor say `#Heading-Text`. A fragment that is not literally an id of
//! its target page is matched by its letters and digits alone, with or without
//! the page-title prefix; what still matches nothing is reported by the caller.

use std::collections::HashMap;

use crate::model::{Block, Inline};

/// The anchor ids of one page, in document order.
pub fn collect(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Para(i) => inlines(i, out),
            Block::Heading {
                anchor, content, ..
            } => {
                if let Some(a) = anchor {
                    out.push(a.clone());
                }
                inlines(content, out);
            }
            Block::List { items, .. } => items.iter().for_each(|i| collect(i, out)),
            Block::TaskList(tasks) => tasks.iter().for_each(|t| collect(&t.body, out)),
            Block::Table(t) => {
                for row in &t.rows {
                    for cell in &row.cells {
                        collect(&cell.blocks, out);
                    }
                }
            }
            Block::Panel { title, body, .. } => {
                if let Some(t) = title {
                    inlines(t, out);
                }
                collect(body, out);
            }
            Block::Expand { title, body } => {
                inlines(title, out);
                collect(body, out);
            }
            Block::Quote(b) | Block::Group(b) => collect(b, out),
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

fn inlines(items: &[Inline], out: &mut Vec<String>) {
    for i in items {
        match i {
            Inline::Anchor(a) => out.push(a.clone()),
            Inline::Styled(_, c) | Inline::Link { content: c, .. } => inlines(c, out),
            _ => {}
        }
    }
}

/// Letters and digits only, lowercase: the part of an anchor both styles share.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The anchors of one page, ready for lookups.
#[derive(Debug, Default)]
pub struct PageAnchors {
    exact: Vec<String>,
    /// Squashed id (whole, and without the page-title prefix) → the first id.
    loose: HashMap<String, usize>,
}

impl PageAnchors {
    pub fn new(title: &str, ids: Vec<String>) -> PageAnchors {
        let prefix = squash(title);
        let mut loose = HashMap::new();
        // Whole ids first, so they win over a stripped form of another id.
        for (n, id) in ids.iter().enumerate() {
            loose.entry(squash(id)).or_insert(n);
        }
        for (n, id) in ids.iter().enumerate() {
            let s = squash(id);
            if let Some(rest) = s.strip_prefix(&prefix).filter(|r| !r.is_empty()) {
                loose.entry(rest.to_string()).or_insert(n);
            }
            // The export's own prefix, up to its first '-', when the title has
            // characters the id drops differently.
            if let Some((_, rest)) = id.split_once('-') {
                let r = squash(rest);
                if !r.is_empty() {
                    loose.entry(r).or_insert(n);
                }
            }
        }
        PageAnchors { exact: ids, loose }
    }

    /// The id a fragment means on this page, if any.
    pub fn find(&self, fragment: &str) -> Option<&str> {
        if let Some(id) = self.exact.iter().find(|a| *a == fragment) {
            return Some(id);
        }
        // Cloud links percent-encode the fragment (`Step-1%3A-Intro`).
        let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        let s = squash(&decoded);
        if s.is_empty() {
            return None;
        }
        self.loose.get(&s).map(|&n| self.exact[n].as_str())
    }
}

/// Page id → its anchors.
pub type Anchors = HashMap<String, PageAnchors>;

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> PageAnchors {
        PageAnchors::new(
            "POI Setup",
            vec![
                "POISetup-Definitions:".into(),
                "POISetup-poi-camera".into(),
                "POISetup-BeforeBeginning".into(),
                "custom".into(),
            ],
        )
    }

    #[test]
    fn exact_ids_are_kept() {
        assert_eq!(page().find("custom"), Some("custom"));
        assert_eq!(
            page().find("POISetup-poi-camera"),
            Some("POISetup-poi-camera")
        );
    }

    #[test]
    fn cloud_style_fragments_find_the_export_heading() {
        let p = page();
        assert_eq!(p.find("Before-Beginning"), Some("POISetup-BeforeBeginning"));
        assert_eq!(p.find("poi-camera"), Some("POISetup-poi-camera"));
        assert_eq!(p.find("Definitions"), Some("POISetup-Definitions:"));
        assert_eq!(p.find("Definitions%3A"), Some("POISetup-Definitions:"));
    }

    #[test]
    fn a_prefix_with_punctuation_is_stripped_at_its_dash() {
        let p = PageAnchors::new(
            "Technical Documentation: AMB",
            vec!["TechnicalDocumentation:AMB-OpenCompartment".into()],
        );
        assert_eq!(
            p.find("OpenCompartment"),
            Some("TechnicalDocumentation:AMB-OpenCompartment")
        );
    }

    #[test]
    fn unknown_fragments_match_nothing() {
        assert_eq!(page().find("Nowhere"), None);
        assert_eq!(page().find("--"), None);
        assert_eq!(PageAnchors::default().find("x"), None);
    }
}
