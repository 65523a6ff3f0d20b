//! Readers: an opened archive → the model, with findings. One reader per export kind.

pub mod emoticons;
pub mod html;

use crate::Error;
use crate::archive::Archive;
use crate::model::{Export, ExportKind};

/// Reads an opened export into the model.
pub fn read(archive: &Archive) -> Result<Export, Error> {
    match archive.kind() {
        ExportKind::Html => html::read(archive),
        ExportKind::Xml => Err(Error::Unsupported {
            path: archive.path().to_path_buf(),
            reason: "this is a Confluence XML export (entities.xml); XML exports are not \
                     supported by this version yet, use an HTML export (Space settings → \
                     Export space → HTML)"
                .into(),
        }),
        ExportKind::Csv => Err(Error::Unsupported {
            path: archive.path().to_path_buf(),
            reason: "this is a Confluence Cloud CSV backup (exportFormat=csv); CSV backups \
                     are not supported by this version yet, use an HTML export"
                .into(),
        }),
    }
}
