//! Upload benchmark: how much of the rate limit's budget an upload keeps in
//! use, and how many 429s it meets. Generates a synthetic export, converts it,
//! starts the sandbox with IT Glue-like limits and latency, uploads, prints.
//!
//!   cargo run --release --example upload_rate -- [--pages 500] [--attachments 250]
//!       [--rate 300/30] [--latency-ms 150] [--concurrency 4] [--seed 1]
//!
//! The budget is used well when requests / (elapsed × budget per second) is
//! near 1 (the pacer keeps a margin of 2 %, at most 10 requests, per window).

use std::time::{Duration, Instant};

use cf2itglue::archive::Limits as ArchiveLimits;
use cf2itglue::generate::{GenKind, GenOptions, generate};
use cf2itglue::sandbox::{self, Behaviour, SandboxConfig};
use cf2itglue::stage::{ConvertOptions, convert};
use cf2itglue::upload::{self, ApiKey, Rate, UploadOptions};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pages: usize = arg(&args, "--pages", "500").parse().expect("--pages");
    let attachments: usize = arg(&args, "--attachments", "250")
        .parse()
        .expect("--attachments");
    let rate = Rate::parse(&arg(&args, "--rate", "300/30")).expect("--rate R/S");
    let latency = Duration::from_millis(arg(&args, "--latency-ms", "150").parse().expect("ms"));
    let concurrency: usize = arg(&args, "--concurrency", "4")
        .parse()
        .expect("--concurrency");
    let seed: u64 = arg(&args, "--seed", "1").parse().expect("--seed");

    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("export.zip");
    generate(&GenOptions {
        kind: GenKind::Html,
        pages,
        attachments,
        seed,
        out: export.clone(),
    })
    .expect("generate");
    let bundle = dir.path().join("bundle");
    convert(
        &ConvertOptions {
            exports: vec![export],
            out: bundle.clone(),
            force: false,
            limits: ArchiveLimits::default(),
            mapping: None,
            preview: false,
            redact: false,
        },
        &|_| {},
    )
    .expect("convert");

    let sb = sandbox::start(SandboxConfig {
        behaviour: Behaviour {
            rate_requests: rate.requests,
            rate_window: rate.window,
            latency,
            ..Behaviour::default()
        },
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let mut o = UploadOptions::new(&bundle, &sb.url(), ApiKey::new("bench").expect("key"));
    o.rate = rate;
    o.concurrency = concurrency;
    let plan = upload::dry_run(&o).expect("plan");
    let implied = rate.time_for(plan.total());
    eprintln!(
        "{} pages, {} attachments: {} requests planned; the limit ({}/{} s) implies at least {:.0} s",
        pages,
        attachments,
        plan.total(),
        rate.requests,
        rate.window.as_secs_f64(),
        implied.as_secs_f64()
    );
    let t0 = Instant::now();
    let r = upload::upload(&o).expect("upload");
    let elapsed = t0.elapsed().as_secs_f64();
    for (k, n) in &plan.counts {
        let real = r.requests_by_kind.get(*k).copied().unwrap_or(0);
        if real != *n {
            eprintln!("{k}: planned {n}, sent {real}");
        }
    }
    for (k, n) in &r.requests_by_kind {
        if !plan.counts.contains_key(k.as_str()) {
            eprintln!("{k}: not planned, sent {n}");
        }
    }
    for f in r.failures.iter().take(10) {
        eprintln!("failed: {}: {}", f.key, f.message);
    }
    let budget_per_s = f64::from(rate.requests) / rate.window.as_secs_f64();
    let st = sb.store().stats;
    println!(
        "requests {} (planned {}), failures {}, elapsed {:.1} s, implied minimum {:.0} s",
        r.requests,
        plan.total(),
        r.failures.len(),
        elapsed,
        implied.as_secs_f64()
    );
    println!(
        "budget in use: {:.1} % ({:.2} requests/s of {:.2}); 429 answers: {} (server counted {})",
        100.0 * r.requests as f64 / (elapsed * budget_per_s),
        r.requests as f64 / elapsed,
        budget_per_s,
        r.rate_limited,
        st.rate_limited
    );
}
