//! The command line: parses arguments, runs a command, and turns library results
//! and errors into messages and exit statuses (CLI.md). Nothing else prints.

mod check;
mod convert;
mod progress;
mod scan;

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
        /// Replace a non-empty --out.
        #[arg(long)]
        force: bool,
        /// Exit with status 3 when there are warnings.
        #[arg(long)]
        strict: bool,
        /// Print a machine-readable summary on stdout.
        #[arg(long)]
        json: bool,
        /// Leave every password value out of the bundle (to share it with a reviewer).
        #[arg(long)]
        redact: bool,
    },
    /// Verify a bundle's integrity against its manifest.
    Check {
        bundle: PathBuf,
        /// Print a machine-readable result on stdout.
        #[arg(long)]
        json: bool,
    },
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
        Command::Scan { exports, json } => scan::run(&exports, json, &out),
        Command::Convert {
            exports,
            out: dir,
            jobs,
            force,
            strict,
            json,
            redact,
        } => convert::run(exports, dir, jobs, force, strict, json, redact, &out),
        Command::Check { bundle, json } => check::run(&bundle, json, &out),
    }
}

/// Prints a library error as one line and returns its exit status.
pub fn fail(err: &crate::Error) -> i32 {
    eprintln!("error: {err}");
    if err.is_bad_input() {
        exit::BAD_INPUT
    } else {
        exit::FATAL
    }
}
