//! Resolving link and image targets to pages and attachments of the export. Page
//! files are matched literally first, then percent-decoded; old-wiki URLs by page
//! id, title or attachment name. Whatever stays unresolved becomes `Dead` /
//! `Missing` with a finding. Pages are processed in parallel.

use std::collections::{BTreeSet, HashMap};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use crate::model::{
    AttachmentRef, Block, Code, Finding, ImageTarget, Inline, LinkTarget, PageRef, Space, Spill,
};

use super::anchors::{self, Anchors, PageAnchors};
use super::extras::Extras;

use super::wiki_url::{self, WikiRef};
use crate::render::allow::{self, UrlVerdict};

/// What resolution learned besides the rewritten bodies.
#[derive(Debug, Default)]
pub struct Resolution {
    pub findings: Vec<Finding>,
    /// Attachments shown inline somewhere: (space, page id, attachment id).
    pub inline: BTreeSet<(String, String, String)>,
    /// Attachments linked to from some body.
    pub linked: BTreeSet<(String, String, String)>,
}

/// Lookup tables over all spaces of a run.
struct Index<'a> {
    spaces: &'a [Space],
    /// page id → space index (page ids are unique per Confluence instance).
    /// page id → (space index, page index).
    page_space: HashMap<&'a str, (usize, usize)>,
    /// file name (literal and decoded) → page id.
    files: HashMap<String, &'a str>,
    /// (space key lowercase, title lowercase) → page id.
    titles: HashMap<(String, String), &'a str>,
    /// page id → attachments with bytes: (id, file name lowercase).
    attachments: HashMap<&'a str, Vec<(&'a str, String)>>,
    missing: HashMap<&'a str, &'a str>,
    base_urls: BTreeSet<String>,
}

impl<'a> Index<'a> {
    fn new(spaces: &'a [Space]) -> Index<'a> {
        let mut ix = Index {
            spaces,
            page_space: HashMap::new(),
            files: HashMap::new(),
            titles: HashMap::new(),
            attachments: HashMap::new(),
            missing: HashMap::new(),
            base_urls: BTreeSet::new(),
        };
        for (si, s) in spaces.iter().enumerate() {
            ix.base_urls.extend(s.base_urls.iter().cloned());
            for (id, title) in &s.missing_pages {
                ix.missing.insert(id, title);
            }
            for (pi, p) in s.pages.iter().enumerate() {
                ix.page_space.insert(&p.id, (si, pi));
                if let Some(f) = &p.file {
                    ix.files.insert(f.clone(), &p.id);
                    ix.files
                        .entry(percent_decode_str(f).decode_utf8_lossy().to_string())
                        .or_insert(&p.id);
                }
                ix.titles
                    .entry((s.key.to_lowercase(), p.title.to_lowercase()))
                    .or_insert(&p.id);
                let atts = p
                    .attachments
                    .iter()
                    .filter(|a| a.entry.is_some())
                    .map(|a| (a.id.as_str(), a.file_name.to_lowercase()))
                    .collect();
                ix.attachments.insert(&p.id, atts);
            }
        }
        ix
    }

    fn title(&self, page_id: &str) -> Option<&'a str> {
        let &(si, pi) = self.page_space.get(page_id)?;
        Some(self.spaces[si].pages[pi].title.as_str())
    }

    fn space_of(&self, page_id: &str) -> Option<&'a str> {
        self.page_space
            .get(page_id)
            .map(|&(si, _)| self.spaces[si].key.as_str())
    }

    /// A page reference → (space, page id) of a page in the export.
    fn page(&self, r: &PageRef, here_space: &str) -> Option<(String, String)> {
        let id: Option<&str> = match r {
            PageRef::Id(id) => self.page_space.get(id.as_str()).map(|_| id.as_str()),
            PageRef::File(f) => self
                .files
                .get(f.as_str())
                .copied()
                .or_else(|| {
                    let d = percent_decode_str(f).decode_utf8_lossy().to_string();
                    self.files.get(&d).copied()
                })
                .or_else(|| {
                    crate::read::html::page_id_from_file(f)
                        .and_then(|id| self.page_space.get_key_value(id.as_str()).map(|(k, _)| *k))
                }),
            PageRef::Title { space, title } => {
                let sk = space.as_deref().unwrap_or(here_space).to_lowercase();
                self.titles.get(&(sk, title.to_lowercase())).copied()
            }
        };
        let id = id?;
        Some((self.space_of(id)?.to_string(), id.to_string()))
    }

    fn page_id_hint(&self, r: &PageRef) -> Option<String> {
        match r {
            PageRef::Id(id) => Some(id.clone()),
            PageRef::File(f) => {
                crate::read::html::page_id_from_file(&percent_decode_str(f).decode_utf8_lossy())
            }
            PageRef::Title { .. } => None,
        }
    }

    /// An attachment reference on page `here` → (space, page, attachment id).
    fn attachment(
        &self,
        r: &AttachmentRef,
        here_space: &str,
        here: &str,
    ) -> Option<(String, String, String)> {
        let (space, page) = match &r.page {
            Some(p) => self.page(p, here_space)?,
            None => (here_space.to_string(), here.to_string()),
        };
        let atts = self.attachments.get(page.as_str())?;
        let found = match (&r.attachment_id, &r.file_name) {
            (Some(id), _) if atts.iter().any(|(a, _)| a == id) => Some(id.clone()),
            (_, Some(name)) => {
                let n = name.to_lowercase();
                atts.iter()
                    .find(|(_, f)| *f == n)
                    .map(|(a, _)| a.to_string())
            }
            _ => None,
        }?;
        Some((space, page, found))
    }
}

