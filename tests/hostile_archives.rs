//! Hostile and broken archives (testdata/hostile/, made by its make.py): each gives a
//! clear error with exit status 4, or converts with a finding naming the entry; and
//! nothing is ever written outside the output folder.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn hostile(name: &str) -> PathBuf {
    root().join("testdata/hostile").join(name)
}

/// A scratch folder, nested, so that an escape one or two levels up would show.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("a/b/c");
    fs::create_dir_all(&work).unwrap();
    (tmp, work)
}

/// Every file under `root` except those under `out`.
fn outside(root: &Path, out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.path().starts_with(out) && e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn refused(name: &str, cause: &str) {
    let (tmp, work) = scratch();
    let out = work.join("out");
    let o = run(&[
        "convert",
        hostile(name).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{name}: {err}");
    assert!(err.contains(cause), "{name}: {err:?} should say {cause:?}");
    assert!(
        err.contains(name),
        "{name}: the error names the file: {err:?}"
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{name}: one line: {err:?}"
    );
    assert!(!out.exists(), "{name}: no bundle");
    assert_eq!(
        outside(tmp.path(), &out),
        Vec::<PathBuf>::new(),
        "{name}: files outside --out"
    );
}

/// Converts and returns the findings; asserts nothing escaped.
fn converted(name: &str) -> Vec<serde_json::Value> {
    let (tmp, work) = scratch();
    let out = work.join("out");
    convert(&hostile(name), &out);
    assert_eq!(
        outside(tmp.path(), &out),
        Vec::<PathBuf>::new(),
        "{name}: files outside --out"
    );
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{name}: {}", stderr(&ok));
    findings(&out)
}

fn has(findings: &[serde_json::Value], code: &str, entry_part: &str, message_part: &str) -> bool {
    findings.iter().any(|f| {
        f["code"] == code
            && f["entry"].as_str().unwrap_or("").contains(entry_part)
            && f["message"].as_str().unwrap_or("").contains(message_part)
    })
}

#[test]
fn escaping_names_refuse_the_whole_archive() {
    refused("dotdot.zip", "'..'");
    refused("backslash-dotdot.zip", "'..'");
    refused("absolute.zip", "absolute path");
    refused("drive-letter.zip", "names a drive");
}

#[test]
fn damaged_archives_are_refused() {
    refused("truncated-directory.zip", "not a readable zip archive");
    refused("corrupt-directory.zip", "not a readable zip archive");
}

#[test]
fn a_zip_bomb_is_refused_before_inflating() {
    refused("bomb.zip", "possible zip bomb");
}

#[test]
fn unreadable_entries_are_skipped_with_a_finding() {
    let f = converted("symlink.zip");
    assert!(has(
        &f,
        "entry-rejected",
        "attachments/2/11.txt",
        "symbolic link"
    ));
    let f = converted("encrypted.zip");
    assert!(has(
        &f,
        "entry-rejected",
        "attachments/2/12.bin",
        "encrypted"
    ));
    let f = converted("nul-in-name.zip");
    assert!(has(&f, "entry-rejected", "bad\0name.txt", "NUL"));
    let f = converted("invalid-utf8.zip");
    assert!(has(&f, "entry-rejected", "BADNAME", "not valid UTF-8"));
    let f = converted("duplicate.zip");
    assert!(has(&f, "entry-rejected", "", "more than once"));
}

#[test]
fn an_entry_larger_than_declared_is_not_staged() {
    let f = converted("lying-size.zip");
    assert!(has(
        &f,
        "attachment-missing",
        "attachments/2/15.txt",
        "cannot be read"
    ));
}

#[test]
fn backslash_separators_are_read_as_folders() {
    let f = converted("backslash-names.zip");
    assert!(has(
        &f,
        "attachment-orphan-kept",
        "attachments/1/11.txt",
        ""
    ));
}

#[test]
fn a_nested_zip_is_an_attachment_not_opened() {
    let (_tmp, work) = scratch();
    let out = work.join("out");
    convert(&hostile("nested.zip"), &out);
    let atts = jsonl(&out, "attachments.jsonl");
    let inner = atts
        .iter()
        .find(|a| a["file_name"] == "13.zip")
        .expect("the inner zip is staged");
    let bytes = fs::read(hostile("nested.zip")).unwrap();
    assert!(inner["size"].as_u64().unwrap() < bytes.len() as u64);
    // Nothing of the inner (hostile) zip was read as part of the export.
    assert!(
        !findings(&out)
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("evil"))
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_an_export_folder_are_not_followed() {
    let (tmp, work) = scratch();
    let export = work.join("export");
    for (name, bytes) in files(&sample()) {
        let p = export.join(&name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    let secret = tmp.path().join("secret.txt");
    fs::write(&secret, "do not read").unwrap();
    std::os::unix::fs::symlink(&secret, export.join("attachments/98310/99999.txt")).unwrap();
    let out = work.join("out");
    convert(&export, &out);
    let f = findings(&out);
    assert!(has(
        &f,
        "entry-rejected",
        "attachments/98310/99999.txt",
        "symbolic link"
    ));
    for (_, bytes) in files(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("do not read"));
    }
}
