//! End-to-end conversion of the sample HTML export (testdata/acme-html): golden
//! bundle files, determinism, zip vs folder, and the specific cases the sample holds.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::*;
use serde_json::Value;

fn converted() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    convert(&sample(), &out);
    (tmp, out)
}

fn by_key(records: Vec<Value>) -> BTreeMap<String, Value> {
    records
        .into_iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r))
        .collect()
}

fn doc_html(out: &std::path::Path, id: &str) -> String {
    fs::read_to_string(out.join(format!("documents/ACME/{id}.html"))).unwrap()
}

#[test]
fn bundle_matches_golden_files() {
    let (_t, out) = converted();
    let actual: BTreeMap<_, _> = files(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".jsonl") || n.starts_with("documents/") || n == "report.json")
        .filter(|(n, _)| n != "passwords.jsonl")
        .collect();
    golden(&actual, &root().join("tests/golden/acme-html"));
}

#[test]
fn two_runs_are_byte_identical_and_zip_equals_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    convert(&sample(), &a);
    convert(&sample(), &b);
    assert_eq!(files(&a), files(&b), "two runs differ");

    let zip = tmp.path().join("ACME-export.zip");
    zip_dir(&sample(), Some("ACME"), &zip);
    let z = tmp.path().join("z");
    convert(&zip, &z);
    let (mut fa, mut fz) = (files(&a), files(&z));
    // Only the manifest's source description may differ (file name, size, hash).
    fa.remove("manifest.json");
    fz.remove("manifest.json");
    assert_eq!(fa.keys().collect::<Vec<_>>(), fz.keys().collect::<Vec<_>>());
    assert_eq!(fa, fz, "zip and folder give different bundles");
}

#[test]
fn tree_becomes_folders_and_documents_with_titles_from_the_index() {
    let (_t, out) = converted();
    let folders = by_key(jsonl(&out, "folders.jsonl"));
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    // Home page: a document at the root, no folder; its children at the root.
    assert_eq!(docs["doc/ACME/98300"]["folder"], Value::Null);
    assert!(!folders.contains_key("folder/ACME/98300"));
    assert_eq!(folders["folder/ACME/98301"]["parent"], Value::Null);
    // 6 levels: Home > Infrastructure > Servers > Windows Servers > Domain Controllers > DC01 > Build notes
    assert_eq!(docs["doc/ACME/98324"]["folder"], "folder/ACME/98323");
    assert_eq!(folders["folder/ACME/98323"]["parent"], "folder/ACME/98322");
    assert_eq!(folders["folder/ACME/98322"]["parent"], "folder/ACME/98321");
    assert_eq!(
        docs["doc/ACME/98324"]["source"]["ancestors"],
        serde_json::json!([
            "Acme Corp Home",
            "Infrastructure",
            "Servers",
            "Windows Servers",
            "Domain Controllers",
            "DC01"
        ])
    );
    // Sibling order is the index's, not alphabetical: VPN (98312) before Firewalls (98311).
    assert_eq!(docs["doc/ACME/98312"]["position"], 0);
    assert_eq!(docs["doc/ACME/98311"]["position"], 1);
    // Titles come from the tree, never from file names.
    assert_eq!(docs["doc/ACME/98312"]["name"], "VPN / Remote Access");
    assert_eq!(docs["doc/ACME/98336"]["name"], "Printer Driver's Quirks");
    assert_eq!(
        docs["doc/ACME/98311"]["name"],
        "Firewalls, Switches and APs"
    );
    assert_eq!(docs["doc/ACME/98354"]["name"], "Zürich Büro Netzwerk");
    assert_eq!(
        docs["doc/ACME/98360"]["name"],
        "Service Accounts & Passwords"
    );
    assert_eq!(docs["doc/ACME/98341"]["name"], "SOP: New User Onboarding");
    // The same title in two branches: unique within the organization.
    assert_eq!(docs["doc/ACME/98330"]["name"], "Backups");
    assert_eq!(docs["doc/ACME/98353"]["name"], "Backups (2)");
    // The Cloud folder (no #main-content) is a folder only.
    assert_eq!(folders["folder/ACME/98350"]["name"], "Client Sites");
    assert!(!docs.contains_key("doc/ACME/98350"));
    // The orphan missing from index.html hangs under its breadcrumb parent.
    assert_eq!(docs["doc/ACME/98313"]["folder"], "folder/ACME/98310");
    let f = findings(&out);
    assert!(
        f.iter()
            .any(|f| f["code"] == "page-not-in-tree" && f["page"] == "doc/ACME/98313")
    );
    assert!(
        f.iter()
            .any(|f| f["code"] == "title-duplicate-renamed" && f["page"] == "doc/ACME/98353")
    );
}

