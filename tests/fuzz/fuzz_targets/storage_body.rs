//! The storage-format converter (page bodies of XML exports): convert a body,
//! render it as a bundle document, and check the document against the
//! allow-list. Errors become findings; panics, hangs and blow-ups are bugs.
#![no_main]

use std::collections::HashMap;

use cf2itglue::read::storage::{self, PageCtx, Site};
use cf2itglue::render::{RenderContext, allow, render_document};
use libfuzzer_sys::fuzz_target;

/// A site of two pages, one including the other (and itself), so that include
/// macros, children and page links have something to reach.
struct TwoPages {
    body: String,
}

impl Site for TwoPages {
    fn title_of(&self, id: &str) -> Option<String> {
        matches!(id, "1" | "2").then(|| format!("Page {id}"))
    }
    fn parent_of(&self, id: &str) -> Option<String> {
        (id == "2").then(|| "1".to_string())
    }
    fn home(&self) -> Option<String> {
        Some("1".into())
    }
    fn children(&self, id: &str) -> Vec<(String, String)> {
        if id == "1" {
            vec![("2".into(), "Page 2".into())]
        } else {
            Vec::new()
        }
    }
    fn find_title(&self, _space: Option<&str>, title: &str) -> Option<String> {
        match title {
            "Page 1" => Some("1".into()),
            "Page 2" => Some("2".into()),
            _ => None,
        }
    }
    fn storage_of(&self, id: &str) -> Option<String> {
        matches!(id, "1" | "2").then(|| self.body.clone())
    }
    fn user(&self, key: &str) -> Option<String> {
        (!key.is_empty()).then(|| format!("User {key}"))
    }
    fn attachments(&self, _id: &str) -> Vec<String> {
        vec!["a.png".into(), "b.pdf".into()]
    }
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data).into_owned();
    let site = TwoPages { body: body.clone() };
    let ctx = PageCtx {
        site: &site,
        space: "FUZZ",
        page_id: "2",
        title: "Page 2",
    };
    let converted = storage::convert(&body, &ctx);
    let targets = HashMap::new();
    let blobs = HashMap::new();
    let rctx = RenderContext {
        targets: &targets,
        blobs: &blobs,
    };
    let doc = render_document("Page 2", &converted.blocks, &rctx);
    let bad = allow::violations(&doc.html);
    assert!(bad.is_empty(), "document outside the allow-list: {bad:?}");
});
