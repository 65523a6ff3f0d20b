//! HTTP plumbing of the sandbox: query strings with raw or encoded brackets,
//! JSON:API envelopes and error bodies, pagination `meta`/`links`, and a body
//! that breaks the connection on purpose (the "dropped connection" fault).

use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

pub const JSONAPI: &str = "application/vnd.api+json";

/// A parsed query string: `filter[...]`, `page[...]`, `include`, `sort`.
#[derive(Debug, Default, Clone)]
pub struct Query {
    /// Filter key (kebab-case) → value; `[ne]` filters are stored as `key!ne`.
    pub filters: BTreeMap<String, String>,
    pub page_number: Option<String>,
    pub page_size: Option<String>,
    pub include: Vec<String>,
    pub other: BTreeMap<String, String>,
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

/// snake_case → kebab-case (top-level attribute and filter keys).
pub fn kebab(s: &str) -> String {
    s.replace('_', "-")
}

pub fn parse_query(q: Option<&str>) -> Query {
    let mut out = Query::default();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        if let Some(rest) = k.strip_prefix("filter[") {
            // filter[name] or filter[document_folder_id][ne]
            let mut parts = rest.split("][");
            let name = parts.next().unwrap_or("").trim_end_matches(']');
            let op = parts.next().map(|o| o.trim_end_matches(']'));
            let key = match op {
                Some(op) => format!("{}!{}", kebab(name), op),
                None => kebab(name),
            };
            out.filters.insert(key, v);
        } else if k == "page[number]" {
            out.page_number = Some(v);
        } else if k == "page[size]" {
            out.page_size = Some(v);
        } else if k == "include" {
            out.include = v.split(',').map(|s| kebab(s.trim())).collect();
        } else {
            out.other.insert(k, v);
        }
    }
    out
}

/// Splits a filter value on commas, honouring `\,` escapes (KB-FILTER).
pub fn filter_values(v: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                out.last_mut().expect("one").push(',');
                chars.next();
            }
            ',' => out.push(String::new()),
            c => out.last_mut().expect("one").push(c),
        }
    }
    out
}

/// A JSON:API resource object.
pub fn resource(kind: &str, id: u64, attributes: &Map<String, Value>) -> Value {
    json!({"id": id.to_string(), "type": kind, "attributes": attributes})
}

pub fn respond(status: StatusCode, body: &Value) -> Response {
    let mut r = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSONAPI));
    r
}

/// A JSON:API error response (`status` as a number, as observed live).
pub fn error(
    status: StatusCode,
    title: &str,
    detail: Option<&str>,
    pointer: Option<&str>,
) -> Response {
    let mut e = json!({"status": status.as_u16(), "title": title});
    if let Some(d) = detail {
        e["detail"] = json!(d);
    }
    if let Some(p) = pointer {
        e["source"] = json!({"pointer": p});
    }
    respond(status, &json!({"errors": [e]}))
}

pub fn no_content() -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// A page of a list with `meta` and `links` (1-based pages, default 50, max 1000).
pub fn page(
    items: Vec<Value>,
    q: &Query,
    self_url: &str,
    included: Vec<Value>,
) -> Result<Value, Response> {
    let size: usize = match &q.page_size {
        None => 50,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    Some("page[size] must be between 1 and 1000"),
                    None,
                ));
            }
        },
    };
    let number: usize = q
        .page_number
        .as_deref()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1);
    let total = items.len();
    let pages = total.div_ceil(size).max(1);
    let data: Vec<Value> = items
        .into_iter()
        .skip((number - 1) * size)
        .take(size)
        .collect();
    let link = |n: usize| format!("{self_url}?page%5Bnumber%5D={n}&page%5Bsize%5D={size}");
    let next = (number < pages).then(|| number + 1);
    let prev = (number > 1).then(|| number - 1);
    let mut body = json!({
        "data": data,
        "meta": {"current-page": number, "next-page": next, "prev-page": prev,
                 "total-pages": pages, "total-count": total, "filters": {}},
        "links": {"self": link(number), "first": link(1),
                  "prev": prev.map(link), "next": next.map(link), "last": link(pages)},
    });
    if !included.is_empty() {
        body["included"] = Value::Array(included);
    }
    Ok(body)
}

/// A response body that fails as soon as it is polled: hyper then aborts the
/// connection, and the client sees a broken response.
struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "sandbox: connection dropped",
        ))))
    }
}

pub fn dropped() -> Response {
    let mut r = Response::new(Body::new(Broken));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSONAPI));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_accepts_raw_and_encoded_brackets() {
        let q = parse_query(Some(
            "filter%5Bdocument_folder_id%5D=null&filter[name]=Kub\\,%20R&page[size]=2&filter[document-folder-id][ne]=null",
        ));
        assert_eq!(q.filters["document-folder-id"], "null");
        assert_eq!(q.filters["document-folder-id!ne"], "null");
        assert_eq!(filter_values(&q.filters["name"]), vec!["Kub, R"]);
        assert_eq!(q.page_size.as_deref(), Some("2"));
    }
}
