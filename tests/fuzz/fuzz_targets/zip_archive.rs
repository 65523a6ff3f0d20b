//! The zip layer: open the bytes as an export archive (names, limits, detection)
//! and read every entry through the size guard; when it is an HTML export, run
//! the reader over it too. Errors are fine; panics, hangs and blow-ups are not.
#![no_main]

use std::io::{Read, Write};

use cf2itglue::archive::{Archive, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir();
    let mut f = tempfile::Builder::new()
        .suffix(".zip")
        .tempfile_in(&dir)
        .expect("temp file");
    f.write_all(data).expect("write");
    f.flush().expect("flush");
    let Ok(archive) = Archive::open(f.path(), Limits::default()) else {
        return;
    };
    let names: Vec<String> = archive.entries().map(|(n, _)| n.to_string()).collect();
    let mut reader = archive.reader().expect("reader");
    for name in &names {
        if let Ok(mut r) = reader.open(name) {
            let mut buf = [0u8; 64 * 1024];
            let mut total = 0u64;
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 || total > 64 * 1024 * 1024 {
                    break;
                }
                total += n as u64;
            }
        }
    }
    drop(reader);
    let _ = cf2itglue::read::read(&archive, None);
});
