//! The body of each fuzz target, shared by the fuzz binaries (fuzz_targets/) and
//! by the crate's `tests/fuzz_regressions.rs`, which replays every input kept
//! under `regressions/<target>/` so a fixed crash stays fixed without nightly.
//! Errors are fine; panics, hangs and blow-ups are bugs.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use cf2itglue::archive::{Archive, Limits};
use cf2itglue::read::html::{index, page};
use cf2itglue::read::storage::{self, PageCtx, Site};
use cf2itglue::render::{RenderContext, allow, render_document};

/// Renders blocks as a bundle document and checks it against the allow-list.
fn render_checked(title: &str, blocks: &[cf2itglue::model::Block]) {
    let targets = HashMap::new();
    let blobs = HashMap::new();
    let ctx = RenderContext {
        targets: &targets,
        blobs: &blobs,
    };
    let doc = render_document(title, blocks, &ctx);
    let bad = allow::violations(&doc.html);
    assert!(bad.is_empty(), "document outside the allow-list: {bad:?}");
}

/// An HTML export page file: parse it, render its body as a bundle document,
/// check the document against the allow-list. Also the space index parser.
pub fn html_page(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let _ = index::parse(&html);
    let file = page::parse(&html, "FUZZ", "1");
    let blocks = file.body.unwrap_or_default();
    render_checked(&file.title_text.unwrap_or_default(), &blocks);
}

/// A site of two pages, each body the fuzz input, so include macros, children
/// and page links have something to reach (and include cycles to guard).
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

/// The storage-format converter (page bodies of XML exports): convert, render,
/// check against the allow-list.
pub fn storage_body(data: &[u8]) {
    let body = String::from_utf8_lossy(data).into_owned();
    let site = TwoPages { body: body.clone() };
    let ctx = PageCtx {
        site: &site,
        space: "FUZZ",
        page_id: "2",
        title: "Page 2",
    };
    let converted = storage::convert(&body, &ctx);
    render_checked("Page 2", &converted.blocks);
}

fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// `entities.xml` scanning: the streaming parser on the bytes, then the whole XML
/// reader (object index, tree, history, attachments, every body through the
/// storage-format converter) over a folder export holding them.
pub fn entities_xml(data: &[u8]) {
    if let Ok(mut ix) = cf2itglue::read::objects::Index::new("entities.xml") {
        let _ = cf2itglue::read::xml::parse(data, &mut ix);
    }
    let dir = scratch().join("xml");
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(dir.join("entities.xml"), data).expect("write");
    let Ok(archive) = Archive::open(&dir, Limits::default()) else {
        return;
    };
    let _ = cf2itglue::read::read(&archive, None);
}

/// The zip layer: open the bytes as an export archive (names, limits,
/// detection), read every entry through the size guard, and when it is an
/// export, run its reader over it too.
pub fn zip_archive(data: &[u8]) {
    let mut f = tempfile::Builder::new()
        .suffix(".zip")
        .tempfile_in(scratch())
        .expect("temp file");
    f.write_all(data).expect("write");
    f.flush().expect("flush");
    let Ok(archive) = Archive::open(f.path(), Limits::default()) else {
        return;
    };
    let names: Vec<String> = archive.entries().map(|(n, _)| n.to_string()).collect();
    let mut reader = archive.reader().expect("reader");
    for name in &names {
        if let Ok(mut r) = reader.open(name) {
            let mut buf = [0u8; 64 * 1024];
            let mut total = 0u64;
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 || total > 64 * 1024 * 1024 {
                    break;
                }
                total += n as u64;
            }
        }
    }
    drop(reader);
    let _ = cf2itglue::read::read(&archive, None);
}
