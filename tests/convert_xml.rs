//! End-to-end conversion of the sample XML space export (testdata/acme-xml, written
//! for this project; see testdata/README.md): golden bundle files, determinism,
//! zip vs folder, and each case the sample holds (live content only, tree repair,
//! attachment versions, storage-format macros and damage).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn sample_xml() -> PathBuf {
    root().join("testdata/acme-xml")
}

fn converted() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    convert(&sample_xml(), &out);
    (tmp, out)
}

fn by_key(records: Vec<Value>) -> BTreeMap<String, Value> {
    records
        .into_iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r))
        .collect()
}

fn doc_html(out: &Path, id: &str) -> String {
    fs::read_to_string(out.join(format!("documents/ACX/{id}.html"))).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Compares two bundles file by file, naming the first file that differs.
fn same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in a {
        assert!(&b[name] == bytes, "{what}: {name} differs");
    }
}

fn codes(findings: &[Value], code: &str) -> Vec<Value> {
    findings
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect()
}

#[test]
fn bundle_matches_golden_files() {
    let (_t, out) = converted();
    let actual: BTreeMap<_, _> = files(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".jsonl") || n.starts_with("documents/") || n == "report.json")
        .filter(|(n, _)| n != "passwords.jsonl")
        .collect();
    golden(&actual, &root().join("tests/golden/acme-xml"));
}

#[test]
fn two_runs_are_identical_and_zip_equals_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    convert(&sample_xml(), &a);
    convert(&sample_xml(), &b);
    same(&files(&a), &files(&b), "two runs");

    let zip = tmp.path().join("ACX-xml.zip");
    zip_dir(&sample_xml(), Some("Confluence-space-export-ACX"), &zip);
    let z = tmp.path().join("z");
    convert(&zip, &z);
    let (mut fa, mut fz) = (files(&a), files(&z));
    fa.remove("manifest.json");
    fz.remove("manifest.json");
    same(&fa, &fz, "zip and folder");
}

#[test]
fn only_live_content_becomes_documents() {
    let (_t, out) = converted();
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    let ids: Vec<&str> = docs
        .values()
        .map(|d| d["source"]["page_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["100", "101", "102", "103", "107", "200"]);
    // Historical version 104, draft 105 and trashed 106 are not staged, and their
    // text is nowhere in the bundle.
    for (name, bytes) in files(&out.join("documents")) {
        let s = String::from_utf8(bytes).unwrap();
        for gone in ["OLD VERSION TEXT", "DRAFT TEXT", "TRASHED TEXT"] {
            assert!(!s.contains(gone), "{name} contains {gone:?}");
        }
    }
    let f = findings(&out);
    let draft = codes(&f, "draft-skipped");
    assert_eq!(draft.len(), 1);
    assert!(draft[0]["message"].as_str().unwrap().contains("Draft plan"));
    let deleted = codes(&f, "deleted-skipped");
    assert_eq!(deleted.len(), 1);
    assert!(
        deleted[0]["message"]
            .as_str()
            .unwrap()
            .contains("Old stuff")
    );
    let hist = codes(&f, "historical-version-skipped");
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0]["page"], "doc/ACX/101");
    // The blog post is a document too.
    assert_eq!(docs["doc/ACX/200"]["source"]["kind"], "blogpost");
}

#[test]
fn tree_follows_parents_and_missing_parent_goes_to_root() {
    let (_t, out) = converted();
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    let anc = |k: &str| docs[k]["source"]["ancestors"].clone();
    assert_eq!(
        anc("doc/ACX/102"),
        serde_json::json!(["Acme Home", "Network"])
    );
    assert_eq!(anc("doc/ACX/107"), serde_json::json!(["Acme Home"]));
    // Printer Quirks names parent 999, which is not in the export.
    assert_eq!(anc("doc/ACX/103"), serde_json::json!([]));
    let f = findings(&out);
    let moved = codes(&f, "page-not-in-tree");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["page"], "doc/ACX/103");
    assert!(moved[0]["message"].as_str().unwrap().contains("999"));
    // Siblings by position, not title: Legacy notes (0) before Network (1).
    let home = doc_html(&out, "100");
    let legacy = home.find(">Legacy notes</a>").unwrap();
    let network = home.find(">Network</a>").unwrap();
    assert!(legacy < network, "children list out of position order");
    assert!(
        home.contains(">Servers</a>"),
        "children all=true lists grandchildren"
    );
}

