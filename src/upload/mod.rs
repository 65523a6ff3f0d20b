//! `cf2itglue upload`: push a bundle into IT Glue in dependency order, paced
//! under the rate limit, resumable from a durable ledger, never creating a
//! record twice (see README "Upload").
//!
//! Order: organizations → flexible asset types → folders (parents first) →
//! configuration types, password categories, configurations, contacts →
//! document stubs → standalone passwords → flexible assets → embedded passwords
//! → document images and attachments → sections (references rewritten) and
//! publish → related items. Passwords and flexible assets come before sections
//! (not after, as first sketched) so a body that links to them is written once.

pub mod client;
mod documents;
pub mod find;
pub mod ledger;
pub mod pacer;
pub mod plan;
mod records;
pub mod rewrite;
pub mod run;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use client::{ApiError, ApiKey, Retry};
pub use pacer::Rate;
pub use plan::{Limits, Only, Plan};
pub use run::Report;

use crate::bundle::read::{Loaded, load};
use ledger::{Ledger, LedgerError};
use run::{Run, Stop};

#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub bundle: PathBuf,
    /// API base URL (region or sandbox).
    pub url: String,
    pub key: ApiKey,
    pub rate: Rate,
    pub concurrency: usize,
    /// Default: `<bundle>/upload-ledger.jsonl`.
    pub ledger: Option<PathBuf>,
    pub limits: Limits,
    /// `--only`: the record kinds this run uploads.
    pub only: Only,
    /// `--adopt-existing`: look every record up (by name and parent) before
    /// creating it, for when the ledger was lost: what is found is adopted.
    pub adopt_all: bool,
    pub retry: Retry,
    /// Stop after this many requests, dropping the last answer (tests of resumption).
    pub abort_after: Option<u64>,
}

impl UploadOptions {
    pub fn new(bundle: &Path, url: &str, key: ApiKey) -> UploadOptions {
        UploadOptions {
            bundle: bundle.to_path_buf(),
            url: url.trim_end_matches('/').to_string(),
            key,
            rate: Rate::ITGLUE,
            concurrency: 4,
            ledger: None,
            limits: Limits::default(),
            only: Only::all(),
            adopt_all: false,
            retry: Retry::default(),
            abort_after: None,
        }
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.ledger
            .clone()
            .unwrap_or_else(|| self.bundle.join("upload-ledger.jsonl"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Bundle(#[from] crate::Error),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("{0}")]
    Api(ApiError),
    #[error("{0}")]
    Client(String),
}

impl From<Stop> for UploadError {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Api(e) => UploadError::Api(e),
            Stop::Ledger(e) => UploadError::Ledger(e),
        }
    }
}

/// The plan only: nothing is sent. With an existing ledger, done steps are left out.
pub fn dry_run(opts: &UploadOptions) -> Result<Plan, UploadError> {
    let bundle = load(&opts.bundle)?;
    let path = opts.ledger_path();
    let ledger = if path.exists() {
        Some(Ledger::open(&path, &bundle.manifest_hash, &opts.url)?)
    } else {
        None
    };
    let done = |k: &str| ledger.as_ref().is_some_and(|l| l.done(k).is_some());
    Ok(plan::build(&bundle, &opts.limits, &opts.only, &done)?)
}

/// Uploads the bundle. Per-item failures are in the report; the error is for
/// what stops the run (bundle, ledger, API key, stop on purpose).
pub fn upload(opts: &UploadOptions) -> Result<Report, UploadError> {
    let bundle = load(&opts.bundle)?;
    upload_loaded(opts, bundle)
}

pub fn upload_loaded(opts: &UploadOptions, bundle: Loaded) -> Result<Report, UploadError> {
    if bundle.manifest.redacted {
        // Its passwords have no values: uploading it would create them empty.
        return Err(UploadError::Bundle(crate::Error::InvalidBundle {
            path: bundle.root.join("manifest.json"),
            reason: "this bundle was converted with --redact (password values left out): \
                     it is for review, not upload; convert again without --redact"
                .into(),
        }));
    }
    let started = Instant::now();
    let (ledger, rebound) =
        Ledger::open_for_upload(&opts.ledger_path(), &bundle.manifest_hash, &opts.url)?;
    // A ledger of an earlier conversion names what is in IT Glue by stable keys;
    // whatever it lacks is looked up before it is created, so nothing is doubled.
    let adopt_all = opts.adopt_all || rebound == ledger::Rebound::EarlierBundle;
    let done = |k: &str| ledger.done(k).is_some();
    let plan = plan::build(&bundle, &opts.limits, &opts.only, &done)?;
    let client = client::Client::new(
        &opts.url,
        opts.key.clone(),
        opts.rate,
        opts.concurrency,
        opts.retry,
        opts.abort_after,
    )
    .map_err(UploadError::Client)?;
    let run = Arc::new(Run {
        client,
        ledger,
        bundle,
        plan,
        limits: opts.limits,
        only: opts.only.clone(),
        adopt_all,
        report: Mutex::new(Report::default()),
        flat: AtomicBool::new(false),
    });
    match &rebound {
        ledger::Rebound::EarlierBundle => run.finding(
            "ledger-from-earlier-bundle",
            None,
            "the ledger was written for an earlier conversion of this bundle: records it \
             lists are not sent again (nor updated), every other record is looked up in \
             IT Glue before it is created"
                .into(),
        ),
        ledger::Rebound::Url(old) => run.finding(
            "ledger-moved",
            None,
            format!(
                "the ledger was tied to {old}, where nothing was created; it now follows this URL"
            ),
        ),
        ledger::Rebound::No => {}
    }
    for o in &run.plan.oversized {
        run.finding(
            "file-too-large",
            Some(&o.key),
            format!(
                "{} bytes is over the {} byte cap; not uploaded",
                o.size, opts.limits.max_file_bytes
            ),
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| UploadError::Client(format!("cannot start the runtime: {e}")))?;
    let result = rt.block_on(execute(&run));
    let mut report = run.report.lock().expect("report").clone();
    report.requests = run.client.sent.load(Ordering::SeqCst);
    report.rate_limited = run.client.limited.load(Ordering::SeqCst);
    report.retries = run.client.retried.load(Ordering::SeqCst);
    report.requests_by_kind = run.client.by_kind.lock().expect("counts").clone();
    report.seconds = started.elapsed().as_secs_f64();
    report.failures.sort_by(|a, b| a.key.cmp(&b.key));
    report
        .findings
        .sort_by(|a, b| (&a.code, &a.key).cmp(&(&b.code, &b.key)));
    result?;
    Ok(report)
}

async fn execute(run: &Arc<Run>) -> Result<(), Stop> {
    let wants = |k: &str| run.only.wants(k);
    records::organizations(run).await?;
    if wants("flexible_assets") {
        records::flexible_asset_types(run).await?;
    }
    if wants("documents") {
        records::folders(run).await?;
    }
    records::configurations_and_contacts(run).await?;
    if wants("documents") {
        documents::stubs(run).await?;
    }
    if wants("passwords") {
        records::passwords(run, false).await?;
    }
    if wants("flexible_assets") {
        records::flexible_assets(run).await?;
    }
    if wants("passwords") {
        records::passwords(run, true).await?;
    }
    documents::images_and_attachments(run).await?;
    if wants("documents") {
        documents::sections_and_publish(run).await?;
    }
    if wants("related_items") {
        records::related_items(run).await?;
    }
    Ok(())
}
