//! Upload of the sample bundle into the local sandbox, read back: contents,
//! resumption after a stop at many points, faults, lost responses, 429, the
//! folder-API fallback, dry-run and verify.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use cf2itglue::sandbox::{self, Behaviour, SandboxConfig, SandboxHandle};
use cf2itglue::upload::{self, ApiKey, Rate, Retry, UploadError, UploadOptions};
use serde_json::Value;

/// The sample converted once per test binary (tests copy nothing: upload only reads).
fn sample_bundle() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("bundle");
        let o = common::run(&[
            "convert",
            common::sample().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(
            o.status.success() || o.status.code() == Some(3),
            "{}",
            common::stderr(&o)
        );
        d
    });
    dir.path().join("bundle")
}

fn start(b: Behaviour) -> SandboxHandle {
    sandbox::start(SandboxConfig {
        behaviour: b,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// Options for a test: its own ledger, fast retries.
fn opts(sb: &SandboxHandle, ledger: &Path) -> UploadOptions {
    let mut o = UploadOptions::new(
        &sample_bundle(),
        &sb.url(),
        ApiKey::new("test-key").unwrap(),
    );
    o.ledger = Some(ledger.to_path_buf());
    o.retry = Retry {
        attempts: 12,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(100),
    };
    o.rate = Rate {
        requests: 100_000,
        window: Duration::from_secs(1),
    };
    o
}

/// The state without ids: every object as a line naming its kind, its
/// attributes (ids replaced by the label of what they point at, digits in
/// text replaced), so two runs compare equal when they made the same records.
/// Document images no body refers to are left out (they cannot be looked up
/// after a lost answer; see README).
fn fingerprint(sb: &SandboxHandle) -> Vec<String> {
    let dump = sb.store().dump();
    let objects = dump["objects"].as_object().unwrap();
    let mut label: HashMap<String, String> = HashMap::new();
    for (kind, items) in objects {
        for (id, a) in items.as_object().unwrap() {
            let name = ["name", "attachment-file-name"]
                .iter()
                .find_map(|k| a[k].as_str())
                .unwrap_or("");
            label.insert(id.clone(), format!("{kind}:{name}:{}", a["sort"]));
        }
    }
    let contents: String = objects
        .get("document-sections")
        .map(|s| {
            s.as_object()
                .unwrap()
                .values()
                .map(|v| v["content"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    let digits = regex_lite_digits;
    let mut out = Vec::new();
    for (kind, items) in objects {
        for (id, a) in items.as_object().unwrap() {
            if kind == "document-images" && !contents.contains(&format!("/images/{id}\"")) {
                continue;
            }
            let mut fields = BTreeMap::new();
            for (k, v) in a.as_object().unwrap() {
                if k.ends_with("-at") || k.ends_with("-url") || k.ends_with("-src") || k == "target"
                {
                    continue;
                }
                let v = match v {
                    Value::Number(n) if k.ends_with("-id") => {
                        label.get(&n.to_string()).cloned().unwrap_or_default()
                    }
                    Value::String(s) => digits(s),
                    Value::Array(xs) if k.ends_with("-ids") => xs
                        .iter()
                        .map(|x| label.get(&x.to_string()).cloned().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(","),
                    v => v.to_string(),
                };
                fields.insert(k.clone(), v);
            }
            out.push(format!("{kind} {fields:?}"));
        }
    }
    out.sort();
    out
}

fn regex_lite_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !prev {
                out.push('#');
            }
            prev = true;
        } else {
            out.push(c);
            prev = false;
        }
    }
    out
}

fn clean_fingerprint() -> &'static Vec<String> {
    static FP: OnceLock<Vec<String>> = OnceLock::new();
    FP.get_or_init(|| {
        let sb = start(Behaviour::default());
        let dir = tempfile::tempdir().unwrap();
        let r = upload::upload(&opts(&sb, &dir.path().join("ledger"))).unwrap();
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        fingerprint(&sb)
    })
}

fn kind<'a>(dump: &'a Value, k: &str) -> Vec<&'a Value> {
    dump["objects"][k]
        .as_object()
        .map(|m| m.values().collect())
        .unwrap_or_default()
}

fn verify_ok(sb: &SandboxHandle, ledger: &Path) -> upload::verify::VerifyReport {
    let v = upload::verify::verify(&opts(sb, ledger)).unwrap();
    assert!(v.ok(), "{:#?}", v.mismatches);
    v
}

#[test]
fn uploads_sample_complete_linked_published_and_verified() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let r = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let d = sb.store().dump();
    assert_eq!(kind(&d, "organizations").len(), 1);
    assert_eq!(kind(&d, "organizations")[0]["name"], "Acme Corp");
    assert_eq!(kind(&d, "document-folders").len(), 9);
    let docs = kind(&d, "documents");
    assert_eq!(docs.len(), 24);
    assert!(
        docs.iter().all(|x| x["published"] == true),
        "every document is published"
    );
    assert_eq!(
        kind(&d, "document-sections").len(),
        24,
        "one section per body"
    );
    assert_eq!(kind(&d, "document-images").len(), 5);
    assert_eq!(kind(&d, "attachments").len(), 6);
    // Every inline image is a document image; every link into the space points at the sandbox.
    let images: Vec<String> = kind(&d, "document-images")
        .iter()
        .map(|i| i["inline-resource-url"].as_str().unwrap().to_string())
        .collect();
    let mut seen_images = 0;
    let mut seen_links = 0;
    for s in kind(&d, "document-sections") {
        let html = s["content"].as_str().unwrap();
        assert!(!html.contains("data-cf2itglue-"), "{html}");
        assert!(!html.contains("blobs/"), "{html}");
        for part in html.split("<img ").skip(1) {
            let src = part
                .split("src=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            assert!(
                images.iter().any(|u| u == src),
                "{src} is not a document image"
            );
            seen_images += 1;
        }
        seen_links += html
            .matches(&format!("href=\"{}/1001/docs/", sb.url()))
            .count();
    }
    assert_eq!(seen_images, 5);
    assert!(
        seen_links >= 10,
        "internal links rewritten to sandbox documents: {seen_links}"
    );
    // Folders keep their tree: a document sits in its folder.
    let folder_of =
        |name: &str| docs.iter().find(|x| x["name"] == name).unwrap()["document-folder-id"].clone();
    assert!(folder_of("DC01 Build Notes").is_u64());
    assert!(folder_of("Acme Corp Home").is_null());

    // The figure in README: requests per document.
    let per_doc: u64 = [
        "documents",
        "document-images",
        "attachments",
        "sections",
        "publish",
    ]
    .iter()
    .map(|k| r.requests_by_kind.get(*k).copied().unwrap_or(0))
    .sum();
    println!(
        "requests: {} in all, {per_doc} for 24 documents = {:.2} per document",
        r.requests,
        per_doc as f64 / 24.0
    );
    assert_eq!(r.requests, 93);

    let v = verify_ok(&sb, &ledger);
    assert_eq!(v.counts["org/acme-corp"]["documents"].found, 24);

    // A second run sends nothing new and changes nothing.
    let before = fingerprint(&sb);
    let again = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(again.created.is_empty(), "{:?}", again.created);
    assert_eq!(again.requests, 0);
    assert_eq!(fingerprint(&sb), before);
    assert_eq!(&before, clean_fingerprint());
}

#[test]
fn ledger_is_private_and_holds_no_key() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    upload::upload(&opts(&sb, &ledger)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&ledger).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let text = std::fs::read_to_string(&ledger).unwrap();
    assert!(!text.contains("test-key"));
}

