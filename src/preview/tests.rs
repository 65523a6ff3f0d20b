//! The preview built from hand-made records: every section and document page is
//! there, secrets never appear, links and images point where the bundle has them.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::bundle::*;
use crate::model::{Code, Finding};

const SECRET: &str = "hunter2-very-secret";
const FA_SECRET: &str = "ilo-pass-42";

fn src(page: &str) -> PageSource {
    PageSource {
        space_key: "S".into(),
        page_id: page.into(),
    }
}

fn doc(id: &str, name: &str, folder: Option<&str>) -> Document {
    Document {
        key: format!("doc/S/{id}"),
        org: "org/S".into(),
        name: name.into(),
        folder: folder.map(str::to_string),
        position: id.parse().unwrap(),
        content: format!("documents/S/{id}.html"),
        images: vec![],
        attachments: vec![],
        links: vec![],
        source: DocumentSource {
            kind: "page".into(),
            space_key: "S".into(),
            page_id: id.into(),
            title: name.into(),
            version: None,
            created: None,
            modified: None,
            author: None,
            labels: vec![],
            ancestors: vec![],
            file: None,
        },
    }
}

fn field(name: &str, kind: &str) -> FieldDef {
    FieldDef {
        name: name.into(),
        kind: kind.into(),
        required: false,
        show_in_list: false,
        tag_type: None,
        options: None,
    }
}

pub(crate) fn records() -> Records {
    let mut traits = BTreeMap::new();
    traits.insert("Hostname".to_string(), json!("SRV01"));
    traits.insert("Admin password".to_string(), json!(FA_SECRET));
    traits.insert("Zone".to_string(), json!("DMZ"));
    let mut tags = BTreeMap::new();
    tags.insert("Docs".to_string(), vec!["doc/S/2".to_string()]);
    Records {
        organizations: vec![Organization {
            key: "org/S".into(),
            name: "Space Org".into(),
            match_: "create".into(),
            source: OrgSource {
                space_key: "S".into(),
                space_name: "Space".into(),
                page_id: None,
            },
        }],
        folders: vec![Folder {
            key: "folder/S/1".into(),
            org: "org/S".into(),
            name: "Runbooks".into(),
            parent: None,
            position: 0,
            source: src("1"),
        }],
        documents: vec![
            doc("1", "Runbooks", None),
            doc("2", "Restore <Test>", Some("folder/S/1")),
        ],
        attachments: vec![
            AttachmentRecord {
                key: "att/S/2/a".into(),
                owner: "doc/S/2".into(),
                file_name: "shot.png".into(),
                media_type: Some("image/png".into()),
                size: 10,
                blake3: "ab".repeat(32),
                inline: true,
                source: AttachmentSource {
                    page_id: "2".into(),
                    attachment_id: "a".into(),
                    version: None,
                    entry: "attachments/2/a".into(),
                },
            },
            AttachmentRecord {
                key: "att/S/2/b".into(),
                owner: "doc/S/2".into(),
                file_name: "runbook.pdf".into(),
                media_type: Some("application/pdf".into()),
                size: 2048,
                blake3: "cd".repeat(32),
                inline: false,
                source: AttachmentSource {
                    page_id: "2".into(),
                    attachment_id: "b".into(),
                    version: None,
                    entry: "attachments/2/b".into(),
                },
            },
        ],
        flexible_asset_types: vec![FlexibleAssetType {
            key: "fat/server".into(),
            name: "Server".into(),
            description: None,
            fields: vec![
                field("Zone", "Text"),
                field("Hostname", "Text"),
                field("Admin password", "Password"),
                field("Docs", "Tag"),
            ],
        }],
        flexible_assets: vec![FlexibleAsset {
            key: "fa/S/3".into(),
            org: "org/S".into(),
            type_: "fat/server".into(),
            traits,
            tags,
            source: src("3"),
        }],
        configurations: vec![Configuration {
            key: "cfg/S/4".into(),
            org: "org/S".into(),
            name: "FW01".into(),
            configuration_type: Some("Firewall".into()),
            hostname: Some("fw01.example".into()),
            primary_ip: Some("10.0.0.1".into()),
            operating_system: None,
            serial_number: Some("SN-1".into()),
            notes: Some("Rack B".into()),
            source: src("4"),
        }],
        contacts: vec![Contact {
            key: "contact/S/5/1".into(),
            org: "org/S".into(),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            title: Some("CTO".into()),
            emails: vec![ContactEmail {
                value: "ada@example.com".into(),
                primary: true,
                label: None,
            }],
            phones: vec![ContactPhone {
                value: "+1 555 0100".into(),
                extension: Some("12".into()),
                primary: true,
                label: None,
            }],
            notes: None,
            source: src("5"),
        }],
        passwords: vec![Password {
            key: "pw/S/2/1".into(),
            org: "org/S".into(),
            name: "Backup admin".into(),
            username: Some("backup".into()),
            password: Some(SECRET.into()),
            url: Some("https://backup.example".into()),
            notes: Some("rotate yearly".into()),
            category: None,
            embedded_in: Some("doc/S/2".into()),
            source: src("2"),
        }],
        related_items: vec![],
    }
}

