//! Criterion benches of convert's hot paths on generated (synthetic) inputs.
//! Run: `cargo bench --bench convert`; CI only builds them (`cargo bench --no-run`).
//! One group: `cargo bench --bench convert -- storage_page`. Single-threaded
//! routines are measured in thread CPU time (`support/cpu_time.rs`: the machines are
//! shared and noisy), whole conversions in wall time.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::CpuTime;

use cf2itglue::bundle::store::BlobStore;
use cf2itglue::bundle::write::{FileWriter, jsonl};
use cf2itglue::bundle::{AttachmentRecord, AttachmentSource};
use cf2itglue::generate::rng::Rng;
use cf2itglue::generate::{GenKind, GenOptions, generate, samples};
use cf2itglue::read::html::page;
use cf2itglue::read::objects::Index;
use cf2itglue::read::storage::{self, PageCtx, Site};
use cf2itglue::render::{RenderContext, render_document};
use cf2itglue::stage::{ConvertOptions, convert};

fn html_page(c: &mut Criterion<CpuTime>) {
    let mut g = c.benchmark_group("html_page");
    for size in [5_000usize, 20_000, 80_000] {
        let html = samples::html_page(1, size);
        g.throughput(Throughput::Bytes(html.len() as u64));
        g.bench_with_input(BenchmarkId::new("parse", size), &html, |b, html| {
            b.iter(|| page::parse(black_box(html), "SYN", "1000021"))
        });
        let parsed = page::parse(&html, "SYN", "1000021");
        let blocks = parsed.body.unwrap_or_default();
        let targets = HashMap::new();
        let blobs = HashMap::new();
        let ctx = RenderContext {
            targets: &targets,
            blobs: &blobs,
        };
        g.bench_with_input(BenchmarkId::new("render", size), &blocks, |b, blocks| {
            b.iter(|| render_document("Title", black_box(blocks), &ctx))
        });
    }
    g.finish();
}

/// Answers the storage converter's questions the way a built export would: every
/// title and user is found (links resolve), no page has children or files.
struct BenchSite;

