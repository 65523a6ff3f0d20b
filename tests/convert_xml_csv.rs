//! A small Cloud CSV backup (`exportFormat=csv`) built by the test: some members
//! really gzip-compressed, some plain text under a `.gz` name (as in real backups).
//! Checks the same properties as the XML sample: live rows only (`prevver` rows
//! are old versions), drafts skipped, tree, attachments, labels, bodies byte-exact.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

fn gz(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

const CODE: &str = "  a, \"b\" ]]> c\n";

fn backup(dest: &Path) {
    let descriptor = "#Thu Jul 16 07:17:47 UTC 2026\nexportFormat=csv\nexportType=space\nspaceKey=CSV\nsource=cloud\n";
    let spaces = "spaceid,spacename,spacekey,lowerspacekey,spacedescid,homepage,creator,creationdate,lastmodifier,lastmoddate,spacetype,spacestatus\r\n1,Cloud Space,CSV,csv,,10,u1,2026-01-01 10:00:00.0,u1,2026-01-01 10:00:00.0,global,CURRENT\r\n";
    let head = "contentid,hibernateversion,contenttype,title,lowertitle,version,creator,creationdate,lastmodifier,lastmoddate,versioncomment,prevver,content_status,pageid,spaceid,child_position,parentid\r\n";
    let rows = [
        "10,3,PAGE,Home,home,2,u1,2026-01-01 10:00:00.0,u1,2026-01-02 10:00:00.0,,,current,,1,1,",
        "11,3,PAGE,Child,child,3,u1,2026-01-03 10:00:00.0,u1,2026-01-03 10:00:00.0,,,current,,1,5,10",
        "12,3,PAGE,Child,child,2,u1,2026-01-03 09:00:00.0,u1,2026-01-03 09:00:00.0,,11,current,,1,5,10",
        "13,3,PAGE,Draft idea,draft idea,1,u1,2026-01-04 10:00:00.0,u1,2026-01-04 10:00:00.0,,,draft,,1,,10",
        "14,3,PAGE,Lost,lost,1,u1,2026-01-05 10:00:00.0,u1,2026-01-05 10:00:00.0,,,current,,1,,99",
        "30,3,COMMENT,,,1,u1,2026-01-06 10:00:00.0,u1,2026-01-06 10:00:00.0,,,current,11,,,",
        "50,3,ATTACHMENT,report.pdf,report.pdf,2,u1,2026-01-07 10:00:00.0,u1,2026-01-07 10:00:00.0,,,current,11,1,,",
        "51,3,ATTACHMENT,report.pdf,report.pdf,1,u1,2026-01-06 10:00:00.0,u1,2026-01-06 10:00:00.0,,50,current,11,1,,",
        "60,3,CUSTOM,appsplusIncomingLinks,x,1,u1,2026-01-06 10:00:00.0,u1,2026-01-06 10:00:00.0,,,current,10,,,",
    ];
    let content = format!("{head}{}\r\n", rows.join("\r\n"));
    let code_macro = format!(
        "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">text</ac:parameter><ac:plain-text-body><![CDATA[{}]]></ac:plain-text-body></ac:structured-macro>",
        CODE.replace("]]>", "]]]]><![CDATA[>")
    );
    let bodies = [
        ("10", "<p>Welcome, see <ac:link><ri:page ri:content-title=\"Child\" /></ac:link> and <ac:link><ri:user ri:userkey=\"u1\" /></ac:link>.</p>\n<p>Second line, with \"quotes\".</p>".to_string(), "2"),
        ("11", format!("<p>Child body</p>{code_macro}<p><ac:link><ri:attachment ri:filename=\"report.pdf\" /></ac:link></p>"), "2"),
        ("12", "<p>OLD CSV VERSION</p>".to_string(), "2"),
        ("13", "<p>DRAFT CSV</p>".to_string(), "2"),
        ("14", "<p>Lost page</p>".to_string(), "2"),
        ("30", "<p>Nice comment</p>".to_string(), "2"),
        ("60", "{\"json\":true}".to_string(), "1"),
    ];
    let mut bodycontent = String::from("bodycontentid,body,contentid,bodytypeid\r\n");
    for (i, (owner, body, t)) in bodies.iter().enumerate() {
        bodycontent.push_str(&format!("{},{},{owner},{t}\r\n", 900 + i, csv_field(body)));
    }
    let props = "propertyid,propertyname,stringval,longval,dateval,contentid\r\n70,MEDIA_TYPE,application/pdf,,,50\r\n71,FILESIZE,,9,,50\r\n";
    let labels = "labelid,name,owner,namespace,creationdate,lastmoddate\r\n80,runbook,,global,,\r\n81,favourite,u1,my,,\r\n";
    let content_label = "id,labelid,contentid,pagetemplateid,owner,creationdate,lastmoddate,labelableid,labelabletype\r\n82,80,11,,u1,,,11,CONTENT\r\n83,81,11,,u1,,,11,CONTENT\r\n";
    let users =
        "user_key,username,lower_username,aaid\r\nu1,carol.cloud,carol.cloud,557058:abc\r\n";

    let file = std::fs::File::create(dest).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default();
    let mut add = |name: &str, bytes: Vec<u8>| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    };
    add(
        "exportDescriptor.properties.gz",
        descriptor.as_bytes().to_vec(),
    );
    add("spaces.csv.gz", gz(spaces));
    add("content.csv.gz", content.into_bytes());
    add("bodycontent.csv.gz", gz(&bodycontent));
    add("contentproperties.csv.gz", props.as_bytes().to_vec());
    add("label.csv.gz", gz(labels));
    add("content_label.csv.gz", content_label.as_bytes().to_vec());
    add("user_mapping.csv.gz", gz(users));
    add("attachments/11/50/1", b"OLD PDF".to_vec());
    add("attachments/11/50/2", b"%PDF-1.4 current".to_vec());
    zip.finish().unwrap();
}

