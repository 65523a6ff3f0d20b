//! Hostile bundles: a bundle travels between machines, and anyone on the way can
//! edit it. Records that point outside the bundle (document paths with `..`,
//! blob ids that are paths, symbolic links) are refused before anything is read
//! or sent, so upload never reads, and never sends to IT Glue, a file of the
//! machine it runs on.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use cf2itglue::sandbox::{self, SandboxConfig, SandboxHandle};
use common::*;

/// Text of a file outside the bundle that upload must never read.
const SECRET: &str = "PRIVATE-KEY-OF-THE-UPLOADING-MACHINE";

/// A converted sample beside a private file, inside a fresh temp folder.
fn bundle_beside_secret() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    convert(&sample(), &out);
    let secret = tmp.path().join("id_rsa");
    fs::write(&secret, SECRET).unwrap();
    (tmp, out, secret)
}

/// Rewrites a bundle file and its hash in manifest.json (so `check` alone would
/// not notice: the attacker edits the manifest too).
fn tamper(bundle: &Path, rel: &str, edit: impl Fn(String) -> String) {
    let text = edit(fs::read_to_string(bundle.join(rel)).unwrap());
    fs::write(bundle.join(rel), &text).unwrap();
    let mpath = bundle.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&mpath).unwrap()).unwrap();
    m["files"][rel] = blake3::hash(text.as_bytes()).to_hex().to_string().into();
    fs::write(&mpath, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

fn upload(bundle: &Path, sb: &SandboxHandle, extra: &[&str]) -> Output {
    let mut args = vec!["upload", bundle.to_str().unwrap(), "--url"];
    let url = sb.url();
    args.push(&url);
    args.extend_from_slice(extra);
    bin()
        .args(&args)
        .env("ITGLUE_API_KEY", "test-key")
        .output()
        .unwrap()
}

/// Upload (and its dry run) refuse with exit 4 naming `file`; the sandbox got
/// nothing, and certainly not the secret.
fn refused(bundle: &Path, file: &str, cause: &str) {
    let sb = sandbox::start(SandboxConfig::default()).unwrap();
    for extra in [&["--dry-run"][..], &[][..]] {
        let o = upload(bundle, &sb, extra);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(4), "{extra:?}: {err}");
        assert!(err.contains(file), "{err:?} names {file}");
        assert!(err.contains(cause), "{err:?} says {cause:?}");
    }
    let state = sb.store().dump();
    assert!(!state.to_string().contains(SECRET));
    let objects = state["objects"].as_object().unwrap();
    assert!(
        objects
            .values()
            .all(|v| v.as_object().is_none_or(|o| o.is_empty())),
        "something was created: {state}"
    );
}

#[test]
fn a_document_path_leaving_the_bundle_is_refused() {
    let (_tmp, out, _secret) = bundle_beside_secret();
    tamper(&out, "documents.jsonl", |t| {
        let first = t.find("\"content\":\"").unwrap() + 11;
        let end = first + t[first..].find('"').unwrap();
        format!("{}../id_rsa{}", &t[..first], &t[end..])
    });
    assert!(
        run(&["check", out.to_str().unwrap()]).status.success(),
        "the tampered bundle passes check, so only the record check stops it"
    );
    refused(
        &out,
        "documents.jsonl",
        "\"../id_rsa\" is not a file of this bundle",
    );
}

#[test]
fn an_absolute_document_path_is_refused() {
    let (_tmp, out, secret) = bundle_beside_secret();
    let abs = secret.to_str().unwrap().to_string();
    tamper(&out, "documents.jsonl", |t| {
        let first = t.find("\"content\":\"").unwrap() + 11;
        let end = first + t[first..].find('"').unwrap();
        format!("{}{abs}{}", &t[..first], &t[end..])
    });
    refused(&out, "documents.jsonl", "is not a file of this bundle");
}

#[test]
fn a_blob_id_that_is_a_path_is_refused() {
    let (_tmp, out, _secret) = bundle_beside_secret();
    tamper(&out, "attachments.jsonl", |t| {
        let first = t.find("\"blake3\":\"").unwrap() + 10;
        let end = first + t[first..].find('"').unwrap();
        format!("{}../../id_rsa{}", &t[..first], &t[end..])
    });
    refused(&out, "attachments.jsonl", "is not a blob id");
}

#[test]
fn a_short_blob_id_is_refused_not_a_panic() {
    let (_tmp, out, _secret) = bundle_beside_secret();
    tamper(&out, "attachments.jsonl", |t| {
        let first = t.find("\"blake3\":\"").unwrap() + 10;
        let end = first + t[first..].find('"').unwrap();
        format!("{}é{}", &t[..first], &t[end..])
    });
    refused(&out, "attachments.jsonl", "is not a blob id");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_a_bundle_is_refused() {
    let (_tmp, out, secret) = bundle_beside_secret();
    // Replace a blob by a link to the secret: its name no longer needs to match.
    let blob = walkdir::WalkDir::new(out.join("blobs"))
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path();
    fs::remove_file(&blob).unwrap();
    std::os::unix::fs::symlink(&secret, &blob).unwrap();
    let rel = blob
        .strip_prefix(&out)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let c = run(&["check", out.to_str().unwrap()]);
    assert_eq!(c.status.code(), Some(4), "{}", stderr(&c));
    let all = format!("{}{}", String::from_utf8_lossy(&c.stdout), stderr(&c));
    assert!(all.contains(&rel), "{all}");
    assert!(all.contains("symbolic link"), "{all}");
    refused(&out, &rel, "symbolic link");

    // A listed file (a document) replaced by a link is refused the same way.
    let (_tmp2, out2, secret2) = bundle_beside_secret();
    let doc = jsonl(&out2, "documents.jsonl")[0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    fs::remove_file(out2.join(&doc)).unwrap();
    std::os::unix::fs::symlink(&secret2, out2.join(&doc)).unwrap();
    refused(&out2, &doc, "symbolic link");
}
