//! Hostile and damaged `entities.xml` files: a DTD is never honoured (no entity
//! expansion, so no billion laughs and no external entity read), and damaged
//! files end with a clear error naming the file, never a panic.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

const SPACE: &str = r#"<object class="Space" package="com.atlassian.confluence.spaces"><id name="id">1</id><property name="key"><![CDATA[EVIL]]></property><property name="name"><![CDATA[Evil]]></property><property name="homePage" class="Page" package="com.atlassian.confluence.pages"><id name="id">10</id></property></object>"#;

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<object class="Page" package="com.atlassian.confluence.pages"><id name="id">10</id><property name="title">{title}</property><property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">1</id></property><property name="contentStatus"><![CDATA[current]]></property></object>
<object class="BodyContent" package="com.atlassian.confluence.core"><id name="id">20</id><property name="body">{body}</property><property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">10</id></property><property name="bodyType">2</property></object>"#
    )
}

fn export(dir: &Path, entities: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("entities.xml"), entities).unwrap();
}

fn all_text(out: &Path) -> String {
    files(out)
        .into_iter()
        .filter(|(n, _)| !n.starts_with("blobs/"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

#[test]
fn billion_laughs_is_not_expanded() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dtd = String::from("<!DOCTYPE hibernate-generic [\n<!ENTITY lol \"lol\">\n");
    let mut prev = "lol".to_string();
    for i in 1..=9 {
        let name = format!("lol{i}");
        let refs = format!("&{prev};").repeat(10);
        dtd.push_str(&format!("<!ENTITY {name} \"{refs}\">\n"));
        prev = name;
    }
    dtd.push_str("]>\n");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n{dtd}<hibernate-generic>{SPACE}{}</hibernate-generic>",
        page("Laughs &lol9;", "&lt;p&gt;body &amp;lol9; &lol9;&lt;/p&gt;")
    );
    let src = tmp.path().join("laughs");
    export(&src, &xml);
    let out = tmp.path().join("out");
    let started = Instant::now();
    convert(&src, &out);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let text = all_text(&out);
    assert!(!text.contains("lollol"), "an entity was expanded");
    assert!(text.len() < 2_000_000, "the bundle is {} bytes", text.len());
    let docs = jsonl(&out, "documents.jsonl");
    assert_eq!(docs.len(), 1);
    // The reference stays visible as text: nothing is silently dropped.
    assert_eq!(docs[0]["name"], "Laughs &lol9;");
}

#[test]
fn external_entities_are_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.txt");
    fs::write(&secret, "TOP-SECRET-CONTENT").unwrap();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE hibernate-generic [\n<!ENTITY xxe SYSTEM \"file://{}\">\n<!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n%p;\n]>\n<hibernate-generic>{SPACE}{}</hibernate-generic>",
        secret.display(),
        page("Leak &xxe;", "&lt;p&gt;x &xxe;&lt;/p&gt;")
    );
    let src = tmp.path().join("xxe");
    export(&src, &xml);
    let out = tmp.path().join("out");
    convert(&src, &out);
    let text = all_text(&out);
    assert!(
        !text.contains("TOP-SECRET-CONTENT"),
        "an external entity was read"
    );
    assert_eq!(jsonl(&out, "documents.jsonl").len(), 1);
}

#[test]
fn truncated_entities_xml_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let full = format!(
        "<?xml version=\"1.0\"?>\n<hibernate-generic>{SPACE}{}</hibernate-generic>",
        page("Cut", "&lt;p&gt;x&lt;/p&gt;")
    );
    let src = tmp.path().join("cut");
    export(&src, &full[..full.len() / 2]);
    let out = tmp.path().join("out");
    let o = run(&[
        "convert",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("entities.xml"), "{err}");
    assert!(
        err.contains("truncated") || err.contains("not well-formed"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn mismatched_tags_are_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<hibernate-generic>{SPACE}<object class=\"Page\"><id name=\"id\">10</property></object></hibernate-generic>"
    );
    let src = tmp.path().join("bad");
    export(&src, &xml);
    let o = run(&[
        "convert",
        src.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("entities.xml") && err.contains("byte"),
        "{err}"
    );
}

#[test]
fn deeply_nested_body_does_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = "&lt;div&gt;".repeat(50_000) + "deep text" + &"&lt;/div&gt;".repeat(50_000);
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<hibernate-generic>{SPACE}{}</hibernate-generic>",
        page("Deep", &deep)
    );
    let src = tmp.path().join("deep");
    export(&src, &xml);
    let out = tmp.path().join("out");
    convert(&src, &out);
    assert!(all_text(&out).contains("deep text"));
}
