//! Content safety: a page full of active content (testdata/hostile/unsafe-html)
//! converts to a document that holds only allow-listed elements, attributes and
//! URL schemes, keeps the page's text, and reports each removal as
//! `unsafe-content-removed`. The sample export's documents pass the same check.

mod common;

use std::fs;

use cf2itglue::render::allow;
use common::*;

#[test]
fn hostile_page_converts_to_clean_html_with_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let export = root().join("testdata/hostile/unsafe-html");
    convert(&export, &out);

    let docs = jsonl(&out, "documents.jsonl");
    assert_eq!(docs.len(), 1, "{docs:?}");
    let html = fs::read_to_string(out.join(docs[0]["content"].as_str().unwrap())).unwrap();
    assert_eq!(allow::violations(&html), Vec::<String>::new(), "{html}");
    golden(
        &[("Unsafe-Page.html".to_string(), html.clone().into_bytes())]
            .into_iter()
            .collect(),
        &root().join("tests/golden/unsafe-html"),
    );
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<style",
        "<svg",
        "<base",
        "onclick",
        "onmouseover",
        "onload",
        "javascript:",
        "vbscript:",
        "data:",
        "evil.example",
        "steal()",
    ] {
        assert!(!lower.contains(banned), "{banned:?} in {html}");
    }
    for kept in [
        "Kept paragraph.",
        "Hidden by inline style, shown after conversion.",
        "js link",
        "tab js link",
        "data link",
        "<a href=\"https://example.com/safe\">safe link</a>",
        "<a href=\"mailto:help@example.com\">mail</a>",
        "Last kept paragraph.",
    ] {
        assert!(html.contains(kept), "{kept:?} missing from {html}");
    }

    let mut removed: Vec<String> = findings(&out)
        .into_iter()
        .filter(|f| f["code"] == "unsafe-content-removed")
        .map(|f| {
            assert_eq!(f["page"], "doc/HOST/500", "{f}");
            f["message"].as_str().unwrap().to_string()
        })
        .collect();
    removed.sort();
    let mut expected = vec![
        "removed \"onclick\" event-handler attributes",
        "removed \"onmouseover\" event-handler attributes",
        "removed a <script> element and its content",
        "removed a <iframe> element and its content",
        "removed a <object> element and its content",
        "removed a <embed> element and its content",
        "removed a <form> element and its content",
        "removed a <svg> element and its content",
        "removed a <base> element and its content",
        "removed a <meta> element and its content",
        "link \"js link\" used a javascript: URL, which documents may not hold; text kept, link removed",
        "link \"spaced js link\" used a javascript: URL, which documents may not hold; text kept, link removed",
        "link \"tab js link\" used a javascript: URL, which documents may not hold; text kept, link removed",
        "link \"vb link\" used a vbscript: URL, which documents may not hold; text kept, link removed",
        "link \"data link\" used a data: URL, which documents may not hold; text kept, link removed",
        "removed an image loaded from a data: URL",
        "removed an image loaded from a javascript: URL",
    ];
    expected.sort();
    assert_eq!(removed, expected);
}

#[test]
fn sample_documents_are_inside_the_allow_list() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    convert(&sample(), &out);
    let docs = jsonl(&out, "documents.jsonl");
    assert!(docs.len() > 10);
    for d in docs {
        let path = out.join(d["content"].as_str().unwrap());
        let html = fs::read_to_string(&path).unwrap();
        assert_eq!(
            allow::violations(&html),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}
