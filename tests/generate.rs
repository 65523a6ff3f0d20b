//! The hidden `generate` subcommand: deterministic synthetic exports that the
//! converter reads like real ones.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use common::{run, stderr};

fn generate(kind: &str, pages: &str, attachments: &str, seed: &str, out: &Path) {
    let o = run(&[
        "generate",
        "--kind",
        kind,
        "--pages",
        pages,
        "--attachments",
        attachments,
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn entry_names(zip: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    z.file_names().map(|n| n.unwrap().to_string()).collect()
}

#[test]
fn generate_is_hidden_from_help() {
    let o = run(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("convert"));
    assert!(!help.contains("generate"));
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.zip"),
        dir.path().join("b.zip"),
        dir.path().join("c.zip"),
    );
    generate("html", "40", "15", "7", &a);
    generate("html", "40", "15", "7", &b);
    generate("html", "40", "15", "8", &c);
    let (a, b, c) = (
        std::fs::read(a).unwrap(),
        std::fs::read(b).unwrap(),
        std::fs::read(c).unwrap(),
    );
    assert!(a == b, "same seed, same bytes");
    assert!(a != c, "another seed, another export");
}

/// The archive appears under its name only when complete: no temporary file is
/// left beside it, a failed run leaves nothing, and zero pages is refused.
#[test]
fn the_archive_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.zip");
    generate("xml", "12", "4", "3", &out);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, vec!["x.zip".to_string()], "only the archive is left");
    assert!(!entry_names(&out).is_empty());

    // --out names a folder: an error naming it, and no file left anywhere.
    let o = run(&[
        "generate",
        "--kind",
        "html",
        "--pages",
        "5",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&*dir.path().to_string_lossy()),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing added"
    );

    let zero = dir.path().join("zero.zip");
    let o = run(&[
        "generate",
        "--kind",
        "html",
        "--pages",
        "0",
        "--out",
        zero.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--pages must be at least 1"),
        "{}",
        stderr(&o)
    );
    assert!(!zero.exists());
}

#[test]
fn html_export_has_the_real_layout_and_converts_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("h.zip");
    generate("html", "60", "30", "1", &zip);
    let names = entry_names(&zip);
    assert!(names.contains(&"SYN/index.html".to_string()));
    assert!(names.contains(&"SYN/styles/site.css".to_string()));
    let pages = names
        .iter()
        .filter(|n| n.ends_with(".html") && !n.ends_with("/index.html"))
        .count();
    assert_eq!(pages, 60);
    let atts = names
        .iter()
        .filter(|n| n.starts_with("SYN/attachments/"))
        .count();
    assert_eq!(atts, 30);
    // Some titles give id-only file names, some literal %27 / %2C (§2.1).
    assert!(names.iter().any(|n| {
        let f = n.rsplit('/').next().unwrap();
        f.ends_with(".html") && f[..f.len() - 5].bytes().all(|b| b.is_ascii_digit())
    }));

    let out = dir.path().join("bundle");
    let o = run(&[
        "convert",
        zip.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--jobs",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["pages"], 60);
    assert_eq!(summary["counts"]["documents"], 60);
    assert_eq!(summary["counts"]["attachments"], 30);
    let findings = summary["findings"].as_object().unwrap();
    for bad in [
        "link-broken",
        "image-missing",
        "attachment-missing",
        "page-unreadable",
    ] {
        assert!(!findings.contains_key(bad), "{bad}: {findings:?}");
    }
}

/// One `<object>` of entities.xml: class, id, and its scalar / reference properties.
#[derive(Debug, Default)]
struct Object {
    class: String,
    id: String,
    props: BTreeMap<String, String>,
}

fn objects(xml: &str) -> Vec<Object> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur: Option<Object> = None;
    let mut prop: Option<String> = None;
    let mut depth_in_collection = 0;
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| a.value.to_string())
                };
                match name.as_str() {
                    "object" => {
                        cur = Some(Object {
                            class: attr("class").unwrap(),
                            ..Object::default()
                        })
                    }
                    "collection" => depth_in_collection += 1,
                    "property" if depth_in_collection == 0 => prop = attr("name"),
                    _ => {}
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => text.push_str(match r.into_inner().as_ref() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                _ => "'",
            }),
            Event::End(e) => match e.name().as_ref() {
                "object" => out.push(cur.take().unwrap()),
                "collection" => depth_in_collection -= 1,
                "id" if depth_in_collection == 0 => {
                    let o = cur.as_mut().unwrap();
                    match &prop {
                        Some(p) => {
                            o.props.insert(p.clone(), text.clone());
                        }
                        None => o.id = text.clone(),
                    }
                }
                "property" if depth_in_collection == 0 => {
                    if let Some(p) = prop.take() {
                        cur.as_mut().unwrap().props.entry(p).or_insert(text.clone());
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn xml_export_follows_the_entities_format() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("x.zip");
    generate("xml", "80", "40", "2", &zip);
    let names: BTreeSet<String> = entry_names(&zip).into_iter().collect();
    assert!(names.contains("exportDescriptor.properties"));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("entities.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let objs = objects(&xml);
    let live_pages: Vec<&Object> = objs
        .iter()
        .filter(|o| {
            o.class == "Page"
                && o.props["contentStatus"] == "current"
                && !o.props.contains_key("originalVersion")
        })
        .collect();
    assert_eq!(live_pages.len(), 80);
    let history = objs
        .iter()
        .filter(|o| o.class == "Page" && o.props.contains_key("originalVersion"))
        .count();
    assert!(history > 5, "historical versions and drafts are present");
    let space = objs.iter().find(|o| o.class == "Space").unwrap();
    assert_eq!(space.props["key"], "SYN");
    assert!(live_pages.iter().any(|p| p.id == space.props["homePage"]));
    // Every page but the home page has a live parent.
    let ids: BTreeSet<&str> = live_pages.iter().map(|p| p.id.as_str()).collect();
    for p in &live_pages {
        if p.id != space.props["homePage"] {
            assert!(ids.contains(p.props["parent"].as_str()), "{p:?}");
        }
    }
    // Every attachment version has its file at attachments/<container>/<current id>/<version>.
    let atts: Vec<&Object> = objs.iter().filter(|o| o.class == "Attachment").collect();
    assert!(atts.len() >= 40);
    for a in &atts {
        let current = a.props.get("originalVersion").unwrap_or(&a.id);
        let file = format!(
            "attachments/{}/{}/{}",
            a.props["containerContent"], current, a.props["version"]
        );
        assert!(names.contains(&file), "{file}");
    }
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("attachments/"))
            .count(),
        atts.len()
    );
    // Bodies are storage format; a `]]>` inside a body survives the CDATA split.
    let bodies: Vec<&str> = objs
        .iter()
        .filter(|o| o.class == "BodyContent")
        .map(|o| o.props["body"].as_str())
        .collect();
    assert!(bodies.iter().any(|b| b.contains("<ac:structured-macro")));
    assert!(bodies.iter().any(|b| b.contains("]]]]><![CDATA[>")));
}

#[test]
fn xml_export_converts_once_the_xml_reader_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("x.zip");
    generate("xml", "50", "20", "3", &zip);
    let out = dir.path().join("bundle");
    let o = run(&[
        "convert",
        zip.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    if o.status.code() == Some(4) && stderr(&o).contains("not supported by this version yet") {
        eprintln!("skipped: this build has no XML reader yet");
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["pages"], 50);
    assert_eq!(summary["counts"]["attachments"], 20);
}
