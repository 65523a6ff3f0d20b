//! Classification of the sample export with the sample mapping
//! (testdata/acme-mapping.toml): golden records, secrets kept out of documents and
//! the report, configurations by rule, the draft mapping, scan's per-page outcome
//! and mapping errors that name the line.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};

fn mapping() -> PathBuf {
    root().join("testdata/acme-mapping.toml")
}

fn convert_with(mapping: &Path, out: &Path) {
    let o = run(&[
        "convert",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "convert failed: {}", stderr(&o));
}

fn by_key(records: Vec<Value>) -> BTreeMap<String, Value> {
    records
        .into_iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r))
        .collect()
}

#[test]
fn records_match_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    convert_with(&mapping(), &out);
    let actual: BTreeMap<_, _> = files(&out)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".jsonl") || n.starts_with("documents/") || n == "report.json")
        .collect();
    golden(&actual, &root().join("tests/golden/acme-mapping"));
}

#[test]
fn server_sheets_become_flexible_assets_with_checked_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    convert_with(&mapping(), &out);
    let fa = by_key(jsonl(&out, "flexible_assets.jsonl"));
    let dc01 = &fa["fa/ACME/98323"];
    assert_eq!(dc01["type"], "fat/server");
    assert_eq!(dc01["traits"]["Hostname"], "DC01");
    assert_eq!(dc01["traits"]["IP Address"], "10.20.10.10");
    assert_eq!(dc01["traits"]["Serial"], "7XK2QF3", "renamed by fields");
    assert_eq!(dc01["traits"]["Warranty Expires"], "2027-03-31");
    assert_eq!(dc01["tags"]["Related documents"], json!(["doc/ACME/98324"]));
    // FS01's warranty is "n/a (...)": not a date, so a finding and the text kept
    // in other_keys.
    let fs01 = &fa["fa/ACME/98325"];
    assert!(fs01["traits"].get("Warranty Expires").is_none());
    assert_eq!(
        fs01["traits"]["Other details"],
        "Warranty Expires: n/a (virtual machine on HV01)"
    );
    let f = findings(&out);
    assert!(f.iter().any(|x| x["code"] == "field-invalid"
        && x["page"] == "fa/ACME/98325"
        && x["message"].as_str().unwrap().contains("is not a date")));
    // A Number field: "31" → 31; "5 (warehouse)" → finding.
    assert_eq!(fa["fa/ACME/98351"]["traits"]["Staff"], 31);
    assert!(fa["fa/ACME/98352"]["traits"].get("Staff").is_none());
    // FS01 holds only its sheet, so no document is kept; links to it point at the asset.
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    assert!(!docs.contains_key("doc/ACME/98325"));
    assert!(
        docs.contains_key("doc/ACME/98323"),
        "DC01 has text besides its sheet"
    );
    let servers = fs::read_to_string(out.join("documents/ACME/98320.html")).unwrap();
    assert!(
        servers.contains(r#"<a data-cf2itglue-ref="fa/ACME/98325">FS01</a>"#),
        "{servers}"
    );
    let types = jsonl(&out, "flexible_asset_types.jsonl");
    assert_eq!(types.len(), 2);
    assert_eq!(types[0]["key"], "fat/server");
    assert_eq!(
        types[0]["fields"][6],
        json!({"name": "Warranty Expires", "kind": "Date", "required": false, "show_in_list": false, "tag_type": null, "options": null})
    );
}

