//! Synthetic Confluence exports for benchmarks (`cf2itglue generate`, hidden from
//! help). Deterministic from a seed: the same options write byte-identical zips.
//!
//! The shape aims at real exports: a page tree of realistic depth and fan-out
//! under the space home page, bodies of 2–80 KB (about 20 KB typical) with tables,
//! macros, links and images, and attachments in a realistic size mix (many small
//! images, some documents, a few multi-MB PDFs) with some duplicated content.
//! HTML exports follow the research doc §2 (like `testdata/acme-html`), XML
//! exports §4 (`entities.xml` + `attachments/<containerId>/<attachmentId>/<version>`).

mod html;
pub mod rng;
mod text;
mod xml;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::Error;
use rng::Rng;

/// Which export to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenKind {
    Html,
    Xml,
}

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub kind: GenKind,
    pub pages: usize,
    pub attachments: usize,
    pub seed: u64,
    pub out: PathBuf,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    pub pages: usize,
    pub attachments: usize,
    pub attachment_bytes: u64,
    /// Attachments whose bytes repeat an earlier attachment's.
    pub duplicates: usize,
    pub max_depth: usize,
    pub entries: usize,
    pub zip_bytes: u64,
}

/// A page of the plan.
#[derive(Debug, Clone)]
pub(crate) struct PlanPage {
    pub id: u64,
    pub title: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
    pub attachments: Vec<usize>,
    pub author: &'static str,
    pub editor: &'static str,
    /// Approximate body size to aim for, in bytes.
    pub body_bytes: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttKind {
    Png,
    Jpeg,
    Pdf,
    Docx,
    Xlsx,
    Text,
    /// A file without extension (the HTML export writes it as `attachments/<pid>/<aid>`).
    Bare,
}

impl AttKind {
    pub fn ext(self) -> &'static str {
        match self {
            AttKind::Png => ".png",
            AttKind::Jpeg => ".jpg",
            AttKind::Pdf => ".pdf",
            AttKind::Docx => ".docx",
            AttKind::Xlsx => ".xlsx",
            AttKind::Text => ".txt",
            AttKind::Bare => "",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            AttKind::Png => "image/png",
            AttKind::Jpeg => "image/jpeg",
            AttKind::Pdf => "application/pdf",
            AttKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            AttKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            AttKind::Text => "text/plain",
            AttKind::Bare => "application/octet-stream",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, AttKind::Png | AttKind::Jpeg)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PlanAttachment {
    pub id: u64,
    pub file_name: String,
    pub kind: AttKind,
    pub size: u64,
    /// Seed of the bytes; duplicates share seed, kind and size.
    pub content: u64,
    pub version: u32,
}

pub(crate) struct Plan {
    pub key: String,
    pub name: String,
    pub pages: Vec<PlanPage>,
    pub attachments: Vec<PlanAttachment>,
    pub duplicates: usize,
}

const SPACE_KEY: &str = "SYN";
const SPACE_NAME: &str = "Synthetic IT Docs";
const FIRST_PAGE_ID: u64 = 1_000_000;
const FIRST_ATTACHMENT_ID: u64 = 5_000_000;

impl Plan {
    pub fn new(pages: usize, attachments: usize, seed: u64) -> Plan {
        let mut rng = Rng::new(seed);
        let pages = pages.max(1);
        let mut list: Vec<PlanPage> = Vec::with_capacity(pages);
        for i in 0..pages {
            let mut prng = rng.fork(i as u64);
            // Parents: recent pages more often (sections are written together),
            // depth capped at 8 like real spaces; the home page collects top-level
            // sections.
            let parent = if i == 0 {
                None
            } else if i < 8 || prng.chance(0.05) {
                Some(0)
            } else {
                let window = (i as u64).min(40);
                let mut p = i - 1 - prng.below(window) as usize;
                while list[p].depth >= 7 {
                    p = list[p].parent.unwrap_or(0);
                }
                Some(p)
            };
            let depth = parent.map(|p| list[p].depth + 1).unwrap_or(0);
            let id = FIRST_PAGE_ID + i as u64 * 3 + prng.below(3);
            let title = if i == 0 {
                format!("{SPACE_NAME} Home")
            } else {
                text::title(&mut prng, i)
            };
            // Body sizes: log-uniform 2–80 KB has a median near 13 KB and a mean near
            // 21 KB, like the real samples.
            let body_bytes = prng.log_range(2_000, 80_000) as usize;
            list.push(PlanPage {
                id,
                title,
                parent,
                children: Vec::new(),
                depth,
                attachments: Vec::new(),
                author: prng.pick(text::PEOPLE),
                editor: prng.pick(text::PEOPLE),
                body_bytes,
                seed: prng.next_u64(),
            });
            if let Some(p) = parent {
                list[p].children.push(i);
            }
        }
        let mut atts: Vec<PlanAttachment> = Vec::with_capacity(attachments);
        let mut duplicates = 0;
        for j in 0..attachments {
            let mut arng = rng.fork(1 << 40 | j as u64);
            let page = arng.below(pages as u64) as usize;
            let id = FIRST_ATTACHMENT_ID + j as u64 * 2 + arng.below(2);
            let version = if arng.chance(0.1) { 2 } else { 1 };
            // About 6% repeat an earlier file (a logo, a signature image, a shared PDF).
            if j > 10 && arng.chance(0.06) {
                let src = atts[arng.below(j as u64) as usize].clone();
                duplicates += 1;
                atts.push(PlanAttachment { id, version, ..src });
                pages_push(&mut list, page, j);
                continue;
            }
            let roll = arng.below(100);
            let (kind, size) = match roll {
                0..=54 => (AttKind::Png, arng.log_range(3_000, 250_000)),
                55..=69 => (AttKind::Jpeg, arng.log_range(20_000, 900_000)),
                70..=79 => (AttKind::Docx, arng.log_range(15_000, 1_500_000)),
                80..=84 => (AttKind::Xlsx, arng.log_range(10_000, 800_000)),
                85..=88 => (AttKind::Text, arng.log_range(500, 60_000)),
                89..=90 => (AttKind::Bare, arng.log_range(1_000, 200_000)),
                _ => (AttKind::Pdf, arng.log_range(150_000, 9_000_000)),
            };
            let stem = match kind {
                AttKind::Png if arng.chance(0.5) => {
                    format!(
                        "image-2024{:02}{:02}-{:06}",
                        arng.range(1, 12),
                        arng.range(1, 28),
                        arng.below(1_000_000)
                    )
                }
                AttKind::Png | AttKind::Jpeg => format!("photo-{}", arng.below(10_000)),
                AttKind::Bare => "drawio-diagram".to_string(),
                _ => {
                    let mut s = String::new();
                    text::words(&mut arng, 3, &mut s);
                    s.replace(' ', "-")
                }
            };
            atts.push(PlanAttachment {
                id,
                file_name: format!("{stem}{}", kind.ext()),
                kind,
                size,
                content: arng.next_u64(),
                version,
            });
            pages_push(&mut list, page, j);
        }
        Plan {
            key: SPACE_KEY.into(),
            name: SPACE_NAME.into(),
            pages: list,
            attachments: atts,
            duplicates,
        }
    }
}

fn pages_push(list: &mut [PlanPage], page: usize, att: usize) {
    list[page].attachments.push(att);
}

/// Streams the bytes of an attachment: a real header for its type, then
/// incompressible bytes (images, PDF streams and Office files are compressed
/// already) mixed with some text for PDFs and all text for `.txt`.
pub(crate) fn write_attachment(a: &PlanAttachment, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = Rng::new(a.content);
    let header: &[u8] = match a.kind {
        AttKind::Png => b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        AttKind::Jpeg => b"\xff\xd8\xff\xe0\0\x10JFIF\0",
        AttKind::Pdf => b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        AttKind::Docx | AttKind::Xlsx => b"PK\x03\x04\x14\0\x06\0",
        AttKind::Bare => b"<mxfile host=\"Electron\">",
        AttKind::Text => b"",
    };
    let header = &header[..header.len().min(a.size as usize)];
    out.write_all(header)?;
    let mut left = a.size - header.len() as u64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut line = String::new();
    while left > 0 {
        let n = (left as usize).min(buf.len());
        let textual = match a.kind {
            AttKind::Text | AttKind::Bare => true,
            AttKind::Pdf => rng.chance(0.25),
            _ => false,
        };
        if textual {
            line.clear();
            while line.len() < n {
                line.push_str(&text::sentence(&mut rng));
                line.push('\n');
            }
            out.write_all(&line.as_bytes()[..n])?;
        } else {
            rng.fill(&mut buf[..n]);
            out.write_all(&buf[..n])?;
        }
        left -= n as u64;
    }
    Ok(())
}

/// A zip being written with the options Confluence uses (deflate, fixed times so the
/// output is reproducible). It is written to a hidden temporary file beside the
/// destination and renamed into place only when finished, so an interrupted or
/// failed run never leaves a truncated zip under the requested name.
pub(crate) struct Zipper {
    /// `None` once finished.
    zip: Option<ZipWriter<BufWriter<File>>>,
    /// The temporary file, removed on drop unless persisted by `finish`.
    tmp: Option<tempfile::TempPath>,
    path: PathBuf,
    pub entries: usize,
}

impl Zipper {
    fn create(path: &Path) -> Result<Zipper, Error> {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".cf2itglue-generate-")
            .suffix(".part")
            .tempfile_in(parent)
            .map_err(|e| Error::io(path, e))?;
        let (f, tmp) = file.into_parts();
        Ok(Zipper {
            zip: Some(ZipWriter::new(BufWriter::with_capacity(1 << 20, f))),
            tmp: Some(tmp),
            path: path.to_path_buf(),
            entries: 0,
        })
    }

