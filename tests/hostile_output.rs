//! The output folder under stress: a convert killed at any point leaves no
//! folder that looks like a finished bundle (and the next run removes its
//! leftovers); an output folder that cannot be created, or a disk that fills up,
//! is a clear error naming the path, with nothing half-written left behind.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The hidden siblings a run writes beside `--out` (`.out.partial-PID`, ...).
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = format!(".{}.", out.file_name().unwrap().to_string_lossy());
    fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&name))
        .map(|e| e.path())
        .collect()
}

/// `--out` is either absent or a complete bundle that passes `check`.
fn absent_or_complete(out: &Path, when: &str) {
    if out.exists() {
        let c = run(&["check", out.to_str().unwrap()]);
        assert!(
            c.status.success(),
            "killed at {when:?}: --out exists but is not complete: {}",
            stderr(&c)
        );
    }
}

#[test]
fn a_killed_convert_leaves_no_bundle_and_the_next_run_cleans_up() {
    for when in [
        "reading exports",
        "storing attachments",
        "writing documents",
        "writing records and the report",
        "writing the preview",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut child = bin()
            .args([
                "convert",
                sample().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-v",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = false;
        for line in lines.by_ref() {
            if line.unwrap().contains(when) {
                seen = true;
                break;
            }
        }
        assert!(seen, "convert never said {when:?}");
        child.kill().unwrap();
        child.wait().unwrap();
        absent_or_complete(&out, when);
        // Whatever is left is hidden and named partial (or old), never `out`.
        for l in leftovers(&out) {
            let n = l.file_name().unwrap().to_string_lossy().into_owned();
            assert!(n.contains(".partial-") || n.contains(".old-"), "{n}");
        }
        // The next run succeeds and removes the dead run's leftovers.
        let again = run(&[
            "convert",
            sample().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--force",
            "-q",
        ]);
        assert!(again.status.success(), "{}", stderr(&again));
        assert_eq!(leftovers(&out), Vec::<PathBuf>::new(), "killed at {when:?}");
        assert!(run(&["check", out.to_str().unwrap()]).status.success());
    }
}

/// An export that blocks forever once opened (a named pipe nobody writes):
/// convert is stopped for sure after it made its temporary folder.
#[cfg(unix)]
#[test]
fn a_convert_stopped_midway_is_not_a_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("export.zip");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = tmp.path().join("out");
    let mut child = bin()
        .args([
            "convert",
            fifo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while leftovers(&out).is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists(), "a stopped convert left --out");
    let partial = leftovers(&out);
    assert_eq!(partial.len(), 1, "{partial:?}");
    // `check` refuses what was left: there is no manifest.
    let c = run(&["check", partial[0].to_str().unwrap()]);
    assert_eq!(c.status.code(), Some(4), "{}", stderr(&c));
    assert!(stderr(&c).contains("manifest.json"), "{}", stderr(&c));
    // The next run into the same --out removes it.
    convert(&sample(), &out);
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
}

#[test]
fn an_output_folder_under_a_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    for out in [file.join("out"), file.clone()] {
        let o = run(&[
            "convert",
            sample().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(file.to_str().unwrap()), "{err}");
        assert!(
            err.contains("is a file, not a folder") || err.contains("is not a folder"),
            "says why: {err}"
        );
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

/// A full disk, simulated with a file size limit (the writes fail with EFBIG as
/// they would with ENOSPC): a one-line error naming the file, exit 1, and no
/// bundle or temporary folder left.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_clear_error_and_leaves_nothing() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cf2itglue"));
    cmd.args([
        "convert",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .env("TMPDIR", tmp.path());
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: 2048,
                rlim_max: 2048,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(
        err.contains(tmp.path().to_str().unwrap()),
        "names the file: {err}"
    );
    assert!(!out.exists());
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
}
