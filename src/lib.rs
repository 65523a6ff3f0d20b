//! cf2itglue: convert Confluence space exports into a staged bundle for IT Glue.
//!
//! The pipeline, one module per stage: [`archive`] → [`read`] → [`model`] →
//! [`transform`] → [`bundle`] (written by [`stage`]) → upload.

pub mod archive;
pub mod bundle;
pub mod classify;
pub mod cli;
mod error;
pub mod generate;
pub mod model;
pub mod read;
pub mod render;
pub mod report;
pub mod sandbox;
pub mod stage;
pub mod transform;
pub mod upload;

pub use error::Error;
pub mod preview;
