//! The real XML exports, CSV backup and storage-format snippets in
//! ../shared/corpus/confluence: every package converts without a panic, known
//! facts of each are checked, and no document keeps storage markup. Skipped with a
//! message when the corpus is absent. Corpus files are read in place or copied to a
//! temporary folder, never into the repository.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

struct Bundle {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    docs: Vec<Value>,
    atts: Vec<Value>,
    findings: Vec<Value>,
}

impl Bundle {
    fn doc(&self, title: &str) -> &Value {
        self.docs
            .iter()
            .find(|d| d["name"] == title)
            .unwrap_or_else(|| panic!("no document {title:?}"))
    }
    fn count(&self, code: &str) -> usize {
        self.findings.iter().filter(|f| f["code"] == code).count()
    }
    fn errors(&self) -> Vec<&Value> {
        self.findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect()
    }
    fn html(&self, doc: &Value) -> String {
        fs::read_to_string(self.out.join(doc["content"].as_str().unwrap())).unwrap()
    }
}

/// Converts an export; exit 0 (no error finding) is required.
fn conv(export: &Path) -> Bundle {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let o = run(&[
        "convert",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        o.status.success(),
        "{}: exit {:?}: {}",
        export.display(),
        o.status.code(),
        stderr(&o)
    );
    assert_clean(&out);
    Bundle {
        docs: jsonl(&out, "documents.jsonl"),
        atts: jsonl(&out, "attachments.jsonl"),
        findings: findings(&out),
        out,
        _tmp: tmp,
    }
}

/// No document holds storage-format markup or a raw CDATA section.
fn assert_clean(out: &Path) {
    let docs = out.join("documents");
    if !docs.exists() {
        return;
    }
    for (name, bytes) in files(&docs) {
        let s = String::from_utf8(bytes).unwrap();
        for bad in ["<ac:", "</ac:", "<ri:", "<![CDATA[", "]]>"] {
            assert!(
                !s.contains(bad),
                "{}: {name} contains {bad:?}",
                out.display()
            );
        }
    }
}

#[test]
fn every_xml_fixture_converts_without_error() {
    let Some(dir) = corpus("xwiki-xml-fixtures") else {
        return;
    };
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("entities.xml").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 55, "{} cases", cases.len());
    let mut docs = 0;
    for case in &cases {
        let b = conv(case);
        assert!(
            b.errors().is_empty(),
            "{}: {:?}",
            case.display(),
            b.errors()
        );
        docs += b.docs.len();
    }
    assert!(docs >= 60, "only {docs} documents over all cases");
}

#[test]
fn attachment_history_keeps_the_current_version_only() {
    let Some(dir) = corpus("xwiki-xml-fixtures") else {
        return;
    };
    let b = conv(&dir.join("attachhist"));
    assert_eq!(b.docs.len(), 2);
    let page = b.doc("Page with attachment");
    assert_eq!(
        page["source"]["ancestors"],
        serde_json::json!(["attachhist Home"])
    );
    assert_eq!(page["source"]["version"], 3);
    let names: BTreeMap<&str, &str> = b
        .atts
        .iter()
        .map(|a| {
            (
                a["file_name"].as_str().unwrap(),
                a["source"]["entry"].as_str().unwrap(),
            )
        })
        .collect();
    // Three versions of attachment.txt: the third is staged; the deleted
    // attachment of the same name is not.
    assert_eq!(
        names,
        BTreeMap::from([
            ("attachment.txt", "attachments/948633601/948830209/3"),
            ("attachment2.txt", "attachments/948633601/948043783/1"),
        ])
    );
    assert_eq!(b.count("draft-skipped"), 1);
    assert_eq!(b.count("historical-version-skipped"), 1);
    let v3 = fs::read(dir.join("attachhist/attachments/948633601/948830209/3")).unwrap();
    let staged = b
        .atts
        .iter()
        .find(|a| a["file_name"] == "attachment.txt")
        .unwrap();
    assert_eq!(staged["blake3"], blake3::hash(&v3).to_hex().as_str());
}

#[test]
fn tree_order_and_repairs_in_fixtures() {
    let Some(dir) = corpus("xwiki-xml-fixtures") else {
        return;
    };
    let nested = conv(&dir.join("nested"));
    assert_eq!(nested.docs.len(), 5);
    assert_eq!(
        nested.doc("Under Page B")["source"]["ancestors"],
        serde_json::json!(["Small Nested Home", "Page B"])
    );
    // Siblings by position, not by title.
    let order = conv(&dir.join("pageorder"));
    let pos = |t: &str| order.doc(t)["position"].as_u64().unwrap();
    assert!(pos("Page 1") < pos("Page 3") && pos("Page 3") < pos("Page 2"));
    // A page whose parent is missing goes to the space root with a finding.
    let missing = conv(&dir.join("missingparents"));
    assert_eq!(missing.count("page-not-in-tree"), 1);
    // Zero-byte attachment files are still attachments.
    let broken = conv(&dir.join("brokenattach"));
    assert!(broken.atts.iter().any(|a| a["size"] == 0));
    // A title with a raw control character (not well-formed XML) still converts.
    let bl = conv(&dir.join("brokenlink"));
    assert_eq!(bl.docs.len(), 1);
    assert!(!bl.docs[0]["name"].as_str().unwrap().contains('\u{8}'));
    // Hand-edited bodies with a never-closed CDATA are repaired, text kept.
    let nf = conv(&dir.join("noformat"));
    assert_eq!(nf.count("storage-repaired"), 1);
    let html = nf.html(&nf.docs[0]);
    assert!(html.contains("{{/another}} fake closing tag that should not be interpreted."));
    // An attachment version file named 54.
    let st = conv(&dir.join("spacetemplates"));
    assert_eq!(
        st.atts[0]["source"]["entry"],
        "attachments/789115923/917124566/54"
    );
}

