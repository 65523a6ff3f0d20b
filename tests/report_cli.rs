//! `convert` ends by printing where report.html is; `--no-preview` leaves out the
//! preview site and its line.

mod common;

use common::{run, sample, stderr};

fn convert(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let sample = sample();
    let mut args = vec![
        "convert",
        sample.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let stdout = String::from_utf8(o.stdout).unwrap();
    (dir, out, err, stdout)
}

#[test]
fn convert_prints_the_report_path_last() {
    let (_dir, out, err, _) = convert(&[]);
    let lines: Vec<&str> = err.lines().collect();
    let report = out.join("report.html");
    assert_eq!(
        lines.last().copied(),
        Some(format!("report: {}", report.display()).as_str()),
        "{err}"
    );
    assert!(report.is_file());
    let preview = out.join("preview/index.html");
    assert!(
        lines.contains(&format!("preview: {}", preview.display()).as_str()),
        "{err}"
    );
    assert!(preview.is_file());
}

#[test]
fn no_preview_writes_no_site_but_still_the_report() {
    let (_dir, out, err, stdout) = convert(&["--no-preview", "--json"]);
    assert!(!out.join("preview").exists());
    assert!(!err.contains("preview:"), "{err}");
    let report = out.join("report.html");
    assert!(report.is_file());
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["report"].as_str(), report.to_str());
    // The manifest lists report.html and nothing under preview/.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"report.html\""));
    assert!(!manifest.contains("preview/"));
}
