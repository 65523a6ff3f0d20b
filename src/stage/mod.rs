//! `convert`: read the exports, transform, classify, and write the bundle into a
//! temporary folder beside `--out`, renamed into place only when complete.

mod attachments;
mod documents;
mod output;
mod redact;

pub use redact::redact;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::archive::{Archive, Limits};
use crate::bundle::manifest::{Generator, SourceInfo, SpaceInfo};
use crate::bundle::write::{FileWriter, write_jsonl};
use crate::bundle::{self, Manifest, Records};
use crate::classify;
use crate::model::{Finding, Space, Spill};
use crate::transform;

/// What `convert` was asked to do.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    pub exports: Vec<PathBuf>,
    pub out: PathBuf,
    pub force: bool,
    pub limits: Limits,
    /// The mapping file (`--mapping`); `None`: the defaults.
    pub mapping: Option<PathBuf>,
    /// Write the static preview site under `preview/` (default true).
    pub preview: bool,
    /// Write no secret values (`--redact`): a bundle for a reviewer.
    pub redact: bool,
}

/// What `convert` did.
#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub counts: BTreeMap<String, u64>,
    pub attachment_bytes: u64,
    pub findings: BTreeMap<&'static str, usize>,
    pub warnings: usize,
    pub errors: usize,
    pub out: PathBuf,
    /// Upload ledgers of the replaced bundle, moved into this one.
    pub ledgers_kept: Vec<String>,
    /// `mapping-unused` messages (a rule or organization that found nothing).
    pub mapping_unused: Vec<String>,
}

/// An opened export with what was read from it.
pub type ReadExport = (Archive, Vec<Space>, Vec<Finding>);

/// Opens and reads every export. Several exports make several spaces.
pub fn read_exports(
    paths: &[PathBuf],
    limits: Limits,
    spill: Option<&Spill>,
) -> Result<Vec<ReadExport>, Error> {
    let mut out = Vec::new();
    for p in paths {
        let archive = Archive::open(p, limits)?;
        let export = crate::read::read(&archive, spill)?;
        out.push((archive, export.spaces, export.findings));
    }
    Ok(out)
}

/// Runs a whole conversion.
pub fn convert(opts: &ConvertOptions, progress: &dyn Fn(&str)) -> Result<Summary, Error> {
    let (tmp, created) = output::prepare(&opts.out, opts.force, &opts.exports)?;
    let result = convert_into(opts, &tmp, progress);
    match result {
        Ok(mut summary) => {
            summary.ledgers_kept = output::finish(&tmp, &opts.out)?;
            Ok(summary)
        }
        Err(e) => {
            output::abandon(&tmp, &created);
            Err(e)
        }
    }
}

