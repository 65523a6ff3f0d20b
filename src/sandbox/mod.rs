//! `cf2itglue sandbox`: a local IT Glue-compatible HTTP server on loopback for
//! rehearsals and tests, faithful to the research notes (itglue-api.md): the
//! subset upload and verify use, the rate limit, and faults on demand.
// Handlers return `Result<_, Response>`: the error is the HTTP answer itself,
// built once where the rule fails (axum's idiom); its size does not matter here.
#![allow(clippy::result_large_err)]

mod http;
pub mod limit;
mod resources;
mod routes;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;

pub use limit::Behaviour;
pub use store::Store;

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Must be a loopback address.
    pub listen: SocketAddr,
    /// The accepted API key; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    pub behaviour: Behaviour,
    /// Persist the state to this file after every write (and load it at start).
    pub state_file: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: None,
            behaviour: Behaviour::default(),
            state_file: None,
        }
    }
}

/// Shared between the request handlers and the test that holds the handle.
pub struct Shared {
    pub store: Mutex<Store>,
    pub behaviour: Mutex<Behaviour>,
    window: Mutex<limit::Window>,
    rng: Mutex<fastrand::Rng>,
    api_key: Option<String>,
    state_file: Option<PathBuf>,
    /// Base of the web URLs (`resource-url`, `download-url`).
    pub app_url: String,
}

/// A running sandbox; stops when dropped.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SandboxHandle {
    /// The API base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A copy of the whole state.
    pub fn store(&self) -> Store {
        self.shared.store.lock().expect("store lock").clone()
    }

    pub fn set_behaviour(&self, b: Behaviour) {
        *self.shared.rng.lock().expect("rng lock") = fastrand::Rng::with_seed(b.seed);
        *self.shared.behaviour.lock().expect("behaviour lock") = b;
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Errors starting the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("{0}: the sandbox listens on loopback addresses only")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    State {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Starts the sandbox on its own thread and runtime; returns once it listens.
pub fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    if !config.listen.ip().is_loopback() {
        return Err(SandboxError::NotLoopback(config.listen));
    }
    let store = match &config.state_file {
        Some(p) if p.exists() => Store::load(p).map_err(|source| SandboxError::State {
            path: p.clone(),
            source,
        })?,
        _ => Store::new(),
    };
    let std_listener =
        std::net::TcpListener::bind(config.listen).map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = std_listener
        .local_addr()
        .map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
    std_listener
        .set_nonblocking(true)
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        rng: Mutex::new(fastrand::Rng::with_seed(config.behaviour.seed)),
        behaviour: Mutex::new(config.behaviour.clone()),
        window: Mutex::new(limit::Window::default()),
        api_key: config.api_key.clone(),
        state_file: config.state_file.clone(),
        app_url: format!("http://{addr}"),
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // IT Glue documents no payload limit; allow a 10 MiB file in base64 and more.
    let app = Router::new()
        .fallback(entry)
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(shared.clone());
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
    });
    Ok(SandboxHandle {
        addr,
        shared,
        stop: Some(tx),
        thread: Some(thread),
    })
}

/// Every request comes here: sandbox routes, then auth, content type, the rate
/// limit and faults, latency, and the API routes.
async fn entry(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if path == "/_sandbox/state" {
        let dump = shared.store.lock().expect("store lock").dump();
        return http::respond(StatusCode::OK, &dump);
    }
    let behaviour = shared.behaviour.lock().expect("behaviour lock").clone();
    let route = routes::shape(&path);
    {
        let mut st = shared.store.lock().expect("store lock");
        st.stats.requests += 1;
        *st.stats
            .by_route
            .entry(format!("{method} {route}"))
            .or_default() += 1;
    }
    let resp = serve(&shared, &behaviour, &method, &uri, &headers, &body).await;
    let mut st = shared.store.lock().expect("store lock");
    *st.stats
        .by_status
        .entry(resp.status().as_u16())
        .or_default() += 1;
    resp
}

async fn serve(
    shared: &Arc<Shared>,
    b: &Behaviour,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    if !b.latency.is_zero() {
        tokio::time::sleep(b.latency).await;
    }
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let key_ok = !key.is_empty() && shared.api_key.as_deref().is_none_or(|k| k == key);
    if !key_ok {
        return http::error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            Some("invalid or missing x-api-key"),
            None,
        );
    }
    let has_body = !body.is_empty();
    if has_body {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with(http::JSONAPI) {
            return http::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type",
                None,
                None,
            );
        }
    }
    let is_write = *method != Method::GET;
    let fate = {
        let mut w = shared.window.lock().expect("window lock");
        let mut rng = shared.rng.lock().expect("rng lock");
        limit::decide(&mut w, &mut rng, b, is_write, Instant::now())
    };
    let fail = |status: u16| -> Response {
        if status == 0 {
            http::dropped()
        } else {
            let s = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            http::error(s, s.canonical_reason().unwrap_or("Error"), None, None)
        }
    };
    match fate {
        limit::Fate::Limited(wait) => {
            shared.store.lock().expect("store lock").stats.rate_limited += 1;
            let mut r = http::error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too Many Requests",
                Some("rate limit exceeded"),
                None,
            );
            r.headers_mut().insert(
                header::RETRY_AFTER,
                limit::retry_after(wait, b.precise_retry_after)
                    .parse()
                    .expect("digits"),
            );
            r
        }
        limit::Fate::Fail(status) => {
            shared.store.lock().expect("store lock").stats.faults += 1;
            fail(status)
        }
        limit::Fate::Lose(status) => {
            let resp = handle(shared, b, method, uri, body);
            if resp.status().is_success() {
                let mut st = shared.store.lock().expect("store lock");
                st.stats.lost_responses += 1;
                *st.stats
                    .lost_by_route
                    .entry(format!("{method} {}", routes::shape(uri.path())))
                    .or_default() += 1;
                drop(st);
                fail(status)
            } else {
                resp
            }
        }
        limit::Fate::Serve => handle(shared, b, method, uri, body),
    }
}

fn handle(
    shared: &Arc<Shared>,
    b: &Behaviour,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Response {
    let q = http::parse_query(uri.query());
    let mut st = shared.store.lock().expect("store lock");
    let ctx = routes::Ctx {
        app_url: &shared.app_url,
        folders_missing: b.folders_missing,
    };
    let resp = routes::dispatch(&mut st, &ctx, method, uri.path(), &q, body);
    if *method != Method::GET
        && resp.status().is_success()
        && let Some(p) = &shared.state_file
    {
        let _ = st.persist(p);
    }
    resp
}