#[test]
fn current_attachment_version_is_staged_with_record_name_and_type() {
    let (_t, out) = converted();
    let atts = by_key(jsonl(&out, "attachments.jsonl"));
    assert_eq!(
        atts.keys().collect::<Vec<_>>(),
        ["att/ACX/100/402", "att/ACX/101/400"],
        "the historical (401) and deleted (403) attachments are not staged"
    );
    let d = &atts["att/ACX/101/400"];
    assert_eq!(d["file_name"], "diagram.png");
    assert_eq!(d["media_type"], "image/png");
    assert_eq!(d["source"]["entry"], "attachments/101/400/2");
    let v2 = fs::read(sample_xml().join("attachments/101/400/2")).unwrap();
    let hash = blake3::hash(&v2).to_hex().to_string();
    assert_eq!(d["blake3"], hash.as_str());
    assert_eq!(
        fs::read(out.join("blobs").join(&hash[..2]).join(&hash)).unwrap(),
        v2
    );
    // The old attachment schema (fileName, contentType, content, attachmentVersion).
    let n = &atts["att/ACX/100/402"];
    assert_eq!(n["file_name"], "notes.txt");
    assert_eq!(n["media_type"], "text/plain");
    for (_, bytes) in files(&out.join("blobs")) {
        assert!(!bytes.starts_with(b"OLD DIAGRAM"), "version 1 was staged");
        assert!(
            !bytes.starts_with(b"DELETED"),
            "a deleted attachment was staged"
        );
    }
}

#[test]
fn code_block_is_byte_exact_across_nested_cdata() {
    let (_t, out) = converted();
    let html = doc_html(&out, "101");
    let start = html.find("<code class=\"language-bash\">").unwrap();
    let body = &html[start + "<code class=\"language-bash\">".len()..];
    let code = unescape(&body[..body.find("</code>").unwrap()]);
    assert_eq!(
        code,
        "  # leading spaces are kept\nif [[ $(cat /proc/loadavg | cut -d' ' -f1) ]]> /dev/null; then\n    echo \"<ok> & done\"\nfi\n"
    );
    assert!(
        html.contains("<p><strong>Load check</strong></p>"),
        "code title"
    );
    assert!(html.contains("<pre><code>   indented\n\tTabbed line\n</code></pre>"));
}

#[test]
fn macros_links_and_structure_convert() {
    let (_t, out) = converted();
    let home = doc_html(&out, "100");
    let net = doc_html(&out, "101");
    // Panels with titles, expand, status, jira, Confluence 4 ac:macro.
    for want in [
        "<strong>Heads up</strong>",
        "<strong>Vendor</strong>",
        "Do not reboot the core switch.",
        "<strong>Old notes</strong>",
        ">LIVE</span>",
        "<strong>OPS-42</strong>",
        "Old Confluence 4 macro markup.",
        "Kept body of an unknown macro.",
        "Core network of&nbsp;Acme &amp; partners.",
    ] {
        assert!(net.contains(want), "101 lacks {want:?}");
    }
    // toc (static list of headings), ac:link to page / anchor / attachment, ri:user,
    // emoticons, task list, time, layout flattened in reading order.
    for want in [
        "<a href=\"#AcmeHome-Contacts\">Contacts</a>",
        "data-cf2itglue-doc=\"doc/ACX/101\">the network page</a>",
        "href=\"../ACX/101.html#Network-VLANs\" data-cf2itglue-doc=\"doc/ACX/101\"><em>VLAN table</em></a>",
        "data-cf2itglue-att=\"att/ACX/100/402\">notes.txt</a>",
        "data-cf2itglue-att=\"att/ACX/101/400\">diagram.png</a>",
        "Owner: alice.admin, deputy bob.tech.",
        "🙂",
        "✅ done, ⚠️ careful.",
        "☑ Renew the certificate",
        "☐ Replace the UPS battery by 2026-12-31",
    ] {
        assert!(home.contains(want), "100 lacks {want:?}");
    }
    let welcome = home.find("Welcome to").unwrap();
    let contacts = home.find("<h2 id=\"AcmeHome-Contacts\">").unwrap();
    assert!(welcome < contacts, "layout cells out of reading order");
    // Control characters are dropped from titles and text.
    let servers = doc_html(&out, "102");
    assert!(servers.contains("<title>Servers</title>"));
    assert!(servers.contains("Rack A holds"));
    // Wiki markup is kept as preformatted text, with a finding.
    let legacy = doc_html(&out, "107");
    assert!(legacy.contains("<pre><code>h1. Legacy notes\n\n* first &lt;item&gt; &amp; more"));
    let f = findings(&out);
    let wiki = codes(&f, "wiki-markup-kept");
    assert_eq!(wiki.len(), 1);
    assert_eq!(wiki[0]["page"], "doc/ACX/107");
    let unknown = codes(&f, "macro-unsupported");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0]["message"]
            .as_str()
            .unwrap()
            .contains("acme-widget")
    );
    // Labels (global only) and comments.
    assert!(net.contains("<strong>Labels:</strong> network</p>"));
    assert!(!net.contains("my-favourite"));
    assert!(net.contains("bob.tech, 2026-11-03T12:00:00"));
    assert!(net.contains("Looks good to me."));
    // No error-level finding at all in this sample.
    assert!(
        f.iter().all(|x| x["severity"] != "error"),
        "unexpected error findings"
    );
}