#[test]
fn personal_space_xml_zip_with_old_attachment_schema() {
    let Some(dir) = corpus("xwiki-xml-misc-personal-space") else {
        return;
    };
    let b = conv(&dir.join("misc.xml.zip"));
    assert_eq!(b.docs.len(), 1);
    let page = b.doc("with [[brace]] s (and [single brace])");
    assert_eq!(page["source"]["space_key"], "~clemens");
    // Old schema (fileName, attachmentVersion): version 2 of blind.gif.
    assert_eq!(b.atts.len(), 1);
    assert_eq!(b.atts[0]["file_name"], "blind.gif");
    assert_eq!(
        b.atts[0]["source"]["entry"],
        "attachments/51741193/51937282/2"
    );
    assert_eq!(b.atts[0]["media_type"], "image/gif");
    // The deleted blog post and its versions are not converted.
    assert_eq!(b.count("deleted-skipped"), 2);
    assert!(b.errors().is_empty(), "{:?}", b.errors());
    let html = b.html(page);
    assert!(html.contains("in [[code block]]"), "{html}");
}

#[test]
fn cloud_csv_backup_converts() {
    let Some(dir) = corpus("xwiki-csv-cloud-backup") else {
        return;
    };
    let b = conv(&dir.join("csv-RJTest.zip"));
    assert!(b.errors().is_empty(), "{:?}", b.errors());
    let home = b.doc("RJ Test Home");
    assert_eq!(home["source"]["space_key"], "RJTest");
    assert_eq!(home["source"]["version"], 20);
    assert_eq!(
        b.doc("Includer")["source"]["ancestors"],
        serde_json::json!(["RJ Test Home", "Included page"])
    );
    // 19 live pages; old versions (prevver) and drafts are findings, not documents.
    assert_eq!(b.docs.len() + b.count("page-empty"), 19);
    assert_eq!(b.count("draft-skipped"), 20);
    assert!(b.count("historical-version-skipped") > 0);
    assert_eq!(b.atts.len(), 1);
    assert_eq!(b.atts[0]["file_name"], "t.xlsx");
    assert_eq!(
        b.atts[0]["source"]["entry"],
        "attachments/604438642/959774721/2"
    );
    assert_eq!(
        b.atts[0]["media_type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        home["source"]["labels"],
        serde_json::json!(["testlabel1", "testlabel2"])
    );
}

#[test]
fn hallowelt_entities_packages_convert() {
    let Some(dir) = corpus("hallowelt-entities-snippets") else {
        return;
    };
    let b = conv(&dir.join("FullMigration/SingleSource/input"));
    let spaces: std::collections::BTreeSet<&str> = b
        .docs
        .iter()
        .map(|d| d["source"]["space_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        spaces.into_iter().collect::<Vec<_>>(),
        ["CON", "SEC", "THRD"]
    );
    assert_eq!(b.doc("My Blog Post")["source"]["kind"], "blogpost");
    // The other files are fragments named otherwise: each is copied to a
    // temporary export as entities.xml.
    let mut n = 0;
    for e in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "xml") || p.ends_with("input/entities.xml") {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        fs::copy(p, tmp.path().join("entities.xml")).unwrap();
        let b = conv(tmp.path());
        assert!(b.errors().is_empty(), "{}: {:?}", p.display(), b.errors());
        n += 1;
    }
    assert_eq!(n, 13);
}

/// Escapes text for an XML element.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The storage body of a snippet file: the content of its `<xml …>` or
/// `<html …>` wrapper (the snippets declare the namespaces there), if any.
fn snippet_body(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}');
    for tag in ["xml", "html"] {
        if let Some(i) = t.find(&format!("<{tag} ")) {
            let after = &t[i..];
            let start = after.find('>').unwrap() + 1;
            let end = after.rfind(&format!("</{tag}>")).unwrap_or(after.len());
            return after[start..end].trim().to_string();
        }
    }
    t.trim().to_string()
}

