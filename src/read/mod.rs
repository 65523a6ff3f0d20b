//! Readers: an opened archive → the model, with findings. One reader per export kind.

pub mod csv;
pub mod emoticons;
pub mod html;
pub mod objects;
pub mod storage;
pub mod xml;

use crate::Error;
use crate::archive::Archive;
use crate::model::{Export, ExportKind, Spill};

/// Reads an opened export into the model. With a `spill`, page bodies are parked on
/// disk as they are read, so memory does not grow with the export.
pub fn read(archive: &Archive, spill: Option<&Spill>) -> Result<Export, Error> {
    match archive.kind() {
        ExportKind::Html => html::read(archive, spill),
        ExportKind::Xml => xml::read(archive, spill),
        ExportKind::Csv => csv::read(archive, spill),
    }
}
