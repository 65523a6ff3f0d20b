//! Opening an export: a `.zip` or an extracted folder. Validates every entry name,
//! enforces size limits, finds the export root at any depth and detects the kind
//! from the content. Entries are read in place (never extracted), so nothing from
//! an archive is ever written anywhere by name.

mod detect;
mod limits;
pub mod names;
mod zipfile;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use detect::detect;
pub use limits::Limits;

use crate::Error;
use crate::model::{Code, ExportKind, Finding};
use zipfile::{SharedFile, Zip};

/// One entry of the export, by its name relative to the export root.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index in the zip's central directory (zip backend).
    index: Option<usize>,
    /// Declared inflated size.
    pub size: u64,
    /// CRC-32 from the zip's central directory (zip backend): with the size, a cheap
    /// way to spot entries that hold the same bytes before inflating them.
    pub crc32: Option<u32>,
}

enum Backend {
    Zip(Zip),
    Dir(PathBuf),
}

/// An opened export.
pub struct Archive {
    path: PathBuf,
    backend: Backend,
    /// Entries relative to the export root, sorted by name.
    entries: BTreeMap<String, Entry>,
    /// Prefix (ending in `/`, or empty) of the export root inside the archive.
    root: String,
    kind: ExportKind,
    /// Problems found while listing entries (rejected names, symlinks, ...).
    pub findings: Vec<Finding>,
}

impl Archive {
    /// Opens a zip file or a folder and detects the export inside it.
    pub fn open(path: &Path, limits: Limits) -> Result<Archive, Error> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let mut findings = Vec::new();
        let (backend, all) = if meta.is_dir() {
            let all = list_dir(path, &limits, &mut findings)?;
            (Backend::Dir(path.to_path_buf()), all)
        } else {
            let (zip, all) = open_zip(path, &limits, &mut findings)?;
            (Backend::Zip(zip), all)
        };
        if all.is_empty() {
            return Err(Error::NotAnExport {
                path: path.to_path_buf(),
                reason: if meta.is_dir() {
                    "the folder is empty".into()
                } else {
                    "the zip archive is empty".into()
                },
            });
        }
        let (kind, root) = detect(&all).ok_or_else(|| Error::NotAnExport {
            path: path.to_path_buf(),
            reason: "not a Confluence space export: found no index.html with styles/site.css \
                     (HTML export), no entities.xml (XML export) and no \
                     exportDescriptor.properties (CSV backup) at any depth"
                .into(),
        })?;
        let entries = all
            .into_iter()
            .filter_map(|(name, e)| name.strip_prefix(&root).map(|n| (n.to_string(), e)))
            .collect();
        Ok(Archive {
            path: path.to_path_buf(),
            backend,
            entries,
            root,
            kind,
            findings,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> ExportKind {
        self.kind
    }

    /// The folder (inside the archive) that holds the export, `""` at the top.
    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// A handle for reading entries; cheap to create, one per worker thread.
    pub fn reader(&self) -> Result<EntryReader<'_>, Error> {
        Ok(EntryReader {
            archive: self,
            zip: match &self.backend {
                Backend::Zip(z) => Some(z.clone()),
                Backend::Dir(_) => None,
            },
        })
    }

    /// Size and blake3 that identify the source: the zip file's bytes, or for a
    /// folder the sorted list of `name\tsize` lines of its entries.
    pub fn fingerprint(&self) -> Result<(u64, String), Error> {
        match &self.backend {
            Backend::Zip(_) => fingerprint_file(&self.path).map_err(|e| Error::io(&self.path, e)),
            Backend::Dir(_) => {
                let mut h = blake3::Hasher::new();
                let mut total = 0;
                for (name, e) in &self.entries {
                    h.update(format!("{name}\t{}\n", e.size).as_bytes());
                    total += e.size;
                }
                Ok((total, h.finalize().to_hex().to_string()))
            }
        }
    }
}

/// Size and blake3 of a file's bytes (what [`Archive::fingerprint`] gives for a zip),
/// for callers that want to compute it alongside other work.
pub fn fingerprint_file(path: &Path) -> io::Result<(u64, String)> {
    let mut f = File::open(path)?;
    let mut h = blake3::Hasher::new();
    let n = io::copy(&mut f, &mut h)?;
    Ok((n, h.finalize().to_hex().to_string()))
}

/// Reads entries of one archive; each thread should hold its own.
pub struct EntryReader<'a> {
    archive: &'a Archive,
    zip: Option<Zip>,
}

