//! The HTML export reader: `index.html` gives the space and the tree, each page file
//! its body, metadata and attachment list. Page files are parsed in parallel.

pub(crate) mod body;
pub mod index;
pub mod links;
mod macros;
pub mod page;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use crate::Error;
use crate::archive::Archive;
use crate::model::{Attachment, Body, Code, Export, Finding, Page, PageKind, Space, Spill};

use index::TreeNode;
use page::PageFile;

/// Largest page file read into memory.
const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The page id of an HTML export file name: `Title_123.html` or `123.html`.
pub fn page_id_from_file(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".html")?;
    if stem.contains('/') {
        return None;
    }
    let digits = match stem.rfind('_') {
        Some(i) => &stem[i + 1..],
        None => stem,
    };
    (!digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

/// Reads an HTML export.
pub fn read(archive: &Archive, spill: Option<&Spill>) -> Result<Export, Error> {
    let mut findings = archive.findings.clone();
    let index_html = archive
        .reader()?
        .read_string("index.html", MAX_PAGE_BYTES)
        .map_err(|e| Error::BadArchive {
            path: archive.path().to_path_buf(),
            reason: format!("cannot read {}index.html: {e}", archive.root()),
        })?;
    let idx = index::parse(&index_html);
    let key = idx
        .key
        .clone()
        .or_else(|| {
            let r = archive.root().trim_end_matches('/');
            r.rsplit('/')
                .next()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "SPACE".to_string());
    let name = idx.name.clone().unwrap_or_else(|| key.clone());

    // Page files at the export root.
    let files: Vec<(String, String)> = archive
        .entries()
        .filter(|(n, _)| !n.contains('/') && *n != "index.html")
        .filter_map(|(n, _)| page_id_from_file(n).map(|id| (n.to_string(), id)))
        .collect();

    let parsed: Vec<(String, String, Result<PageFile, String>)> = files
        .par_iter()
        .map_init(
            || archive.reader(),
            |reader, (file, id)| {
                let result = match reader {
                    Ok(r) => r
                        .read_string(file, MAX_PAGE_BYTES)
                        .map_err(|e| e.to_string())
                        .and_then(|html| {
                            let mut pf = page::parse(&html, &key, id);
                            park(&mut pf, spill)
                                .map_err(|e| format!("cannot park the body: {e}"))?;
                            Ok(pf)
                        }),
                    Err(e) => Err(e.to_string()),
                };
                (file.clone(), id.clone(), result)
            },
        )
        .collect();

    let mut by_id: BTreeMap<String, (String, PageFile)> = BTreeMap::new();
    let mut unreadable = HashSet::new();
    for (file, id, result) in parsed {
        match result {
            Ok(p) => {
                by_id.insert(id, (file, p));
            }
            Err(e) => {
                unreadable.insert(id.clone());
                findings.push(
                    Finding::new(
                        Code::PageUnreadable,
                        format!("page file cannot be read: {e}"),
                    )
                    .on_page(&key, &id)
                    .entry(file),
                )
            }
        }
    }

    let mut space = Space {
        key: key.clone(),
        name: name.clone(),
        description: idx.description.clone(),
        ..Space::default()
    };
    let mut builder = TreeBuilder {
        space: &mut space,
        files: &mut by_id,
        findings: &mut findings,
        unreadable: &unreadable,
        placed: BTreeSet::new(),
        titles: HashMap::new(),
    };
    let roots = idx.roots.clone();
    for (pos, node) in roots.iter().enumerate() {
        builder.place(node, None, pos);
    }
    builder.place_orphans(&name);
    let home = roots.iter().find(|n| n.home).or(roots.first());
    space.home = home
        .map(|n| n.id.clone())
        .filter(|id| space.pages.iter().any(|p| &p.id == id));
    attach_entries(archive, &mut space, &mut findings);
    Ok(Export {
        spaces: vec![space],
        findings,
    })
}

/// Moves a parsed body to the spill file, if there is one.
fn park(pf: &mut PageFile, spill: Option<&Spill>) -> std::io::Result<()> {
    if let (Some(spill), Some(blocks)) = (spill, pf.body.take()) {
        let body = Body { blocks };
        pf.has_body = true;
        pf.has_content = !body.is_empty();
        pf.parked = Some(spill.put(&body)?);
    }
    Ok(())
}

struct TreeBuilder<'a> {
    space: &'a mut Space,
    files: &'a mut BTreeMap<String, (String, PageFile)>,
    findings: &'a mut Vec<Finding>,
    /// Pages whose file is there but could not be read (already reported).
    unreadable: &'a HashSet<String>,
    placed: BTreeSet<String>,
    titles: HashMap<String, String>,
}

impl TreeBuilder<'_> {
    fn place(&mut self, node: &TreeNode, parent: Option<&str>, position: usize) {
        if !self.placed.insert(node.id.clone()) {
            return;
        }
        self.titles.insert(node.id.clone(), node.title.clone());
        match self.files.remove(&node.id) {
            Some((file, pf)) => {
                let page = self.page(&node.id, node.title.clone(), file, pf, parent, position);
                self.space.pages.push(page);
                for (i, child) in node.children.iter().enumerate() {
                    self.place(child, Some(&node.id), i);
                }
            }
            None => {
                self.space
                    .missing_pages
                    .insert(node.id.clone(), node.title.clone());
                // A file that is there but damaged has its own finding.
                if !self.unreadable.contains(&node.id) {
                    self.findings.push(
                    Finding::new(
                        Code::PageMissing,
                        format!(
                            "page {:?} is in the export's page tree but its file is not in the export",
                            node.title
                        ),
                    )
                    .entry(node.file.clone())
                    .detail(node.id.clone()),
                    );
                }
                // Its children cannot hang from it: they go to its parent.
                for child in &node.children {
                    let pos = self.next_position(parent);
                    self.place(child, parent, pos);
                }
            }
        }
    }

    fn next_position(&self, parent: Option<&str>) -> usize {
        self.space
            .pages
            .iter()
            .filter(|p| p.parent.as_deref() == parent)
            .count()
    }

    /// Pages with a file but no place in index.html: their breadcrumbs say where.
    fn place_orphans(&mut self, space_name: &str) {
        let ids: Vec<String> = self.files.keys().cloned().collect();
        // Parents before children: fewer breadcrumbs first.
        let mut order: Vec<(usize, String)> = ids
            .iter()
            .map(|id| (self.files[id].1.breadcrumbs.len(), id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let Some((file, pf)) = self.files.remove(&id) else {
                continue;
            };
            let parent = pf
                .breadcrumbs
                .iter()
                .rev()
                .filter_map(|(href, _)| page_id_from_file(href))
                .find(|pid| self.space.pages.iter().any(|p| &p.id == pid));
            for (href, title) in &pf.breadcrumbs {
                if let Some(pid) = page_id_from_file(href)
                    && !self.space.pages.iter().any(|p| p.id == pid)
                {
                    self.space.missing_pages.entry(pid).or_insert(title.clone());
                }
            }
            let title = title_from_heading(pf.title_text.as_deref(), space_name)
                .unwrap_or_else(|| format!("Page {id}"));
            self.findings.push(
                Finding::new(
                    Code::PageNotInTree,
                    format!(
                        "page {title:?} is not in index.html's page tree; placed {} from its breadcrumbs",
                        match &parent {
                            Some(p) => format!("under page {p}"),
                            None => "at the space root".to_string(),
                        }
                    ),
                )
                .on_page(&self.space.key, &id)
                .entry(file.clone()),
            );
            let pos = self.next_position(parent.as_deref());
            let page = self.page(&id, title, file, pf, parent.as_deref(), pos);
            self.space.pages.push(page);
        }
    }

    fn page(
        &mut self,
        id: &str,
        title: String,
        file: String,
        pf: PageFile,
        parent: Option<&str>,
        position: usize,
    ) -> Page {
        self.findings.extend(pf.findings);
        self.space.base_urls.extend(pf.base_urls);
        let mut page = Page::new(id, title);
        page.parent = parent.map(str::to_string);
        page.position = position;
        page.author = pf.author;
        page.created = pf.created;
        page.modified = pf.modified;
        page.labels = pf.labels;
        page.file = Some(file);
        page.kind = if pf.body.is_some() || pf.has_body {
            PageKind::Page
        } else {
            PageKind::FolderPage
        };
        page.body = pf.body.map(|blocks| Body { blocks });
        page.parked = pf.parked;
        page.has_content = pf.has_content;
        page.comments = pf.comments;
        page.attachments = pf
            .listed
            .into_iter()
            .filter_map(|l| {
                let att = links::attachment_ref(&l.href)?;
                let page_id = match att.page {
                    Some(crate::model::PageRef::Id(p)) => p,
                    _ => id.to_string(),
                };
                // A page lists only its own files; another page's are found there.
                if page_id != id {
                    return None;
                }
                Some(Attachment {
                    id: att.attachment_id?,
                    page_id,
                    file_name: l.name,
                    media_type: l.media_type,
                    version: None,
                    entry: None,
                    expected_entry: att.entry,
                })
            })
            .collect();
        page
    }
}

/// `Space name : Title` → `Title`.
fn title_from_heading(text: Option<&str>, space_name: &str) -> Option<String> {
    let t = text?.trim();
    let t = t
        .strip_prefix(space_name)
        .and_then(|r| r.strip_prefix(" : "))
        .unwrap_or(t);
    (!t.is_empty()).then(|| t.to_string())
}

/// Resolves every listed attachment to its entry (literal, then percent-decoded,
/// then the thumbnail) and adds attachment files that no page lists.
fn attach_entries(archive: &Archive, space: &mut Space, findings: &mut Vec<Finding>) {
    let resolve = |path: &str| -> Option<String> {
        if archive.contains(path) {
            return Some(path.to_string());
        }
        let decoded = percent_decode_str(path).decode_utf8_lossy().to_string();
        archive.contains(&decoded).then_some(decoded)
    };
    let mut used: BTreeSet<String> = BTreeSet::new();
    for page in &mut space.pages {
        let mut seen = BTreeSet::new();
        page.attachments.retain(|a| seen.insert(a.id.clone()));
        for att in &mut page.attachments {
            let Some(expected) = att.expected_entry.clone() else {
                continue;
            };
            att.entry = resolve(&expected);
            if att.entry.is_none() {
                let thumb = format!("attachments/thumbnails/{}/{}", att.page_id, att.id);
                if archive.contains(&thumb) {
                    findings.push(
                        Finding::new(
                            Code::AttachmentFromThumbnail,
                            format!(
                                "attachment {:?} is missing; its preview thumbnail is used instead",
                                att.file_name
                            ),
                        )
                        .on_page(&space.key, &page.id)
                        .entry(expected.clone()),
                    );
                    att.entry = Some(thumb);
                }
            }
            if let Some(e) = &att.entry {
                used.insert(e.clone());
            }
        }
    }
    // Attachment files present but listed by no page: kept on their page.
    let page_ids: BTreeSet<String> = space.pages.iter().map(|p| p.id.clone()).collect();
    for (name, _) in archive.entries() {
        if used.contains(name) || name.starts_with("attachments/thumbnails/") {
            continue;
        }
        let Some(att) = links::attachment_ref(name) else {
            continue;
        };
        let (Some(crate::model::PageRef::Id(pid)), Some(aid)) = (att.page, att.attachment_id)
        else {
            continue;
        };
        if !page_ids.contains(&pid) {
            findings.push(
                Finding::new(
                    Code::EntryUnused,
                    "attachment file belongs to no page of the export; not staged",
                )
                .entry(name.to_string()),
            );
            continue;
        }
        let page = space.pages.iter_mut().find(|p| p.id == pid).expect("page");
        if page.attachments.iter().any(|a| a.id == aid) {
            continue;
        }
        let file_name = name.rsplit('/').next().unwrap_or(name).to_string();
        findings.push(
            Finding::new(
                Code::AttachmentOrphanKept,
                format!(
                    "attachment file {file_name:?} is not listed on its page; kept with its \
                     stored name"
                ),
            )
            .on_page(&space.key, &pid)
            .entry(name.to_string()),
        );
        page.attachments.push(Attachment {
            id: aid,
            page_id: pid.clone(),
            file_name,
            media_type: None,
            version: None,
            entry: Some(name.to_string()),
            expected_entry: Some(name.to_string()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_from_file_names() {
        assert_eq!(
            page_id_from_file("Art-Guide_250511492.html").as_deref(),
            Some("250511492")
        );
        assert_eq!(
            page_id_from_file("1116307471.html").as_deref(),
            Some("1116307471")
        );
        assert_eq!(
            page_id_from_file("Bloom-Project%27s-Initial_25165860.html").as_deref(),
            Some("25165860")
        );
        assert_eq!(page_id_from_file("index.html"), None);
        assert_eq!(page_id_from_file("Title_.html"), None);
        assert_eq!(page_id_from_file("a/1.html"), None);
    }
}
