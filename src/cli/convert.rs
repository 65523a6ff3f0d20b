//! `cf2itglue convert`.

use std::path::PathBuf;

use super::exit;
use super::progress::Output;
use crate::archive::Limits;
use crate::stage::{ConvertOptions, convert};

/// The arguments of `convert`.
pub struct Args {
    pub exports: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub jobs: Option<usize>,
    pub force: bool,
    pub mapping: Option<PathBuf>,
    pub strict: bool,
    pub json: bool,
    /// Write the static preview site under `preview/`.
    pub preview: bool,
    /// Leave password values out (`--redact`).
    pub redact: bool,
}

pub fn run(args: Args, out: &Output) -> i32 {
    let Args {
        exports,
        out_dir,
        jobs,
        force,
        mapping,
        strict,
        json,
        preview,
        redact,
    } = args;
    if let Some(n) = jobs {
        if n == 0 {
            eprintln!("error: --jobs must be at least 1");
            return exit::USAGE;
        }
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let opts = ConvertOptions {
        exports,
        out: out_dir,
        force,
        limits: Limits::default(),
        mapping,
        preview,
        redact,
    };
    let result = convert(&opts, &|m| out.step(m));
    out.done();
    let summary = match result {
        Ok(s) => s,
        Err(e) => return super::fail(&e),
    };
    let c = |k: &str| summary.counts.get(k).copied().unwrap_or(0);
    out.say(&format!(
        "converted {} pages: {} documents in {} folders, {} attachments ({} bytes in {} blobs)",
        summary.pages,
        c("documents"),
        c("folders"),
        c("attachments"),
        summary.attachment_bytes,
        c("blobs")
    ));
    let records: Vec<String> = [
        ("organizations", "organizations"),
        ("flexible_assets", "flexible assets"),
        ("configurations", "configurations"),
        ("contacts", "contacts"),
        ("passwords", "passwords"),
        ("related_items", "related items"),
    ]
    .iter()
    .map(|(k, label)| format!("{} {label}", c(k)))
    .collect();
    out.say(&format!("records: {}", records.join(", ")));
    if !summary.findings.is_empty() {
        out.say("findings:");
        for (code, n) in &summary.findings {
            out.say(&format!("  {n:>6}  {code}"));
        }
    }
    for m in &summary.mapping_unused {
        out.say(&format!(
            "warning: mapping: {m} (a typo? `scan EXPORT --mapping FILE` shows what each page becomes)"
        ));
    }
    out.say(&format!("bundle: {}", summary.out.display()));
    for l in &summary.ledgers_kept {
        out.say(&format!(
            "upload ledger kept: {l} (carried over from the bundle this one replaced; the next upload goes on from it)"
        ));
    }
    if redact {
        out.say("redacted: password values were left out; this bundle is for review, not upload");
    }
    if preview {
        out.say(&format!(
            "preview: {}",
            summary.out.join("preview").join("index.html").display()
        ));
    }
    // Last, so it is what a person sees when the run ends.
    let report = summary.out.join("report.html");
    out.say(&format!("report: {}", report.display()));
    if json {
        let v = serde_json::json!({
            "bundle": summary.out,
            "report": report,
            "pages": summary.pages,
            "counts": summary.counts,
            "attachment_bytes": summary.attachment_bytes,
            "findings": summary.findings,
        });
        println!("{v}");
    }
    if summary.errors > 0 || (strict && summary.warnings > 0) {
        exit::PARTIAL
    } else {
        exit::OK
    }
}
