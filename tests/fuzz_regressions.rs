//! Replays every input kept under `tests/fuzz/regressions/<target>/` through the
//! body of that fuzz target (`tests/fuzz/harness.rs`), so a crash found by
//! fuzzing and fixed stays fixed, on stable and in `cargo test`. The hostile
//! samples of `testdata/hostile/` go through the matching targets too.

#[path = "fuzz/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files of a folder, sorted (none when it is absent).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn replay(target: &str, run: fn(&[u8]), extra: &[PathBuf]) -> usize {
    let mut all = inputs(&root().join("tests/fuzz/regressions").join(target));
    all.extend_from_slice(extra);
    for p in &all {
        let data = fs::read(p).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} crashes", p.display());
    }
    all.len()
}

fn hostile(filter: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root().join("testdata/hostile"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && filter(&e.file_name().to_string_lossy()))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn html_page() {
    let n = replay(
        "html_page",
        harness::html_page,
        &hostile(|n| n.ends_with(".html")),
    );
    assert!(n >= 2, "{n} inputs");
}

#[test]
fn storage_body() {
    replay("storage_body", harness::storage_body, &[]);
}

#[test]
fn entities_xml() {
    let n = replay(
        "entities_xml",
        harness::entities_xml,
        &hostile(|n| n == "entities.xml"),
    );
    assert!(n >= 7, "{n} inputs");
}

#[test]
fn zip_archive() {
    let n = replay(
        "zip_archive",
        harness::zip_archive,
        &hostile(|n| n.ends_with(".zip")),
    );
    assert!(n >= 15, "{n} inputs");
}