    fn zip(&mut self) -> &mut ZipWriter<BufWriter<File>> {
        self.zip.as_mut().expect("not finished")
    }

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(6))
            .last_modified_time(
                DateTime::from_date_and_time(2025, 6, 11, 14, 6, 0).expect("valid date"),
            )
            .large_file(false)
    }

    /// Starts an entry; write its bytes to `self.writer()`.
    pub fn start(&mut self, name: &str) -> Result<(), Error> {
        self.entries += 1;
        let path = self.path.clone();
        self.zip()
            .start_file(name, Self::options())
            .map_err(|e| Error::io(&path, io::Error::other(e)))
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        self.zip()
    }

    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.start(name)?;
        let path = self.path.clone();
        self.zip().write_all(bytes).map_err(|e| Error::io(&path, e))
    }

    pub fn io(&self, e: io::Error) -> Error {
        Error::io(&self.path, e)
    }

    /// Finishes the archive and renames it to its destination.
    fn finish(mut self) -> Result<(), Error> {
        let path = self.path.clone();
        let zip = self.zip.take().expect("finished once");
        let mut w = zip
            .finish()
            .map_err(|e| Error::io(&path, io::Error::other(e)))?;
        w.flush().map_err(|e| Error::io(&path, e))?;
        w.get_ref().sync_all().map_err(|e| Error::io(&path, e))?;
        drop(w);
        let tmp = self.tmp.take().expect("finished once");
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))
    }
}

