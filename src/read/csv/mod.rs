//! The Confluence Cloud CSV backup reader (`exportFormat=csv`): one CSV table per
//! database table, each `*.csv.gz` member gzip-compressed or (as in real backups)
//! plain text under a `.gz` name, so the first bytes are sniffed. Rows are
//! streamed one at a time into the same object index as the XML reader
//! (`read::objects`); bodies go straight to the on-disk body store. Old versions
//! are the rows with a non-empty `prevver` (they still say `current`).

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

use crate::Error;
use crate::archive::{Archive, EntryReader};
use crate::model::{Export, Spill};
use crate::read::objects::{
    AttachmentRec, BodyRec, Class, ContentRec, Index, SpaceRec, build, descriptor_space,
};

/// Largest `exportDescriptor.properties` read.
const MAX_DESCRIPTOR_BYTES: u64 = 1024 * 1024;
/// A gzip member may inflate to this many times its size (at least `GZ_FLOOR`).
const GZ_RATIO: u64 = 1_000;
const GZ_FLOOR: u64 = 64 * 1024 * 1024;

/// Reads a CSV backup.
pub fn read(archive: &Archive, spill: Option<&Spill>) -> Result<Export, Error> {
    let findings = archive.findings.clone();
    let bad = |reason: String| Error::BadArchive {
        path: archive.path().to_path_buf(),
        reason,
    };
    let mut reader = archive.reader()?;
    let content = member(archive, "content.csv")
        .ok_or_else(|| bad("the CSV backup has no content.csv.gz".into()))?;
    let mut ix = Index::new(content.clone()).map_err(|e| Error::io(archive.path(), e))?;
    if let Some(name) = member(archive, "exportDescriptor.properties") {
        let mut text = String::new();
        open(archive, &mut reader, &name)
            .and_then(|r| r.take(MAX_DESCRIPTOR_BYTES).read_to_string(&mut text))
            .map_err(|e| bad(format!("cannot read {}{name}: {e}", archive.root())))?;
        ix.descriptor_space = descriptor_space(&text);
    }
    let mut load =
        |table: &str, f: &mut dyn FnMut(&Row) -> io::Result<()>| match member(archive, table) {
            Some(name) => rows(archive, &mut reader, &name, f)
                .map_err(|e| bad(format!("{}{name}: {e}", archive.root()))),
            None => Ok(()),
        };

    // Media types first: attachments take theirs from contentproperties.
    let mut media: HashMap<String, String> = HashMap::new();
    load("contentproperties.csv", &mut |r| {
        if r.get("propertyname") == "MEDIA_TYPE" && !r.get("stringval").is_empty() {
            media.insert(r.get("contentid").into(), r.get("stringval").trim().into());
        }
        Ok(())
    })?;
    load("spaces.csv", &mut |r| {
        ix.spaces.push(SpaceRec {
            id: r.get("spaceid").into(),
            key: r.get("spacekey").trim().into(),
            name: r.get("spacename").trim().into(),
            home: r.opt("homepage"),
            description: r.opt("spacedescid"),
        });
        Ok(())
    })?;
    let mut seq = 0usize;
    load("content.csv", &mut |r| {
        seq += 1;
        let kind = r.get("contenttype").to_ascii_uppercase();
        let id = r.get("contentid").trim().to_string();
        if id.is_empty() {
            return Ok(());
        }
        match kind.as_str() {
            "PAGE" | "BLOGPOST" | "COMMENT" | "SPACEDESCRIPTION" => {
                let mut c = ContentRec::new(id.clone(), Class::from_name(&kind), seq);
                c.title = r.get("title").trim().to_string();
                c.space = r.opt("spaceid");
                c.parent = r.opt("parentid");
                c.container = r.opt("pageid");
                c.position = r.opt("child_position").and_then(|p| p.parse().ok());
                c.version = r.opt("version").and_then(|p| p.parse().ok());
                c.created = r.opt("creationdate");
                c.modified = r.opt("lastmoddate");
                c.creator = r.opt("creator");
                c.status = r.opt("content_status");
                c.original = r.opt("prevver");
                ix.contents.insert(id, c);
            }
            "ATTACHMENT" => ix.attachments.push(AttachmentRec {
                media_type: media.get(&id).cloned(),
                id,
                name: r.get("title").trim().to_string(),
                container: r.opt("pageid"),
                version: r.opt("version").and_then(|p| p.parse().ok()),
                status: r.opt("content_status"),
                original: r.opt("prevver"),
                properties: Vec::new(),
                seq,
            }),
            _ => {}
        }
        Ok(())
    })?;
    // Only bodies of content we indexed are kept (custom content has JSON bodies).
    let wanted: HashSet<String> = ix.contents.keys().cloned().collect();
    let Index { store, bodies, .. } = &mut ix;
    load("bodycontent.csv", &mut |r| {
        let owner = r.get("contentid").trim();
        if !wanted.contains(owner) {
            return Ok(());
        }
        let at = store.put(r.get("body"))?;
        bodies.push(BodyRec {
            owner: owner.to_string(),
            body_type: r.opt("bodytypeid").and_then(|t| t.parse().ok()),
            at,
        });
        Ok(())
    })?;
    load("label.csv", &mut |r| {
        let ns = r.get("namespace").trim();
        if (ns.is_empty() || ns == "global") && !r.get("name").trim().is_empty() {
            ix.labels
                .insert(r.get("labelid").into(), r.get("name").trim().into());
        }
        Ok(())
    })?;
    load("content_label.csv", &mut |r| {
        if let (Some(l), Some(c)) = (r.opt("labelid"), r.opt("contentid")) {
            ix.labellings.push((l, c));
        }
        Ok(())
    })?;
    load("user_mapping.csv", &mut |r| {
        if let Some(name) = r.opt("username") {
            if let Some(k) = r.opt("user_key") {
                ix.users.insert(k, name.clone());
            }
            if let Some(a) = r.opt("aaid") {
                ix.users.insert(a, name.clone());
            }
        }
        Ok(())
    })?;
    Ok(build(ix, archive, spill, findings))
}

