//! Rendering a model body as the clean HTML of a bundle document, with explicit
//! `data-cf2itglue-*` references for upload to rewrite (BUNDLE.md "Document HTML").

pub mod allow;
mod escape;
mod html;

pub use escape::{escape_attr, escape_text};
pub use html::{RenderContext, Rendered, render_document};
