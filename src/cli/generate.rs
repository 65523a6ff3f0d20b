//! `cf2itglue generate` (hidden): writes a synthetic export for benchmarks.

use std::path::Path;

use super::exit;
use super::progress::Output;
use crate::generate::{GenKind, GenOptions, generate};

pub fn run(
    kind: &str,
    pages: usize,
    attachments: usize,
    seed: u64,
    out_path: &Path,
    out: &Output,
) -> i32 {
    let kind = match kind {
        "html" => GenKind::Html,
        "xml" => GenKind::Xml,
        other => {
            eprintln!("error: --kind must be html or xml, not {other:?}");
            return exit::USAGE;
        }
    };
    if pages == 0 {
        eprintln!("error: --pages must be at least 1 (an export has a home page)");
        return exit::USAGE;
    }
    let opts = GenOptions {
        kind,
        pages,
        attachments,
        seed,
        out: out_path.to_path_buf(),
    };
    match generate(&opts) {
        Ok(s) => {
            out.say(&format!(
                "wrote {}: {} {} (depth {}), {} attachments ({} bytes, {} duplicates), {} entries, {} bytes",
                out_path.display(),
                s.pages,
                if s.pages == 1 { "page" } else { "pages" },
                s.max_depth,
                s.attachments,
                s.attachment_bytes,
                s.duplicates,
                s.entries,
                s.zip_bytes
            ));
            exit::OK
        }
        Err(e) => super::fail(&e),
    }
}
