//! Upload of the sample bundle into the local sandbox, read back.

mod common;

use std::path::{Path, PathBuf};

use cf2itglue::sandbox::{self, Behaviour, SandboxConfig};
use cf2itglue::upload::{self, ApiKey, UploadOptions};

fn bundle(dir: &Path) -> PathBuf {
    let out = dir.join("bundle");
    let o = common::run(&[
        "convert",
        common::sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success() || o.status.code() == Some(3), "{}", common::stderr(&o));
    out
}

#[test]
fn uploads_sample() {
    let dir = tempfile::tempdir().unwrap();
    let b = bundle(dir.path());
    let sb = sandbox::start(SandboxConfig::default()).unwrap();
    let opts = UploadOptions::new(&b, &sb.url(), ApiKey::new("k").unwrap());
    let r = upload::upload(&opts).unwrap();
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    println!("{}", serde_json::to_string_pretty(&sb.store().dump()).unwrap());
}
