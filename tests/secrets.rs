//! Secrets: the password values of the sample export (the table on "Service
//! Accounts & Passwords") appear in `passwords.jsonl` only: not in documents,
//! blobs, records, the manifest or the report, and not in what `convert` and
//! `check` print. `passwords.jsonl` is owner-only. `--redact` leaves them out of
//! the bundle altogether.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

/// The password cells of testdata/acme-html/98360.html (one row has none).
const SECRETS: &[&str] = &[
    "Tr0ub4dor&3-acme",
    "V33am!Svc#2026",
    "Sc4nT0Mail_Acme!",
    "Unifi-Ctrl!9841",
    "Wz7\"Bk2Cloud$77",
];

/// Every spelling a secret can take in a file: as is, HTML-escaped, JSON-escaped.
fn spellings(secret: &str) -> Vec<String> {
    let html = secret
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let mut v = vec![secret.to_string(), html, json];
    v.sort();
    v.dedup();
    v
}

/// (where, secret) for every secret found in `haystack`.
fn leaks(place: &str, haystack: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(haystack);
    let mut out = Vec::new();
    for s in SECRETS {
        if spellings(s).iter().any(|sp| text.contains(sp.as_str())) {
            out.push(format!("{place}: {s}"));
        }
    }
    out
}

fn convert_verbose(out: &Path, extra: &[&str]) -> Output {
    let export = sample();
    let mut args = vec![
        "convert",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-vv",
        "--json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "convert failed: {}", stderr(&o));
    o
}

/// Leaks in everything a run printed and every bundle file but passwords.jsonl.
fn leaks_outside_passwords(out: &Path, printed: &[&Output]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, o) in printed.iter().enumerate() {
        found.extend(leaks(&format!("stdout of run {i}"), &o.stdout));
        found.extend(leaks(&format!("stderr of run {i}"), &o.stderr));
    }
    for (name, bytes) in files(out) {
        if name != "passwords.jsonl" {
            found.extend(leaks(&name, &bytes));
        }
    }
    found
}

#[test]
fn password_values_live_only_in_passwords_jsonl() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let conv = convert_verbose(&out, &[]);
    let check = run(&["check", out.to_str().unwrap(), "--json"]);
    assert!(check.status.success(), "{}", stderr(&check));

    assert_eq!(
        leaks_outside_passwords(&out, &[&conv, &check]),
        Vec::<String>::new()
    );
    let pw = std::fs::read(out.join("passwords.jsonl")).unwrap();
    let values: Vec<String> = jsonl(&out, "passwords.jsonl")
        .iter()
        .filter_map(|r| r["password"].as_str().map(str::to_string))
        .collect();
    for s in SECRETS {
        assert!(values.iter().any(|v| v == s), "{s} not in passwords.jsonl");
    }
    assert_eq!(leaks("passwords.jsonl", &pw).len(), SECRETS.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("passwords.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "passwords.jsonl mode {mode:o}");
    }
}

#[test]
fn redacted_bundle_holds_no_password_value() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let conv = convert_verbose(&out, &["--redact"]);
    let check = run(&["check", out.to_str().unwrap(), "--json"]);
    assert!(check.status.success(), "{}", stderr(&check));

    let mut found = leaks_outside_passwords(&out, &[&conv, &check]);
    found.extend(leaks(
        "passwords.jsonl",
        &std::fs::read(out.join("passwords.jsonl")).unwrap(),
    ));
    assert_eq!(found, Vec::<String>::new());

    // The records stay, without their values.
    let records = jsonl(&out, "passwords.jsonl");
    assert!(records.len() >= SECRETS.len(), "{records:?}");
    for r in &records {
        assert!(r["password"].is_null(), "{r}");
        assert!(r["name"].is_string(), "{r}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["redacted"], true);
    assert!(stderr(&conv).contains("redacted: password values were left out"));
}

#[test]
fn unredacted_manifest_does_not_say_redacted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    convert(&sample(), &out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest.get("redacted").is_none());
}

