//! `entities.xml` scanning: the bytes become the `entities.xml` of an XML export
//! folder, which the whole XML reader then reads (object index, tree, history,
//! attachments, every page body through the storage-format converter). Errors
//! are fine; panics, hangs (parent cycles!) and blow-ups are not.
#![no_main]

use std::sync::OnceLock;

use cf2itglue::archive::{Archive, Limits};
use libfuzzer_sys::fuzz_target;

fn folder() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    std::fs::write(dir.join("entities.xml"), data).expect("write");
    // The streaming parser alone, on the bytes as they are.
    if let Ok(mut ix) = cf2itglue::read::objects::Index::new("entities.xml") {
        let _ = cf2itglue::read::xml::parse(data, &mut ix);
    }
    // The whole reader over a folder export.
    let Ok(archive) = Archive::open(dir, Limits::default()) else {
        return;
    };
    let _ = cf2itglue::read::read(&archive, None);
});
