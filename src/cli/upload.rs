//! `cf2itglue upload`, `verify` and `sandbox`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::exit;
use super::progress::Output;
use crate::sandbox::{self, Behaviour, SandboxConfig};
use crate::upload::{self, ApiError, ApiKey, Only, Rate, UploadError, UploadOptions};

/// Where IT Glue is and how to reach it (shared by upload and verify).
#[derive(Args, Debug)]
pub struct Target {
    /// API base URL (e.g. the sandbox's); overrides --region.
    #[arg(long)]
    pub url: Option<String>,
    /// IT Glue region: us, eu or au.
    #[arg(long, default_value = "us")]
    pub region: String,
    /// A file holding the API key (else ITGLUE_API_KEY). Never a flag value.
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// The ledger file (default: <BUNDLE>/upload-ledger.jsonl).
    #[arg(long)]
    pub ledger: Option<PathBuf>,
    /// Request budget REQUESTS/SECONDS (IT Glue: 3000/300).
    #[arg(long, default_value = "3000/300")]
    pub rate: String,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Attachments and images larger than this (MiB) are reported, not sent.
    #[arg(long, default_value_t = 10)]
    pub max_file_mb: u64,
    /// Upload only these record kinds (comma-separated: documents, attachments,
    /// configurations, contacts, passwords, flexible_assets, related_items);
    /// organizations and what the kinds need (folders, types, categories) go too.
    #[arg(long)]
    pub only: Option<String>,
}

fn base_url(t: &Target) -> Result<String, String> {
    if let Some(u) = &t.url {
        return Ok(u.clone());
    }
    Ok(match t.region.as_str() {
        "us" => "https://api.itglue.com",
        "eu" => "https://api.eu.itglue.com",
        "au" => "https://api.au.itglue.com",
        r => return Err(format!("unknown region {r:?} (us, eu or au)")),
    }
    .into())
}

/// The key from --api-key-file or ITGLUE_API_KEY; the message never holds it.
fn api_key(t: &Target, needed: bool) -> Result<ApiKey, String> {
    let text = match &t.api_key_file {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("{}: cannot read the API key file: {e}", p.display()))?,
        None => std::env::var("ITGLUE_API_KEY").unwrap_or_default(),
    };
    match ApiKey::new(&text) {
        Some(k) => Ok(k),
        None if !needed => Ok(ApiKey::new("dry-run").expect("non-empty")),
        None => Err("no API key: set ITGLUE_API_KEY or pass --api-key-file".into()),
    }
}

fn options(bundle: &Path, t: &Target, key_needed: bool) -> Result<UploadOptions, (i32, String)> {
    let usage = |m: String| (exit::USAGE, m);
    let url = base_url(t).map_err(usage)?;
    let key = api_key(t, key_needed).map_err(usage)?;
    let mut o = UploadOptions::new(bundle, &url, key);
    o.rate = Rate::parse(&t.rate).ok_or_else(|| {
        usage(format!(
            "--rate {:?}: expected REQUESTS/SECONDS, e.g. 3000/300",
            t.rate
        ))
    })?;
    o.concurrency = t.concurrency.clamp(1, 16);
    o.limits.max_file_bytes = t.max_file_mb.saturating_mul(1024 * 1024);
    if let Some(k) = &t.only {
        o.only = Only::parse(k).map_err(|m| usage(format!("--only: {m}")))?;
    }
    o.ledger = t.ledger.clone();
    Ok(o)
}

/// The message for what stopped a run, with what to do next. The API key is
/// never part of it (errors carry the API's message and the status only).
fn upload_error(e: &UploadError, url: &str) -> i32 {
    match e {
        UploadError::Bundle(b) => super::fail(b),
        UploadError::Api(ApiError::Auth { .. }) => {
            eprintln!(
                "error: {e}\n  check the key in ITGLUE_API_KEY or --api-key-file (and its Password Access option); nothing more was sent"
            );
            exit::FATAL
        }
        UploadError::Api(ApiError::Unavailable { .. }) => {
            eprintln!(
                "error: IT Glue at {url} is unreachable or failing: {e}\n  nothing is lost: rerun the same command to continue where it stopped"
            );
            exit::FATAL
        }
        e => {
            eprintln!("error: {e}");
            exit::FATAL
        }
    }
}

