//! Shared by the upload test files: the bundle they upload (the sample export
//! converted with its mapping, plus a configuration and passwords embedded in
//! records, so every record kind is there), a sandbox seeded with the "existing"
//! organization, and a fingerprint of the sandbox's state without ids.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use cf2itglue::sandbox::{self, Behaviour, SandboxConfig, SandboxHandle};
use cf2itglue::upload::{ApiKey, Rate, Retry, UploadOptions};
use serde_json::{Value, json};

use crate::common;

/// Records added to the converted sample: a configuration (its own type), a
/// password embedded in it and one embedded in a flexible asset, a password
/// category, and a related item from the configuration to a document.
const EXTRA: &[(&str, &str)] = &[
    (
        "configurations.jsonl",
        r#"{"key":"cfg/ACME/90001","org":"org/ACME","name":"FW-HQ01","configuration_type":"Firewall","hostname":"fw-hq01","primary_ip":"10.20.0.1","operating_system":"FortiOS 7.4","serial_number":"FGT40F0001","notes":"Edge firewall, head office","source":{"space_key":"ACME","page_id":"90001"}}"#,
    ),
    (
        "passwords.jsonl",
        r#"{"key":"pw/ACME/90001/1","org":"org/ACME","name":"FW-HQ01 admin","username":"admin","password":"Fw-Adm1n!HQ-2026","url":"https://10.20.0.1","notes":null,"category":"Network","embedded_in":"cfg/ACME/90001","source":{"space_key":"ACME","page_id":"90001"}}"#,
    ),
    (
        "passwords.jsonl",
        r#"{"key":"pw/ACME/98323/1","org":"org/ACME","name":"DC01 DSRM","username":"Administrator","password":"Dsrm#Recovery-77","url":null,"notes":"Directory services restore mode","category":null,"embedded_in":"fa/ACME/98323","source":{"space_key":"ACME","page_id":"98323"}}"#,
    ),
    (
        "related_items.jsonl",
        r#"{"from":"cfg/ACME/90001","to":"doc/ACME/98311","notes":"documented on the page"}"#,
    ),
];