pub(crate) fn findings() -> Vec<Finding> {
    let mut a = Finding::new(Code::ImageMissing, "image \"gone.png\" is missing");
    a.page = Some("doc/S/2".into());
    let mut b = Finding::new(Code::FieldInvalid, "\"x\" is not a date");
    b.page = Some("fa/S/3".into());
    let mut c = Finding::new(Code::TreeFlattened, "folder nested too deep");
    c.page = Some("folder/S/1".into());
    vec![a, b, c]
}

const BODY_2: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>x</title>\n</head>\n<body>\n\
<p><img src=\"../../blobs/ab/abab\" alt=\"shot.png\"></p>\n\
<p><a data-cf2itglue-ref=\"pw/S/2/1\">Password: Backup admin</a> and \
<a data-cf2itglue-ref=\"fa/S/3\">SRV01</a> and <a href=\"../S/1.html\">Runbooks</a> \
and <a data-cf2itglue-ref=\"doc/S/99\">gone</a></p>\n\
<p><img src=\"https://example.com/logo.png\" alt=\"web\"></p>\n</body>\n</html>\n";

fn built() -> BTreeMap<String, String> {
    let r = records();
    let f = findings();
    let body = |rel: &str| -> std::io::Result<String> {
        Ok(match rel {
            "documents/S/2.html" => BODY_2.to_string(),
            _ => "<html><body><p>Index of runbooks</p></body></html>".to_string(),
        })
    };
    build(&r, &f, &body).unwrap().into_iter().collect()
}

#[test]
fn every_section_and_document_has_a_page() {
    let files = built();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "preview/documents/S/1.html",
            "preview/documents/S/2.html",
            "preview/index.html",
            "preview/orgs/S/configurations.html",
            "preview/orgs/S/contacts.html",
            "preview/orgs/S/documents.html",
            "preview/orgs/S/flexible-assets.html",
            "preview/orgs/S/index.html",
            "preview/orgs/S/passwords.html",
            "preview/style.css",
        ]
    );
    // Deterministic: the same input gives the same bytes.
    assert_eq!(files, built());
}

#[test]
fn secrets_are_masked_everywhere() {
    let files = built();
    for (path, text) in &files {
        assert!(!text.contains(SECRET), "{path} shows the password");
        assert!(
            !text.contains(FA_SECRET),
            "{path} shows the asset's password field"
        );
    }
    let pw = &files["preview/orgs/S/passwords.html"];
    assert!(pw.contains(MASK), "{pw}");
    assert!(pw.contains("rotate yearly"));
    let fa = &files["preview/orgs/S/flexible-assets.html"];
    assert!(
        fa.contains(&format!(
            "<strong>Admin password:</strong> <span class=\"masked\">{MASK}</span>"
        )),
        "{fa}"
    );
}