#[test]
fn password_table_becomes_passwords_and_no_secret_stays_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, m) in [("default", None), ("mapped", Some(mapping()))] {
        let out = tmp.path().join(name);
        match &m {
            Some(m) => convert_with(m, &out),
            None => {
                convert(&sample(), &out);
            }
        }
        let pw = jsonl(&out, "passwords.jsonl");
        assert_eq!(pw.len(), 5, "one per row with a password (SQL sa has none)");
        assert_eq!(pw[0]["key"], "pw/ACME/98360/1");
        assert_eq!(pw[0]["name"], "Microsoft 365 break-glass admin");
        assert_eq!(pw[0]["username"], "breakglass@acmecorp.onmicrosoft.com");
        assert_eq!(pw[0]["password"], "Tr0ub4dor&3-acme");
        assert_eq!(pw[0]["url"], "https://admin.microsoft.com");
        assert_eq!(pw[4]["key"], "pw/ACME/98360/6", "row numbers are stable");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(out.join("passwords.jsonl"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let secrets: Vec<String> = pw
            .iter()
            .map(|p| p["password"].as_str().unwrap().to_string())
            .collect();
        for (file, bytes) in files(&out) {
            if file == "passwords.jsonl" || file.starts_with("blobs/") {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            for s in &secrets {
                let escaped = s.replace('&', "&amp;").replace('"', "&quot;");
                assert!(
                    !text.contains(s.as_str()) && !text.contains(&escaped),
                    "a secret is in {file} ({name})"
                );
            }
        }
        let html = fs::read_to_string(out.join("documents/ACME/98360.html")).unwrap();
        assert!(html.contains(r#"<a data-cf2itglue-ref="pw/ACME/98360/2">Password: Veeam Backup &amp; Replication (in IT Glue Passwords)</a>"#));
    }
}

#[test]
fn contacts_become_contacts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    convert_with(&mapping(), &out);
    let c = jsonl(&out, "contacts.jsonl");
    assert_eq!(c.len(), 5);
    assert_eq!(c[0]["first_name"], "Margaret Ellen");
    assert_eq!(c[0]["last_name"], "Kowalski");
    assert_eq!(
        c[1]["emails"],
        json!([{"value": "dokafor@acmecorp.example", "primary": true, "label": null}])
    );
    assert_eq!(
        c[1]["phones"],
        json!([
            {"value": "+1 503 555 0117", "extension": null, "primary": true, "label": null},
            {"value": "+1 971 555 0188", "extension": null, "primary": false, "label": "mobile"}
        ])
    );
    assert_eq!(c[4]["title"], "Sales Lead, Zürich");
}

#[test]
fn a_subtree_becomes_its_own_organization_and_links_become_related_items() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    convert_with(&mapping(), &out);
    let orgs = by_key(jsonl(&out, "organizations.jsonl"));
    assert_eq!(orgs["org/ACME"]["match"], "existing");
    assert_eq!(orgs["org/ACME/98352"]["name"], "Branch Office");
    assert_eq!(orgs["org/ACME/98352"]["source"]["page_id"], "98352");
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    // Branch Office's body sits at its organization's root, its child "Backups"
    // keeps its name (no clash in that organization).
    assert_eq!(docs["doc/ACME/98352"]["org"], "org/ACME/98352");
    assert_eq!(docs["doc/ACME/98352"]["folder"], Value::Null);
    assert_eq!(docs["doc/ACME/98353"]["name"], "Backups");
    assert_eq!(docs["doc/ACME/98330"]["name"], "Backups");
    // Flattened past max_folder_depth = 3.
    assert_eq!(
        docs["doc/ACME/98324"]["name"],
        "Domain Controllers / DC01 / DC01 Build Notes"
    );
    assert_eq!(docs["doc/ACME/98324"]["folder"], "folder/ACME/98321");
    let rel = jsonl(&out, "related_items.jsonl");
    let has = |from: &str, to: &str| rel.iter().any(|r| r["from"] == from && r["to"] == to);
    assert!(has("fa/ACME/98325", "fa/ACME/98326"), "FS01 links to HV01");
    assert!(
        has("fa/ACME/98323", "doc/ACME/98323"),
        "asset ↔ its kept document"
    );
    assert!(has("doc/ACME/98320", "fa/ACME/98325"));
    // No duplicates, and never across organizations.
    let mut pairs: Vec<_> = rel
        .iter()
        .map(|r| {
            let (a, b) = (r["from"].as_str().unwrap(), r["to"].as_str().unwrap());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    let n = pairs.len();
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), n);
    assert!(
        !has("fa/ACME/98351", "doc/ACME/98310"),
        "Head Office is another organization"
    );
    let manifest: Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["mapping"]["file_name"], "acme-mapping.toml");
    let hash = blake3::hash(&fs::read(mapping()).unwrap());
    assert_eq!(manifest["mapping"]["blake3"], hash.to_hex().as_str());
    assert_eq!(manifest["counts"]["organizations"], 4);
    assert_eq!(manifest["counts"]["passwords"], 5);
}

#[test]
fn configurations_by_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m.toml");
    fs::write(
        &m,
        "[[rule]]\nwhen = { keys = [\"Hostname\", \"IP Address\"] }\nmake = \"configuration\"\nconfiguration_type = \"Server\"\nkeep_document = false\n",
    )
    .unwrap();
    let out = tmp.path().join("b");
    convert_with(&m, &out);
    let cfg = by_key(jsonl(&out, "configurations.jsonl"));
    assert_eq!(cfg.len(), 3);
    assert_eq!(
        cfg["cfg/ACME/98326"],
        json!({
            "key": "cfg/ACME/98326", "org": "org/ACME", "name": "Hyper-V Host HV01",
            "configuration_type": "Server", "hostname": "HV01", "primary_ip": "10.20.10.5",
            "operating_system": "Windows Server 2022 Datacenter", "serial_number": "9QW4MN2",
            "notes": "Role: Hyper-V host (FS01, UNIFI01, VBR01)\nModel: Dell PowerEdge R650xs\nWarranty Expires: 2028-06-30\nLocation: Head Office, server room 214, rack A U8–U9\nNotes: iDRAC at 10.20.99.21. 2× Xeon Silver 4314, 256 GB RAM, 6× 1.92 TB SSD RAID 10.",
            "source": {"space_key": "ACME", "page_id": "98326"}
        })
    );
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    assert!(
        !docs.contains_key("doc/ACME/98326"),
        "keep_document = false"
    );
    assert!(jsonl(&out, "flexible_assets.jsonl").is_empty());
}

