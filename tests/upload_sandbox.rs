//! Upload of the sample bundle (every record kind) into the in-process sandbox,
//! read back: contents and relations, the plan, resumption after a stop at many
//! points, faults and lost responses, 429 and pacing, the folder-API fallback,
//! errors that stop a run, and verify. Fast: no test waits whole seconds (the
//! sandbox's precise `Retry-After` and short windows are its time controls).

mod common;
mod upload_common;

use std::path::Path;
use std::time::Duration;

use cf2itglue::sandbox::{self, Behaviour, SandboxConfig, SandboxHandle};
use cf2itglue::upload::{self, ApiError, Limits, Rate, Retry, UploadError};
use serde_json::{Value, json};
use upload_common::{bundle, fingerprint, kind, opts, start, start_empty};

/// A clean run's fingerprint and request count (one per test binary).
fn clean() -> &'static (Vec<String>, u64) {
    static FP: std::sync::OnceLock<(Vec<String>, u64)> = std::sync::OnceLock::new();
    FP.get_or_init(|| {
        let sb = start(Behaviour::default());
        let dir = tempfile::tempdir().unwrap();
        let r = upload::upload(&opts(&sb, &dir.path().join("ledger"))).unwrap();
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        let (fp, orphans) = fingerprint(&sb);
        assert_eq!(orphans, 0);
        (fp, r.requests)
    })
}

fn verify_ok(sb: &SandboxHandle, ledger: &Path) -> upload::verify::VerifyReport {
    let v = upload::verify::verify(&opts(sb, ledger)).unwrap();
    assert!(v.ok(), "{:#?}", v.mismatches);
    v
}

fn by_name<'a>(d: &'a Value, k: &str, name: &str) -> Vec<&'a Value> {
    kind(d, k)
        .into_iter()
        .filter(|x| x["name"] == name)
        .collect()
}

fn id_of(d: &Value, k: &str, name: &str) -> u64 {
    let m = d["objects"][k].as_object().unwrap();
    let (id, _) = m
        .iter()
        .find(|(_, v)| v["name"] == name)
        .unwrap_or_else(|| panic!("no {k} named {name}"));
    id.parse().unwrap()
}