/// Every storage snippet of the corpus as one page of a generated XML export, so
/// each macro family goes through the whole pipeline.
#[test]
fn storage_snippets_convert_macro_by_macro() {
    let (Some(hw), Some(xw)) = (
        corpus("hallowelt-storage-snippets"),
        corpus("xwiki-storage-snippets"),
    ) else {
        return;
    };
    let mut snippets: Vec<(String, String)> = Vec::new();
    for root in [&hw, &xw] {
        for e in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
        {
            let name = e.file_name().to_string_lossy().to_string();
            if !(name.ends_with(".xml") || name.ends_with(".mraw")) {
                continue;
            }
            let text = fs::read_to_string(e.path()).unwrap();
            snippets.push((name, snippet_body(&text)));
        }
    }
    assert!(snippets.len() >= 40, "{} snippets", snippets.len());
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<hibernate-generic>\n<object class=\"Space\"><id name=\"id\">1</id><property name=\"key\">SNIP</property><property name=\"name\">Snippets</property><property name=\"homePage\" class=\"Page\"><id name=\"id\">1000</id></property></object>\n<object class=\"Page\"><id name=\"id\">1000</id><property name=\"title\">Snippets</property><property name=\"space\" class=\"Space\"><id name=\"id\">1</id></property></object>\n",
    );
    let mut ids = BTreeMap::new();
    for (i, (name, body)) in snippets.iter().enumerate() {
        let id = 2000 + i;
        ids.insert(name.clone(), id);
        // Titles the snippets link to, so page links resolve where they can.
        xml.push_str(&format!(
            "<object class=\"Page\"><id name=\"id\">{id}</id><property name=\"title\">{}</property><property name=\"space\" class=\"Space\"><id name=\"id\">1</id></property><property name=\"parent\" class=\"Page\"><id name=\"id\">1000</id></property><property name=\"position\">{i}</property></object>\n<object class=\"BodyContent\"><id name=\"id\">{}</id><property name=\"body\">{}</property><property name=\"content\" class=\"Page\"><id name=\"id\">{id}</id></property><property name=\"bodyType\">2</property></object>\n",
            esc(name),
            id + 5000,
            esc(body)
        ));
    }
    xml.push_str("</hibernate-generic>\n");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("entities.xml"), xml).unwrap();
    let b = conv(tmp.path());
    assert!(b.errors().is_empty(), "{:?}", b.errors());
    let html = |name: &str| -> String {
        let id = ids[name].to_string();
        let doc = b
            .docs
            .iter()
            .find(|d| d["source"]["page_id"] == id.as_str())
            .unwrap_or_else(|| panic!("{name} was not staged"));
        b.html(doc)
    };
    let code = html("code-standard-input.xml");
    assert!(code.contains("<code class=\"language-sql\">"), "{code}");
    // Pretty-printing around the CDATA is dropped; the CDATA text is exact.
    assert!(
        code.contains("<code class=\"language-sql\">SELECT * FROM menu;</code>"),
        "{code}"
    );
    assert!(code.contains("<strong>The menu</strong>"));
    assert!(html("noformat-standard-input.xml").contains("<pre><code>"));
    assert!(html("expand-macro-input.xml").contains("<strong>"));
    let panel = html("panel-macro-input.xml");
    assert!(panel.contains("border-left:4px solid"), "{panel}");
    let toc = html("toc-macro-input.xml");
    // No headings on that page: the static list is empty, the parameters are gone.
    assert!(
        toc.contains("Lorem ipsum") && !toc.contains("maxLevel"),
        "{toc}"
    );
    let tasks = html("task-list-macro-input.xml");
    assert!(tasks.contains('☐') || tasks.contains('☑'), "{tasks}");
    assert!(tasks.contains("Wurde der Test hier schon begonnen?"));
    let emo = html("emoticon-input.xml");
    assert!(emo.chars().any(|c| c as u32 > 0x2000), "{emo}");
    let time = html("restore-time-tag-input.xml");
    assert!(time.contains("20"), "{time}");
    let details = html("details-macro-input.xml");
    // Both rich-text bodies of the macro are kept.
    assert!(
        details.contains("Ipsum dolor") && details.contains("There may be multiple rich texts"),
        "{details}"
    );
    let gallery = html("gallery-macro-input.xml");
    // No images attached to that page: the gallery keeps its title only.
    assert!(
        gallery.contains("<strong>Assets Gallery (All Image Types)</strong>"),
        "{gallery}"
    );
    let jira = html("jira-macro-jql-summary-input.xml");
    assert!(
        jira.contains("Jira issues") || jira.contains("<strong>"),
        "{jira}"
    );
    // Dynamic and unknown macros are findings naming the macro.
    let unsupported: Vec<&str> = b
        .findings
        .iter()
        .filter(|f| f["code"] == "macro-unsupported")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    for name in ["livesearch", "loremipsum", "testsimplemacro"] {
        assert!(
            unsupported
                .iter()
                .any(|m| m.starts_with(&format!("{name} macro"))),
            "no macro-unsupported finding for {name}: {unsupported:?}"
        );
    }
}
