//! One upload run: the client, the ledger, the bundle and the plan, the
//! create-or-adopt step every record goes through, and the run's report.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

use super::client::{ApiError, Client};
use super::find::{Find, find, id_text};
use super::ledger::{Entry, Ledger, LedgerError};
use super::plan::{Limits, Only, Plan};
use crate::bundle::read::Loaded;

/// Why a run stops before its end.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    pub key: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UploadFinding {
    pub code: String,
    pub key: Option<String>,
    pub message: String,
}

/// What a run did, per step kind (`org`, `doc`, `sec`, …, the key prefixes).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub created: BTreeMap<String, u64>,
    pub adopted: BTreeMap<String, u64>,
    pub already_done: BTreeMap<String, u64>,
    pub failures: Vec<Failure>,
    pub findings: Vec<UploadFinding>,
    pub requests: u64,
    pub requests_by_kind: BTreeMap<String, u64>,
    pub rate_limited: u64,
    pub retries: u64,
    pub seconds: f64,
}

pub fn step_kind(key: &str) -> String {
    key.split('/').next().unwrap_or("").to_string()
}

pub struct Run {
    pub client: Client,
    pub ledger: Ledger,
    pub bundle: Loaded,
    pub plan: Plan,
    pub limits: Limits,
    pub only: Only,
    /// Look every record up before creating it (a lost ledger).
    pub adopt_all: bool,
    pub report: Mutex<Report>,
    /// Document folders answered 404: documents go flat, the path in the name.
    pub flat: AtomicBool,
}

fn bump(m: &mut BTreeMap<String, u64>, key: &str) {
    *m.entry(step_kind(key)).or_default() += 1;
}

impl Run {
    pub fn id(&self, key: &str) -> Option<String> {
        self.ledger.done(key).and_then(|e| e.id)
    }

    pub fn url(&self, key: &str) -> Option<String> {
        self.ledger.done(key).and_then(|e| e.url)
    }

    pub fn is_flat(&self) -> bool {
        self.flat.load(Ordering::SeqCst)
    }

    pub fn fail(&self, key: &str, message: String) {
        let message = self.scrub(message);
        self.report.lock().expect("report").failures.push(Failure {
            key: key.into(),
            message,
        });
    }

    /// A message with every password value of the bundle blanked out: the API's
    /// error text may quote what it was sent, and reports are printed and kept.
    pub fn scrub(&self, message: String) -> String {
        scrub(&self.bundle.records.passwords, message)
    }

    pub fn finding(&self, code: &str, key: Option<&str>, message: String) {
        let message = self.scrub(message);
        self.report
            .lock()
            .expect("report")
            .findings
            .push(UploadFinding {
                code: code.into(),
                key: key.map(str::to_string),
                message,
            });
    }

    /// Counts a step as created, or adopted after a lost answer or a killed run.
    pub fn count(&self, key: &str, adopted: bool) {
        let m = &mut self.report.lock().expect("report");
        bump(
            if adopted {
                &mut m.adopted
            } else {
                &mut m.created
            },
            key,
        );
    }

    pub fn count_done(&self, key: &str) {
        bump(&mut self.report.lock().expect("report").already_done, key);
    }

    /// Turns an item-level API error into a recorded failure (a 4xx with the
    /// API's message); fatal ones stop the run.
    pub fn item_error(&self, key: &str, e: ApiError) -> Result<(), Stop> {
        match e {
            // A bad key, a stop on purpose, or IT Glue unreachable / failing past
            // the retry cap: going on would only fail every other item the same way.
            ApiError::Auth { .. } | ApiError::Aborted | ApiError::Unavailable { .. } => {
                Err(Stop::Api(e))
            }
            e => {
                self.fail(key, e.to_string());
                Ok(())
            }
        }
    }