pub fn upload(
    bundle: &Path,
    t: &Target,
    dry_run: bool,
    adopt_existing: bool,
    json: bool,
    out: &Output,
) -> i32 {
    let mut opts = match options(bundle, t, !dry_run) {
        Ok(o) => o,
        Err((code, m)) => {
            eprintln!("error: {m}");
            return code;
        }
    };
    opts.adopt_all = adopt_existing;
    if dry_run {
        let plan = match upload::dry_run(&opts) {
            Ok(p) => p,
            Err(e) => return upload_error(&e, &opts.url),
        };
        let total = plan.total();
        let secs = opts.rate.time_for(total).as_secs();
        for (kind, n) in &plan.counts {
            out.say(&format!("{kind:>20} {n:>7}"));
        }
        out.say(&format!(
            "{:>20} {total:>7} requests, at least {secs} s at {}",
            "total", t.rate
        ));
        for o in &plan.oversized {
            out.say(&format!(
                "not sent: {} ({} bytes, over the {} byte cap)",
                o.key, o.size, opts.limits.max_file_bytes
            ));
        }
        if json {
            let v = serde_json::json!({
                "requests": plan.counts, "total": total, "seconds": secs,
                "oversized": plan.oversized.iter().map(|o| serde_json::json!({"key": o.key, "size": o.size})).collect::<Vec<_>>(),
            });
            println!("{v}");
        }
        return exit::OK;
    }
    out.step("uploading");
    let result = upload::upload(&opts);
    out.done();
    let report = match result {
        Ok(r) => r,
        Err(e) => return upload_error(&e, &opts.url),
    };
    // Causes first; what failed only because something it needs is missing is
    // grouped by that reason, so the one line that explains a run is not buried.
    let (followers, causes): (Vec<_>, Vec<_>) = report
        .failures
        .iter()
        .partition(|f| f.message.contains("is not in IT Glue"));
    for f in &causes {
        eprintln!("failed: {}: {}", f.key, f.message);
    }
    let mut groups: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for f in &followers {
        groups
            .entry(f.message.as_str())
            .or_default()
            .push(f.key.as_str());
    }
    for (message, keys) in groups {
        match keys.as_slice() {
            [one] => eprintln!("failed: {one}: {message}"),
            [first, ..] => eprintln!("failed: {} records ({first}, …): {message}", keys.len()),
            [] => {}
        }
    }
    for f in &report.findings {
        out.say(&format!(
            "{}: {}: {}",
            f.code,
            f.key.as_deref().unwrap_or("-"),
            f.message
        ));
    }
    let sum = |m: &std::collections::BTreeMap<String, u64>| m.values().sum::<u64>();
    out.say(&format!(
        "created {}, adopted {}, already done {}, failed {}; {} requests ({} answered 429, {} retries) in {:.1} s",
        sum(&report.created),
        sum(&report.adopted),
        sum(&report.already_done),
        report.failures.len(),
        report.requests,
        report.rate_limited,
        report.retries,
        report.seconds
    ));
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
    }
    if report.failures.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    }
}

pub fn verify(bundle: &Path, t: &Target, json: bool, out: &Output) -> i32 {
    let opts = match options(bundle, t, true) {
        Ok(o) => o,
        Err((code, m)) => {
            eprintln!("error: {m}");
            return code;
        }
    };
    let report = match upload::verify::verify(&opts) {
        Ok(r) => r,
        Err(e) => return upload_error(&e, &opts.url),
    };
    if !out.quiet {
        eprintln!(
            "{:<24} {:<16} {:>7} {:>7} {:>10}",
            "organization", "kind", "bundle", "found", "in IT Glue"
        );
        for (org, kinds) in &report.counts {
            for (kind, c) in kinds {
                eprintln!(
                    "{org:<24} {kind:<16} {:>7} {:>7} {:>10}",
                    c.bundle, c.found, c.in_itglue
                );
            }
        }
    }
    for m in &report.mismatches {
        eprintln!("mismatch: {}: {}", m.key, m.problem);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serialises")
        );
    }
    if report.ok() {
        out.say(&format!(
            "ok: IT Glue matches the bundle ({} requests)",
            report.requests
        ));
        exit::OK
    } else {
        eprintln!("error: {} mismatch(es)", report.mismatches.len());
        exit::PARTIAL
    }
}

/// Options of `cf2itglue sandbox`.
#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1:8089")]
    pub listen: std::net::SocketAddr,
    /// Added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of requests failing (5xx or a dropped connection) before doing anything.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Fraction of writes committed whose response is then lost.
    #[arg(long, default_value_t = 0.0)]
    pub lost_rate: f64,
    /// Rate limit REQUESTS/SECONDS.
    #[arg(long, default_value = "3000/300")]
    pub rate: String,
    /// Answer 404 on document folders (an account without the folder API).
    #[arg(long)]
    pub no_folders: bool,
    /// Keep the state in this file (loaded at start, written after every write).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Seed of the fault dice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn sandbox(a: &SandboxArgs, out: &Output) -> i32 {
    let Some(rate) = Rate::parse(&a.rate) else {
        eprintln!(
            "error: --rate {:?}: expected REQUESTS/SECONDS, e.g. 3000/300",
            a.rate
        );
        return exit::USAGE;
    };
    if !(0.0..=1.0).contains(&a.fault_rate) || !(0.0..=1.0).contains(&a.lost_rate) {
        eprintln!("error: --fault-rate and --lost-rate are fractions between 0 and 1");
        return exit::USAGE;
    }
    let config = SandboxConfig {
        listen: a.listen,
        api_key: std::env::var("ITGLUE_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty()),
        behaviour: Behaviour {
            rate_requests: rate.requests,
            rate_window: rate.window,
            latency: Duration::from_millis(a.latency_ms),
            fault_rate: a.fault_rate,
            lost_rate: a.lost_rate,
            seed: a.seed,
            folders_missing: a.no_folders,
            precise_retry_after: false,
        },
        state_file: a.state.clone(),
    };
    let handle = match sandbox::start(config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FATAL;
        }
    };
    out.say(&format!(
        "sandbox listening on {} (state: GET {}/_sandbox/state); Ctrl-C to stop",
        handle.url(),
        handle.url()
    ));
    // Serve until the process is stopped.
    loop {
        std::thread::park();
    }
}
