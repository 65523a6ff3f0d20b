//! What `--out` may be: never the export, a folder holding it or a folder inside
//! it; `--force` replaces an earlier bundle only (keeping its upload ledger), never
//! some other folder; a failed run leaves no folders it created.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// A copy of the sample export in `dir/name`.
fn copy_sample(dir: &Path, name: &str) -> std::path::PathBuf {
    let dest = dir.join(name);
    for (rel, bytes) in files(&sample()) {
        let p = dest.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    dest
}

fn convert_to(input: &Path, out: &Path, force: bool) -> std::process::Output {
    let mut args = vec![
        "convert",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if force {
        args.push("--force");
    }
    run(&args)
}

#[test]
fn out_is_the_export_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let export = copy_sample(tmp.path(), "export");
    let before = files(&export);
    let o = convert_to(&export, &export, true);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is the export being read"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(&export), before, "the export is untouched");
}

#[test]
fn out_holding_the_export_zip_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("client");
    fs::create_dir(&folder).unwrap();
    let zip = folder.join("acme.zip");
    zip_dir(&sample(), Some("acme"), &zip);
    fs::write(folder.join("customer-notes.txt"), "keep me").unwrap();
    let o = convert_to(&zip, &folder, true);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds the export being read"),
        "{}",
        stderr(&o)
    );
    assert!(zip.is_file());
    assert_eq!(
        fs::read_to_string(folder.join("customer-notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn out_inside_the_export_is_refused_with_or_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let export = copy_sample(tmp.path(), "export");
    let before = files(&export);
    for force in [false, true] {
        // Written with a `..` detour, as a careless path might be.
        let out = export.join("attachments").join("..").join("bundle");
        let o = convert_to(&export, &out, force);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("is inside the export being read"),
            "{}",
            stderr(&o)
        );
        assert_eq!(files(&export), before);
    }
}

#[test]
fn force_replaces_only_a_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("contract.pdf"), "not a bundle").unwrap();
    let o = convert_to(&sample(), &out, true);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a cf2itglue bundle"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(out.join("contract.pdf")).unwrap(),
        "not a bundle"
    );
}

#[test]
fn converting_again_keeps_the_upload_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let o = convert_to(&sample(), &out, false);
    assert!(o.status.success(), "{}", stderr(&o));
    let ledger = "{\"ledger\":\"what is already in IT Glue\"}\n";
    fs::write(out.join("upload-ledger.jsonl"), ledger).unwrap();
    fs::write(out.join("stray.txt"), "from the old bundle").unwrap();
    let o = convert_to(&sample(), &out, true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("upload ledger kept: upload-ledger.jsonl"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(out.join("upload-ledger.jsonl")).unwrap(),
        ledger
    );
    // Everything else is the new bundle.
    assert!(!out.join("stray.txt").exists());
    let ok = run(&["check", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn a_failed_run_leaves_no_folders_it_created() {
    let tmp = tempfile::tempdir().unwrap();
    let not_export = tmp.path().join("notes");
    fs::create_dir(&not_export).unwrap();
    fs::write(not_export.join("a.txt"), "x").unwrap();
    let out = tmp.path().join("new").join("deeper").join("bundle");
    let o = convert_to(&not_export, &out, false);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        !tmp.path().join("new").exists(),
        "created parents are removed"
    );
}
