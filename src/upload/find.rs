//! Looking an object up before (re)creating it: after a lost response, or for a
//! step a killed run left `pending`, upload searches by name and parent within
//! the organization and adopts what it finds instead of creating a duplicate.
//! Name matching is done here, exactly (the API's name filters are exact on
//! some resources, "contains" on others, and ignored on documents).

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::client::{ApiError, Client};

/// What to look for.
#[derive(Debug, Clone)]
pub enum Find {
    /// Nothing can be looked up (document images: there is no list route).
    Nothing,
    Org {
        name: String,
    },
    Folder {
        org: String,
        parent: Option<String>,
        name: String,
    },
    Document {
        org: String,
        folder: Option<String>,
        name: String,
    },
    Attachment {
        rtype: &'static str,
        id: String,
        name: String,
    },
    Section {
        doc: String,
        sort: usize,
    },
    FaType {
        name: String,
    },
    Fa {
        org: String,
        type_id: String,
        name: String,
    },
    Configuration {
        org: String,
        name: String,
    },
    Contact {
        org: String,
        first: String,
        last: String,
    },
    Password {
        org: String,
        name: String,
        resource: Option<String>,
    },
    /// A global named object: `configuration_types`, `password_categories`.
    Named {
        collection: &'static str,
        name: String,
    },
}

/// A filter value: commas escaped (KB-FILTER), then percent-encoded.
pub fn fv(s: &str) -> String {
    utf8_percent_encode(&s.replace(',', "\\,"), NON_ALPHANUMERIC).to_string()
}

fn attr<'a>(o: &'a Value, k: &str) -> Option<&'a Value> {
    o.get("attributes").and_then(|a| a.get(k))
}

fn attr_str<'a>(o: &'a Value, k: &str) -> &'a str {
    attr(o, k).and_then(Value::as_str).unwrap_or("")
}

/// An id attribute as text (ids are numbers in attributes, strings in `id`).
pub fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Every item of a list, page by page (bounded).
pub async fn list_all(client: &Client, kind: &str, path: &str) -> Result<Vec<Value>, ApiError> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    for page in 1..=10_000u32 {
        let v = client
            .get(
                kind,
                &format!("{path}{sep}page%5Bsize%5D=100&page%5Bnumber%5D={page}"),
            )
            .await?;
        if let Some(items) = v.get("data").and_then(Value::as_array) {
            out.extend(items.iter().cloned());
        }
        if v.pointer("/meta/next-page").is_none_or(Value::is_null) {
            break;
        }
    }
    Ok(out)
}

/// Which listed object is the one looked for.
type Pred = Box<dyn Fn(&Value) -> bool + Send>;

/// Looks the object up; returns the resource object when exactly found.
pub async fn find(client: &Client, kind: &str, f: &Find) -> Result<Option<Value>, ApiError> {
    let (path, pred): (String, Pred) = match f {
        Find::Nothing => return Ok(None),
        Find::Org { name } => {
            let n = name.clone();
            (
                format!("/organizations?filter%5Bname%5D={}", fv(name)),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
        Find::Folder { org, parent, name } => {
            let n = name.clone();
            let p = parent.clone().unwrap_or_else(|| "0".into());
            (
                format!(
                    "/organizations/{org}/relationships/document_folders?filter%5Bparent_id%5D={p}"
                ),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
        Find::Document { org, folder, name } => {
            let n = name.clone();
            let q = match folder {
                Some(f) => format!("?filter%5Bdocument_folder_id%5D={f}"),
                None => String::new(),
            };
            let want = folder.clone();
            (
                format!("/organizations/{org}/relationships/documents{q}"),
                Box::new(move |o| {
                    attr_str(o, "name") == n && id_text(attr(o, "document-folder-id")) == want
                }),
            )
        }
        Find::Attachment { rtype, id, name } => {
            let n = name.clone();
            (
                format!("/{rtype}/{id}/relationships/attachments"),
                Box::new(move |o| attr_str(o, "attachment-file-name") == n),
            )
        }
        Find::Section { doc, sort } => {
            let s = *sort as u64;
            (
                format!("/documents/{doc}/relationships/sections"),
                Box::new(move |o| attr(o, "sort").and_then(Value::as_u64) == Some(s)),
            )
        }
        Find::FaType { name } => {
            let n = name.clone();
            (
                format!("/flexible_asset_types?filter%5Bname%5D={}", fv(name)),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
        Find::Fa { org, type_id, name } => {
            let n = name.clone();
            (
                format!(
                    "/flexible_assets?filter%5Bflexible_asset_type_id%5D={type_id}&filter%5Borganization_id%5D={org}&filter%5Bname%5D={}",
                    fv(name)
                ),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
        Find::Configuration { org, name } => {
            let n = name.clone();
            (
                format!(
                    "/organizations/{org}/relationships/configurations?filter%5Bname%5D={}",
                    fv(name)
                ),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
        Find::Contact { org, first, last } => {
            let (fi, la) = (first.clone(), last.clone());
            (
                format!(
                    "/organizations/{org}/relationships/contacts?filter%5Bfirst_name%5D={}&filter%5Blast_name%5D={}",
                    fv(first),
                    fv(last)
                ),
                Box::new(move |o| {
                    attr_str(o, "first-name") == fi && attr_str(o, "last-name") == la
                }),
            )
        }
        Find::Password {
            org,
            name,
            resource,
        } => {
            let (n, r) = (name.clone(), resource.clone());
            (
                format!(
                    "/organizations/{org}/relationships/passwords?filter%5Bname%5D={}",
                    fv(name)
                ),
                Box::new(move |o| attr_str(o, "name") == n && id_text(attr(o, "resource-id")) == r),
            )
        }
        Find::Named { collection, name } => {
            let n = name.clone();
            (
                format!("/{collection}?filter%5Bname%5D={}", fv(name)),
                Box::new(move |o| attr_str(o, "name") == n),
            )
        }
    };
    let items = list_all(client, kind, &path).await?;
    Ok(items.into_iter().find(|o| pred(o)))
}