/// Resolves every target in every page body of `spaces` (pages in parallel) and
/// folds comments and labels into the bodies. Parked bodies are brought back, worked
/// on and parked again one page at a time, so memory stays bounded.
pub fn resolve(
    spaces: &mut [Space],
    spill: Option<&Spill>,
    extras: Extras,
) -> Result<Resolution, std::io::Error> {
    // Resolve against a snapshot of the metadata, then write bodies back.
    let snapshot: Vec<Space> = spaces
        .iter()
        .map(|s| Space {
            pages: s.pages.iter().map(|p| p.clone_meta()).collect(),
            ..s.clone_meta()
        })
        .collect();
    let ix = Index::new(&snapshot);
    let anchors = page_anchors(spaces, spill)?;
    let mut res = Resolution::default();
    for space in spaces.iter_mut() {
        let key = space.key.clone();
        type Refs = BTreeSet<(String, String, String)>;
        let results: Vec<std::io::Result<(Vec<Finding>, Refs, Refs)>> = space
            .pages
            .par_iter_mut()
            .map(|page| {
                if let Some(s) = spill {
                    s.unpark(page)?;
                }
                let mut r = PageResolver {
                    ix: &ix,
                    space: &key,
                    page: &page.id,
                    anchors: &anchors,
                    findings: Vec::new(),
                    inline: BTreeSet::new(),
                    linked: BTreeSet::new(),
                };
                if let Some(body) = page.body.as_mut() {
                    r.blocks(&mut body.blocks);
                }
                for c in &mut page.comments {
                    r.blocks(&mut c.body);
                }
                let (mut findings, inline, linked) = (r.findings, r.inline, r.linked);
                findings.extend(super::extras::apply_page(&key, page, extras));
                if let Some(s) = spill {
                    s.park(page)?;
                }
                Ok((findings, inline, linked))
            })
            .collect();
        for r in results {
            let (f, i, l) = r?;
            res.findings.extend(f);
            res.inline.extend(i);
            res.linked.extend(l);
        }
    }
    Ok(res)
}

/// Every page's anchor ids (a read-only pass over the bodies, parked ones read
/// back from the spill file).
fn page_anchors(spaces: &[Space], spill: Option<&Spill>) -> std::io::Result<Anchors> {
    let mut out = Anchors::new();
    for space in spaces {
        let found: Vec<std::io::Result<(String, PageAnchors)>> = space
            .pages
            .par_iter()
            .map(|page| {
                let mut ids = Vec::new();
                match (&page.body, page.parked, spill) {
                    (Some(b), _, _) => anchors::collect(&b.blocks, &mut ids),
                    (None, Some(p), Some(s)) => anchors::collect(&s.get(p)?.blocks, &mut ids),
                    _ => {}
                }
                Ok((page.id.clone(), PageAnchors::new(&page.title, ids)))
            })
            .collect();
        for f in found {
            let (id, a) = f?;
            out.insert(id, a);
        }
    }
    Ok(out)
}

struct PageResolver<'a, 'b> {
    ix: &'b Index<'a>,
    space: &'b str,
    page: &'b str,
    anchors: &'b Anchors,
    findings: Vec<Finding>,
    inline: BTreeSet<(String, String, String)>,
    linked: BTreeSet<(String, String, String)>,
}

impl PageResolver<'_, '_> {
    fn finding(&mut self, code: Code, msg: String, detail: Option<String>) {
        let mut f = Finding::new(code, msg).on_page(self.space, self.page);
        f.detail = detail;
        self.findings.push(f);
    }