impl Site for BenchSite {
    fn title_of(&self, page_id: &str) -> Option<String> {
        Some(format!("Page {page_id}"))
    }
    fn parent_of(&self, _: &str) -> Option<String> {
        Some("1000000".into())
    }
    fn home(&self) -> Option<String> {
        Some("1000000".into())
    }
    fn children(&self, _: &str) -> Vec<(String, String)> {
        Vec::new()
    }
    fn find_title(&self, _: Option<&str>, title: &str) -> Option<String> {
        Some(format!("{}", 1_000_000 + title.len()))
    }
    fn storage_of(&self, _: &str) -> Option<String> {
        None
    }
    fn user(&self, key: &str) -> Option<String> {
        Some(format!("User {}", &key[key.len().saturating_sub(4)..]))
    }
    fn attachments(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

/// Storage-format (XML export) page bodies → the model. Target: a typical 20 KB
/// page under 200 µs.
fn storage_page(c: &mut Criterion<CpuTime>) {
    let mut g = c.benchmark_group("storage_page");
    let site = BenchSite;
    let ctx = PageCtx {
        site: &site,
        space: "SYN",
        page_id: "1000021",
        title: "Synthetic page",
    };
    for size in [5_000usize, 20_000, 80_000] {
        let body = samples::storage_body(1, size);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(BenchmarkId::new("convert", size), &body, |b, body| {
            b.iter(|| storage::convert(black_box(body), &ctx))
        });
        let blocks = storage::convert(&body, &ctx).blocks;
        let targets = HashMap::new();
        let blobs = HashMap::new();
        let rctx = RenderContext {
            targets: &targets,
            blobs: &blobs,
        };
        g.bench_with_input(BenchmarkId::new("render", size), &blocks, |b, blocks| {
            b.iter(|| render_document("Title", black_box(blocks), &rctx))
        });
    }
    g.finish();
}

/// Streaming `entities.xml` of a generated XML export (500 pages with history,
/// drafts and attachment objects) into the object index.
fn entities_scan(c: &mut Criterion<CpuTime>) {
    // Built on first use only, so a filtered run (`-- storage_page`) skips it.
    let mut xml: Option<Vec<u8>> = None;
    let mut g = c.benchmark_group("entities_xml");
    g.sample_size(10);
    g.throughput(Throughput::Elements(500)); // pages
    g.bench_function("scan_500_pages", |b| {
        let xml =
            xml.get_or_insert_with(|| generated_entry(GenKind::Xml, 500, 200, "entities.xml"));
        b.iter_batched(
            || Index::new("entities.xml").unwrap(),
            |mut ix| {
                cf2itglue::read::xml::parse(black_box(&xml[..]), &mut ix).unwrap();
                ix
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// One entry of a generated export (seed 5).
fn generated_entry(kind: GenKind, pages: usize, attachments: usize, entry: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("x.zip");
    generate(&GenOptions {
        kind,
        pages,
        attachments,
        seed: 5,
        out: zip_path.clone(),
    })
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(entry).unwrap(), &mut bytes).unwrap();
    bytes
}

fn blobs(c: &mut Criterion<CpuTime>) {
    let mut g = c.benchmark_group("blob_store");
    for size in [64 * 1024usize, 1024 * 1024, 8 * 1024 * 1024] {
        let mut data = vec![0u8; size];
        Rng::new(size as u64).fill(&mut data);
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("hash", size), &data, |b, d| {
            b.iter(|| blake3::hash(black_box(d)))
        });
        g.bench_with_input(BenchmarkId::new("put_new", size), &data, |b, d| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let store = BlobStore::new(dir.path()).unwrap();
                    (dir, store)
                },
                |(dir, store)| {
                    store.put(&mut &d[..]).unwrap();
                    dir
                },
                criterion::BatchSize::PerIteration,
            )
        });
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path()).unwrap();
        store.put(&mut &data[..]).unwrap();
        g.bench_with_input(BenchmarkId::new("put_existing", size), &data, |b, d| {
            b.iter(|| store.put(&mut &d[..]).unwrap())
        });
    }
    g.finish();
}

fn bundle_writing(c: &mut Criterion<CpuTime>) {
    let records: Vec<AttachmentRecord> = (0..10_000u32)
        .map(|i| AttachmentRecord {
            key: format!("attachment/SYN/{}/{}", 1_000_000 + i / 3, 5_000_000 + i),
            owner: format!("document/SYN/{}", 1_000_000 + i / 3),
            file_name: format!("image-20240417-{i:06}.png"),
            media_type: Some("image/png".into()),
            size: 12_345 + i as u64,
            blake3: blake3::hash(&i.to_le_bytes()).to_hex().to_string(),
            inline: i % 2 == 0,
            source: AttachmentSource {
                page_id: (1_000_000 + i / 3).to_string(),
                attachment_id: (5_000_000 + i).to_string(),
                version: Some(1),
                entry: format!("attachments/{}/{}.png", 1_000_000 + i / 3, 5_000_000 + i),
            },
        })
        .collect();
    let mut g = c.benchmark_group("bundle_write");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("jsonl_10k_attachment_records", |b| {
        b.iter(|| jsonl(black_box(&records)))
    });
    let bytes = jsonl(&records);
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("file_writer_10k_records", |b| {
        b.iter(|| {
            let mut w = FileWriter::new(dir.path());
            w.write("attachments.jsonl", black_box(&bytes)).unwrap();
            w
        })
    });
    g.finish();
}

/// Whole small conversions (multi-threaded: wall time).
fn convert_small(c: &mut Criterion) {
    // A whole small conversion per kind: 100 pages, 40 attachments (a few MB),
    // generated on first use.
    let src = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("convert");
    g.sample_size(10);
    for (kind, name) in [(GenKind::Html, "html"), (GenKind::Xml, "xml")] {
        let zip = src.path().join(format!("small-{name}.zip"));
        g.bench_function(format!("{name}_100_pages_40_attachments"), |b| {
            if !zip.exists() {
                generate(&GenOptions {
                    kind,
                    pages: 100,
                    attachments: 40,
                    seed: 11,
                    out: zip.clone(),
                })
                .unwrap();
            }
            b.iter_batched(
                || tempfile::tempdir().unwrap(),
                |out| {
                    let opts = ConvertOptions {
                        exports: vec![zip.clone()],
                        out: out.path().join("bundle"),
                        force: false,
                        limits: Default::default(),
                        mapping: None,
                        preview: true,
                        redact: false,
                    };
                    let summary = convert(&opts, &|_| {}).unwrap();
                    assert_eq!(summary.pages, 100, "{name}: every page converted");
                    out
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group! {
    name = single_threaded;
    config = Criterion::default().with_measurement(CpuTime);
    targets = html_page, storage_page, entities_scan, blobs, bundle_writing
}
criterion_group!(end_to_end, convert_small);
criterion_main!(single_threaded, end_to_end);
