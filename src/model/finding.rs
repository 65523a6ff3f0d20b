//! Findings: per-item problems that do not stop a run, collected for the report.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Every finding code the converter emits. Kebab-case names are the contract
/// (BUNDLE.md "Findings"); the README documents each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    MacroConverted,
    MacroUnsupported,
    ImageMissing,
    AttachmentMissing,
    AttachmentOrphanKept,
    AttachmentFromThumbnail,
    LinkUnresolved,
    AnchorUnresolved,
    LinkToOldWiki,
    TitleDuplicateRenamed,
    TreeFlattened,
    PageEmpty,
    PageMissing,
    PageNotInTree,
    PageUnreadable,
    DraftSkipped,
    HistoricalVersionSkipped,
    DeletedSkipped,
    CommentsAppended,
    LabelsKeptAsText,
    PasswordExtracted,
    FileNameCollisionRenamed,
    AttachmentTooLarge,
    UnsafeContentRemoved,
    EntryRejected,
    EntryUnused,
    PageSkipped,
    FieldInvalid,
    FieldUnmapped,
    MappingUnused,
    RecordExtracted,
    WikiMarkupKept,
    StorageRepaired,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MacroConverted => "macro-converted",
            Code::MacroUnsupported => "macro-unsupported",
            Code::ImageMissing => "image-missing",
            Code::AttachmentMissing => "attachment-missing",
            Code::AttachmentOrphanKept => "attachment-orphan-kept",
            Code::AttachmentFromThumbnail => "attachment-from-thumbnail",
            Code::LinkUnresolved => "link-unresolved",
            Code::AnchorUnresolved => "anchor-unresolved",
            Code::LinkToOldWiki => "link-to-old-wiki",
            Code::TitleDuplicateRenamed => "title-duplicate-renamed",
            Code::TreeFlattened => "tree-flattened",
            Code::PageEmpty => "page-empty",
            Code::PageMissing => "page-missing",
            Code::PageNotInTree => "page-not-in-tree",
            Code::PageUnreadable => "page-unreadable",
            Code::DraftSkipped => "draft-skipped",
            Code::HistoricalVersionSkipped => "historical-version-skipped",
            Code::DeletedSkipped => "deleted-skipped",
            Code::CommentsAppended => "comments-appended",
            Code::LabelsKeptAsText => "labels-kept-as-text",
            Code::PasswordExtracted => "password-extracted",
            Code::FileNameCollisionRenamed => "file-name-collision-renamed",
            Code::AttachmentTooLarge => "attachment-too-large",
            Code::UnsafeContentRemoved => "unsafe-content-removed",
            Code::EntryRejected => "entry-rejected",
            Code::EntryUnused => "entry-unused",
            Code::PageSkipped => "page-skipped",
            Code::FieldInvalid => "field-invalid",
            Code::FieldUnmapped => "field-unmapped",
            Code::MappingUnused => "mapping-unused",
            Code::RecordExtracted => "record-extracted",
            Code::WikiMarkupKept => "wiki-markup-kept",
            Code::StorageRepaired => "storage-repaired",
        }
    }

    /// The default severity of a code.
    pub fn severity(self) -> Severity {
        match self {
            Code::MacroConverted
            | Code::AttachmentOrphanKept
            | Code::TitleDuplicateRenamed
            | Code::TreeFlattened
            | Code::PageEmpty
            | Code::DraftSkipped
            | Code::HistoricalVersionSkipped
            | Code::DeletedSkipped
            | Code::CommentsAppended
            | Code::LabelsKeptAsText
            | Code::PasswordExtracted
            | Code::FileNameCollisionRenamed
            | Code::EntryUnused
            | Code::PageSkipped
            | Code::FieldUnmapped
            | Code::RecordExtracted
            | Code::AnchorUnresolved => Severity::Info,
            Code::PageUnreadable => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// One finding. `page` is the bundle key of the affected document or folder when
/// known (filled by the stage that knows keys); readers set `page_id` instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub page: Option<String>,
    pub entry: Option<String>,
    pub message: String,
    pub detail: Option<String>,
    /// Source page id, used to fill `page` once keys exist. Not serialized.
    #[serde(skip)]
    pub page_id: Option<String>,
    /// Source space key, with `page_id`. Not serialized.
    #[serde(skip)]
    pub space_key: Option<String>,
}

impl Finding {
    pub fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            page: None,
            entry: None,
            message: message.into(),
            detail: None,
            page_id: None,
            space_key: None,
        }
    }

    pub fn on_page(mut self, space_key: &str, page_id: &str) -> Finding {
        self.space_key = Some(space_key.to_string());
        self.page_id = Some(page_id.to_string());
        self
    }

    pub fn entry(mut self, entry: impl Into<String>) -> Finding {
        self.entry = Some(entry.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}
