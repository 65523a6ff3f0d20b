//! Staging attachments: every attachment file of a staged page is hashed while it is
//! copied into the blob store (in parallel, one archive reader per worker), and gets
//! a record whose file name is unique per owner.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use crate::Error;
use crate::archive::Archive;
use crate::bundle::store::{BlobStore, StoredBlob};
use crate::bundle::{AttachmentRecord, AttachmentSource, keys};
use crate::classify::{PageTarget, Plan};
use crate::model::{Code, Finding, Space};

pub struct Staged {
    pub records: Vec<AttachmentRecord>,
    /// (space, page id, attachment id) → (blake3, attachment key).
    pub map: HashMap<(String, String, String), (String, String)>,
    pub blobs: usize,
    pub bytes: u64,
}

struct Job<'a> {
    space: &'a str,
    page: &'a str,
    owner: String,
    att: &'a crate::model::Attachment,
    entry: &'a str,
}

/// Splits a file name into stem and extension (`a.tar.gz` → `a.tar`, `.gz`).
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// Copies one entry into the store, hashing as it goes. With `probably_stored`,
/// first only hashes it, and writes it only when no blob has that hash.
fn store_entry(
    reader: &mut Result<crate::archive::EntryReader<'_>, Error>,
    entry: &str,
    store: &BlobStore,
    probably_stored: bool,
) -> Result<StoredBlob, String> {
    let reader = reader.as_mut().map_err(|e| e.to_string())?;
    if probably_stored {
        let mut stream = reader.open(entry).map_err(|e| e.to_string())?;
        let blob = store.hash_only(&mut stream).map_err(|e| e.to_string())?;
        if store.contains(&blob.hash) {
            return Ok(blob);
        }
    }
    let mut stream = reader.open(entry).map_err(|e| e.to_string())?;
    store.put(&mut stream).map_err(|e| e.to_string())
}

pub fn stage(
    archives: &[(Archive, Range<usize>)],
    spaces: &[Space],
    plan: &Plan,
    refs: &crate::transform::Resolution,
    store: &BlobStore,
    findings: &mut Vec<Finding>,
) -> Result<Staged, Error> {
    let mut staged = Staged {
        records: Vec::new(),
        map: HashMap::new(),
        blobs: 0,
        bytes: 0,
    };
    let mut hashes = HashSet::new();
    let reported: HashSet<(String, String, String)> = findings
        .iter()
        .filter(|f| f.code == Code::ImageMissing)
        .filter_map(|f| Some((f.space_key.clone()?, f.page_id.clone()?, f.entry.clone()?)))
        .collect();
    for (archive, range) in archives {
        let mut jobs = Vec::new();
        for space in &spaces[range.clone()] {
            for page in &space.pages {
                let owner = match plan.targets.get(&(space.key.clone(), page.id.clone())) {
                    Some(PageTarget::Document { key, .. }) => key.clone(),
                    Some(PageTarget::Record { key, .. }) if !key.starts_with("folder/") => {
                        key.clone()
                    }
                    _ => continue,
                };
                for att in &page.attachments {
                    match &att.entry {
                        Some(entry) => jobs.push(Job {
                            space: &space.key,
                            page: &page.id,
                            owner: owner.clone(),
                            att,
                            entry,
                        }),
                        // A missing image was reported where it is shown (image-missing).
                        None if att.expected_entry.as_ref().is_some_and(|e| {
                            reported.contains(&(space.key.clone(), page.id.clone(), e.clone()))
                        }) => {}
                        None => findings.push(
                            Finding::new(
                                Code::AttachmentMissing,
                                format!("attachment {:?} is listed on the page but its file is not in the export", att.file_name),
                            )
                            .on_page(&space.key, &page.id)
                            .entry(att.expected_entry.clone().unwrap_or_default()),
                        ),
                    }
                }
            }
        }
        // Entries whose central-directory CRC-32 and size repeat an earlier one
        // (or the same entry listed twice) probably hold bytes stored already: they
        // go second, and are only hashed, never written, when the blob is there.
        let mut seen = HashSet::new();
        let probably_stored: Vec<bool> = jobs
            .iter()
            .map(|job| match archive.entry(job.entry) {
                Some(e) => match e.crc32 {
                    Some(crc) => !seen.insert((crc, e.size, String::new())),
                    None => !seen.insert((0, e.size, job.entry.to_string())),
                },
                None => false,
            })
            .collect();
        let mut results: Vec<Option<Result<StoredBlob, String>>> = vec![None; jobs.len()];
        for second in [false, true] {
            let done: Vec<(usize, Result<StoredBlob, String>)> = jobs
                .par_iter()
                .enumerate()
                .filter(|(i, _)| probably_stored[*i] == second)
                .map_init(
                    || archive.reader(),
                    |reader, (i, job)| (i, store_entry(reader, job.entry, store, second)),
                )
                .collect();
            for (i, r) in done {
                results[i] = Some(r);
            }
        }
        let mut names: HashMap<String, HashSet<String>> = HashMap::new();
        for (job, result) in jobs.iter().zip(results) {
            let blob = match result.expect("every job ran") {
                Ok(b) => b,
                Err(e) => {
                    findings.push(
                        Finding::new(
                            Code::AttachmentMissing,
                            format!(
                                "attachment {:?} cannot be read from the export: {e}",
                                job.att.file_name
                            ),
                        )
                        .on_page(job.space, job.page)
                        .entry(job.entry.to_string()),
                    );
                    continue;
                }
            };
            let taken = names.entry(job.owner.clone()).or_default();
            let mut file_name = job.att.file_name.clone();
            if !taken.insert(file_name.to_lowercase()) {
                let (stem, ext) = split_ext(&job.att.file_name);
                let mut n = 2;
                loop {
                    let candidate = format!("{stem} ({n}){ext}");
                    if taken.insert(candidate.to_lowercase()) {
                        file_name = candidate;
                        break;
                    }
                    n += 1;
                }
                findings.push(
                    Finding::new(
                        Code::FileNameCollisionRenamed,
                        format!("attachment {:?} renamed {file_name:?}: its document already has a file of that name", job.att.file_name),
                    )
                    .on_page(job.space, job.page)
                    .entry(job.entry.to_string()),
                );
            }
            let key = keys::attachment(job.space, job.page, &job.att.id);
            let id = (
                job.space.to_string(),
                job.page.to_string(),
                job.att.id.clone(),
            );
            if !refs.inline.contains(&id) && !refs.linked.contains(&id) {
                findings.push(
                    Finding::new(
                        Code::AttachmentOrphanKept,
                        format!(
                            "attachment {:?} is not shown or linked in any page body; kept as a file of the document",
                            job.att.file_name
                        ),
                    )
                    .on_page(job.space, job.page)
                    .entry(job.entry.to_string()),
                );
            }
            if hashes.insert(blob.hash.clone()) {
                staged.bytes += blob.size;
            }
            staged.records.push(AttachmentRecord {
                key: key.clone(),
                owner: job.owner.clone(),
                file_name,
                media_type: job.att.media_type.clone(),
                size: blob.size,
                blake3: blob.hash.clone(),
                inline: refs.inline.contains(&id),
                source: AttachmentSource {
                    page_id: job.page.to_string(),
                    attachment_id: job.att.id.clone(),
                    version: job.att.version,
                    entry: job.entry.to_string(),
                },
            });
            staged.map.insert(id, (blob.hash, key));
        }
    }
    staged.blobs = hashes.len();
    Ok(staged)
}
