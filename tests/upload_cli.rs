//! `cf2itglue upload`, `verify` and `sandbox` as a user runs them: the process
//! killed (SIGKILL) at several moments and rerun ends with every record once;
//! password values and the API key never printed; a bad key stops with a clear
//! message; the dry run sends nothing; the sandbox command serves the API.

mod common;
mod upload_common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cf2itglue::sandbox::{self, Behaviour, SandboxConfig};
use cf2itglue::upload;
use upload_common::{bundle, fingerprint, opts, password_values, start};

fn upload_cmd(url: &str, ledger: &std::path::Path) -> Command {
    let mut c = common::bin();
    c.args([
        "upload",
        bundle().to_str().unwrap(),
        "--url",
        url,
        "--ledger",
        ledger.to_str().unwrap(),
        "--rate",
        "100000/1",
    ])
    .env("ITGLUE_API_KEY", "itg-secret-key-0123456789");
    c
}

#[test]
fn killed_at_several_moments_then_rerun_ends_complete_without_duplicates() {
    // A clean run, in process, for comparison.
    let clean_sb = start(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    upload::upload(&opts(&clean_sb, &dir.path().join("clean"))).unwrap();
    let (clean, _) = fingerprint(&clean_sb);
    let total = clean_sb.store().objects.len();

    // 30 ms per request: a run takes about a second, so kills land mid-run.
    // Each kill is followed by a rerun that is killed in turn; the last run
    // finishes.
    let sb = start(Behaviour {
        latency: Duration::from_millis(30),
        ..Behaviour::default()
    });
    let before = sb.store().objects.len();
    let ledger = dir.path().join("ledger");
    let mut rng = fastrand::Rng::with_seed(5);
    let mut mid_run = 0;
    let kills = 6;
    for _ in 0..kills {
        let mut child = upload_cmd(&sb.url(), &ledger)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Once it is sending (startup time varies), a random moment later.
        let sent = sb.store().stats.requests;
        let t0 = Instant::now();
        while sb.store().stats.requests == sent && t0.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..250)));
        child.kill().unwrap(); // SIGKILL: no cleanup, whatever was in flight
        child.wait().unwrap();
        let n = sb.store().objects.len();
        if n > before && n < total {
            mid_run += 1;
        }
    }
    assert!(
        mid_run >= 3,
        "only {mid_run} of {kills} kills landed mid-run"
    );
    sb.set_behaviour(Behaviour::default());
    let o = upload_cmd(&sb.url(), &ledger).output().unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let (fp, orphans) = fingerprint(&sb);
    assert_eq!(fp, clean);
    assert!(orphans <= 4 * kills, "{orphans} orphan images");
    let v = common::run(&[
        "verify",
        bundle().to_str().unwrap(),
        "--url",
        &sb.url(),
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    // verify needs the key too.
    assert_eq!(v.status.code(), Some(2), "{}", common::stderr(&v));
    let v = common::bin()
        .args([
            "verify",
            bundle().to_str().unwrap(),
            "--url",
            &sb.url(),
            "--ledger",
            ledger.to_str().unwrap(),
        ])
        .env("ITGLUE_API_KEY", "k")
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", common::stderr(&v));
    assert!(common::stderr(&v).contains("organization"), "the table");

    // Someone deletes a password: verify says which, exits 3, --json on stdout.
    let d = sb.store().dump();
    let (pw, _) = d["objects"]["passwords"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
        .delete(format!("{}/passwords/{pw}", sb.url()))
        .header("x-api-key", "k")
        .send()
        .unwrap();
    let v = common::bin()
        .args([
            "verify",
            bundle().to_str().unwrap(),
            "--url",
            &sb.url(),
            "--ledger",
            ledger.to_str().unwrap(),
            "--json",
        ])
        .env("ITGLUE_API_KEY", "k")
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(3), "{}", common::stderr(&v));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let m = report["mismatches"].as_array().unwrap();
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0]["problem"]
            .as_str()
            .unwrap()
            .contains(&format!("passwords {pw} is not in IT Glue"))
    );
    assert!(common::stderr(&v).contains("mismatch: pw/"));
}