/// Every password value of the bundle (for the "never printed" tests).
pub fn password_values(bundle: &Path) -> Vec<String> {
    std::fs::read_to_string(bundle.join("passwords.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["password"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn sort_key(v: &Value) -> String {
    match v.get("key") {
        Some(k) => k.as_str().unwrap().to_string(),
        None => format!(
            "{}\u{0}{}",
            v["from"].as_str().unwrap(),
            v["to"].as_str().unwrap()
        ),
    }
}

/// Adds EXTRA to a bundle and updates its manifest (hashes and counts).
fn augment(root: &Path) {
    let mpath = root.join("manifest.json");
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    let mut files: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (file, line) in EXTRA {
        files
            .entry(file)
            .or_default()
            .push(serde_json::from_str(line).unwrap());
    }
    for (file, extra) in files {
        let p = root.join(file);
        let mut recs: Vec<Value> = std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        recs.extend(extra);
        recs.sort_by_key(sort_key);
        let mut text = String::new();
        for r in &recs {
            text.push_str(&serde_json::to_string(r).unwrap());
            text.push('\n');
        }
        std::fs::write(&p, &text).unwrap();
        manifest["files"][file] = json!(blake3::hash(text.as_bytes()).to_hex().to_string());
        manifest["counts"][file.trim_end_matches(".jsonl")] = json!(recs.len());
    }
    std::fs::write(&mpath, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

/// The bundle, converted once per test binary (upload only reads it).
pub fn bundle() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("bundle");
        let o = common::run(&[
            "convert",
            common::sample().to_str().unwrap(),
            "--mapping",
            common::root()
                .join("testdata/acme-mapping.toml")
                .to_str()
                .unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(
            o.status.success() || o.status.code() == Some(3),
            "{}",
            common::stderr(&o)
        );
        augment(&out);
        let c = common::run(&["check", out.to_str().unwrap()]);
        assert!(c.status.success(), "{}", common::stderr(&c));
        d
    });
    dir.path().join("bundle")
}

/// Creates an organization through the API, as someone using IT Glue would.
pub fn create_org(sb: &SandboxHandle, name: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/organizations", sb.url()))
        .header("x-api-key", "seed")
        .header("content-type", "application/vnd.api+json")
        .body(json!({"data": {"type": "organizations", "attributes": {"name": name}}}).to_string())
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
}

/// An empty sandbox.
pub fn start_empty(b: Behaviour) -> SandboxHandle {
    sandbox::start(SandboxConfig {
        behaviour: b,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// A sandbox holding what the account already has: "Acme Corp" (the bundle's
/// `match = "existing"` organization) and an unrelated organization.
pub fn start(b: Behaviour) -> SandboxHandle {
    let sb = start_empty(Behaviour::default());
    create_org(&sb, "Acme Corp");
    create_org(&sb, "Someone Else Ltd");
    sb.set_behaviour(b);
    sb
}

/// Options for a test: its own ledger, fast retries, no client pacing.
pub fn opts(sb: &SandboxHandle, ledger: &Path) -> UploadOptions {
    let mut o = UploadOptions::new(&bundle(), &sb.url(), ApiKey::new("test-key").unwrap());
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

/// The state without ids: every object as a line naming its kind and its
/// attributes, each id replaced by a label of what it points at (kind, name,
/// section position), digits in text replaced unless they are an id. Two runs
/// that made the same records give the same lines. Returns the lines and the
/// number of document images no body refers to: after a lost answer an image
/// cannot be looked up (IT Glue has no list route for them), so a retry leaves
/// an invisible orphan; the tests bound their number by the answers lost.
pub fn fingerprint(sb: &SandboxHandle) -> (Vec<String>, usize) {
    let dump = sb.store().dump();
    let objects = dump["objects"].as_object().unwrap();
    let mut label: HashMap<String, String> = HashMap::new();
    for (kind, items) in objects {
        for (id, a) in items.as_object().unwrap() {
            let name = ["name", "attachment-file-name"]
                .iter()
                .find_map(|k| a[k].as_str())
                .unwrap_or("");
            label.insert(id.clone(), format!("<{kind}:{name}:{}>", a["sort"]));
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
    let mut out = Vec::new();
    let mut orphans = 0;
    for (kind, items) in objects {
        for (id, a) in items.as_object().unwrap() {
            if kind == "document-images" && !contents.contains(&format!("/images/{id}\"")) {
                orphans += 1;
                continue;
            }
            let mut fields = BTreeMap::new();
            for (k, v) in a.as_object().unwrap() {
                if k.ends_with("-at") || k == "target" {
                    continue;
                }
                let ids = k.ends_with("-id") || k.ends_with("-ids") || k == "traits" || k == "id";
                fields.insert(k.clone(), normalise(v, &label, ids));
            }
            out.push(format!("{kind} {fields:?}"));
        }
    }
    for r in dump["related"].as_array().unwrap() {
        let l = |k: &str| label.get(&r[k].to_string()).cloned().unwrap_or_default();
        out.push(format!(
            "related {} -> {} {}",
            l("source_id"),
            l("destination_id"),
            r["notes"]
        ));
    }
    out.sort();
    (out, orphans)
}

fn normalise(v: &Value, label: &HashMap<String, String>, ids: bool) -> String {
    match v {
        Value::Number(n) if ids => label
            .get(&n.to_string())
            .cloned()
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => ids_in_text(s, label),
        Value::Array(xs) => format!(
            "[{}]",
            xs.iter()
                .map(|x| normalise(x, label, ids))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k}:{}", normalise(x, label, ids || k == "id")))
                .collect::<Vec<_>>()
                .join(",")
        ),
        v => v.to_string(),
    }
}

/// Digit runs right after a `/` that are ids become their labels (URLs such
/// as `/1001/docs/1020`); the sandbox's port (different per run) becomes PORT;
/// other numbers stay as they are.
fn ids_in_text(s: &str, label: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            match label.get(run.as_str()) {
                Some(l) if out.ends_with('/') => out.push_str(l),
                _ if out.ends_with("127.0.0.1:") => out.push_str("PORT"),
                _ => out.push_str(run),
            }
            run.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The objects of one kind in a state dump.
pub fn kind<'a>(dump: &'a Value, k: &str) -> Vec<&'a Value> {
    dump["objects"][k]
        .as_object()
        .map(|m| m.values().collect())
        .unwrap_or_default()
}
