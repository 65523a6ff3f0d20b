//! `cf2itglue convert`.

use std::path::PathBuf;

use super::exit;
use super::progress::Output;
use crate::archive::Limits;
use crate::stage::{ConvertOptions, convert};

pub fn run(
    exports: Vec<PathBuf>,
    out_dir: PathBuf,
    jobs: Option<usize>,
    force: bool,
    strict: bool,
    json: bool,
    redact: bool,
    out: &Output,
) -> i32 {
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
    if !summary.findings.is_empty() {
        out.say("findings:");
        for (code, n) in &summary.findings {
            out.say(&format!("  {n:>6}  {code}"));
        }
    }
    out.say(&format!("bundle: {}", summary.out.display()));
    if redact {
        out.say("redacted: password values were left out; this bundle is for review, not upload");
    }
    out.say(&format!(
        "report: {}",
        summary.out.join("report.html").display()
    ));
    if json {
        let v = serde_json::json!({
            "bundle": summary.out,
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