/// The member holding a table: `<table>.gz` or `<table>`.
fn member(archive: &Archive, table: &str) -> Option<String> {
    [format!("{table}.gz"), table.to_string()]
        .into_iter()
        .find(|n| archive.contains(n))
}

/// Opens a member, inflating it when its first bytes are the gzip magic.
fn open<'r>(
    archive: &Archive,
    reader: &'r mut EntryReader<'_>,
    name: &str,
) -> io::Result<Box<dyn Read + 'r>> {
    let declared = archive.entry(name).map(|e| e.size).unwrap_or(0);
    let mut stream = reader.open(name)?;
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        let n = stream.read(&mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let whole = io::Cursor::new(head[..got].to_vec()).chain(stream);
    if got == 2 && head == [0x1f, 0x8b] {
        let cap = (declared.saturating_mul(GZ_RATIO)).max(GZ_FLOOR);
        Ok(Box::new(Capped {
            inner: MultiGzDecoder::new(whole),
            left: cap,
        }))
    } else {
        Ok(Box::new(whole))
    }
}

/// Fails a gzip member that inflates past its cap (a gzip bomb).
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the gzip member inflates to more than 1000 times its size (a gzip bomb?)",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// One CSV row with its header.
struct Row<'a> {
    header: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// A column's value; `""` when the column or value is absent.
    fn get(&self, column: &str) -> &str {
        self.header
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }

    /// A column's value, trimmed, `None` when empty.
    fn opt(&self, column: &str) -> Option<String> {
        let v = self.get(column).trim();
        (!v.is_empty()).then(|| v.to_string())
    }
}

/// Streams every row of a member through `f`.
fn rows(
    archive: &Archive,
    reader: &mut EntryReader<'_>,
    name: &str,
    f: &mut dyn FnMut(&Row) -> io::Result<()>,
) -> io::Result<()> {
    let stream = open(archive, reader, name)?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(stream);
    let header: HashMap<String, usize> = csv
        .headers()
        .map_err(csv_error)?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
        .collect();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => f(&Row {
                header: &header,
                record: &record,
            })?,
            Ok(false) => break,
            Err(e) => return Err(csv_error(e)),
        }
    }
    Ok(())
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "invalid UTF-8 in the CSV at line {}",
                pos.as_ref().map(|p| p.line()).unwrap_or(0)
            ),
        ),
        _ => match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
        },
    }
}