    fn blocks(&mut self, blocks: &mut [Block]) {
        for b in blocks {
            match b {
                Block::Para(i) => self.inlines(i),
                Block::Heading { content, .. } => self.inlines(content),
                Block::List { items, .. } => items.iter_mut().for_each(|i| self.blocks(i)),
                Block::TaskList(tasks) => tasks.iter_mut().for_each(|t| self.blocks(&mut t.body)),
                Block::Table(t) => {
                    for row in &mut t.rows {
                        for cell in &mut row.cells {
                            self.blocks(&mut cell.blocks);
                        }
                    }
                }
                Block::Panel { title, body, .. } => {
                    if let Some(t) = title {
                        self.inlines(t);
                    }
                    self.blocks(body);
                }
                Block::Expand { title, body } => {
                    self.inlines(title);
                    self.blocks(body);
                }
                Block::Quote(b) | Block::Group(b) => self.blocks(b),
                Block::Code { .. } | Block::Rule => {}
            }
        }
    }

    fn inlines(&mut self, inlines: &mut [Inline]) {
        for i in inlines {
            match i {
                Inline::Styled(_, c) => self.inlines(c),
                Inline::Link { target, content } => {
                    self.inlines(content);
                    let text = Inline::plain_text(content);
                    let url = match &*target {
                        LinkTarget::External(u) => Some(u.clone()),
                        _ => None,
                    };
                    *target = self.link(std::mem::replace(target, LinkTarget::Dead), &text);
                    // A bare old-wiki URL as link text reads better as the page's title.
                    if let (Some(url), LinkTarget::Resolved { page_id, .. }) = (url, &*target)
                        && text.trim() == url
                        && let Some(title) = self.ix.title(page_id)
                    {
                        *content = vec![Inline::Text(title.to_string())];
                    }
                }
                Inline::Image { target, alt, .. } => {
                    *target = self.image(std::mem::replace(target, ImageTarget::Missing), alt);
                }
                _ => {}
            }
        }
    }

    fn link(&mut self, target: LinkTarget, text: &str) -> LinkTarget {
        match target {
            LinkTarget::Page { page, anchor } => match self.ix.page(&page, self.space) {
                Some((space, page_id)) => {
                    let anchor = anchor.and_then(|a| self.anchor(&page_id, &a, text));
                    LinkTarget::Resolved {
                        space,
                        page_id,
                        anchor,
                    }
                }
                None => {
                    let why = match self
                        .ix
                        .page_id_hint(&page)
                        .and_then(|id| self.ix.missing.get(id.as_str()).map(|t| t.to_string()))
                    {
                        Some(title) => {
                            format!("links to page {title:?}, which is not in the export")
                        }
                        None => "links to a page that is not in the export".to_string(),
                    };
                    self.finding(
                        Code::LinkUnresolved,
                        format!("link {text:?} {why}"),
                        Some(describe(&page)),
                    );
                    LinkTarget::Dead
                }
            },
            LinkTarget::Attachment(att) => match self.ix.attachment(&att, self.space, self.page) {
                Some((space, page_id, attachment_id)) => {
                    self.linked
                        .insert((space.clone(), page_id.clone(), attachment_id.clone()));
                    LinkTarget::ResolvedAttachment {
                        space,
                        page_id,
                        attachment_id,
                    }
                }
                None => {
                    let name = att
                        .file_name
                        .clone()
                        .or(att.entry.clone())
                        .unwrap_or_default();
                    self.finding(
                        Code::AttachmentMissing,
                        format!("linked attachment {name:?} is not in the export"),
                        att.entry.clone(),
                    );
                    LinkTarget::Dead
                }
            },
            LinkTarget::External(url) | LinkTarget::OldWiki(url) => {
                if let UrlVerdict::Blocked(scheme) = allow::link_url(&url) {
                    self.finding(
                        Code::UnsafeContentRemoved,
                        format!("link {text:?} used a {scheme}: URL, which documents may not hold; text kept, link removed"),
                        None,
                    );
                    return LinkTarget::Dead;
                }
                match wiki_url::parse(&url, &self.ix.base_urls) {
                    None if is_absolute(&url) => LinkTarget::External(url),
                    None => {
                        self.finding(
                            Code::LinkUnresolved,
                            format!(
                                "link {text:?} has a relative target that is not part of the export"
                            ),
                            Some(url),
                        );
                        LinkTarget::Dead
                    }
                    Some(w) => self.wiki_link(w, url, text),
                }
            }
            LinkTarget::Anchor(a) => {
                let here = self.page.to_string();
                match self.anchor(&here, &a, text) {
                    Some(id) => LinkTarget::Anchor(id),
                    None => LinkTarget::Dead,
                }
            }
            other => other,
        }
    }