impl Drop for Zipper {
    /// An unfinished archive is abandoned: its temporary file is removed (by
    /// `tmp`), and the zip writer is not dropped, because its drop would try to
    /// finish the archive and print any error itself.
    fn drop(&mut self) {
        if let Some(zip) = self.zip.take() {
            std::mem::forget(zip);
        }
    }
}

/// Writes a synthetic export zip.
pub fn generate(opts: &GenOptions) -> Result<GenSummary, Error> {
    let plan = Plan::new(opts.pages, opts.attachments, opts.seed);
    let mut zip = Zipper::create(&opts.out)?;
    match opts.kind {
        GenKind::Html => html::write(&plan, &mut zip)?,
        GenKind::Xml => xml::write(&plan, &mut zip)?,
    }
    let entries = zip.entries;
    zip.finish()?;
    let zip_bytes = std::fs::metadata(&opts.out)
        .map_err(|e| Error::io(&opts.out, e))?
        .len();
    Ok(GenSummary {
        pages: plan.pages.len(),
        attachments: plan.attachments.len(),
        attachment_bytes: plan.attachments.iter().map(|a| a.size).sum(),
        duplicates: plan.duplicates,
        max_depth: plan.pages.iter().map(|p| p.depth).max().unwrap_or(0),
        entries,
        zip_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_has_a_realistic_tree_and_size_mix() {
        let plan = Plan::new(2000, 1000, 1);
        let max_depth = plan.pages.iter().map(|p| p.depth).max().unwrap();
        assert!((4..=8).contains(&max_depth), "depth {max_depth}");
        assert!(plan.pages[0].children.len() >= 8);
        assert!(plan.pages.iter().skip(1).all(|p| p.parent.is_some()));
        let big = plan
            .attachments
            .iter()
            .filter(|a| a.size > 1_000_000)
            .count();
        let small = plan.attachments.iter().filter(|a| a.size < 100_000).count();
        assert!(
            small > 400 && big > 10 && big < 150,
            "small {small} big {big}"
        );
        assert!(plan.duplicates > 20 && plan.duplicates < 120);
        let ids: std::collections::HashSet<_> = plan.pages.iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), 2000);
    }

    #[test]
    fn attachment_bytes_have_the_planned_size_and_repeat_for_duplicates() {
        let plan = Plan::new(50, 300, 3);
        for a in plan.attachments.iter().take(40) {
            let mut v = Vec::new();
            write_attachment(a, &mut v).unwrap();
            assert_eq!(v.len() as u64, a.size);
        }
        let dup = plan
            .attachments
            .iter()
            .enumerate()
            .find_map(|(i, a)| {
                plan.attachments[..i]
                    .iter()
                    .find(|b| b.content == a.content)
                    .map(|b| (a, b))
            })
            .expect("some duplicate");
        let (mut x, mut y) = (Vec::new(), Vec::new());
        write_attachment(dup.0, &mut x).unwrap();
        write_attachment(dup.1, &mut y).unwrap();
        assert_eq!(x, y);
        assert_ne!(dup.0.id, dup.1.id);
    }
}

/// Single generated pieces, for benchmarks: pages of a given body size from a
/// small plan (50 pages, 30 attachments) so they carry links and images.
pub mod samples {
    use super::{Plan, html, xml};
    use crate::generate::rng::Rng;

    fn plan_with(seed: u64, body_bytes: usize) -> Plan {
        let mut plan = Plan::new(50, 30, seed);
        for p in &mut plan.pages {
            p.body_bytes = body_bytes;
        }
        plan
    }

    /// A whole HTML export page file whose body is about `body_bytes`.
    pub fn html_page(seed: u64, body_bytes: usize) -> String {
        let plan = plan_with(seed, body_bytes);
        html::page_html(&plan, &plan.pages[7])
    }

    /// A storage-format body of about `body_bytes`.
    pub fn storage_body(seed: u64, body_bytes: usize) -> String {
        let plan = plan_with(seed, body_bytes);
        let page = &plan.pages[7];
        xml::storage_body(&plan, page, &mut Rng::new(page.seed))
    }
}
