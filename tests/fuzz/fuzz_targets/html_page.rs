//! An HTML export page file: parse it, render its body as a bundle document, and
//! check the document against the allow-list. Also the space index parser.
#![no_main]

use std::collections::HashMap;

use cf2itglue::read::html::{index, page};
use cf2itglue::render::{RenderContext, allow, render_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = index::parse(&html);
    let file = page::parse(&html, "FUZZ", "1");
    let blocks = file.body.unwrap_or_default();
    let targets = HashMap::new();
    let blobs = HashMap::new();
    let ctx = RenderContext {
        targets: &targets,
        blobs: &blobs,
    };
    let title = file.title_text.unwrap_or_default();
    let doc = render_document(&title, &blocks, &ctx);
    let bad = allow::violations(&doc.html);
    assert!(bad.is_empty(), "document outside the allow-list: {bad:?}");
});