fn convert_into(
    opts: &ConvertOptions,
    tmp: &Path,
    progress: &dyn Fn(&str),
) -> Result<Summary, Error> {
    let (mapping, mapping_info) = match &opts.mapping {
        Some(p) => {
            let (m, hash) = classify::mapping::load(p)?;
            let info = bundle::manifest::MappingInfo {
                file_name: p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                blake3: hash,
            };
            (m, Some(info))
        }
        None => (classify::mapping::Mapping::default(), None),
    };
    let progress = |phase: &str| {
        release_freed_memory();
        progress(phase)
    };
    progress("reading exports");
    let spill = Spill::new().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    // The zips' fingerprints (a hash of every byte) are computed beside the reading,
    // on another worker when there is one.
    let (exports, prints) = rayon::join(
        || read_exports(&opts.exports, opts.limits, Some(&spill)),
        || {
            opts.exports
                .iter()
                .map(|p| p.is_file().then(|| crate::archive::fingerprint_file(p)))
                .collect::<Vec<_>>()
        },
    );
    let exports = exports?;
    let mut findings = Vec::new();
    let mut spaces = Vec::new();
    let mut sources = Vec::new();
    let mut seen_keys = std::collections::BTreeSet::new();
    for ((archive, s, _), print) in exports.iter().zip(prints) {
        let (size, hash) = match print {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(Error::io(archive.path(), e)),
            None => archive.fingerprint()?,
        };
        sources.push(SourceInfo {
            file_name: archive
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            kind: archive.kind().as_str().to_string(),
            size,
            blake3: hash,
            spaces: s
                .iter()
                .map(|sp| SpaceInfo {
                    key: sp.key.clone(),
                    name: sp.name.clone(),
                })
                .collect(),
        });
        for sp in s {
            if !seen_keys.insert(sp.key.clone()) {
                return Err(Error::Unsupported {
                    path: archive.path().to_path_buf(),
                    reason: format!(
                        "space {} appears in more than one export of this run",
                        sp.key
                    ),
                });
            }
        }
    }
    // Keep the archives; move the spaces and findings out for transforming.
    let mut archives = Vec::new();
    for (archive, s, f) in exports {
        findings.extend(f);
        let first = spaces.len();
        spaces.extend(s);
        archives.push((archive, first..spaces.len()));
    }

    progress("resolving links and attachments");
    let mut resolution = transform::resolve(
        &mut spaces,
        Some(&spill),
        transform::Extras {
            append_comments: mapping.documents.comments == classify::mapping::Keep::Append,
            append_labels: mapping.documents.labels == classify::mapping::Keep::Append,
        },
    )
    .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    findings.append(&mut resolution.findings);

    progress("classifying pages");
    let mut plan = classify::classify(&mut spaces, &mapping, Some(&spill), &findings)
        .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    // Parts of the mapping that found nothing are most often typos: said aloud.
    let mapping_unused: Vec<String> = plan
        .findings
        .iter()
        .filter(|f| f.code == crate::model::Code::MappingUnused)
        .map(|f| f.message.clone())
        .collect();
    findings.append(&mut plan.findings);
    // `scan` reads the outcomes; convert has no use for them.
    plan.outcomes = Vec::new();

    progress("storing attachments");
    let store = bundle::store::BlobStore::new(tmp).map_err(|e| Error::io(tmp, e))?;
    let staged = attachments::stage(
        &archives,
        &spaces,
        &plan,
        &resolution,
        &store,
        &mut findings,
    )?;

    progress("writing documents");
    let mut writer = FileWriter::new(tmp);
    // The attachments are staged and comments are in the bodies: the pages'
    // lists of them are not needed again.
    for page in spaces.iter_mut().flat_map(|s| s.pages.iter_mut()) {
        page.attachments = Vec::new();
        page.comments = Vec::new();
    }
    let doc_plans = std::mem::take(&mut plan.documents);
    let documents = documents::write(
        &mut spaces,
        &spill,
        doc_plans,
        &plan,
        &staged,
        &mut writer,
        &mut findings,
    )?;

    // What the rest needs of the export is its name and size: the pages, the
    // archives' indexes and the link tables (a large share of what convert holds
    // on a big export) are freed here, before the records, report and preview.
    let title = format!(
        "cf2itglue report: {}",
        spaces
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let pages: usize = spaces.iter().map(|s| s.pages.len()).sum();
    drop(spaces);
    drop(archives);
    drop(resolution);
    drop(spill);

    progress("writing records and the report");

    // The plan's records move into the bundle's (a large export holds tens of
    // thousands; a copy of each doubled what convert kept in memory).
    let mut records = Records {
        organizations: std::mem::take(&mut plan.organizations),
        folders: std::mem::take(&mut plan.folders),
        documents,
        attachments: staged.records,
        flexible_asset_types: std::mem::take(&mut plan.flexible_asset_types),
        flexible_assets: std::mem::take(&mut plan.flexible_assets),
        configurations: std::mem::take(&mut plan.configurations),
        contacts: std::mem::take(&mut plan.contacts),
        passwords: std::mem::take(&mut plan.passwords),
        related_items: std::mem::take(&mut plan.related_items),
    };
    sort_records(&mut records);
    if opts.redact {
        redact(&mut records);
    }

    // Findings name the bundle key of the page they concern.
    for f in &mut findings {
        if f.page.is_none()
            && let (Some(s), Some(p)) = (&f.space_key, &f.page_id)
        {
            f.page = plan.targets.get(&(s.clone(), p.clone())).map(|t| match t {
                classify::PageTarget::Document { key, .. }
                | classify::PageTarget::Record { key, .. } => key.clone(),
            });
            if f.page.is_none() && f.detail.is_none() {
                f.detail = Some(p.clone());
            }
        }
    }
    drop(plan);
    crate::report::sort(&mut findings);
    findings.dedup();

    let io = |e| Error::io(tmp, e);
    writer
        .stream("organizations.jsonl", false, &mut |w| {
            write_jsonl(w, &records.organizations)
        })
        .map_err(io)?;
    writer
        .stream("folders.jsonl", false, &mut |w| {
            write_jsonl(w, &records.folders)
        })
        .map_err(io)?;
    writer
        .stream("documents.jsonl", false, &mut |w| {
            write_jsonl(w, &records.documents)
        })
        .map_err(io)?;
    writer
        .stream("attachments.jsonl", false, &mut |w| {
            write_jsonl(w, &records.attachments)
        })
        .map_err(io)?;
    writer
        .stream("flexible_asset_types.jsonl", false, &mut |w| {
            write_jsonl(w, &records.flexible_asset_types)
        })
        .map_err(io)?;
    writer
        .stream("flexible_assets.jsonl", false, &mut |w| {
            write_jsonl(w, &records.flexible_assets)
        })
        .map_err(io)?;
    writer
        .stream("configurations.jsonl", false, &mut |w| {
            write_jsonl(w, &records.configurations)
        })
        .map_err(io)?;
    writer
        .stream("contacts.jsonl", false, &mut |w| {
            write_jsonl(w, &records.contacts)
        })
        .map_err(io)?;
    writer
        .stream("passwords.jsonl", true, &mut |w| {
            write_jsonl(w, &records.passwords)
        })
        .map_err(io)?;
    writer
        .stream("related_items.jsonl", false, &mut |w| {
            write_jsonl(w, &records.related_items)
        })
        .map_err(io)?;

    let mut counts = BTreeMap::new();
    counts.insert(
        "organizations".to_string(),
        records.organizations.len() as u64,
    );
    counts.insert("folders".to_string(), records.folders.len() as u64);
    counts.insert("documents".to_string(), records.documents.len() as u64);
    counts.insert("attachments".to_string(), records.attachments.len() as u64);
    counts.insert(
        "flexible_asset_types".to_string(),
        records.flexible_asset_types.len() as u64,
    );
    counts.insert(
        "flexible_assets".to_string(),
        records.flexible_assets.len() as u64,
    );
    counts.insert(
        "configurations".to_string(),
        records.configurations.len() as u64,
    );
    counts.insert("contacts".to_string(), records.contacts.len() as u64);
    counts.insert("passwords".to_string(), records.passwords.len() as u64);
    counts.insert(
        "related_items".to_string(),
        records.related_items.len() as u64,
    );
    counts.insert("blobs".to_string(), staged.blobs as u64);
    counts.insert("findings".to_string(), findings.len() as u64);

    writer
        .stream("report.json", false, &mut |w| {
            crate::report::write_json(w, &findings)
        })
        .map_err(io)?;
    if opts.preview {
        progress("writing the preview");
        let body = |rel: &str| std::fs::read_to_string(tmp.join(rel));
        // One page at a time per worker: the preview of a large export never sits
        // in memory. Document pages are written in parallel, their hashes kept
        // aside and added to the manifest's list after.
        let hashes = std::sync::Mutex::new(Vec::new());
        let write_document = |rel: String, text: String| -> Result<(), Error> {
            let hash = bundle::write::write_hashed(tmp, &rel, text.as_bytes())?;
            hashes.lock().expect("no worker panicked").push((rel, hash));
            Ok(())
        };
        crate::preview::build_each_parallel(
            &records,
            &findings,
            &body,
            &mut |rel, text| writer.write(&rel, text.as_bytes()).map_err(io),
            &write_document,
        )?;
        writer
            .hashes
            .extend(hashes.into_inner().expect("no worker panicked"));
    }
    let report = crate::report::HtmlInput {
        title: &title,
        records: &records,
        findings: &findings,
        pages,
        preview: opts.preview,
    };
    writer
        .stream("report.html", false, &mut |w| {
            crate::report::write_html(&report, w)
        })
        .map_err(io)?;

    drop(records);
    let manifest = Manifest {
        format: bundle::FORMAT.into(),
        format_version: bundle::FORMAT_VERSION,
        generator: Generator {
            name: "cf2itglue".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        sources,
        mapping: mapping_info,
        counts: counts.clone(),
        files: std::mem::take(&mut writer.hashes),
        redacted: opts.redact,
    };
    // Streamed: it lists every file of the bundle (MBs on a large export).
    let write_manifest = || -> std::io::Result<()> {
        use std::io::Write as _;
        let mut w = std::io::BufWriter::new(std::fs::File::create(tmp.join("manifest.json"))?);
        serde_json::to_writer_pretty(&mut w, &manifest)?;
        w.write_all(b"\n")?;
        w.flush()
    };
    write_manifest().map_err(io)?;

    let summary_findings = crate::report::summary(&findings);
    Ok(Summary {
        ledgers_kept: Vec::new(),
        mapping_unused,
        pages,
        counts,
        attachment_bytes: staged.bytes,
        warnings: findings
            .iter()
            .filter(|f| f.severity == crate::model::Severity::Warning)
            .count(),
        errors: findings
            .iter()
            .filter(|f| f.severity == crate::model::Severity::Error)
            .count(),
        findings: summary_findings,
        out: opts.out.clone(),
    })
}

/// Hands the memory freed by the phase that just ended back to the system. glibc
/// keeps freed pages for reuse, but the holes a phase's lookup tables leave are
/// mostly the wrong size for the next phase's records: without this, peak RSS on
/// a large export was nearly twice the live heap.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; it touches
    // no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn sort_records(r: &mut Records) {
    r.organizations.sort_by(|a, b| a.key.cmp(&b.key));
    r.folders.sort_by(|a, b| a.key.cmp(&b.key));
    r.documents.sort_by(|a, b| a.key.cmp(&b.key));
    r.attachments.sort_by(|a, b| a.key.cmp(&b.key));
    r.flexible_asset_types.sort_by(|a, b| a.key.cmp(&b.key));
    r.flexible_assets.sort_by(|a, b| a.key.cmp(&b.key));
    r.configurations.sort_by(|a, b| a.key.cmp(&b.key));
    r.contacts.sort_by(|a, b| a.key.cmp(&b.key));
    r.passwords.sort_by(|a, b| a.key.cmp(&b.key));
    r.related_items.sort();
}
