//! Confluence storage format (the XHTML of XML exports and CSV backups) → the model's
//! Block/Inline tree. Shared by `read::xml` and `read::csv`. Links and images come
//! out by title and file name (`PageRef::Title`, `AttachmentRef::file_name`) for
//! `transform::links` to resolve; `@self`/`@parent`/`@home` are resolved here
//! because only the reader knows the tree. Macros go through the registry in
//! `macros/`, one family per file.

mod blocks;
pub mod dom;
pub mod entities;
mod links;
pub mod macros;

use std::collections::BTreeSet;

use crate::model::{Block, Code, Finding, Inline};

/// What the converter needs to know about the rest of the export.
pub trait Site: Sync {
    fn title_of(&self, page_id: &str) -> Option<String>;
    fn parent_of(&self, page_id: &str) -> Option<String>;
    fn home(&self) -> Option<String>;
    /// Live child pages of a page, in tree order: (id, title).
    fn children(&self, page_id: &str) -> Vec<(String, String)>;
    /// A live page by space key (default: this space) and title, case-insensitive.
    fn find_title(&self, space: Option<&str>, title: &str) -> Option<String>;
    /// The storage-format body of a live page (for include / excerpt-include).
    fn storage_of(&self, page_id: &str) -> Option<String>;
    /// A person's display name from a user key, account id or user name.
    fn user(&self, key: &str) -> Option<String>;
    /// File names of a page's live attachments, in order.
    fn attachments(&self, page_id: &str) -> Vec<String>;
}

/// The page being converted.
pub struct PageCtx<'a> {
    pub site: &'a dyn Site,
    pub space: &'a str,
    pub page_id: &'a str,
    pub title: &'a str,
}

/// Blocks of one body, with the findings met on the way.
#[derive(Debug, Default)]
pub struct Converted {
    pub blocks: Vec<Block>,
    pub findings: Vec<Finding>,
}

/// Converts one storage-format body.
pub fn convert(storage: &str, ctx: &PageCtx) -> Converted {
    let mut conv = Conv::new(ctx);
    let blocks = conv.fragment(storage);
    Converted {
        blocks,
        findings: conv.findings,
    }
}

/// The converter state for one page.
pub struct Conv<'a> {
    pub ctx: &'a PageCtx<'a>,
    pub findings: Vec<Finding>,
    /// Macro families already reported on this page (one finding per family).
    reported: BTreeSet<String>,
    /// Page ids being included (guards include cycles).
    pub including: Vec<String>,
    /// Headings of the fragment being converted: (level, anchor, text), for toc.
    pub headings: Vec<(u8, String, String)>,
}

impl<'a> Conv<'a> {
    pub fn new(ctx: &'a PageCtx<'a>) -> Conv<'a> {
        Conv {
            ctx,
            findings: Vec::new(),
            reported: BTreeSet::new(),
            including: vec![ctx.page_id.to_string()],
            headings: Vec::new(),
        }
    }

    /// Parses and converts a fragment (this page's body or an included one).
    pub fn fragment(&mut self, storage: &str) -> Vec<Block> {
        let (root, error, repaired) = dom::parse_repairing(storage);
        if repaired {
            self.finding(
                Code::StorageRepaired,
                "the body has a CDATA section that is never closed (a hand-edited export?); \
                 it was closed at its last `]] >` or at the end of its element",
            );
        }
        if let Some(e) = error {
            self.finding(
                Code::PageUnreadable,
                format!("the page body is not well-formed storage format; content after the error is lost ({e})"),
            );
        }
        let saved = std::mem::replace(
            &mut self.headings,
            blocks::collect_headings(&root, self.ctx.title),
        );
        let out = self.blocks(&root.children);
        self.headings = saved;
        out
    }

    pub fn finding(&mut self, code: Code, message: impl Into<String>) {
        self.findings
            .push(Finding::new(code, message).on_page(self.ctx.space, self.ctx.page_id));
    }

    /// A `macro-converted` finding, once per family and page.
    pub fn converted(&mut self, family: &str, what: &str) {
        if self.reported.insert(format!("ok:{family}")) {
            self.finding(
                Code::MacroConverted,
                format!("{family} macro converted: {what}"),
            );
        }
    }

    /// A `macro-unsupported` finding, once per macro name and page.
    pub fn unsupported(&mut self, name: &str, what: &str) {
        if self.reported.insert(format!("no:{name}")) {
            self.finding(Code::MacroUnsupported, format!("{name} macro: {what}"));
        }
    }
}

/// Anchors as Confluence renders them: `PageTitle-Name`, white space removed.
pub fn anchor_id(page_title: &str, name: &str) -> String {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    format!("{}-{}", squash(page_title), squash(name))
}

/// Convenience for tests and callers that want plain text of inlines.
pub fn text_of(inlines: &[Inline]) -> String {
    Inline::plain_text(inlines)
}

#[cfg(test)]
pub mod testing {
    //! A tiny in-memory `Site` for unit and golden tests.
    use super::Site;
    use std::collections::BTreeMap;

    #[derive(Default)]
    pub struct FakeSite {
        /// id → (title, parent, storage)
        pub pages: BTreeMap<String, (String, Option<String>, String)>,
        pub users: BTreeMap<String, String>,
        pub files: BTreeMap<String, Vec<String>>,
    }

    impl Site for FakeSite {
        fn title_of(&self, id: &str) -> Option<String> {
            self.pages.get(id).map(|p| p.0.clone())
        }
        fn parent_of(&self, id: &str) -> Option<String> {
            self.pages.get(id).and_then(|p| p.1.clone())
        }
        fn home(&self) -> Option<String> {
            self.pages.keys().next().cloned()
        }
        fn children(&self, id: &str) -> Vec<(String, String)> {
            self.pages
                .iter()
                .filter(|(_, p)| p.1.as_deref() == Some(id))
                .map(|(k, p)| (k.clone(), p.0.clone()))
                .collect()
        }
        fn find_title(&self, _space: Option<&str>, title: &str) -> Option<String> {
            self.pages
                .iter()
                .find(|(_, p)| p.0.eq_ignore_ascii_case(title))
                .map(|(k, _)| k.clone())
        }
        fn storage_of(&self, id: &str) -> Option<String> {
            self.pages.get(id).map(|p| p.2.clone())
        }
        fn user(&self, key: &str) -> Option<String> {
            self.users.get(key).cloned()
        }
        fn attachments(&self, id: &str) -> Vec<String> {
            self.files.get(id).cloned().unwrap_or_default()
        }
    }
}