    /// Creates an object, or adopts it if a previous attempt (this run or a killed
    /// one) already made it. Does not mark the key done. Returns the resource
    /// object, or None when the item failed (recorded).
    pub async fn create_or_adopt(
        &self,
        key: &str,
        kind: &str,
        path: &str,
        body: &Value,
        what: &Find,
    ) -> Result<Option<Value>, Stop> {
        if self.ledger.is_pending(key) || self.adopt_all {
            if !self.ledger.is_pending(key) {
                self.ledger.pending(key)?;
            }
            match find(&self.client, "lookups", what).await {
                Ok(Some(found)) => {
                    bump(&mut self.report.lock().expect("report").adopted, key);
                    return Ok(Some(found));
                }
                Ok(None) => {}
                Err(e) => {
                    self.item_error(key, e)?;
                    return Ok(None);
                }
            }
        } else {
            self.ledger.pending(key)?;
        }
        let lookup = || find(&self.client, "lookups", what);
        match self.client.create(kind, path, body, lookup).await {
            Ok(c) => {
                let m = &mut self.report.lock().expect("report");
                bump(
                    if c.adopted {
                        &mut m.adopted
                    } else {
                        &mut m.created
                    },
                    key,
                );
                Ok(c.data.get("data").cloned())
            }
            Err(e) => {
                self.item_error(key, e)?;
                Ok(None)
            }
        }
    }

    /// The whole step: skip when done, else create or adopt and record it done
    /// with its id and the URL found under `url_attr`.
    pub async fn ensure(
        &self,
        key: &str,
        kind: &str,
        path: &str,
        body: &Value,
        what: &Find,
        url_attr: &str,
    ) -> Result<Option<Entry>, Stop> {
        if let Some(e) = self.ledger.done(key) {
            self.count_done(key);
            return Ok(Some(e));
        }
        let Some(obj) = self.create_or_adopt(key, kind, path, body, what).await? else {
            return Ok(None);
        };
        self.finish(key, &obj, url_attr, Value::Null).map(Some)
    }

    pub fn finish(
        &self,
        key: &str,
        obj: &Value,
        url_attr: &str,
        extra: Value,
    ) -> Result<Entry, Stop> {
        let id = id_text(obj.get("id"));
        let url = obj
            .get("attributes")
            .and_then(|a| a.get(url_attr))
            .and_then(Value::as_str)
            .map(str::to_string);
        self.ledger
            .finish(key, id.clone(), url.clone(), extra.clone())?;
        Ok(self.ledger.done(key).expect("just written"))
    }
}

/// Runs `f` on every item concurrently (the client bounds the requests in
/// flight); the first fatal stop cancels the rest.
pub async fn each<T, F, Fut>(run: &Arc<Run>, items: Vec<T>, f: F) -> Result<(), Stop>
where
    T: Send + 'static,
    F: Fn(Arc<Run>, T) -> Fut,
    Fut: Future<Output = Result<(), Stop>> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for it in items {
        set.spawn(f(run.clone(), it));
    }
    let mut first: Option<Stop> = None;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                if first.is_none() {
                    first = Some(e);
                    set.abort_all();
                }
            }
            Err(j) if j.is_cancelled() => {}
            Err(j) => std::panic::resume_unwind(j.into_panic()),
        }
    }
    first.map_or(Ok(()), Err)
}

/// `message` with every value of `passwords` (of 3 bytes or more) replaced by
/// `[password]`.
pub fn scrub(passwords: &[crate::bundle::Password], mut message: String) -> String {
    for p in passwords {
        if let Some(v) = p.password.as_deref().filter(|v| v.len() >= 3)
            && message.contains(v)
        {
            message = message.replace(v, "[password]");
        }
    }
    message
}

#[cfg(test)]
mod scrub_tests {
    use super::scrub;
    use crate::bundle::{PageSource, Password};

    fn pw(value: Option<&str>) -> Password {
        Password {
            key: "pw/1".into(),
            org: "org/A".into(),
            name: "Backup".into(),
            username: Some("svc".into()),
            password: value.map(str::to_string),
            url: None,
            notes: None,
            category: None,
            embedded_in: None,
            source: PageSource {
                space_key: "A".into(),
                page_id: "1".into(),
            },
        }
    }

    #[test]
    fn password_values_are_blanked_in_messages() {
        let pws = [pw(Some("Tr0ub4dor&3")), pw(None), pw(Some("ab"))];
        assert_eq!(
            scrub(
                &pws,
                "HTTP 422: password \"Tr0ub4dor&3\" is too weak (ab)".into()
            ),
            "HTTP 422: password \"[password]\" is too weak (ab)"
        );
        assert_eq!(scrub(&pws, "no secret here".into()), "no secret here");
    }
}