    /// The anchor id a `#fragment` means on page `page_id`; `None` (with an
    /// `anchor-unresolved` finding) when the page has no such heading or anchor:
    /// a link to another page then goes to the page itself, a same-page link keeps
    /// its text only.
    fn anchor(&mut self, page_id: &str, fragment: &str, text: &str) -> Option<String> {
        if let Some(id) = self.anchors.get(page_id).and_then(|a| a.find(fragment)) {
            return Some(id.to_string());
        }
        let (what, outcome) = if page_id == self.page {
            ("this page", "the text is kept without the link")
        } else {
            ("the linked page", "the link goes to the top of that page")
        };
        self.finding(
            Code::AnchorUnresolved,
            format!("link {text:?} points at #{fragment}, which is no heading or anchor of {what}; {outcome}"),
            Some(format!("#{fragment}")),
        );
        None
    }

    fn wiki_link(&mut self, w: WikiRef, url: String, text: &str) -> LinkTarget {
        let resolved = match &w {
            WikiRef::PageId(id, anchor) => {
                self.ix
                    .page(&PageRef::Id(id.clone()), self.space)
                    .map(|(space, page_id)| {
                        let anchor = anchor.as_ref().and_then(|a| self.anchor(&page_id, a, text));
                        LinkTarget::Resolved {
                            space,
                            page_id,
                            anchor,
                        }
                    })
            }
            WikiRef::PageTitle { space, title } => self
                .ix
                .page(
                    &PageRef::Title {
                        space: Some(space.clone()),
                        title: title.clone(),
                    },
                    self.space,
                )
                .map(|(space, page_id)| LinkTarget::Resolved {
                    space,
                    page_id,
                    anchor: None,
                }),
            WikiRef::SpaceHome(key) => self
                .ix
                .spaces
                .iter()
                .find(|s| s.key.eq_ignore_ascii_case(key))
                .and_then(|s| s.home.clone().map(|h| (s.key.clone(), h)))
                .map(|(space, page_id)| LinkTarget::Resolved {
                    space,
                    page_id,
                    anchor: None,
                }),
            WikiRef::Attachment { page_id, file_name } => self
                .ix
                .attachment(
                    &AttachmentRef {
                        page: Some(PageRef::Id(page_id.clone())),
                        attachment_id: None,
                        file_name: Some(file_name.clone()),
                        entry: None,
                    },
                    self.space,
                    self.page,
                )
                .map(
                    |(space, page_id, attachment_id)| LinkTarget::ResolvedAttachment {
                        space,
                        page_id,
                        attachment_id,
                    },
                ),
            WikiRef::Other => None,
        };
        resolved.unwrap_or_else(|| {
            self.finding(
                Code::LinkToOldWiki,
                format!("link {text:?} points into the old wiki at something not in the export; text kept, link removed"),
                Some(url),
            );
            LinkTarget::Dead
        })
    }

    fn image(&mut self, target: ImageTarget, alt: &Option<String>) -> ImageTarget {
        let att = match target {
            ImageTarget::Attachment(att) => att,
            ImageTarget::Url(url) => match wiki_url::parse(&url, &self.ix.base_urls) {
                Some(WikiRef::Attachment { page_id, file_name }) => AttachmentRef {
                    page: Some(PageRef::Id(page_id)),
                    attachment_id: None,
                    file_name: Some(file_name),
                    entry: Some(url),
                },
                Some(_) => {
                    self.finding(
                        Code::LinkToOldWiki,
                        "image is served by the old wiki and is not in the export".into(),
                        Some(url),
                    );
                    return ImageTarget::Missing;
                }
                None => {
                    if let UrlVerdict::Blocked(scheme) = allow::image_url(&url) {
                        self.finding(
                            Code::UnsafeContentRemoved,
                            format!("removed an image loaded from a {scheme}: URL"),
                            None,
                        );
                        return ImageTarget::Missing;
                    }
                    return ImageTarget::Url(url);
                }
            },
            other => return other,
        };
        match self.ix.attachment(&att, self.space, self.page) {
            Some(r) => {
                self.inline.insert(r.clone());
                ImageTarget::Resolved {
                    space: r.0,
                    page_id: r.1,
                    attachment_id: r.2,
                }
            }
            None => {
                let name = att
                    .file_name
                    .clone()
                    .or(alt.clone())
                    .or(att.entry.clone())
                    .unwrap_or_default();
                let mut f = Finding::new(
                    Code::ImageMissing,
                    format!("image {name:?} is not in the export; a placeholder shows its name"),
                )
                .on_page(self.space, self.page);
                f.entry = att.entry.clone();
                self.findings.push(f);
                ImageTarget::Missing
            }
        }
    }
}

/// True for URLs with a scheme (`https:`, `mailto:`, ...).
fn is_absolute(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            i > 0
                && url[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

fn describe(r: &PageRef) -> String {
    match r {
        PageRef::Id(id) => format!("page id {id}"),
        PageRef::File(f) => f.clone(),
        PageRef::Title { space, title } => match space {
            Some(s) => format!("{s}:{title}"),
            None => title.clone(),
        },
    }
}