#[test]
fn every_page_file_is_accounted_for() {
    let (_t, out) = converted();
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    let folders = by_key(jsonl(&out, "folders.jsonl"));
    for entry in fs::read_dir(sample()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".html") else {
            continue;
        };
        if name == "index.html" {
            continue;
        }
        let id = stem.rsplit('_').next().unwrap();
        assert!(
            docs.contains_key(&format!("doc/ACME/{id}"))
                || folders.contains_key(&format!("folder/ACME/{id}")),
            "{name} became neither a document nor a folder"
        );
    }
}

#[test]
fn attachments_are_resolved_by_page_and_deduplicated_by_content() {
    let (_t, out) = converted();
    let atts = by_key(jsonl(&out, "attachments.jsonl"));
    // Two "image.png" on two pages: two records, two different blobs.
    let a = &atts["att/ACME/98341/99010"];
    let b = &atts["att/ACME/98342/99020"];
    assert_eq!(a["file_name"], "image.png");
    assert_eq!(b["file_name"], "image.png");
    assert_ne!(a["blake3"], b["blake3"]);
    assert_eq!(a["owner"], "doc/ACME/98341");
    assert_eq!(a["inline"], true);
    // Every record's blob exists and has the right bytes.
    for r in atts.values() {
        let h = r["blake3"].as_str().unwrap();
        let bytes = fs::read(out.join(format!("blobs/{}/{h}", &h[..2]))).unwrap();
        assert_eq!(blake3::hash(&bytes).to_hex().as_str(), h);
        assert_eq!(bytes.len() as u64, r["size"].as_u64().unwrap());
    }
    // The unreferenced PDF is kept as a file of its document, not inline.
    let pdf = &atts["att/ACME/98323/99030"];
    assert_eq!(pdf["file_name"], "warranty-certificate.pdf");
    assert_eq!(pdf["media_type"], "application/pdf");
    assert_eq!(pdf["inline"], false);
    // The listed-but-missing attachment has no record, and findings say so.
    assert!(!atts.contains_key("att/ACME/98342/99021"));
    let f = findings(&out);
    // Reported once, where it is shown (image-missing), not again as attachment-missing.
    let missing: Vec<_> = f
        .iter()
        .filter(|f| f["entry"] == "attachments/98342/99021.png")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["code"], "image-missing");
    assert_eq!(missing[0]["page"], "doc/ACME/98342");
    assert!(
        f.iter().any(|f| f["code"] == "attachment-orphan-kept"
            && f["entry"] == "attachments/98323/99030.pdf")
    );
    // The ?width= image points at its blob, query dropped.
    let html = doc_html(&out, "98341");
    let h = a["blake3"].as_str().unwrap();
    assert!(html.contains(&format!(
        "src=\"../../blobs/{}/{h}\" data-cf2itglue-blob=\"{h}\"",
        &h[..2]
    )));
    assert!(!html.contains("?width="));
    // The missing image keeps a visible placeholder.
    assert!(doc_html(&out, "98342").contains("[missing image: veeam-restore-wizard.png]"));
}

#[test]
fn links_resolve_to_documents_or_are_reported() {
    let (_t, out) = converted();
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    // A relative link by file name, and a cross-page anchor.
    let fw = doc_html(&out, "98311");
    assert!(fw.contains(
        "href=\"../ACME/98310.html#NetworkOverview-VLANs\" data-cf2itglue-doc=\"doc/ACME/98310\""
    ));
    // An absolute old-wiki URL to a page in the export resolves like a relative link.
    let backups = doc_html(&out, "98330");
    assert!(backups.contains("data-cf2itglue-doc=\"doc/ACME/98326\""));
    assert!(
        !backups.contains("href=\"https://acme-msp.atlassian.net/wiki"),
        "no link to the old wiki remains"
    );
    assert!(
        backups.contains(">Hyper-V Host HV01</a>"),
        "a bare URL as link text becomes the title"
    );
    // Root-relative /wiki/ link.
    assert!(doc_html(&out, "98312").contains("data-cf2itglue-doc=\"doc/ACME/98310\""));
    let links = docs["doc/ACME/98330"]["links"].as_array().unwrap();
    assert!(links.contains(&Value::from("doc/ACME/98326")));
    let f = findings(&out);
    assert!(f.iter().any(|f| f["code"] == "link-to-old-wiki"
        && f["page"] == "doc/ACME/98330"
        && f["detail"].as_str().unwrap().contains("/pages/98777/")));
    assert!(f.iter().any(|f| f["code"] == "link-unresolved"
        && f["page"] == "doc/ACME/98360"
        && f["detail"] == "Old-Runbook_98999.html"));
    // The dead link keeps its text, not its target.
    let pw = doc_html(&out, "98360");
    assert!(!pw.contains("Old-Runbook_98999.html"));
    // External links and mailto stay.
    assert!(doc_html(&out, "98310").contains("href=\"https://www.example.com/"));
    // No document anywhere links to the old wiki or keeps Confluence chrome.
    for (name, bytes) in files(&out.join("documents")) {
        let s = String::from_utf8(bytes).unwrap();
        for bad in [
            "href=\"https://acme-msp.atlassian.net/wiki",
            "href=\"/wiki/",
            "breadcrumb",
            "Document generated by Confluence",
            "title-heading",
            "page-metadata",
            "<script",
            "<style",
        ] {
            assert!(!s.contains(bad), "{name} contains {bad:?}");
        }
    }
}

