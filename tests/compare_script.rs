//! `benches/compare.sh` refuses bad arguments before it builds, generates or
//! creates anything (a bad size used to print "inf MB/s" ratios and exit 0).

use std::process::Command;

fn compare(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/compare.sh"))
        .args(args)
        .output()
        .expect("bash runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn bad_arguments_are_refused_with_a_message_and_nothing_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("work");
    let d = dir.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--size-mb", "0", "--dir", d],
            "--size-mb must be a whole number",
        ),
        (
            vec!["--size-mb", "abc", "--dir", d],
            "--size-mb must be a whole number",
        ),
        (vec!["--dir", d, "--size-mb"], "--size-mb needs a value"),
        (
            vec!["--kind", "pdf", "--dir", d],
            "--kind must be html, xml or both",
        ),
        (
            vec!["--seed", "x", "--dir", d],
            "--seed must be a whole number",
        ),
        (vec!["--bogus", "--dir", d], "unknown argument: --bogus"),
    ] {
        let (code, err) = compare(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!dir.exists(), "{args:?} created the work folder");
    }
}

#[test]
fn help_prints_the_header_only() {
    let o = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/compare.sh"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("benches/compare.sh [--size-mb N]"), "{out}");
    assert!(!out.contains("set -euo"), "{out}");
}