#[test]
fn no_storage_markup_leaks_into_documents() {
    let (_t, out) = converted();
    for (name, bytes) in files(&out.join("documents")) {
        let s = String::from_utf8(bytes).unwrap();
        for bad in ["<ac:", "<ri:", "</ac:", "<![CDATA[", "\u{1}", "\u{8}"] {
            assert!(!s.contains(bad), "{name} contains {bad:?}");
        }
    }
}

#[test]
fn xml_and_html_exports_convert_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("both");
    let o = run(&[
        "convert",
        sample().to_str().unwrap(),
        sample_xml().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.code() == Some(0), "{}", stderr(&o));
    let orgs: Vec<String> = jsonl(&out, "organizations.jsonl")
        .iter()
        .map(|o| o["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(orgs, ["org/ACME", "org/ACX"]);
    let docs = jsonl(&out, "documents.jsonl");
    assert!(docs.iter().any(|d| d["key"] == "doc/ACX/101"));
    assert!(docs.iter().any(|d| d["key"] == "doc/ACME/98310"));
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// `testdata/acme-xml-html/` is the same ACX space written as an HTML export: the
/// same live pages, tree and attachment files. Both must give the same documents,
/// folders and attachments; the differences are listed here and justified.
#[test]
fn html_and_xml_exports_of_one_space_give_the_same_bundle_structure() {
    let tmp = tempfile::tempdir().unwrap();
    let (x, h) = (tmp.path().join("x"), tmp.path().join("h"));
    convert(&sample_xml(), &x);
    convert(&root().join("testdata/acme-xml-html"), &h);

    // Blog posts are not part of HTML space exports: the XML-only document.
    let blog = |d: &Value| d["source"]["kind"] == "blogpost";
    let shape = |out: &Path| -> Vec<Value> {
        jsonl(out, "documents.jsonl")
            .into_iter()
            .filter(|d| !blog(d))
            .map(|d| {
                serde_json::json!([
                    d["key"],
                    d["name"],
                    d["folder"],
                    d["position"],
                    d["attachments"],
                    d["images"],
                    d["source"]["ancestors"]
                ])
            })
            .collect()
    };
    assert_eq!(shape(&x), shape(&h), "documents differ");
    let (xd, hd) = (jsonl(&x, "documents.jsonl"), jsonl(&h, "documents.jsonl"));
    assert_eq!(xd.iter().filter(|d| blog(d)).count(), 1);
    assert_eq!(hd.iter().filter(|d| blog(d)).count(), 0);

    assert_eq!(jsonl(&x, "folders.jsonl"), jsonl(&h, "folders.jsonl"));
    // Attachments: same keys, names, types and bytes. Only `source` differs: the XML
    // export stores `attachments/<page>/<id>/<version>`, the HTML one `<id>.<ext>`.
    let atts = |out: &Path| -> Vec<Value> {
        jsonl(out, "attachments.jsonl")
            .into_iter()
            .map(|mut a| {
                a.as_object_mut().unwrap().remove("source");
                a
            })
            .collect()
    };
    assert_eq!(atts(&x), atts(&h));
    assert_eq!(files(&x.join("blobs")), files(&h.join("blobs")));

    // Bodies differ by design: the XML export holds the storage source (macros,
    // labels, comments, exact user keys) where the HTML export holds what Confluence
    // rendered. The text both carry is the same.
    for (id, text) in [
        ("101", "Core network of&nbsp;Acme &amp; partners."),
        (
            "102",
            "Rack A holds HV01; back to <a href=\"../ACX/100.html\" data-cf2itglue-doc=\"doc/ACX/100\">Acme Home</a>.",
        ),
        ("103", "Only driver v2 works."),
    ] {
        for out in [&x, &h] {
            let html = fs::read_to_string(out.join(format!("documents/ACX/{id}.html"))).unwrap();
            assert!(
                html.contains(text),
                "{}: {id} lacks {text:?}",
                out.display()
            );
        }
    }
    // Both place the page whose parent is missing at the root with the same code.
    for out in [&x, &h] {
        let moved = codes(&findings(out), "page-not-in-tree");
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0]["page"], "doc/ACX/103");
    }
}