/// An API key no test output could contain by chance.
const API_KEY: &str = "itg.k3y-SECRET-cf2itglue-7b1e9d";

fn upload_cli(bundle: &Path, url: &str, cmd: &str, extra: &[&str]) -> Output {
    let mut args = vec![cmd, bundle.to_str().unwrap(), "--url", url, "-vv"];
    args.extend_from_slice(extra);
    bin()
        .args(&args)
        .env("ITGLUE_API_KEY", API_KEY)
        .output()
        .expect("binary runs")
}

#[test]
fn upload_and_verify_print_no_secret_and_keep_the_key_off_disk() {
    let sb = cf2itglue::sandbox::start(cf2itglue::sandbox::SandboxConfig::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let conv = convert_verbose(&out, &[]);
    let url = sb.url();
    let up = upload_cli(&out, &url, "upload", &[]);
    assert!(up.status.success(), "upload: {}", stderr(&up));
    let up_json = upload_cli(&out, &url, "upload", &["--json"]);
    assert!(
        up_json.status.success(),
        "upload again: {}",
        stderr(&up_json)
    );
    let ver = upload_cli(&out, &url, "verify", &[]);
    assert!(ver.status.success(), "verify: {}", stderr(&ver));

    // The values did reach IT Glue (the sandbox's state)...
    let state = sb.store().dump().to_string();
    for s in SECRETS {
        assert!(
            spellings(s).iter().any(|sp| state.contains(sp.as_str())),
            "{s} never reached the sandbox"
        );
    }
    // ...and nowhere else: not in what any command printed, not in the ledger
    // or any other bundle file but passwords.jsonl.
    let ledger = out.join("upload-ledger.jsonl");
    assert!(ledger.exists());
    assert_eq!(
        leaks_outside_passwords(&out, &[&conv, &up, &up_json, &ver]),
        Vec::<String>::new()
    );
    // The key is in no file of the bundle and in nothing printed.
    let printed = [&up, &up_json, &ver];
    for o in printed {
        assert!(!String::from_utf8_lossy(&o.stdout).contains(API_KEY));
        assert!(!String::from_utf8_lossy(&o.stderr).contains(API_KEY));
    }
    for (name, bytes) in files(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(API_KEY),
            "the API key is in {name}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["passwords.jsonl", "upload-ledger.jsonl"] {
            let mode = std::fs::metadata(out.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f} mode {mode:o}");
        }
    }
}

#[test]
fn a_wrong_key_is_not_echoed() {
    let sb = cf2itglue::sandbox::start(cf2itglue::sandbox::SandboxConfig {
        api_key: Some("the-right-key".into()),
        ..Default::default()
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    convert(&sample(), &out);
    let up = upload_cli(&out, &sb.url(), "upload", &[]);
    assert!(!up.status.success());
    let err = stderr(&up);
    assert!(!err.is_empty());
    assert!(!err.contains(API_KEY), "{err}");
    assert!(!String::from_utf8_lossy(&up.stdout).contains(API_KEY));
    for (name, bytes) in files(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(API_KEY),
            "the API key is in {name}"
        );
    }
}

#[test]
fn a_redacted_bundle_is_not_uploaded() {
    let sb = cf2itglue::sandbox::start(cf2itglue::sandbox::SandboxConfig::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    convert_verbose(&out, &["--redact"]);
    let up = upload_cli(&out, &sb.url(), "upload", &[]);
    let err = stderr(&up);
    assert_eq!(up.status.code(), Some(4), "{err}");
    assert!(err.contains("--redact"), "{err}");
    assert!(err.contains("manifest.json"), "{err}");
    let state = sb.store().dump();
    let objects = state["objects"].as_object().unwrap();
    assert!(
        objects
            .values()
            .all(|v| v.as_object().is_none_or(|o| o.is_empty())),
        "something was created: {state}"
    );
}
