//! A page body as a small document tree (pandoc-style Block / Inline) with typed
//! link and image targets. Readers build it; transforms resolve targets; the
//! renderer writes clean HTML from it. Only what this tree can express reaches a
//! bundle, which makes the output an allow-list by construction.

/// A page body.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Body {
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(Block::is_blank)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    Para(Vec<Inline>),
    Heading {
        level: u8,
        anchor: Option<String>,
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        /// First number of an ordered list (1 unless the source says otherwise).
        start: u32,
        items: Vec<Vec<Block>>,
    },
    TaskList(Vec<Task>),
    Table(Table),
    Code {
        language: Option<String>,
        title: Option<String>,
        text: String,
    },
    /// info / note / warning / tip / panel macros.
    Panel {
        kind: PanelKind,
        title: Option<Vec<Inline>>,
        body: Vec<Block>,
    },
    /// The expand macro: its title, then its content.
    Expand {
        title: Vec<Inline>,
        body: Vec<Block>,
    },
    Quote(Vec<Block>),
    Rule,
    /// A neutral container (layout cells, wrappers) kept only for grouping.
    Group(Vec<Block>),
}

impl Block {
    /// True when the block shows nothing (empty paragraphs, empty groups).
    pub fn is_blank(&self) -> bool {
        match self {
            Block::Para(inlines) => inlines.iter().all(Inline::is_blank),
            Block::Group(blocks) => blocks.iter().all(Block::is_blank),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub done: bool,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PanelKind {
    Info,
    Note,
    Warning,
    Tip,
    Panel,
}

impl PanelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelKind::Info => "info",
            PanelKind::Note => "note",
            PanelKind::Warning => "warning",
            PanelKind::Tip => "tip",
            PanelKind::Panel => "panel",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub header: bool,
    pub colspan: u32,
    pub rowspan: u32,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Inline {
    Text(String),
    Styled(Style, Vec<Inline>),
    Link {
        target: LinkTarget,
        content: Vec<Inline>,
    },
    Image {
        target: ImageTarget,
        alt: Option<String>,
        width: Option<u32>,
    },
    LineBreak,
    /// An anchor others can link to (`#name`).
    Anchor(String),
    /// A status lozenge: rendered as a text badge.
    Status {
        text: String,
        colour: Option<String>,
    },
    /// A reference to a record of another kind (a secret moved to a Password, a
    /// page that became a flexible asset): set by classification, rendered as a
    /// `data-cf2itglue-ref` link.
    RecordRef {
        key: String,
        text: String,
    },
}

impl Inline {
    pub fn is_blank(&self) -> bool {
        match self {
            Inline::Text(t) => t.trim().is_empty(),
            Inline::LineBreak => true,
            Inline::Styled(_, c) => c.iter().all(Inline::is_blank),
            _ => false,
        }
    }

    /// The visible text of a run of inlines.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for i in inlines {
            i.push_text(&mut out);
        }
        out
    }

    fn push_text(&self, out: &mut String) {
        match self {
            Inline::Text(t) => out.push_str(t),
            Inline::Styled(_, c) | Inline::Link { content: c, .. } => {
                for i in c {
                    i.push_text(out)
                }
            }
            Inline::Image { alt, .. } => {
                if let Some(a) = alt {
                    out.push_str(a)
                }
            }
            Inline::LineBreak => out.push('\n'),
            Inline::Anchor(_) => {}
            Inline::Status { text, .. } => out.push_str(text),
            Inline::RecordRef { text, .. } => out.push_str(text),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Style {
    Strong,
    Emphasis,
    Underline,
    Strike,
    Subscript,
    Superscript,
    Code,
}

/// How a source names a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PageRef {
    /// By page id (HTML links, old-wiki URLs with an id).
    Id(String),
    /// By a file name of the HTML export (resolved literally, then percent-decoded).
    File(String),
    /// By title and optional space key (storage format, `/display/KEY/Title` URLs).
    Title {
        space: Option<String>,
        title: String,
    },
}

/// How a source names an attachment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentRef {
    /// The page that owns the attachment (`None`: the page the reference is on).
    pub page: Option<PageRef>,
    pub attachment_id: Option<String>,
    pub file_name: Option<String>,
    /// The export entry the reference points at, when the source names one.
    pub entry: Option<String>,
}

/// Where a link goes. Readers produce the unresolved forms; `transform` replaces
/// page and attachment references with `Document` / `Attachment` or `Dead`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkTarget {
    Page {
        page: PageRef,
        anchor: Option<String>,
    },
    Attachment(AttachmentRef),
    /// A same-page anchor.
    Anchor(String),
    /// Any URL outside the wiki.
    External(String),
    /// An absolute URL into the old wiki that names no page or attachment we know
    /// how to find; kept as text.
    OldWiki(String),
    /// Resolved: a page of this export (space key, page id).
    Resolved {
        space: String,
        page_id: String,
        anchor: Option<String>,
    },
    /// Resolved: an attachment (space key, page id, attachment id).
    ResolvedAttachment {
        space: String,
        page_id: String,
        attachment_id: String,
    },
    /// Unresolvable: visible text kept, target dropped (a finding says why).
    Dead,
}

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImageTarget {
    Attachment(AttachmentRef),
    Url(String),
    /// Resolved: an attachment of this export (space key, page id, attachment id).
    Resolved {
        space: String,
        page_id: String,
        attachment_id: String,
    },
    /// Unresolvable: rendered as its alt text.
    Missing,
}