#[test]
fn a_password_without_value_says_so() {
    let mut r = records();
    r.passwords[0].password = None;
    let files: BTreeMap<_, _> = build(&r, &[], &|_| Ok(String::new()))
        .unwrap()
        .into_iter()
        .collect();
    let pw = &files["preview/orgs/S/passwords.html"];
    assert!(pw.contains("(no value in the bundle)"), "{pw}");
    assert!(!pw.contains(MASK));
}

#[test]
fn document_page_shows_findings_images_links_and_attachments() {
    let files = built();
    let d = &files["preview/documents/S/2.html"];
    // Findings before the body.
    let findings_at = d.find("1 finding on this document").expect(d);
    let body_at = d.find("class=\"card doc\"").unwrap();
    assert!(findings_at < body_at);
    assert!(d.contains("image-missing"));
    // Breadcrumb through the folder, name escaped.
    assert!(
        d.contains("../../orgs/S/documents.html#folder/S/1\">Runbooks</a>"),
        "{d}"
    );
    assert!(d.contains("<h1>Restore &lt;Test&gt;</h1>"));
    // The blob one folder further up than from documents/.
    assert!(d.contains("<img src=\"../../../blobs/ab/abab\""), "{d}");
    // Record references lead to their rows; a link between documents is kept.
    assert!(
        d.contains(
            "<a href=\"../../orgs/S/passwords.html#pw/S/2/1\" data-cf2itglue-ref=\"pw/S/2/1\">"
        ),
        "{d}"
    );
    assert!(d.contains(
        "<a href=\"../../orgs/S/flexible-assets.html#fa/S/3\" data-cf2itglue-ref=\"fa/S/3\">"
    ));
    assert!(d.contains("<a href=\"../S/1.html\">Runbooks</a>"));
    // A reference to nothing in the bundle stays an anchor without href.
    assert!(d.contains("<a data-cf2itglue-ref=\"doc/S/99\">gone</a>"));
    // Web images are not fetched.
    assert!(!d.contains("src=\"https://example.com/logo.png\""));
    assert!(d.contains("not loaded in the preview: https://example.com/logo.png"));
    // The non-inline attachment is listed with a link to its blob.
    let blob = format!("../../../blobs/cd/{}", "cd".repeat(32));
    assert!(
        d.contains(&format!("<a href=\"{blob}\">runbook.pdf</a>")),
        "{d}"
    );
    // The sidebar marks Documents.
    assert!(d.contains("class=\"on\">Documents"));
    // The folder's own finding shows on the document made from the same page.
    let d1 = &files["preview/documents/S/1.html"];
    assert!(d1.contains("tree-flattened"), "{d1}");
}

#[test]
fn documents_tree_nests_documents_in_folders() {
    let files = built();
    let t = &files["preview/orgs/S/documents.html"];
    let folder = t.find("id=\"folder/S/1\">Runbooks</span>").expect(t);
    let child = t
        .find("../../documents/S/2.html\">Restore &lt;Test&gt;</a>")
        .expect(t);
    assert!(folder < child);
    assert!(t.contains("(1 finding)"));
}

#[test]
fn flexible_assets_are_named_ordered_and_linked() {
    let files = built();
    let fa = &files["preview/orgs/S/flexible-assets.html"];
    assert!(fa.contains("<h2 id=\"fat/server\">Server</h2>"));
    assert!(fa.contains("<tr id=\"fa/S/3\">"));
    // Named by the first filled field of the type (Zone), not by the key.
    assert!(fa.contains("<td><strong>DMZ</strong>"), "{fa}");
    // Fields in the type's order.
    let zone = fa.find("<strong>Zone:</strong>").unwrap();
    let host = fa.find("<strong>Hostname:</strong>").unwrap();
    assert!(zone < host);
    // The tag field links to the document.
    assert!(
        fa.contains(
            "<strong>Docs:</strong> <a href=\"../../documents/S/2.html\">Restore &lt;Test&gt;</a>"
        ),
        "{fa}"
    );
    // Its finding is in its row.
    assert!(fa.contains("field-invalid"));
    // The sidebar lists the type with its count.
    assert!(
        fa.contains("flexible-assets.html#fat/server\">Server<span class=\"n\">1</span>"),
        "{fa}"
    );
}