#[test]
fn uploads_every_record_once_linked_published_and_verified() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let r = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let d = sb.store().dump();

    // Organizations: "Acme Corp" (match = existing) is the account's own, not a copy.
    assert_eq!(by_name(&d, "organizations", "Acme Corp").len(), 1);
    let acme = id_of(&d, "organizations", "Acme Corp");
    assert_eq!(acme, 1001, "the organization that was there before");
    assert_eq!(kind(&d, "organizations").len(), 2 + 3);
    assert_eq!(
        by_name(&d, "organizations", "Zürich Büro Netzwerk").len(),
        1
    );

    // Folders keep their tree; documents sit in their folders and are published.
    assert_eq!(kind(&d, "document-folders").len(), 5);
    let docs = kind(&d, "documents");
    assert_eq!(docs.len(), 23);
    assert!(docs.iter().all(|x| x["published"] == true));
    let folder_of = |name: &str| by_name(&d, "documents", name)[0]["document-folder-id"].clone();
    assert!(folder_of("Network Overview").is_u64());
    assert!(folder_of("Acme Corp Home").is_null());
    assert_eq!(
        kind(&d, "document-sections").len(),
        23,
        "one section per body"
    );
    assert_eq!(kind(&d, "attachments").len(), 6);

    // Flexible asset types with their fields; assets with Tag fields pointing at
    // the uploaded documents.
    assert_eq!(kind(&d, "flexible-asset-types").len(), 2);
    let fas = kind(&d, "flexible-assets");
    assert_eq!(fas.len(), 6);
    let dc01 = by_name(&d, "flexible-assets", "DC01")[0];
    assert_eq!(dc01["organization-id"], acme);
    let build_notes = id_of(
        &d,
        "documents",
        "Domain Controllers / DC01 / DC01 Build Notes",
    );
    assert_eq!(dc01["traits"]["related-documents"], json!([build_notes]));
    assert_eq!(dc01["traits"]["ip-address"], "10.20.10.10");

    // Configurations (with their type), contacts, passwords (embedded ones on
    // their record, values kept) and the category.
    let fw = by_name(&d, "configurations", "FW-HQ01")[0];
    assert_eq!(fw["configuration-type-name"], "Firewall");
    assert_eq!(fw["primary-ip"], "10.20.0.1");
    assert_eq!(kind(&d, "contacts").len(), 5);
    let pws = kind(&d, "passwords");
    assert_eq!(pws.len(), 7);
    let fw_pw = by_name(&d, "passwords", "FW-HQ01 admin")[0];
    assert_eq!(fw_pw["resource-type"], "Configuration");
    assert_eq!(fw_pw["resource-id"], id_of(&d, "configurations", "FW-HQ01"));
    assert_eq!(fw_pw["password"], "Fw-Adm1n!HQ-2026");
    assert_eq!(fw_pw["password-category-name"], "Network");
    let dsrm = by_name(&d, "passwords", "DC01 DSRM")[0];
    assert_eq!(dsrm["resource-type"], "Flexible Asset");
    assert_eq!(dsrm["resource-id"], id_of(&d, "flexible-assets", "DC01"));

    // Related items, each once.
    assert_eq!(d["related"].as_array().unwrap().len(), 14);

    // Bodies: every inline image is a document image of the sandbox; links to
    // documents, assets and passwords point at the sandbox's objects (the sample
    // has no link to an attachment; rewrite.rs tests that kind).
    let images: Vec<String> = kind(&d, "document-images")
        .iter()
        .map(|i| i["inline-resource-url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(images.len(), 5);
    let (mut imgs, mut doc_links, mut fa_links, mut pw_links) = (0, 0, 0, 0);
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
            imgs += 1;
        }
        doc_links += html
            .matches(&format!("href=\"{}/{acme}/docs/", sb.url()))
            .count();
        fa_links += html
            .matches(&format!("href=\"{}/{acme}/assets/", sb.url()))
            .count();
        pw_links += html
            .matches(&format!("href=\"{}/{acme}/passwords/", sb.url()))
            .count();
    }
    assert_eq!(imgs, 5);
    assert!(doc_links >= 10, "links to documents rewritten: {doc_links}");
    assert_eq!(fa_links, 1, "the reference to the FS01 asset points at it");
    assert_eq!(pw_links, 5, "password references point at the Passwords");

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
        "requests: {} in all, {per_doc} for 23 documents = {:.2} per document; by kind {:?}",
        r.requests,
        per_doc as f64 / 23.0,
        r.requests_by_kind
    );
    assert_eq!(r.requests_by_kind["documents"], 23);
    assert_eq!(r.requests_by_kind["sections"], 23);
    assert_eq!(r.requests_by_kind["publish"], 23);

    let v = verify_ok(&sb, &ledger);
    assert_eq!(v.counts["org/ACME"]["documents"].found, 19);
    assert_eq!(v.counts["org/ACME"]["passwords"].found, 7);
    assert_eq!(v.counts["org/ACME"]["related_items"].found, 10);

    // A second run sends nothing and changes nothing.
    let before = fingerprint(&sb);
    let again = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(again.created.is_empty(), "{:?}", again.created);
    assert_eq!(again.requests, 0);
    assert_eq!(fingerprint(&sb), before);
    assert_eq!(before.0, clean().0);
}

#[test]
fn ledger_is_private_and_holds_no_key_and_no_password() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    std::fs::write(&ledger, "").unwrap(); // existing, world-readable: made private
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
    for pw in upload_common::password_values(&bundle()) {
        assert!(!text.contains(&pw), "a password value is in the ledger");
    }
}