#[test]
fn dry_run_sends_nothing_and_predicts_the_real_count() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let o = opts(&sb, &dir.path().join("ledger"));
    let plan = upload::dry_run(&o).unwrap();
    assert_eq!(sb.store().stats.requests, 0, "dry run sent nothing");
    let r = upload::upload(&o).unwrap();
    assert_eq!(plan.total(), r.requests);
    assert_eq!(plan.total(), 93);
}

#[test]
fn stopped_at_many_points_then_rerun_ends_equal_to_a_clean_run() {
    let clean = clean_fingerprint();
    // 24 stop points spread over the 93 requests of a clean run.
    for n in (1..=93).step_by(4) {
        let sb = start(Behaviour::default());
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger");
        let mut o = opts(&sb, &ledger);
        o.abort_after = Some(n);
        match upload::upload(&o) {
            Err(UploadError::Api(upload::ApiError::Aborted)) => {}
            other => panic!("stop after {n}: {:?}", other.map(|r| r.requests)),
        }
        let r = upload::upload(&opts(&sb, &ledger)).unwrap();
        assert!(r.failures.is_empty(), "after stop at {n}: {:?}", r.failures);
        assert_eq!(&fingerprint(&sb), clean, "after stop at {n}");
        verify_ok(&sb, &ledger);
    }
}

