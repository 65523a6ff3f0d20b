//! Helpers shared by the integration tests: running the binary, zipping a folder,
//! reading a bundle, comparing with golden files.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample() -> PathBuf {
    root().join("testdata/acme-html")
}

/// The shared corpus, or `None` (with a message) when it is absent.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/corpus/confluence").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cf2itglue"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Zips a folder (entries sorted, under an optional top folder).
pub fn zip_dir(dir: &Path, top: Option<&str>, dest: &Path) {
    zip_dir_with(dir, top, dest, zip::CompressionMethod::Deflated);
}

/// [`zip_dir`] with the entries compressed by `method` (`Stored` keeps each
/// file's bytes as they are inside the zip).
pub fn zip_dir_with(dir: &Path, top: Option<&str>, dest: &Path, method: zip::CompressionMethod) {
    let file = fs::File::create(dest).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut entries: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .collect();
    entries.sort_by(|a, b| a.path().cmp(b.path()));
    for e in entries {
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let name = match top {
            Some(t) => format!("{t}/{rel}"),
            None => rel,
        };
        zip.start_file(name, opts).unwrap();
        zip.write_all(&fs::read(e.path()).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

/// Every file of a folder: relative path → bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Reads a JSON Lines file of a bundle.
pub fn jsonl(bundle: &Path, name: &str) -> Vec<serde_json::Value> {
    fs::read_to_string(bundle.join(name))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn findings(bundle: &Path) -> Vec<serde_json::Value> {
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(bundle.join("report.json")).unwrap()).unwrap();
    r["findings"].as_array().unwrap().clone()
}

/// Runs `convert --quiet` of `export` into `out`, whatever its outcome.
pub fn try_convert(export: &Path, out: &Path) -> Output {
    run(&[
        "convert",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
}

/// Converts `export` into `out` and asserts success.
pub fn convert(export: &Path, out: &Path) -> Output {
    let o = try_convert(export, out);
    assert!(o.status.success(), "convert failed: {}", stderr(&o));
    o
}

/// Compares `actual` files with the golden folder; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(actual: &BTreeMap<String, Vec<u8>>, golden_dir: &Path) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = fs::remove_dir_all(golden_dir);
        for (name, bytes) in actual {
            let p = golden_dir.join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        return;
    }
    let expected = files(golden_dir);
    let names_a: Vec<_> = actual.keys().collect();
    let names_e: Vec<_> = expected.keys().collect();
    assert_eq!(
        names_a, names_e,
        "golden file set differs (UPDATE_GOLDEN=1 to accept)"
    );
    for (name, bytes) in actual {
        assert!(
            &expected[name] == bytes,
            "{name} differs from {} (UPDATE_GOLDEN=1 to accept):\n{}",
            golden_dir.join(name).display(),
            String::from_utf8_lossy(bytes)
        );
    }
}