#[test]
fn dry_run_sends_nothing_predicts_the_real_count_and_lists_oversized_files() {
    let sb = start(Behaviour::default());
    let sent_before = sb.store().stats.requests;
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&sb, &dir.path().join("ledger"));
    // A cap that leaves the largest file out.
    o.limits = Limits {
        max_file_bytes: 500,
        ..Limits::default()
    };
    let plan = upload::dry_run(&o).unwrap();
    assert_eq!(
        sb.store().stats.requests,
        sent_before,
        "dry run sent nothing"
    );
    assert!(!plan.oversized.is_empty(), "a file is over 500 bytes");
    let r = upload::upload(&o).unwrap();
    assert_eq!(plan.total(), r.requests);
    for (k, n) in &plan.counts {
        assert_eq!(r.requests_by_kind.get(*k), Some(n), "{k}");
    }
    let d = sb.store().dump();
    let sent: Vec<u64> = kind(&d, "attachments")
        .iter()
        .map(|a| a["attachment-file-size"].as_u64().unwrap())
        .chain(
            kind(&d, "document-images")
                .iter()
                .map(|a| a["size"].as_u64().unwrap()),
        )
        .collect();
    assert!(sent.iter().all(|s| *s <= 500), "{sent:?}");
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.code == "file-too-large")
            .count(),
        plan.oversized.len()
    );
    // On a rerun, the plan is what is left: nothing.
    assert_eq!(upload::dry_run(&o).unwrap().total(), 0);
    // On an account without the "existing" organization, the run creates it:
    // one request more than planned.
    let empty = start_empty(Behaviour::default());
    let o = opts(&empty, &dir.path().join("ledger2"));
    let plan = upload::dry_run(&o).unwrap();
    let r = upload::upload(&o).unwrap();
    assert_eq!(r.requests, plan.total() + 1);
    assert_eq!(r.requests_by_kind["organizations"], 4);
}

#[test]
fn stopped_at_many_points_then_rerun_ends_equal_to_a_clean_run() {
    let (clean_fp, total) = clean();
    // At least 24 stop points spread over the requests of a clean run; each
    // stop loses the answer of the request in flight (written or not).
    let step = (*total as usize / 24).max(1);
    let mut points = 0;
    for n in (1..=*total).step_by(step) {
        points += 1;
        let sb = start(Behaviour::default());
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger");
        let mut o = opts(&sb, &ledger);
        o.abort_after = Some(n);
        match upload::upload(&o) {
            Err(UploadError::Api(ApiError::Aborted)) => {}
            other => panic!("stop after {n}: {:?}", other.map(|r| r.requests)),
        }
        let r = upload::upload(&opts(&sb, &ledger)).unwrap();
        assert!(r.failures.is_empty(), "after stop at {n}: {:?}", r.failures);
        let (fp, orphans) = fingerprint(&sb);
        assert_eq!(&fp, clean_fp, "after stop at {n}");
        // A stop loses the answers of every request in flight (4 at most).
        assert!(orphans <= 4, "after stop at {n}: {orphans} orphan images");
        // The fingerprint covers what verify checks; verify itself every third point.
        if points % 3 == 1 {
            verify_ok(&sb, &ledger);
        }
    }
    assert!(points >= 24);
}

#[test]
fn faults_and_lost_responses_end_complete_without_duplicates() {
    let (clean_fp, _) = clean();
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
        assert!(r.retries > 0);
        let (fp, orphans) = fingerprint(&sb);
        assert_eq!(&fp, clean_fp, "seed {seed}");
        let lost_images = stats
            .lost_by_route
            .get("POST /document_images")
            .copied()
            .unwrap_or(0);
        assert!(
            orphans as u64 <= lost_images,
            "seed {seed}: {orphans} > {lost_images}"
        );
        sb.set_behaviour(Behaviour::default());
        verify_ok(&sb, &ledger);
    }
}