#[test]
fn passwords_and_the_key_are_never_printed() {
    let sb = start(Behaviour {
        lost_rate: 0.1,
        fault_rate: 0.1,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let o = upload_cmd(&sb.url(), &ledger)
        .args(["--json", "-vv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let printed = format!(
        "{}{}{}",
        String::from_utf8_lossy(&o.stdout),
        common::stderr(&o),
        std::fs::read_to_string(&ledger).unwrap()
    );
    assert!(
        printed.contains("\"created\""),
        "the JSON report is printed"
    );
    for pw in password_values(&bundle()) {
        assert!(!printed.contains(&pw), "a password value was printed");
    }
    assert!(!printed.contains("itg-secret-key"));
    // The passwords did arrive.
    assert_eq!(
        upload_common::kind(&sb.store().dump(), "passwords").len(),
        7
    );
}

#[test]
fn a_bad_key_stops_with_a_clear_message_without_the_key() {
    let sb = sandbox::start(SandboxConfig {
        api_key: Some("the-right-key".into()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = upload_cmd(&sb.url(), &dir.path().join("ledger"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("refused the API key (HTTP 401)"), "{err}");
    assert!(err.contains("ITGLUE_API_KEY"), "{err}");
    assert!(!err.contains("itg-secret-key"), "{err}");
    assert!(sb.store().objects.is_empty());

    // The key from a file works the same way, and is not echoed either.
    let keyfile = dir.path().join("key");
    std::fs::write(&keyfile, "the-right-key\n").unwrap();
    let o = common::bin()
        .args([
            "upload",
            bundle().to_str().unwrap(),
            "--url",
            &sb.url(),
            "--ledger",
            dir.path().join("ledger2").to_str().unwrap(),
            "--api-key-file",
            keyfile.to_str().unwrap(),
        ])
        .env_remove("ITGLUE_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(!common::stderr(&o).contains("the-right-key"));
}

#[test]
fn dry_run_prints_the_plan_and_sends_nothing() {
    let sb = start(Behaviour::default());
    let sent_before = sb.store().stats.requests;
    let dir = tempfile::tempdir().unwrap();
    let o = common::bin()
        .args([
            "upload",
            bundle().to_str().unwrap(),
            "--url",
            &sb.url(),
            "--ledger",
            dir.path().join("ledger").to_str().unwrap(),
            "--dry-run",
            "--json",
            "--rate",
            "300/30",
        ])
        .env_remove("ITGLUE_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(sb.store().stats.requests, sent_before, "nothing sent");
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["requests"]["documents"], 23);
    let total = plan["total"].as_u64().unwrap();
    assert!(total > 100);
    assert_eq!(plan["seconds"], (total - 1) / 300 * 30);
    assert!(common::stderr(&o).contains("total"));
    assert!(
        !dir.path().join("ledger").exists(),
        "a dry run writes no ledger"
    );
}

#[test]
fn sandbox_command_serves_the_api_on_loopback() {
    let mut child = common::bin()
        .args(["sandbox", "--listen", "127.0.0.1:0", "--rate", "5/60"])
        .env("ITGLUE_API_KEY", "sandbox-key")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::new();
    let get = |key: &str| {
        client
            .get(format!("{url}/organizations"))
            .header("x-api-key", key)
            .send()
            .unwrap()
    };
    assert_eq!(get("wrong").status().as_u16(), 401);
    let ok = get("sandbox-key");
    assert_eq!(ok.status().as_u16(), 200);
    let v: serde_json::Value = serde_json::from_slice(&ok.bytes().unwrap()).unwrap();
    assert_eq!(v["meta"]["total-count"], 0);
    // The rate limit (5 per minute, the 401s not counted) answers 429 with Retry-After.
    let start = Instant::now();
    let mut limited = None;
    for _ in 0..6 {
        let r = get("sandbox-key");
        if r.status().as_u16() == 429 {
            limited = r.headers().get("retry-after").cloned();
            break;
        }
    }
    let ra: u64 = limited.expect("429").to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&ra) && start.elapsed() < Duration::from_secs(5));
    child.kill().unwrap();
    child.wait().unwrap();
}
