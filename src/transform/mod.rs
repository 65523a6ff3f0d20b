//! Passes over the model after reading: resolve links and image sources to pages
//! and attachments of the export (pages in parallel), and fold comments and labels
//! into bodies.

pub mod anchors;
pub mod extras;
pub mod links;
pub mod wiki_url;

pub use extras::Extras;
pub use links::{Resolution, resolve};
