//! Inputs that are not usable exports: each gives a one-line error naming the cause,
//! exit status 4, and writes nothing (no bundle, no temporary folder left behind).

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::*;

/// Runs convert into `<tmp>/out` and checks the failure contract.
fn refuses(input: &Path, tmp: &Path, cause: &str) {
    let out = tmp.join("out");
    let before: Vec<_> = fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let o = run(&[
        "convert",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "exit status for {cause}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(cause), "{err:?} should mention {cause:?}");
    assert!(
        err.contains(&input.display().to_string()),
        "{err:?} should name the input"
    );
    assert!(!out.exists(), "no bundle for bad input");
    let after: Vec<_> = fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing else written beside --out");
}

#[test]
fn a_folder_that_is_not_an_export() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("notes");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("README.md"), "hello").unwrap();
    fs::write(input.join("index.html"), "<html>not confluence</html>").unwrap();
    refuses(&input, tmp.path(), "not a Confluence space export");
}

#[test]
fn an_empty_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("empty.zip");
    zip::ZipWriter::new(fs::File::create(&input).unwrap())
        .finish()
        .unwrap();
    refuses(&input, tmp.path(), "empty");
}

#[test]
fn a_truncated_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full.zip");
    zip_dir(&sample(), Some("ACME"), &full);
    let bytes = fs::read(&full).unwrap();
    fs::remove_file(&full).unwrap();
    let input = tmp.path().join("truncated.zip");
    fs::write(&input, &bytes[..bytes.len() / 2]).unwrap();
    refuses(&input, tmp.path(), "not a readable zip archive");
}

#[test]
fn a_zip_with_a_parent_directory_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("evil.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&input).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("ACME/index.html", opts).unwrap();
    zip.write_all(b"<html></html>").unwrap();
    zip.start_file("ACME/styles/site.css", opts).unwrap();
    zip.write_all(b"body{}").unwrap();
    zip.start_file("../../evil.txt", opts).unwrap();
    zip.write_all(b"escape").unwrap();
    zip.finish().unwrap();
    refuses(&input, tmp.path(), "'..'");
    assert!(!tmp.path().join("evil.txt").exists());
    assert!(!tmp.path().parent().unwrap().join("evil.txt").exists());
}

#[test]
fn a_file_that_is_not_a_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("export.zip");
    fs::write(&input, "this is text, not a zip").unwrap();
    refuses(&input, tmp.path(), "not a readable zip archive");
}

#[test]
fn a_zero_byte_zip_is_called_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("x.zip");
    fs::write(&input, "").unwrap();
    refuses(&input, tmp.path(), "the file is empty (0 bytes)");
}

#[test]
fn a_missing_input_is_a_plain_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("nope.zip");
    let o = run(&[
        "convert",
        input.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.zip"));
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["convert"]);
    assert_eq!(o.status.code(), Some(2));
}
