//! `cf2itglue check`.

use std::path::Path;

use super::exit;
use super::progress::Output;

pub fn run(bundle: &Path, json: bool, out: &Output) -> i32 {
    let report = match crate::bundle::check::check(bundle) {
        Ok(r) => r,
        Err(e) => return super::fail(&e),
    };
    for p in &report.problems {
        eprintln!("{}: {}", bundle.join(&p.file).display(), p.reason);
    }
    if json {
        let v = serde_json::json!({
            "files_checked": report.files_checked,
            "blobs_checked": report.blobs_checked,
            "problems": report.problems.iter().map(|p| serde_json::json!({"file": p.file, "reason": p.reason})).collect::<Vec<_>>(),
        });
        println!("{v}");
    }
    if report.problems.is_empty() {
        out.say(&format!(
            "ok: {} files and {} blobs match manifest.json",
            report.files_checked, report.blobs_checked
        ));
        exit::OK
    } else {
        eprintln!(
            "error: {}: {} problem(s); the bundle was changed or damaged after convert — convert again",
            bundle.display(),
            report.problems.len()
        );
        exit::BAD_INPUT
    }
}
