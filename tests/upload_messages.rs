//! What `upload` prints when IT Glue already has an organization the bundle would
//! create: the reason first, then the records that follow from it, grouped.

mod common;

use cf2itglue::sandbox::{self, SandboxConfig};

#[test]
fn a_refused_organization_is_explained_first_and_its_records_grouped() {
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("bundle");
    let o = common::convert(&common::sample(), &b);
    assert!(
        o.status.code().is_some_and(|c| c == 0 || c == 3),
        "{}",
        common::stderr(&o)
    );
    let sb = sandbox::start(SandboxConfig::default()).unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/organizations", sb.url()))
        .header("x-api-key", "seed")
        .header("content-type", "application/vnd.api+json")
        .body(r#"{"data":{"type":"organizations","attributes":{"name":"Acme Corp"}}}"#)
        .send()
        .unwrap();
    assert!(resp.status().is_success());
    let o = common::bin()
        .args(["upload", b.to_str().unwrap(), "--url", &sb.url()])
        .env("ITGLUE_API_KEY", "k")
        .output()
        .unwrap();
    let e = common::stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{e}");
    let lines: Vec<&str> = e.lines().filter(|l| l.starts_with("failed: ")).collect();
    assert!(
        lines[0].starts_with(
            "failed: org/ACME: IT Glue already has an organization named \"Acme Corp\""
        ),
        "{e}"
    );
    assert!(
        lines.iter().any(|l| l.contains(" records (")
            && l.ends_with("its organization org/ACME is not in IT Glue")),
        "{e}"
    );
    assert!(lines.len() < 12, "grouped, not one line per record: {e}");
}