#[test]
fn configurations_and_contacts_have_their_rows() {
    let files = built();
    let c = &files["preview/orgs/S/configurations.html"];
    for s in [
        "<tr id=\"cfg/S/4\">",
        "FW01",
        "Firewall",
        "fw01.example",
        "10.0.0.1",
        "SN-1",
        "Rack B",
    ] {
        assert!(c.contains(s), "{s} missing: {c}");
    }
    let p = &files["preview/orgs/S/contacts.html"];
    for s in [
        "<tr id=\"contact/S/5/1\">",
        "Ada Lovelace",
        "CTO",
        "ada@example.com",
        "+1 555 0100 x12",
    ] {
        assert!(p.contains(s), "{s} missing: {p}");
    }
    let o = &files["preview/orgs/S/index.html"];
    assert!(
        o.contains("<tr><th>Configurations</th><td>1</td></tr>"),
        "{o}"
    );
    assert!(o.contains("<tr><th>Passwords</th><td>1</td></tr>"));
}

#[test]
fn a_missing_body_is_an_error_naming_the_file() {
    let r = records();
    let err = build(&r, &[], &|_| {
        Err(std::io::Error::from(std::io::ErrorKind::NotFound))
    })
    .unwrap_err();
    assert!(err.to_string().contains("documents/S/1.html"), "{err}");
}

/// Convert hands the preview over page by page (bounded memory on big exports).
mod build_each_order {
    use std::cell::RefCell;

    use crate::bundle::records::{Document, DocumentSource, OrgSource, Organization};
    use crate::preview::*;

    fn records(docs: usize) -> Records {
        let org = Organization {
            key: "org/SYN".into(),
            name: "Synthetic".into(),
            match_: "create".into(),
            source: OrgSource {
                space_key: "SYN".into(),
                space_name: "Synthetic".into(),
                page_id: None,
            },
        };
        let documents = (0..docs)
            .map(|i| Document {
                key: format!("doc/SYN/{i}"),
                org: org.key.clone(),
                name: format!("Page {i}"),
                folder: None,
                position: i,
                content: format!("documents/SYN/{i}.html"),
                images: Vec::new(),
                attachments: Vec::new(),
                links: Vec::new(),
                source: DocumentSource {
                    kind: "page".into(),
                    space_key: "SYN".into(),
                    page_id: i.to_string(),
                    title: format!("Page {i}"),
                    version: None,
                    created: None,
                    modified: None,
                    author: None,
                    labels: Vec::new(),
                    ancestors: Vec::new(),
                    file: None,
                },
            })
            .collect();
        Records {
            organizations: vec![org],
            documents,
            ..Records::default()
        }
    }

    #[test]
    fn build_each_hands_over_each_document_page_before_reading_the_next_body() {
        let recs = records(3);
        // What happened, in order: "read <body>" and "emit <path>".
        let log = RefCell::new(Vec::<String>::new());
        let body = |rel: &str| {
            log.borrow_mut().push(format!("read {rel}"));
            Ok(format!("<p>body of {rel}</p>"))
        };
        let mut emitted = Vec::new();
        build_each(&recs, &[], &body, &mut |path, text| {
            log.borrow_mut().push(format!("emit {path}"));
            emitted.push((path, text));
            Ok(())
        })
        .unwrap();
        let log = log.borrow().clone();
        let reads: Vec<usize> = (0..log.len())
            .filter(|&i| log[i].starts_with("read "))
            .collect();
        assert_eq!(reads.len(), 3);
        for w in reads.windows(2) {
            assert!(
                log[w[0] + 1].starts_with("emit "),
                "a document's page is emitted before the next body is read: {log:?}"
            );
        }
        // The same files as `build`, which sorts them.
        emitted.sort_by(|a, b| a.0.cmp(&b.0));
        let plain = |rel: &str| Ok(format!("<p>body of {rel}</p>"));
        assert_eq!(emitted, build(&recs, &[], &plain).unwrap());
        assert!(
            emitted
                .iter()
                .any(|(_, t)| t.contains("body of documents/SYN/2.html"))
        );
    }
}
