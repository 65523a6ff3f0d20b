//! The IT Glue HTTP client: paced, a few requests at a time, retries with
//! exponential backoff and jitter honouring `Retry-After`, API messages kept for
//! 4xx, 401/403 fatal. The API key is held here and never shown.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::pacer::{Pacer, Rate};

/// The API key; `Debug` never shows it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(s: &str) -> Option<ApiKey> {
        let s = s.trim();
        (!s.is_empty()).then(|| ApiKey(s.to_string()))
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(********)")
    }
}

/// Retry policy for 429, 5xx and broken connections.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 8,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401/403: the key is wrong or lacks access; the run stops.
    #[error("IT Glue refused the API key (HTTP {status}): {message}")]
    Auth { status: u16, message: String },
    /// A 4xx other than 429: not retried.
    #[error("HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    /// 429/5xx/transport failures beyond the retry cap.
    #[error("gave up after {attempts} attempts: {last}")]
    Unavailable { attempts: u32, last: String },
    /// The run was stopped on purpose (`abort_after`, for tests of resumption).
    #[error("stopped")]
    Aborted,
}

/// One answer from the server, before interpretation.
enum Outcome {
    Ok(Value),
    /// May or may not have been committed (5xx, broken connection).
    Ambiguous(String),
    /// Not committed; wait at least this long (429).
    Limited(Option<Duration>),
    Fail(ApiError),
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    key: ApiKey,
    pacer: Pacer,
    slots: Semaphore,
    pub retry: Retry,
    /// Stop after this many requests, losing the last response (tests).
    abort_after: Option<u64>,
    aborted: AtomicBool,
    pub sent: AtomicU64,
    pub limited: AtomicU64,
    pub retried: AtomicU64,
    pub by_kind: std::sync::Mutex<BTreeMap<String, u64>>,
}

impl Client {
    pub fn new(
        base: &str,
        key: ApiKey,
        rate: Rate,
        concurrency: usize,
        retry: Retry,
        abort_after: Option<u64>,
    ) -> Result<Client, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            key,
            pacer: Pacer::new(rate),
            slots: Semaphore::new(concurrency.max(1)),
            retry,
            abort_after,
            aborted: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            limited: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            by_kind: std::sync::Mutex::new(BTreeMap::new()),
        })
    }

    pub fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::SeqCst)
    }

    /// Sends one request (paced) and classifies the answer.
    async fn once(&self, kind: &str, method: &Method, path: &str, body: Option<&Value>) -> Outcome {
        if self.is_aborted() {
            return Outcome::Fail(ApiError::Aborted);
        }
        let _slot = self.slots.acquire().await.expect("semaphore open");
        self.pacer.acquire().await;
        if self.is_aborted() {
            return Outcome::Fail(ApiError::Aborted);
        }
        let n = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        *self
            .by_kind
            .lock()
            .expect("counts")
            .entry(kind.to_string())
            .or_default() += 1;
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path))
            .header("x-api-key", &self.key.0)
            .header("accept", "application/vnd.api+json");
        if let Some(b) = body {
            req = req
                .header("content-type", "application/vnd.api+json")
                .body(serde_json::to_vec(b).expect("json"));
        }
        let result = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64);
            let bytes = resp.bytes().await?;
            Ok::<_, reqwest::Error>((status, retry_after, bytes))
        }
        .await;
        if self.abort_after.is_some_and(|a| n >= a) {
            // The process "dies" here: whatever the server did, we never learn it.
            self.aborted.store(true, Ordering::SeqCst);
            return Outcome::Fail(ApiError::Aborted);
        }
        let (status, retry_after, bytes) = match result {
            Ok(x) => x,
            Err(e) => return Outcome::Ambiguous(format!("connection failed: {}", without_url(&e))),
        };
        let json: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        match status {
            200..=299 => Outcome::Ok(json),
            429 => {
                self.limited.fetch_add(1, Ordering::SeqCst);
                Outcome::Limited(retry_after)
            }
            401 | 403 => Outcome::Fail(ApiError::Auth {
                status,
                message: message(&json),
            }),
            400..=499 => Outcome::Fail(ApiError::Rejected {
                status,
                message: message(&json),
            }),
            _ => Outcome::Ambiguous(format!("HTTP {status}")),
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.retry.base.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(self.retry.cap);
        // Full jitter between half and all of the delay.
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    async fn wait_retry(&self, attempt: u32, retry_after: Option<Duration>) {
        self.retried.fetch_add(1, Ordering::SeqCst);
        let mut d = self.backoff(attempt);
        if let Some(ra) = retry_after {
            let ra = ra.min(self.retry.cap.max(Duration::from_secs(300)));
            self.pacer.pause(ra).await;
            d = d.max(ra);
        }
        tokio::time::sleep(d).await;
    }

    /// An idempotent request (GET, PATCH): retried on 429, 5xx and broken connections.
    pub async fn call(
        &self,
        kind: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let mut last = String::new();
        for attempt in 0..self.retry.attempts {
            match self.once(kind, &method, path, body).await {
                Outcome::Ok(v) => return Ok(v),
                Outcome::Fail(e) => return Err(e),
                Outcome::Limited(ra) => {
                    last = "HTTP 429".into();
                    self.wait_retry(attempt, ra).await;
                }
                Outcome::Ambiguous(m) => {
                    last = m;
                    self.wait_retry(attempt, None).await;
                }
            }
        }
        Err(ApiError::Unavailable {
            attempts: self.retry.attempts,
            last,
        })
    }

    pub async fn get(&self, kind: &str, path: &str) -> Result<Value, ApiError> {
        self.call(kind, Method::GET, path, None).await
    }

    /// A create (POST): after an ambiguous failure `find` looks for the object
    /// before it is sent again, so a committed write is adopted, not repeated.
    pub async fn create<F, Fut>(
        &self,
        kind: &str,
        path: &str,
        body: &Value,
        find: F,
    ) -> Result<Created, ApiError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Option<Value>, ApiError>>,
    {
        let mut last = String::new();
        for attempt in 0..self.retry.attempts {
            match self.once(kind, &Method::POST, path, Some(body)).await {
                Outcome::Ok(v) => {
                    return Ok(Created {
                        data: v,
                        adopted: false,
                    });
                }
                Outcome::Fail(e) => return Err(e),
                Outcome::Limited(ra) => {
                    last = "HTTP 429".into();
                    self.wait_retry(attempt, ra).await;
                }
                Outcome::Ambiguous(m) => {
                    last = m;
                    self.wait_retry(attempt, None).await;
                    if let Some(found) = find().await? {
                        return Ok(Created {
                            data: serde_json::json!({"data": found}),
                            adopted: true,
                        });
                    }
                }
            }
        }
        Err(ApiError::Unavailable {
            attempts: self.retry.attempts,
            last,
        })
    }
}

/// A created (or adopted) object: `data` is the JSON:API document.
pub struct Created {
    pub data: Value,
    pub adopted: bool,
}

/// The API's own message: `errors[0].detail ?? errors[0].title`.
fn message(v: &Value) -> String {
    let e = v.pointer("/errors/0");
    let text = |k: &str| {
        e.and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut m = text("detail")
        .or_else(|| text("title"))
        .unwrap_or_else(|| "no message".into());
    if let Some(p) = e
        .and_then(|e| e.pointer("/source/pointer"))
        .and_then(Value::as_str)
    {
        m = format!("{m} ({p})");
    }
    m
}

/// A transport error's text without the URL (which could carry query values).
/// The causes are appended (reqwest's own text hides "connection refused").
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cause = c.source();
    }
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "<url>");
    }
    s
}