#[test]
fn draft_mapping_converts_unedited_and_edited_as_the_readme_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = tmp.path().join("draft.toml");
    let o = run(&[
        "scan",
        sample().to_str().unwrap(),
        "--write-mapping",
        draft.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&draft).unwrap();
    // A second run never writes over the file (it may hold the user's edits).
    fs::write(&draft, "# edited\n").unwrap();
    let again = run(&[
        "scan",
        sample().to_str().unwrap(),
        "--write-mapping",
        draft.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("draft.toml: already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(fs::read_to_string(&draft).unwrap(), "# edited\n");
    fs::write(&draft, &text).unwrap();
    assert!(text.contains("# Key–value pages (3): DC01, FS01, Hyper-V Host HV01\n[[rule]]"));
    assert!(text.contains("[flexible_asset_type.\"Server\"]"));
    assert!(text.contains(
        "#   Service | Username | Password | URL | Notes   (Service Accounts & Passwords)"
    ));
    let out = tmp.path().join("unedited");
    convert_with(&draft, &out);
    assert_eq!(jsonl(&out, "flexible_assets.jsonl").len(), 3);
    assert_eq!(jsonl(&out, "organizations.jsonl").len(), 1);
    // The README's edit: uncomment the Client Sites organization.
    let edited = text.replace(
        "# [[organization]]\n# space = \"ACME\"\n# children_of = \"Client Sites\"",
        "[[organization]]\nspace = \"ACME\"\nchildren_of = \"Client Sites\"",
    );
    assert_ne!(edited, text);
    let e = tmp.path().join("edited.toml");
    fs::write(&e, edited).unwrap();
    let out = tmp.path().join("edited");
    convert_with(&e, &out);
    let orgs: Vec<String> = jsonl(&out, "organizations.jsonl")
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        orgs,
        [
            "Acme Corp",
            "Head Office",
            "Branch Office",
            "Zürich Büro Netzwerk"
        ]
    );
    // The rest of the classification comes with the draft as it is.
    let fa = by_key(jsonl(&out, "flexible_assets.jsonl"));
    assert_eq!(fa["fa/ACME/98323"]["traits"]["Hostname"], "DC01");
    assert_eq!(
        fa["fa/ACME/98323"]["traits"]["Warranty Expires"],
        "2027-03-31"
    );
    assert_eq!(jsonl(&out, "passwords.jsonl").len(), 5);
    assert_eq!(jsonl(&out, "contacts.jsonl").len(), 5);
    let rel = jsonl(&out, "related_items.jsonl");
    assert!(
        rel.iter()
            .any(|r| r["from"] == "fa/ACME/98325" && r["to"] == "fa/ACME/98326"),
        "{rel:?}"
    );
}

#[test]
fn scan_shows_what_each_page_becomes() {
    let o = run(&[
        "scan",
        sample().to_str().unwrap(),
        "--mapping",
        mapping().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        e.contains("98323  DC01  [Acme Corp] → document + flexible asset Server (rule 1)"),
        "{e}"
    );
    assert!(
        e.contains("98325  FS01  [Acme Corp] → flexible asset Server (rule 1)"),
        "{e}"
    );
    assert!(
        e.contains("98360  Service Accounts & Passwords  [Acme Corp] → document + 5 password(s)"),
        "{e}"
    );
    assert!(
        e.contains(
            "98352  Branch Office  [Branch Office] → document + flexible asset Site (rule 2)"
        ),
        "{e}"
    );
    assert!(
        e.contains("98320  Servers  [Acme Corp] → folder + document\n"),
        "{e}"
    );
    assert!(
        e.contains("98350  Client Sites  [Acme Corp] → nothing: no content (page-empty)\n"),
        "{e}"
    );
    assert!(!e.contains("Tr0ub4dor"));
    assert!(
        !e.contains("mapping: "),
        "every part of the sample mapping is used: {e}"
    );

    // A rule or organization that finds nothing is named.
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("typo.toml");
    fs::write(
        &m,
        "[[organization]]\nspace = \"ACNE\"\n\n[[rule]]\nwhen = { title = \"Contcts*\" }\nmake = \"contacts\"\n",
    )
    .unwrap();
    let o = run(&[
        "scan",
        sample().to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(e.contains("mapping: [[rule]] 1 matched no page"), "{e}");
    assert!(
        e.contains(
            "mapping: [[organization]] names space \"ACNE\", which no export of this run holds"
        ),
        "{e}"
    );
}

#[test]
fn a_bad_mapping_is_an_error_naming_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("bad.toml");
    fs::write(
        &m,
        "[[rule]]\nwhen = { label = \"server\" }\nmake = \"flexible_asset\"\ntype = \"Server\"\n",
    )
    .unwrap();
    let o = run(&[
        "convert",
        sample().to_str().unwrap(),
        "--out",
        tmp.path().join("b").to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml: line 4, column 8: no [flexible_asset_type.\"Server\"] in this file"),
        "{e}"
    );
    assert!(!tmp.path().join("b").exists());
    fs::write(&m, "[documents]\nmax_folder_depth = \"three\"\n").unwrap();
    let o = run(&[
        "scan",
        sample().to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.toml: line 2, column 20: invalid type"),
        "{}",
        stderr(&o)
    );
}

/// The real Cloud export classified with its own draft mapping, unedited: it
/// converts, every page file is a document, folder or record or is named by a
/// finding, each flexible asset has a finding saying what its page became, keys
/// are unique, and the bundle checks (skipped when the corpus is absent).
#[test]
fn corpus_export_converts_with_its_draft_mapping() {
    let Some(export) = corpus("dlx-cloud-html") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let draft = tmp.path().join("draft.toml");
    let o = run(&[
        "scan",
        export.to_str().unwrap(),
        "--write-mapping",
        draft.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The draft proposes rules commented out for single pages; switch on all of them.
    let text = fs::read_to_string(&draft).unwrap();
    let on: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with("[[rule]]")
                    || rest.starts_with("when = ")
                    || rest.starts_with("make = ")
                    || rest.starts_with("type = ")
                    || rest.starts_with("[flexible_asset_type.")
                    || rest.starts_with("fields = [")
                    || rest.starts_with("  { name = ")
                    || rest == "]" =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let all_on = tmp.path().join("all-on.toml");
    fs::write(&all_on, on).unwrap();
    let out = tmp.path().join("b");
    let o = run(&[
        "convert",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--mapping",
        all_on.to_str().unwrap(),
        "--no-preview",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let assets = jsonl(&out, "flexible_assets.jsonl");
    let types = jsonl(&out, "flexible_asset_types.jsonl");
    assert!(assets.len() >= 40, "{} flexible assets", assets.len());
    assert!(types.len() >= 5, "{} types", types.len());
    let mut staged = std::collections::BTreeSet::new();
    let mut keys = std::collections::BTreeSet::new();
    for file in [
        "documents.jsonl",
        "folders.jsonl",
        "flexible_assets.jsonl",
        "configurations.jsonl",
        "contacts.jsonl",
        "passwords.jsonl",
    ] {
        for r in jsonl(&out, file) {
            let key = r["key"].as_str().unwrap().to_string();
            assert!(keys.insert(key.clone()), "{key} twice");
            staged.insert(r["source"]["page_id"].as_str().unwrap().to_string());
        }
    }
    let found = findings(&out);
    for a in &assets {
        let key = a["key"].as_str().unwrap();
        let page_doc = key.replacen("fa/", "doc/", 1);
        assert!(
            found.iter().any(|f| f["code"] == "record-extracted"
                && (f["page"] == key || f["page"] == page_doc.as_str())
                && f["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("page became a flexible asset")),
            "no record-extracted finding for {key}"
        );
        let ty = a["type"].as_str().unwrap();
        assert!(
            types.iter().any(|t| t["key"] == ty),
            "{key}: unknown type {ty}"
        );
    }
    let reported: std::collections::BTreeSet<String> = found
        .iter()
        .filter_map(|f| f["detail"].as_str().map(str::to_string))
        .collect();
    for entry in fs::read_dir(&export).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name == "index.html" || !name.ends_with(".html") {
            continue;
        }
        let id = name.trim_end_matches(".html").rsplit('_').next().unwrap();
        assert!(
            staged.contains(id) || reported.contains(id),
            "{name} is neither staged nor named by a finding"
        );
    }
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// The draft written for a real export is valid: its header signatures and titles
/// hold newlines and odd characters (skipped when the corpus is absent).
#[test]
fn draft_of_the_corpus_export_parses() {
    let Some(export) = corpus("dlx-cloud-html") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let draft = tmp.path().join("draft.toml");
    let o = run(&[
        "scan",
        export.to_str().unwrap(),
        "--write-mapping",
        draft.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = cf2itglue::classify::mapping::load(&draft);
    assert!(m.is_ok(), "{}", m.err().unwrap());
    assert!(m.unwrap().0.rule.len() >= 5);
}

/// Every XML package of the corpus: the draft mapping scan writes for it parses,
/// and the package converts with it and checks (skipped when the corpus is absent).
#[test]
fn xml_corpus_packages_convert_with_their_draft_mapping() {
    let Some(fixtures) = corpus("xwiki-xml-fixtures") else {
        return;
    };
    let mut exports: Vec<PathBuf> = fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    exports.sort();
    if let Some(misc) = corpus("xwiki-xml-misc-personal-space") {
        exports.push(misc.join("misc.xml.zip"));
    }
    assert!(exports.len() >= 50, "{} packages", exports.len());
    let tmp = tempfile::tempdir().unwrap();
    for (i, export) in exports.iter().enumerate() {
        let draft = tmp.path().join(format!("draft-{i}.toml"));
        let out = tmp.path().join(format!("b-{i}"));
        let name = export.display();
        let o = run(&[
            "scan",
            export.to_str().unwrap(),
            "--write-mapping",
            draft.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "scan {name}: {}", stderr(&o));
        let m = cf2itglue::classify::mapping::load(&draft);
        assert!(m.is_ok(), "draft of {name}: {}", m.err().unwrap());
        let o = run(&[
            "convert",
            export.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--mapping",
            draft.to_str().unwrap(),
            "--no-preview",
            "--quiet",
        ]);
        assert!(o.status.success(), "convert {name}: {}", stderr(&o));
        let ok = run(&["check", out.to_str().unwrap()]);
        assert!(ok.status.success(), "check {name}: {}", stderr(&ok));
    }
}

/// Label and macro conditions on the XML sample (labels and macro names come from
/// entities.xml and the storage format): a skipped page keeps its folder for its
/// child, a rule that finds nothing keeps the document and says so.
#[test]
fn label_and_macro_rules_on_the_xml_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m.toml");
    fs::write(
        &m,
        "[[rule]]\nwhen = { label = \"Network\", macro = \"acme-widget\" }\nmake = \"skip\"\n\n\
         [[rule]]\nwhen = { macro = \"toc\" }\nmake = \"passwords\"\n\n\
         [[rule]]\nwhen = { label = \"nosuch\" }\nmake = \"skip\"\n",
    )
    .unwrap();
    let export = root().join("testdata/acme-xml");
    let o = run(&[
        "scan",
        export.to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        e.contains("101  Network  [Acme XML] → folder + nothing: skipped (rule 1)\n"),
        "{e}"
    );
    assert!(
        e.contains("100  Acme Home  [Acme XML] → document + no passwords found (rule 2)\n"),
        "{e}"
    );
    assert!(e.contains("mapping: [[rule]] 3 matched no page"), "{e}");

    let out = tmp.path().join("b");
    let o = run(&[
        "convert",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = by_key(jsonl(&out, "documents.jsonl"));
    assert!(!docs.contains_key("doc/ACX/101"), "skipped");
    assert!(
        docs.contains_key("doc/ACX/100"),
        "kept: nothing was extracted"
    );
    assert_eq!(docs["doc/ACX/102"]["folder"], "folder/ACX/101");
    let f = findings(&out);
    assert!(
        f.iter()
            .any(|x| x["code"] == "page-skipped" && x["page"] == "folder/ACX/101"),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|x| x["code"] == "mapping-unused" && x["page"] == "doc/ACX/100"),
        "{f:?}"
    );
}

/// Two pages named "Backups" in one organization: "Backups (2)" by default,
/// "Branch Office / Backups" with `duplicate_titles = "path"`, each with a finding.
#[test]
fn duplicate_titles_suffix_or_path() {
    let tmp = tempfile::tempdir().unwrap();
    for (mode, want) in [
        ("suffix", "Backups (2)"),
        ("path", "Branch Office / Backups"),
    ] {
        let m = tmp.path().join(format!("{mode}.toml"));
        fs::write(&m, format!("[documents]\nduplicate_titles = \"{mode}\"\n")).unwrap();
        let out = tmp.path().join(mode);
        convert_with(&m, &out);
        let docs = by_key(jsonl(&out, "documents.jsonl"));
        assert_eq!(docs["doc/ACME/98330"]["name"], "Backups", "{mode}");
        assert_eq!(docs["doc/ACME/98353"]["name"], want, "{mode}");
        assert!(
            findings(&out)
                .iter()
                .any(|f| f["code"] == "title-duplicate-renamed"
                    && f["page"] == "doc/ACME/98353"
                    && f["message"].as_str().unwrap().contains(want)),
            "{mode}"
        );
    }
}

/// `[documents] labels` and `comments`: appended by default (with findings), left
/// out with "drop" (the XML sample's "Network" page has a label and a comment).
#[test]
fn labels_and_comments_append_or_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let export = root().join("testdata/acme-xml");
    for drop in [false, true] {
        let m = tmp.path().join(format!("{drop}.toml"));
        let v = if drop { "drop" } else { "append" };
        fs::write(
            &m,
            format!("[documents]\nlabels = \"{v}\"\ncomments = \"{v}\"\n"),
        )
        .unwrap();
        let out = tmp.path().join(v);
        let o = run(&[
            "convert",
            export.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--mapping",
            m.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let html = fs::read_to_string(out.join("documents/ACX/101.html")).unwrap();
        let f = findings(&out);
        let has = |code: &str| {
            f.iter()
                .any(|x| x["code"] == code && x["page"] == "doc/ACX/101")
        };
        assert_eq!(html.contains("Labels:</strong> network"), !drop, "{v}");
        assert_eq!(has("labels-kept-as-text"), !drop, "{v}");
        assert_eq!(html.contains(">Comments</h2>"), !drop, "{v}: {html}");
        assert_eq!(has("comments-appended"), !drop, "{v}");
    }
}

/// The sample's server sheet, password page and contact page written as an XML
/// space export (entities.xml with the storage-format bodies of
/// testdata/acme-storage/) give, with the same mapping, the same Password, Contact
/// and Flexible Asset records as the HTML export.
#[test]
fn the_xml_version_of_the_classified_pages_gives_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("acme-xml-classified");
    fs::create_dir_all(&export).unwrap();
    fs::write(
        export.join("exportDescriptor.properties"),
        "exportType=space\nspaceKey=ACME\nbuildNumber=8703\nbackupAttachments=true\n",
    )
    .unwrap();
    let storage = |id: &str| {
        fs::read_to_string(root().join(format!("testdata/acme-storage/{id}.xml"))).unwrap()
    };
    // (id, title, parent, body)
    let pages: Vec<(&str, &str, Option<&str>, String)> = vec![
        ("98300", "Acme Corp Home", None, "<p>Welcome.</p>".into()),
        ("98323", "DC01", Some("98300"), storage("98323")),
        (
            "98324",
            "DC01 Build Notes",
            Some("98323"),
            "<p>Built in 2024.</p>".into(),
        ),
        (
            "98360",
            "Service Accounts & Passwords",
            Some("98300"),
            storage("98360"),
        ),
        ("98370", "Key Contacts", Some("98300"), storage("98370")),
    ];
    let p = "package=\"com.atlassian.confluence.pages\"";
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hibernate-generic datetime=\"2026-11-20 10:15:00\">\n\
         <object class=\"Space\" {p}>\n<id name=\"id\">1000</id>\n\
         <property name=\"name\"><![CDATA[Acme Corp]]></property>\n\
         <property name=\"key\"><![CDATA[ACME]]></property>\n\
         <property name=\"lowerKey\"><![CDATA[acme]]></property>\n\
         <property name=\"homePage\" class=\"Page\" {p}><id name=\"id\">98300</id></property>\n\
         <property name=\"spaceType\"><![CDATA[global]]></property>\n</object>\n"
    );
    for (i, (id, title, parent, body)) in pages.iter().enumerate() {
        let parent = match parent {
            Some(pp) => format!(
                "<property name=\"parent\" class=\"Page\" {p}><id name=\"id\">{pp}</id></property>\n<property name=\"position\">{i}</property>"
            ),
            None => "<property name=\"parent\"/>\n<property name=\"position\"/>".into(),
        };
        x.push_str(&format!(
            "<object class=\"Page\" {p}>\n<id name=\"id\">{id}</id>\n\
             <property name=\"title\"><![CDATA[{title}]]></property>\n\
             <property name=\"lowerTitle\"><![CDATA[{}]]></property>\n\
             <property name=\"space\" class=\"Space\" {p}><id name=\"id\">1000</id></property>\n\
             <property name=\"version\"><![CDATA[1]]></property>\n\
             <property name=\"creationDate\">2026-11-02 09:00:00.000</property>\n\
             <property name=\"lastModificationDate\">2026-11-02 09:00:00.000</property>\n\
             <property name=\"contentStatus\"><![CDATA[current]]></property>\n{parent}\n\
             <property name=\"originalVersion\"/>\n</object>\n\
             <object class=\"BodyContent\" {p}>\n<id name=\"id\">{}</id>\n\
             <property name=\"body\"><![CDATA[{}]]></property>\n\
             <property name=\"content\" class=\"Page\" {p}><id name=\"id\">{id}</id></property>\n\
             <property name=\"bodyType\">2</property>\n</object>\n",
            title.to_lowercase(),
            5000 + i,
            body.replace("]]>", "]]]]><![CDATA[>"),
        ));
    }
    x.push_str("</hibernate-generic>\n");
    fs::write(export.join("entities.xml"), x).unwrap();

    let html_out = tmp.path().join("html");
    convert_with(&mapping(), &html_out);
    let xml_out = tmp.path().join("xml");
    let o = run(&[
        "convert",
        export.to_str().unwrap(),
        "--out",
        xml_out.to_str().unwrap(),
        "--mapping",
        mapping().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "convert failed: {}", stderr(&o));

    let pw = jsonl(&xml_out, "passwords.jsonl");
    assert_eq!(pw.len(), 5, "{pw:?}");
    assert_eq!(pw, jsonl(&html_out, "passwords.jsonl"));
    let contacts = jsonl(&xml_out, "contacts.jsonl");
    assert_eq!(contacts.len(), 5);
    assert_eq!(contacts, jsonl(&html_out, "contacts.jsonl"));
    let xml_fa = by_key(jsonl(&xml_out, "flexible_assets.jsonl"));
    let html_fa = by_key(jsonl(&html_out, "flexible_assets.jsonl"));
    assert_eq!(xml_fa["fa/ACME/98323"], html_fa["fa/ACME/98323"]);
    assert_eq!(
        xml_fa["fa/ACME/98323"]["tags"]["Related documents"],
        json!(["doc/ACME/98324"])
    );
    assert_eq!(
        jsonl(&xml_out, "flexible_asset_types.jsonl"),
        jsonl(&html_out, "flexible_asset_types.jsonl")
    );
    // And no secret in the XML bundle's documents.
    for (name, bytes) in files(&xml_out.join("documents")) {
        let s = String::from_utf8(bytes).unwrap();
        assert!(!s.contains("V33am!Svc#2026"), "{name}");
    }
}

#[test]
fn an_organization_page_the_space_lacks_is_said_aloud() {
    // A typo in `children_of` turns four organizations into one: the run says so
    // on its own line, not only as a count.
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("typo.toml");
    fs::write(
        &m,
        "[[organization]]\nspace = \"ACME\"\nchildren_of = \"Client Site\"\n",
    )
    .unwrap();
    let out = tmp.path().join("b");
    let o = run(&[
        "convert",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.lines().any(|l| l.starts_with("warning: mapping: [[organization]] names page \"Client Site\", which space ACME does not have")),
        "{e}"
    );
    assert_eq!(jsonl(&out, "organizations.jsonl").len(), 1);
}
