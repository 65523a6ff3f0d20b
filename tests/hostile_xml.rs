//! Hostile and broken XML exports (testdata/hostile/xml-*, made by make_xml.py):
//! entity bombs and external entities are inert (nothing expanded, nothing
//! fetched, memory flat), active content of storage-format bodies is removed with
//! findings, parent cycles end, malformed XML names the entry and byte offset;
//! and nothing is ever written outside the output folder.

mod common;

use std::fs;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cf2itglue::render::allow;
use common::*;

fn hostile(name: &str) -> PathBuf {
    root().join("testdata/hostile").join(name)
}

/// Every file under `root` except those under `out`.
fn outside(root: &Path, out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.path().starts_with(out) && e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// Converts (within a time limit) and returns the bundle's documents (body HTML
/// by page id) and findings; asserts nothing escaped and the bundle checks.
struct Converted {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    bodies: Vec<(String, String)>,
    findings: Vec<serde_json::Value>,
}

fn converted(export: &Path) -> Converted {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("a/b");
    fs::create_dir_all(&work).unwrap();
    let out = work.join("out");
    let start = Instant::now();
    convert(export, &out);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{}: took {:?}",
        export.display(),
        start.elapsed()
    );
    assert_eq!(outside(tmp.path(), &out), Vec::<PathBuf>::new());
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let bodies = jsonl(&out, "documents.jsonl")
        .iter()
        .map(|d| {
            let html = fs::read_to_string(out.join(d["content"].as_str().unwrap())).unwrap();
            assert_eq!(allow::violations(&html), Vec::<String>::new(), "{html}");
            (d["source"]["page_id"].as_str().unwrap().to_string(), html)
        })
        .collect();
    let findings = findings(&out);
    Converted {
        _tmp: tmp,
        out,
        bodies,
        findings,
    }
}

fn body<'a>(c: &'a Converted, page: &str) -> &'a str {
    c.bodies
        .iter()
        .find(|(p, _)| p == page)
        .map(|(_, h)| h.as_str())
        .unwrap_or_else(|| panic!("no document for page {page}: {:?}", c.bodies))
}

/// Every byte of the bundle, as text.
fn all_text(out: &Path) -> String {
    files(out)
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect()
}

#[test]
fn an_entity_bomb_is_not_expanded() {
    let c = converted(&hostile("xml-entity-bomb"));
    assert!(body(&c, "200").contains("Body &amp;lol9; stays text."));
    assert!(body(&c, "201").contains("Raw &amp;lol9; reference in the property text."));
    let docs = jsonl(&c.out, "documents.jsonl");
    assert_eq!(docs[0]["name"], "Home &lol9;");
    // Expanded, one reference would be 3 GB; the whole bundle stays tiny.
    let total: usize = files(&c.out).values().map(Vec::len).sum();
    assert!(total < 200_000, "bundle of {total} bytes");
    assert!(!all_text(&c.out).contains("lollol"));
}

#[test]
fn external_entities_are_never_read() {
    let c = converted(&hostile("xml-external-entity"));
    assert!(body(&c, "200").contains("Local: &amp;local; Remote: &amp;remote;"));
    let text = all_text(&c.out);
    assert!(
        !text.contains("root:"),
        "/etc/passwd leaked into the bundle"
    );
}

#[test]
fn external_entities_fetch_nothing() {
    // A listener the DOCTYPE points at (general and parameter entities, DTD).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    fs::create_dir_all(&export).unwrap();
    let xml = fs::read_to_string(hostile("xml-external-entity/entities.xml"))
        .unwrap()
        .replace("127.0.0.1:9", &format!("127.0.0.1:{port}"))
        .replace(
            "<!DOCTYPE hibernate-generic [",
            &format!("<!DOCTYPE hibernate-generic SYSTEM \"http://127.0.0.1:{port}/root.dtd\" ["),
        );
    assert!(xml.contains(&format!("127.0.0.1:{port}/param.dtd")));
    fs::write(export.join("entities.xml"), xml).unwrap();
    fs::copy(
        hostile("xml-external-entity/exportDescriptor.properties"),
        export.join("exportDescriptor.properties"),
    )
    .unwrap();
    let c = converted(&export);
    assert!(body(&c, "200").contains("Remote: &amp;remote;"));
    match listener.accept() {
        Ok((mut s, _)) => {
            let mut req = String::new();
            let _ = s.read_to_string(&mut req);
            panic!("convert connected to the DOCTYPE's URL: {req:?}");
        }
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock),
    }
}