impl EntryReader<'_> {
    /// Opens an entry (name relative to the export root) as a stream that fails if
    /// it yields more bytes than the entry declared.
    pub fn open(&mut self, name: &str) -> io::Result<Box<dyn Read + '_>> {
        let entry = self
            .archive
            .entries
            .get(name)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such entry"))?;
        let declared = entry.size;
        let inner: Box<dyn Read + '_> = match (&mut self.zip, &self.archive.backend) {
            (Some(zip), _) => {
                let file = zip
                    .by_index(entry.index.expect("zip entries have an index"))
                    .map_err(io::Error::other)?;
                Box::new(file)
            }
            (None, Backend::Dir(root)) => {
                let full = root.join(format!("{}{}", self.archive.root, name));
                Box::new(File::open(full)?)
            }
            (None, Backend::Zip(_)) => unreachable!("zip reader has a zip handle"),
        };
        Ok(Box::new(SizeGuard {
            inner,
            left: declared,
        }))
    }

    /// Reads a whole entry into memory, refusing entries larger than `max` bytes.
    pub fn read_bytes(&mut self, name: &str, max: u64) -> io::Result<Vec<u8>> {
        let size = self.archive.entries.get(name).map(|e| e.size).unwrap_or(0);
        if size > max {
            return Err(io::Error::other(format!(
                "entry is {size} bytes, more than the {max} bytes allowed for this kind of file"
            )));
        }
        let mut out = Vec::with_capacity(size as usize);
        self.open(name)?.read_to_end(&mut out)?;
        Ok(out)
    }

    /// Reads a whole entry as text (invalid UTF-8 replaced).
    pub fn read_string(&mut self, name: &str, max: u64) -> io::Result<String> {
        let bytes = self.read_bytes(name, max)?;
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

/// Fails a read that goes past the declared size (a lying header).
struct SizeGuard<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for SizeGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "entry inflates to more bytes than its header declares",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn rejected(raw: &str, reason: String) -> Finding {
    Finding::new(Code::EntryRejected, reason).entry(raw)
}

fn check_totals(path: &Path, count: usize, total: u64, limits: &Limits) -> Result<(), Error> {
    if count > limits.max_entries {
        return Err(Error::LimitExceeded {
            path: path.to_path_buf(),
            reason: format!(
                "the archive has more than {} entries; refusing it as a possible archive bomb",
                limits.max_entries
            ),
        });
    }
    if total > limits.max_total_size {
        return Err(Error::LimitExceeded {
            path: path.to_path_buf(),
            reason: format!(
                "the archive inflates to more than {} bytes; refusing it as a possible archive bomb",
                limits.max_total_size
            ),
        });
    }
    Ok(())
}

fn open_zip(
    path: &Path,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Result<(Zip, BTreeMap<String, Entry>), Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(false);
    let shared = SharedFile::new(file).map_err(|e| Error::io(path, e))?;
    let zip = zip::ZipArchive::new(shared).map_err(|e| Error::BadArchive {
        path: path.to_path_buf(),
        reason: if empty {
            "the file is empty (0 bytes), not a zip archive; was the export's download cut short?"
                .to_string()
        } else {
            format!("not a readable zip archive ({e}); is the file complete?")
        },
    })?;
    if zip.len() > limits.max_entries {
        check_totals(path, zip.len(), 0, limits)?;
    }
    if zip.has_duplicate_names() {
        findings.push(Finding::new(
            Code::EntryRejected,
            "the archive lists some entry names more than once; only the last of each is read",
        ));
    }
    let mut all = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let meta = zip.by_index_data(i).map_err(|e| Error::BadArchive {
            path: path.to_path_buf(),
            reason: format!("entry {i} of the central directory is unreadable: {e}"),
        })?;
        let raw = match std::str::from_utf8(meta.name_raw()) {
            Ok(s) => s.to_string(),
            Err(_) if meta.flags().as_u16() & 0x800 != 0 => {
                findings.push(rejected(
                    &String::from_utf8_lossy(meta.name_raw()),
                    "entry name is marked UTF-8 but is not valid UTF-8".into(),
                ));
                continue;
            }
            // Without the UTF-8 flag, names are CP437 (old Windows zip tools).
            Err(_) => match meta.name() {
                Ok(n) => n.into_owned(),
                Err(_) => {
                    findings.push(rejected(
                        &String::from_utf8_lossy(meta.name_raw()),
                        "entry name is not valid text".into(),
                    ));
                    continue;
                }
            },
        };
        if meta.is_dir() {
            continue;
        }
        let name = match names::check(&raw) {
            names::NameCheck::Ok(n) => n,
            names::NameCheck::Skip(why) => {
                findings.push(rejected(&raw, why));
                continue;
            }
            names::NameCheck::Hostile(why) => {
                return Err(Error::BadArchive {
                    path: path.to_path_buf(),
                    reason: format!("refusing a hostile archive: {why}"),
                });
            }
        };
        if meta.is_symlink() {
            findings.push(rejected(
                &raw,
                "symbolic link entries are not followed".into(),
            ));
            continue;
        }
        if meta.encrypted() {
            findings.push(rejected(&raw, "encrypted entries cannot be read".into()));
            continue;
        }
        let size = meta.size();
        let compressed = meta.compressed_size().max(1);
        if size > limits.ratio_floor && size / compressed > limits.max_ratio {
            return Err(Error::LimitExceeded {
                path: path.to_path_buf(),
                reason: format!(
                    "entry {raw:?} inflates {}× ({size} bytes from {compressed}); \
                     refusing it as a possible zip bomb",
                    size / compressed
                ),
            });
        }
        total = total.saturating_add(size);
        all.insert(
            name,
            Entry {
                index: Some(i),
                size,
                crc32: Some(meta.crc32()),
            },
        );
    }
    check_totals(path, all.len(), total, limits)?;
    Ok((zip, all))
}