#[test]
fn csv_backup_converts_live_content() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("csv-backup.zip");
    backup(&zip);
    let out = tmp.path().join("out");
    convert(&zip, &out);

    let docs = jsonl(&out, "documents.jsonl");
    let ids: Vec<&str> = docs
        .iter()
        .map(|d| d["source"]["page_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["10", "11", "14"], "live pages only");
    let child = &docs[1];
    assert_eq!(child["source"]["ancestors"], serde_json::json!(["Home"]));
    assert_eq!(child["source"]["version"], 3);
    assert_eq!(child["source"]["labels"], serde_json::json!(["runbook"]));
    assert_eq!(child["source"]["author"], "carol.cloud");
    assert_eq!(docs[2]["source"]["ancestors"], serde_json::json!([]));

    let home = std::fs::read_to_string(out.join("documents/CSV/10.html")).unwrap();
    assert!(
        home.contains("data-cf2itglue-doc=\"doc/CSV/11\">Child</a>"),
        "{home}"
    );
    assert!(home.contains("carol.cloud"));
    assert!(home.contains("Second line, with \"quotes\"."));
    let child_html = std::fs::read_to_string(out.join("documents/CSV/11.html")).unwrap();
    assert!(
        child_html.contains("<code class=\"language-text\">  a, \"b\" ]]&gt; c\n</code>"),
        "{child_html}"
    );
    assert!(child_html.contains("Nice comment"));

    let atts = jsonl(&out, "attachments.jsonl");
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0]["file_name"], "report.pdf");
    assert_eq!(atts[0]["media_type"], "application/pdf");
    assert_eq!(atts[0]["source"]["entry"], "attachments/11/50/2");
    assert_eq!(atts[0]["size"], 16);

    let f = findings(&out);
    let count = |c: &str| f.iter().filter(|x| x["code"] == c).count();
    assert_eq!(count("draft-skipped"), 1);
    assert_eq!(count("historical-version-skipped"), 1);
    assert_eq!(count("page-not-in-tree"), 1);
    assert!(f.iter().all(|x| x["severity"] != "error"), "{f:?}");
    for (name, bytes) in files(&out.join("documents")) {
        let s = String::from_utf8(bytes).unwrap();
        for bad in ["OLD CSV VERSION", "DRAFT CSV", "<ac:", "<ri:", "<![CDATA["] {
            assert!(!s.contains(bad), "{name} contains {bad:?}");
        }
    }
}

#[test]
fn csv_backup_without_content_table_is_not_an_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("partial");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("exportDescriptor.properties"),
        "exportFormat=csv\n",
    )
    .unwrap();
    std::fs::write(dir.join("spaces.csv.gz"), "spaceid\r\n1\r\n").unwrap();
    let o = run(&[
        "convert",
        dir.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn damaged_gzip_member_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("damaged");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("exportDescriptor.properties"),
        "exportFormat=csv\n",
    )
    .unwrap();
    let mut bad = gz("contentid,contenttype,title\r\n10,PAGE,Home\r\n");
    bad.truncate(bad.len() / 2);
    std::fs::write(dir.join("content.csv.gz"), bad).unwrap();
    let o = run(&[
        "convert",
        dir.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("content.csv.gz"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}
