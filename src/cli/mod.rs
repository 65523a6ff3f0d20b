//! The command line: parses arguments, runs a command, and turns library results
//! and errors into messages and exit statuses (CLI.md). Nothing else prints.

mod check;
mod convert;
mod generate;
mod progress;
mod scan;
mod upload;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Exit statuses (CLI.md "Conventions").
pub mod exit {
    pub const OK: i32 = 0;
    pub const FATAL: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const PARTIAL: i32 = 3;
    pub const BAD_INPUT: i32 = 4;
}

#[derive(Parser, Debug)]
#[command(name = "cf2itglue", version, about = "Move Confluence space exports into IT Glue", long_about = None)]
pub struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More detail on stderr (-v, -vv).
    #[arg(long, short, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Inventory an export without writing anything.
    Scan {
        /// Export .zip files or extracted folders.
        #[arg(required = true)]
        exports: Vec<PathBuf>,
        /// Print a machine-readable inventory on stdout.
        #[arg(long)]
        json: bool,
        /// Classify with this mapping file (TOML; see README "Mapping and classification").
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Write a draft mapping file from what the export contains.
        #[arg(long, value_name = "FILE")]
        write_mapping: Option<PathBuf>,
    },
    /// Convert exports into a staged bundle.
    Convert {
        /// Export .zip files or extracted folders (several spaces may go into one bundle).
        #[arg(required = true)]
        exports: Vec<PathBuf>,
        /// The bundle folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Replace an earlier bundle in --out (its upload ledger is kept).
        #[arg(long)]
        force: bool,
        /// The mapping file (TOML; default: each space one organization, pages documents).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Exit with status 3 when there are warnings.
        #[arg(long)]
        strict: bool,
        /// Print a machine-readable summary on stdout.
        #[arg(long)]
        json: bool,
        /// Do not write the preview site (`preview/`); report.html is always written.
        #[arg(long)]
        no_preview: bool,
        /// Leave every password value out of the bundle (to share it with a reviewer).
        #[arg(long)]
        redact: bool,
    },
    /// Write a synthetic export zip for benchmarks (deterministic from --seed).
    #[command(hide = true)]
    Generate {
        /// Export kind: html or xml.
        #[arg(long, default_value = "html")]
        kind: String,
        /// Number of pages.
        #[arg(long, default_value_t = 1000)]
        pages: usize,
        /// Number of attachments.
        #[arg(long, default_value_t = 1000)]
        attachments: usize,
        /// Seed; the same seed and sizes give a byte-identical zip.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The zip file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify a bundle's integrity against its manifest.
    Check {
        bundle: PathBuf,
        /// Print a machine-readable result on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Upload a bundle to IT Glue (resumable; never creates a record twice).
    Upload {
        bundle: PathBuf,
        #[command(flatten)]
        target: upload::Target,
        /// Print the plan (requests per kind, total, time); send nothing.
        #[arg(long)]
        dry_run: bool,
        /// The ledger was lost: look every record up by name before creating it.
        #[arg(long)]
        adopt_existing: bool,
        /// Print a machine-readable report on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Audit IT Glue against a bundle and its upload ledger.
    Verify {
        bundle: PathBuf,
        #[command(flatten)]
        target: upload::Target,
        /// Print a machine-readable report on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Serve a local IT Glue-compatible API on loopback (rehearsals and tests).
    Sandbox(upload::SandboxArgs),
}

/// Runs the CLI with the process arguments; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let out = progress::Output::new(cli.quiet, cli.verbose);
    match cli.command {
        Command::Scan {
            exports,
            json,
            mapping,
            write_mapping,
        } => scan::run(
            &exports,
            json,
            mapping.as_deref(),
            write_mapping.as_deref(),
            &out,
        ),
        Command::Convert {
            exports,
            out: dir,
            jobs,
            force,
            mapping,
            strict,
            json,
            no_preview,
            redact,
        } => convert::run(
            convert::Args {
                exports,
                out_dir: dir,
                jobs,
                force,
                mapping,
                strict,
                json,
                preview: !no_preview,
                redact,
            },
            &out,
        ),
        Command::Check { bundle, json } => check::run(&bundle, json, &out),
        Command::Upload {
            bundle,
            target,
            dry_run,
            adopt_existing,
            json,
        } => upload::upload(&bundle, &target, dry_run, adopt_existing, json, &out),
        Command::Verify {
            bundle,
            target,
            json,
        } => upload::verify(&bundle, &target, json, &out),
        Command::Sandbox(args) => upload::sandbox(&args, &out),
        Command::Generate {
            kind,
            pages,
            attachments,
            seed,
            out: path,
        } => generate::run(&kind, pages, attachments, seed, &path, &out),
    }
}

/// Prints a library error as one line and returns its exit status.
pub fn fail(err: &crate::Error) -> i32 {
    eprintln!("error: {err}");
    if matches!(err, crate::Error::Mapping { .. }) {
        exit::USAGE
    } else if err.is_bad_input() {
        exit::BAD_INPUT
    } else {
        exit::FATAL
    }
}