fn list_dir(
    path: &Path,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Result<BTreeMap<String, Entry>, Error> {
    let mut all = BTreeMap::new();
    let mut total = 0u64;
    for item in walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
    {
        let item = item.map_err(|e| Error::BadArchive {
            path: path.to_path_buf(),
            reason: format!("cannot list the folder: {e}"),
        })?;
        let rel = match item.path().strip_prefix(path) {
            Ok(r) if !r.as_os_str().is_empty() => r,
            _ => continue,
        };
        let Some(raw) = rel.to_str() else {
            findings.push(rejected(
                &rel.to_string_lossy(),
                "file name is not valid UTF-8".into(),
            ));
            continue;
        };
        let raw = raw.replace(std::path::MAIN_SEPARATOR, "/");
        let ft = item.file_type();
        if ft.is_symlink() {
            findings.push(rejected(&raw, "symbolic links are not followed".into()));
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let size = item
            .metadata()
            .map_err(|e| Error::io(item.path(), e.into()))?
            .len();
        total = total.saturating_add(size);
        all.insert(
            raw,
            Entry {
                index: None,
                size,
                crc32: None,
            },
        );
        if all.len() > limits.max_entries {
            check_totals(path, all.len(), total, limits)?;
        }
    }
    check_totals(path, all.len(), total, limits)?;
    Ok(all)
}