#[test]
fn server_429_with_retry_after_is_honoured() {
    // 10 requests per 200 ms on the server; the client does not pace itself
    // and its own backoff is 1 ms.
    let sb = start(Behaviour {
        rate_requests: 10,
        rate_window: Duration::from_millis(200),
        precise_retry_after: true,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&sb, &dir.path().join("ledger"));
    o.concurrency = 1;
    o.retry = Retry {
        attempts: 12,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(1),
    };
    let r = upload::upload(&o).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(r.rate_limited > 0, "the server answered 429");
    assert_eq!(sb.store().stats.rate_limited, r.rate_limited);
    assert_eq!(fingerprint(&sb).0, clean().0);
    println!("{} answers 429 for {} requests", r.rate_limited, r.requests);
    // A sliding window frees one slot at a time, so an unpaced client meets
    // about one 429 per request once the first window is used; ignoring
    // Retry-After it would meet dozens per request (and give up).
    assert!(
        r.rate_limited <= r.requests,
        "{} answers 429 for {} requests",
        r.rate_limited,
        r.requests
    );
}

#[test]
fn client_pacer_keeps_under_the_limit() {
    // Client and server share a budget of 30 requests per 300 ms.
    let sb = start(Behaviour {
        rate_requests: 30,
        rate_window: Duration::from_millis(300),
        precise_retry_after: true,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&sb, &dir.path().join("ledger"));
    o.rate = Rate {
        requests: 30,
        window: Duration::from_millis(300),
    };
    let r = upload::upload(&o).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    // Unpaced, about one request in two meets a 429 here (see the test above);
    // paced, only scheduling jitter on a loaded machine can cause one.
    assert!(
        r.rate_limited * 10 <= r.requests,
        "{} answers 429 for {} requests",
        r.rate_limited,
        r.requests
    );
    // The budget is the bottleneck: the run takes about requests / budget windows.
    let windows = (r.requests as f64 / 30.0).floor();
    assert!(r.seconds >= (windows - 1.0) * 0.3, "{} s", r.seconds);
    println!(
        "{} requests in {:.2} s: {:.0}% of a 100/s budget",
        r.requests,
        r.seconds,
        r.requests as f64 / r.seconds
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
    assert_eq!(names.len(), 23);
    assert!(
        names
            .iter()
            .any(|n| n.contains(" / ") && n.ends_with("DC01 Build Notes")),
        "{names:?}"
    );
    verify_ok(&sb, &ledger);
}

#[test]
fn a_bad_key_stops_at_once_and_creates_nothing() {
    let sb = sandbox::start(SandboxConfig {
        api_key: Some("the-right-key".into()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = upload::upload(&opts(&sb, &dir.path().join("ledger"))).unwrap_err();
    let UploadError::Api(ApiError::Auth { status, .. }) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 401);
    assert!(!e.to_string().contains("test-key"), "{e}");
    let st = sb.store();
    assert!(st.objects.is_empty());
    assert!(
        st.stats.requests <= 4,
        "stopped at once: {}",
        st.stats.requests
    );
}

#[test]
fn network_down_and_lasting_5xx_stop_the_run_after_the_retries() {
    // Nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sb = start_empty(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(&sb, &dir.path().join("ledger"));
    o.url = format!("http://127.0.0.1:{port}");
    o.retry = Retry {
        attempts: 3,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
    };
    let e = upload::upload(&o).unwrap_err();
    assert!(
        matches!(
            &e,
            UploadError::Api(ApiError::Unavailable { attempts: 3, .. })
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("connect"), "{e}");

    // Every request failing with a 5xx: retried, then the run stops.
    sb.set_behaviour(Behaviour {
        fault_rate: 1.0,
        ..Behaviour::default()
    });
    let mut o = opts(&sb, &dir.path().join("ledger2"));
    o.retry = Retry {
        attempts: 4,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
    };
    o.concurrency = 1;
    let e = upload::upload(&o).unwrap_err();
    assert!(
        matches!(
            &e,
            UploadError::Api(ApiError::Unavailable { attempts: 4, .. })
        ),
        "{e:?}"
    );
    let st = sb.store().stats;
    assert!(st.requests >= 4 && st.requests <= 40, "{st:?}");
}

#[test]
fn verify_finds_duplicates_missing_records_and_stale_links() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    upload::upload(&opts(&sb, &ledger)).unwrap();
    let d = sb.store().dump();
    let client = reqwest::blocking::Client::new();
    let send = |m: reqwest::Method, path: String, body: Value| {
        let resp = client
            .request(m, format!("{}{path}", sb.url()))
            .header("x-api-key", "k")
            .header("content-type", "application/vnd.api+json")
            .body(body.to_string())
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
    };
    // Someone creates a second "Network Overview" beside the first ...
    let fs01 = by_name(&d, "documents", "Network Overview")[0].clone();
    let overview = id_of(&d, "documents", "Network Overview");
    send(
        reqwest::Method::POST,
        "/organizations/1001/relationships/documents".into(),
        json!({"data": {"type": "documents", "attributes": {
            "name": "Network Overview", "document_folder_id": fs01["document-folder-id"]}}}),
    );
    // ... deletes a password ...
    let pw = id_of(&d, "passwords", "UniFi controller");
    client
        .delete(format!("{}/passwords/{pw}", sb.url()))
        .header("x-api-key", "k")
        .send()
        .unwrap();
    // ... and edits a body back to a link into the old wiki: the body of the
    // document that now has a namesake, whose links must be checked all the same.
    let (sec, s) = d["objects"]["document-sections"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, s)| s["document-id"].as_u64() == Some(overview))
        .unwrap();
    let doc = s["document-id"].as_u64().unwrap();
    send(
        reqwest::Method::PATCH,
        format!("/documents/{doc}/relationships/sections/{sec}"),
        json!({"data": {"type": "document-sections", "attributes": {"content":
            "<p><a href=\"https://acme-msp.atlassian.net/wiki/spaces/ACME/pages/98310\">old</a></p>"}}}),
    );
    let v = upload::verify::verify(&opts(&sb, &ledger)).unwrap();
    assert!(!v.ok());
    let has = |p: &str| v.mismatches.iter().any(|m| m.problem.contains(p));
    assert!(
        has("2 documents named \"Network Overview\""),
        "{:?}",
        v.mismatches
    );
    assert!(
        has(&format!("passwords {pw} is not in IT Glue")),
        "{:?}",
        v.mismatches
    );
    assert!(has("points at the old wiki"), "{:?}", v.mismatches);
    assert_eq!(v.mismatches.len(), 3, "{:?}", v.mismatches);
}

#[test]
fn only_some_kinds_first_then_the_rest() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let mut o = opts(&sb, &ledger);
    o.only = upload::Only::parse("configurations,contacts").unwrap();
    assert!(upload::Only::parse("documents,pages").is_err());
    let plan = upload::dry_run(&o).unwrap();
    let r = upload::upload(&o).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(plan.total(), r.requests);
    let d = sb.store().dump();
    assert_eq!(kind(&d, "contacts").len(), 5);
    assert_eq!(kind(&d, "configurations").len(), 1);
    assert!(kind(&d, "documents").is_empty());
    assert!(kind(&d, "passwords").is_empty());
    // The rest, then: the same as one full run.
    let r = upload::upload(&opts(&sb, &ledger)).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(fingerprint(&sb).0, clean().0);
    verify_ok(&sb, &ledger);
}

#[test]
fn an_organization_to_create_that_exists_already_is_left_alone() {
    let sb = start(Behaviour::default());
    upload_common::create_org(&sb, "Head Office");
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let r = upload::upload(&opts(&sb, &ledger)).unwrap();
    // The organization fails with what to do; what belongs to it fails with it.
    let org = r
        .failures
        .iter()
        .find(|f| f.key == "org/ACME/98351")
        .unwrap();
    assert!(
        org.message.contains("match = \"existing\""),
        "{}",
        org.message
    );
    assert!(
        r.failures.iter().all(|f| f.key.contains("/98351")),
        "{:?}",
        r.failures
    );
    let d = sb.store().dump();
    let head = id_of(&d, "organizations", "Head Office");
    assert_eq!(by_name(&d, "organizations", "Head Office").len(), 1);
    assert!(
        kind(&d, "documents")
            .iter()
            .all(|x| x["organization-id"] != head),
        "nothing written into it"
    );
    let v = upload::verify::verify(&opts(&sb, &ledger)).unwrap();
    assert!(v.mismatches.iter().any(|m| m.key == "org/ACME/98351"));
}

#[test]
fn a_large_body_is_split_into_sections_in_order() {
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let mut o = opts(&sb, &ledger);
    o.limits = Limits {
        max_section_bytes: 1500,
        ..Limits::default()
    };
    let plan = upload::dry_run(&o).unwrap();
    let r = upload::upload(&o).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(plan.total(), r.requests);
    let d = sb.store().dump();
    let sections = kind(&d, "document-sections");
    assert!(sections.len() > 23 + 5, "{} sections", sections.len());
    // Each document's sections are numbered 0, 1, ... and none is over the cap
    // unless it is one element larger than it.
    let mut by_doc: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
    for s in &sections {
        by_doc
            .entry(s["document-id"].as_u64().unwrap())
            .or_default()
            .push(s["sort"].as_u64().unwrap());
    }
    for sorts in by_doc.values_mut() {
        sorts.sort();
        assert_eq!(*sorts, (0..sorts.len() as u64).collect::<Vec<_>>());
    }
    assert!(by_doc.values().any(|s| s.len() > 2));
    verify_ok(&sb, &ledger);
}

#[test]
fn a_lost_ledger_with_adopt_existing_makes_no_duplicate() {
    let (clean_fp, _) = clean();
    let sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    // A run stopped half way, then its ledger lost.
    let mut o = opts(&sb, &dir.path().join("lost"));
    o.abort_after = Some(clean().1 / 2);
    assert!(upload::upload(&o).is_err());
    let mut o = opts(&sb, &dir.path().join("new"));
    o.adopt_all = true;
    let r = upload::upload(&o).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(!r.adopted.is_empty());
    let (fp, orphans) = fingerprint(&sb);
    assert_eq!(&fp, clean_fp);
    // Images cannot be looked up: those of the first run stay unused.
    assert!(orphans <= 5, "{orphans}");
    verify_ok(&sb, &dir.path().join("new"));
}

/// Converts the sample with the test mapping into `out` (`--force` replaces).
fn convert_mapped(out: &Path, extra: &[&str]) {
    let mapping = common::root().join("testdata/acme-mapping.toml");
    let sample = common::sample();
    let mut args = vec![
        "convert",
        sample.to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = common::run(&args);
    assert!(
        o.status.code().is_some_and(|c| c == 0 || c == 3),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn converting_again_mid_upload_keeps_the_ledger_and_makes_no_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("bundle");
    convert_mapped(&b, &[]);
    let ledger = b.join("upload-ledger.jsonl");
    let with = |sb: &SandboxHandle| {
        let mut o = opts(sb, &ledger);
        o.bundle = b.clone();
        o
    };
    // The reference: this bundle uploaded in one go elsewhere.
    let reference = start(Behaviour::default());
    let mut o = with(&reference);
    o.ledger = Some(dir.path().join("reference-ledger"));
    let full = upload::upload(&o).unwrap();
    assert!(full.failures.is_empty(), "{:?}", full.failures);
    let (want, _) = fingerprint(&reference);

    // Half uploaded, then converted again (another manifest, same keys) over it.
    let sb = start(Behaviour::default());
    let mut o = with(&sb);
    o.abort_after = Some(60);
    assert!(upload::upload(&o).is_err());
    convert_mapped(&b, &["--no-preview"]);
    assert!(ledger.is_file(), "convert --force carried the ledger over");
    let r = upload::upload(&with(&sb)).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "ledger-from-earlier-bundle"),
        "{:?}",
        r.findings
    );
    let (got, orphans) = fingerprint(&sb);
    assert_eq!(got, want, "every record once, as in one clean run");
    assert!(orphans <= 2, "{orphans}");
    verify_ok_bundle(&sb, &b, &ledger);
}

fn verify_ok_bundle(sb: &SandboxHandle, b: &Path, ledger: &Path) {
    let mut o = opts(sb, ledger);
    o.bundle = b.to_path_buf();
    let v = upload::verify::verify(&o).unwrap();
    assert!(v.ok(), "{:?}", v.mismatches);
}