#[test]
fn active_content_of_storage_bodies_is_removed_with_findings() {
    let c = converted(&hostile("xml-unsafe-body"));
    let html = body(&c, "200");
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<style",
        "onclick",
        "javascript:",
        "vbscript:",
        "data:",
        "evil.example",
        "aaaaaaaa",
    ] {
        assert!(!lower.contains(banned), "{banned:?} in {html}");
    }
    for kept in [
        "Kept first paragraph.",
        "Kept clickable paragraph.",
        "js link vb link data link",
        "<a href=\"https://example.com/safe\">safe link</a>",
        // The html macro's source is shown as text, never run.
        "&lt;script&gt;steal()&lt;/script&gt;",
        "Last kept paragraph.",
    ] {
        assert!(html.contains(kept), "{kept:?} missing from {html}");
    }
    let mut removed: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f["code"] == "unsafe-content-removed")
        .map(|f| {
            assert_eq!(f["page"], "doc/XEVIL/200", "{f}");
            f["message"].as_str().unwrap()
        })
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        vec![
            "removed \"onclick\" event-handler attributes",
            "removed a <embed> element",
            "removed a <form> element",
            "removed a <iframe> element",
            "removed a <object> element",
            "removed a <script> element",
            "removed a <style> element",
            "removed a link with a script URL",
            "removed an image loaded from a javascript: URL",
        ]
    );
}

#[test]
fn a_parent_cycle_ends_with_every_page_placed() {
    let c = converted(&hostile("xml-parent-cycle"));
    let mut pages: Vec<&str> = c.bodies.iter().map(|(p, _)| p.as_str()).collect();
    pages.sort();
    assert_eq!(pages, vec!["200", "201", "202", "203"]);
    assert!(
        c.findings
            .iter()
            .any(|f| f["code"] == "page-not-in-tree"
                && f["message"].as_str().unwrap().contains("cycle")),
        "{:?}",
        c.findings
    );
}

#[test]
fn control_characters_are_dropped() {
    let c = converted(&hostile("xml-control-chars"));
    assert!(body(&c, "200").contains("Bell and escape kept as text."));
    assert_eq!(jsonl(&c.out, "documents.jsonl")[0]["name"], "Home page");
    let text = all_text(&c.out);
    for ch in ['\u{1}', '\u{7}', '\u{8}', '\u{1b}'] {
        assert!(!text.contains(ch), "{ch:?} in the bundle");
    }
}

/// Refused with exit 4, one line naming the export, the entry and the byte.
fn refused(name: &str, cause: &str, byte: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "convert",
        hostile(name).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{name}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(name), "names the export: {err}");
    assert!(err.contains("entities.xml"), "names the entry: {err}");
    assert!(err.contains(cause), "{err:?} should say {cause:?}");
    assert!(err.contains(&format!("at byte {byte}")), "{err}");
    assert!(!out.exists());
    assert_eq!(outside(tmp.path(), &out), Vec::<PathBuf>::new());
}

#[test]
fn malformed_xml_names_the_entry_and_byte() {
    // The byte of `</proprety>` in the file.
    let xml = fs::read_to_string(hostile("xml-malformed/entities.xml")).unwrap();
    let at = xml.find("</proprety>").unwrap();
    refused("xml-malformed", "not well-formed XML", at);
}

#[test]
fn truncated_xml_is_refused() {
    let len = fs::metadata(hostile("xml-truncated/entities.xml"))
        .unwrap()
        .len() as usize;
    refused("xml-truncated", "the file ends inside an element", len);
}