#[test]
fn faults_and_lost_responses_end_complete_without_duplicates() {
    let clean = clean_fingerprint();
    for seed in 1..=3 {
        let sb = start(Behaviour {
            fault_rate: 0.10,
            lost_rate: 0.10,
            seed,
            ..Behaviour::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger");
        let r = upload::upload(&opts(&sb, &ledger)).unwrap();
        assert!(r.failures.is_empty(), "seed {seed}: {:?}", r.failures);
        let stats = sb.store().stats;
        assert!(
            stats.faults > 0 && stats.lost_responses > 0,
            "seed {seed}: faults were injected: {stats:?}"
        );
        assert!(
            !r.adopted.is_empty(),
            "seed {seed}: lost writes were adopted"
        );
        assert_eq!(&fingerprint(&sb), clean, "seed {seed}");
        sb.set_behaviour(Behaviour::default());
        verify_ok(&sb, &ledger);
    }
}

#[test]
fn rate_limit_429_is_honoured() {
    // 40 requests per second on the server, a client that does not pace itself.
    let sb = start(Behaviour {
        rate_requests: 40,
        rate_window: Duration::from_secs(1),
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = upload::upload(&opts(&sb, &dir.path().join("ledger"))).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(r.rate_limited > 0, "the server answered 429");
    assert_eq!(sb.store().stats.rate_limited, r.rate_limited);
    assert_eq!(&fingerprint(&sb), clean_fingerprint());
    // 93 requests at 40/s need at least two full windows.
    assert!(
        r.seconds >= 2.0,
        "Retry-After was waited for: {}",
        r.seconds
    );
}

#[test]
fn folder_api_missing_falls_back_to_flat_names() {
    let sb = start(Behaviour {
        folders_missing: true,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let r = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "document-folders-unavailable")
    );
    let d = sb.store().dump();
    assert!(kind(&d, "document-folders").is_empty());
    let names: Vec<&str> = kind(&d, "documents")
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 24);
    assert!(
        names
            .iter()
            .any(|n| n.contains(" / ") && n.ends_with("DC01 Build Notes")),
        "{names:?}"
    );
    verify_ok(&sb, &ledger);
}

#[test]
fn verify_finds_a_duplicate_and_a_missing_document() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    upload::upload(&opts(&sb, &ledger)).unwrap();
    // Someone creates a second "FS01" beside the first, through the API.
    let d = sb.store().dump();
    let fs01 = kind(&d, "documents")
        .into_iter()
        .find(|x| x["name"] == "FS01")
        .unwrap()
        .clone();
    let client = reqwest::blocking::Client::new();
    let body = serde_json::json!({"data": {"type": "documents", "attributes": {
        "name": "FS01", "document_folder_id": fs01["document-folder-id"]}}});
    let resp = client
        .post(format!(
            "{}/organizations/1001/relationships/documents",
            sb.url()
        ))
        .header("x-api-key", "k")
        .header("content-type", "application/vnd.api+json")
        .body(body.to_string())
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let v = upload::verify::verify(&opts(&sb, &ledger)).unwrap();
    assert!(!v.ok());
    assert!(
        v.mismatches
            .iter()
            .any(|m| m.problem.contains("2 documents named \"FS01\"")),
        "{:?}",
        v.mismatches
    );
}