#[test]
fn rendered_macros_become_clean_html() {
    let (_t, out) = converted();
    let all: String = files(&out.join("documents"))
        .into_values()
        .map(|b| String::from_utf8(b).unwrap())
        .collect();
    // Code block: language kept, content escaped and byte-exact (leading spaces, < > &).
    assert!(
        all.contains("<pre><code class=\"language-powershell\">"),
        "code block"
    );
    assert!(all.contains("&lt;") && all.contains("&amp;"));
    // Panels become styled blocks with a title.
    assert!(all.contains("border-left:4px solid #0052cc"), "info panel");
    assert!(
        all.contains("border-left:4px solid #de350b"),
        "warning panel"
    );
    // Status lozenge → text badge; Jira → plain link; TOC → list of anchors.
    assert!(all.contains("IN PROGRESS</span>"));
    assert!(all.contains("<a href=\"https://acme-msp.atlassian.net/browse/OPS-42\">OPS-42</a>"));
    assert!(all.contains("<li><a href=\"#SOP:NewUserOnboarding-Steps\">Steps</a></li>"));
    // Task list as checkboxes.
    assert!(all.contains("\u{2611}") && all.contains("\u{2610}"));
    // Children list → links to the child documents.
    let servers = doc_html(&out, "98320");
    assert!(servers.contains("data-cf2itglue-doc=\"doc/ACME/98321\""));
    // Ordered lists split by an image keep their numbering.
    assert!(doc_html(&out, "98341").contains("<ol start=\"2\">"));
    let f = findings(&out);
    for family in ["toc", "expand", "children", "jira"] {
        assert!(
            f.iter().any(|f| f["code"] == "macro-converted"
                && f["message"].as_str().unwrap().starts_with(family)),
            "no macro-converted finding for {family}"
        );
    }
}

#[test]
fn check_passes_then_names_a_changed_file() {
    let (_t, out) = converted();
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));

    let doc = out.join("documents/ACME/98341.html");
    let mut bytes = fs::read(&doc).unwrap();
    bytes[100] ^= 1;
    fs::write(&doc, bytes).unwrap();
    let bad = run(&["check", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(4));
    assert!(
        stderr(&bad).contains("documents/ACME/98341.html"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn check_names_a_changed_blob() {
    let (_t, out) = converted();
    let blob = walkdir::WalkDir::new(out.join("blobs"))
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path();
    let mut bytes = fs::read(&blob).unwrap();
    bytes[0] ^= 0xff;
    fs::write(&blob, bytes).unwrap();
    let bad = run(&["check", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(4));
    let name = blob.file_name().unwrap().to_string_lossy().to_string();
    assert!(stderr(&bad).contains(&name), "{}", stderr(&bad));
}

#[test]
fn passwords_file_is_owner_only() {
    let (_t, out) = converted();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(out.join("passwords.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn refuses_a_non_empty_out_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let o = run(&[
        "convert",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");
}

#[test]
fn a_damaged_page_file_is_unreadable_not_missing() {
    // The sample zipped without compression, then one byte of one page's HTML
    // changed in place: the entry is there, but its checksum no longer matches.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("damaged.zip");
    let page = "DC01-Build-Notes_98324.html";
    zip_dir_with(
        &sample(),
        Some("ACME"),
        &input,
        zip::CompressionMethod::Stored,
    );
    let html = fs::read(sample().join(page)).unwrap();
    let mut bytes = fs::read(&input).unwrap();
    let at = bytes
        .windows(html.len())
        .position(|w| w == html.as_slice())
        .expect("a stored entry holds the page's bytes as they are");
    bytes[at + html.len() / 2] ^= 0x20;
    fs::write(&input, bytes).unwrap();

    let out = tmp.path().join("bundle");
    let o = try_convert(&input, &out);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let f = findings(&out);
    let about_page: Vec<&Value> = f
        .iter()
        .filter(|x| x["entry"].as_str().is_some_and(|e| e.ends_with(page)))
        .collect();
    assert_eq!(
        about_page.len(),
        1,
        "one finding for the file: {about_page:#?}"
    );
    assert_eq!(about_page[0]["code"], "page-unreadable");
    assert!(!f.iter().any(|x| x["code"] == "page-missing"), "{f:#?}");
}
