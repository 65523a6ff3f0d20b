//! The rules of each resource kind: required attributes and foreign keys (422
//! bodies as observed live), server-filled attributes (`resource-url`, names,
//! `name-key`, draft state) and the read-time expansions (Tag traits).

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use serde_json::{Map, Value, json};

use super::http::{error, kebab};
use super::store::{Store, as_id};

pub const STAMP: &str = "2026-01-01T00:00:00.000Z";

pub fn unprocessable(title: &str, pointer: &str) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        title,
        None,
        Some(&format!("/data/attributes/{pointer}")),
    )
}

/// Top-level attribute keys to kebab-case (nested objects are kept verbatim).
pub fn normalise(attrs: &Map<String, Value>) -> Map<String, Value> {
    attrs.iter().map(|(k, v)| (kebab(k), v.clone())).collect()
}

fn name_of(st: &Store, kind: &str, id: u64) -> Value {
    st.get(kind, id)
        .and_then(|o| o.attributes.get("name").cloned())
        .unwrap_or(Value::Null)
}

fn require_str(a: &Map<String, Value>, key: &str) -> Result<String, Response> {
    match a.get(key).and_then(Value::as_str).map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(unprocessable(
            &format!("{} can't be blank", key.replace('-', "_")),
            key,
        )),
    }
}

/// Resolves and checks the organization of a new org-scoped object.
fn org_of(st: &Store, a: &mut Map<String, Value>, nested: Option<u64>) -> Result<u64, Response> {
    let org = nested.or_else(|| as_id(a.get("organization-id")));
    match org {
        Some(o) if st.get("organizations", o).is_some() => {
            a.insert("organization-id".into(), json!(o));
            a.insert("organization-name".into(), name_of(st, "organizations", o));
            Ok(o)
        }
        _ => Err(unprocessable(
            "Valid organization_id is required",
            "organization_id",
        )),
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Checks a create and fills server attributes. `id` is the id it will get.
pub fn prepare_create(
    st: &Store,
    app: &str,
    kind: &str,
    id: u64,
    nested_org: Option<u64>,
    mut a: Map<String, Value>,
) -> Result<Map<String, Value>, Response> {
    a.insert("created-at".into(), json!(STAMP));
    a.insert("updated-at".into(), json!(STAMP));
    match kind {
        "organizations" => {
            require_str(&a, "name")?;
            a.insert("resource-url".into(), json!(format!("{app}/{id}")));
        }
        "configuration-types" | "password-categories" => {
            require_str(&a, "name")?;
        }
        "document-folders" => {
            require_str(&a, "name")?;
            let org = org_of(st, &mut a, nested_org)?;
            let parent = as_id(a.get("parent-id"));
            let mut ancestors = Vec::new();
            if let Some(p) = parent {
                let Some(pf) = st.get("document-folders", p) else {
                    return Err(unprocessable("must exist", "parent_id"));
                };
                if as_id(pf.attributes.get("organization-id")) != Some(org) {
                    return Err(unprocessable(
                        "must exist in the same organization",
                        "parent_id",
                    ));
                }
                if let Some(Value::Array(up)) = pf.attributes.get("ancestor-ids") {
                    ancestors.extend(up.iter().cloned());
                }
                ancestors.push(json!(p));
            }
            a.insert("parent-id".into(), parent.map_or(Value::Null, |p| json!(p)));
            a.insert("ancestor-ids".into(), Value::Array(ancestors));
            a.entry("restricted").or_insert(json!(false));
            a.insert(
                "resource-url".into(),
                json!(format!("{app}/{org}/documents/folder/{id}")),
            );
        }
        "documents" => {
            require_str(&a, "name")?;
            let org = org_of(st, &mut a, nested_org)?;
            let folder = as_id(a.get("document-folder-id"));
            if let Some(f) = folder {
                let ok = st
                    .get("document-folders", f)
                    .is_some_and(|o| as_id(o.attributes.get("organization-id")) == Some(org));
                if !ok {
                    return Err(unprocessable(
                        "must exist in the same organization",
                        "document_folder_id",
                    ));
                }
            }
            // A top-level content attribute is accepted but not kept (bodies are sections).
            a.remove("content");
            a.insert(
                "document-folder-id".into(),
                folder.map_or(Value::Null, |f| json!(f)),
            );
            for k in ["restricted", "public", "archived", "my-glue", "is-uploaded"] {
                a.entry(k).or_insert(json!(false));
            }
            a.insert("published".into(), json!(false));
            a.insert("draft".into(), json!(true));
            a.insert("published-at".into(), Value::Null);
            a.insert(
                "resource-url".into(),
                json!(format!("{app}/{org}/docs/{id}")),
            );
        }
        "configurations" => {
            require_str(&a, "name")?;
            let org = org_of(st, &mut a, nested_org)?;
            let t = as_id(a.get("configuration-type-id"));
            match t {
                Some(t) if st.get("configuration-types", t).is_some() => {
                    a.insert(
                        "configuration-type-name".into(),
                        name_of(st, "configuration-types", t),
                    );
                }
                _ => {
                    return Err(error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Unprocessable Entity",
                        Some("must exist"),
                        Some("/data/attributes/configuration-type"),
                    ));
                }
            }
            a.insert(
                "resource-url".into(),
                json!(format!("{app}/{org}/configurations/{id}")),
            );
        }
        "contacts" => {
            let org = org_of(st, &mut a, nested_org)?;
            let first = a.get("first-name").and_then(Value::as_str).unwrap_or("");
            let last = a.get("last-name").and_then(Value::as_str).unwrap_or("");
            if first.is_empty() && last.is_empty() {
                return Err(unprocessable(
                    "first_name or last_name is required",
                    "first_name",
                ));
            }
            let name = format!("{first} {last}").trim().to_string();
            a.insert("name".into(), json!(name));
            a.insert(
                "resource-url".into(),
                json!(format!("{app}/{org}/contacts/{id}")),
            );
        }
        "passwords" => {
            require_str(&a, "name")?;
            require_str(&a, "password")?;
            let org = org_of(st, &mut a, nested_org)?;
            if let Some(c) = as_id(a.get("password-category-id")) {
                if st.get("password-categories", c).is_none() {
                    return Err(unprocessable("must exist", "password_category_id"));
                }
                a.insert(
                    "password-category-name".into(),
                    name_of(st, "password-categories", c),
                );
            }
            let rid = as_id(a.get("resource-id"));
            let rtype = a
                .get("resource-type")
                .and_then(Value::as_str)
                .map(str::to_string);
            match (rid, rtype) {
                (None, None) => {}
                (Some(r), Some(t)) => {
                    let Some(k) = kind_of_title(&t) else {
                        return Err(unprocessable(
                            "is not included in the list",
                            "resource_type",
                        ));
                    };
                    if st.get(k, r).is_none() {
                        return Err(unprocessable("must exist", "resource_id"));
                    }
                    a.insert("cached-resource-name".into(), name_of(st, k, r));
                }
                _ => {
                    return Err(unprocessable(
                        "resource_id and resource_type go together",
                        "resource_id",
                    ));
                }
            }
            a.insert(
                "resource-url".into(),
                json!(format!("{app}/{org}/passwords/{id}")),
            );
        }
        "flexible-assets" => {
            let org = org_of(st, &mut a, nested_org)?;
            let t = as_id(a.get("flexible-asset-type-id"));
            let Some(t) = t.filter(|t| st.get("flexible-asset-types", *t).is_some()) else {
                return Err(unprocessable("must exist", "flexible_asset_type_id"));
            };
            let traits = match a.get("traits") {
                Some(Value::Object(m)) => m.clone(),
                _ => return Err(unprocessable("traits can't be blank", "traits")),
            };
            let name = check_traits(st, t, &traits)?;
            let tname = name_of(st, "flexible-asset-types", t);
            a.insert("name".into(), json!(name));
            a.insert("flexible-asset-type-name".into(), tname.clone());
            a.insert(
                "resource-url".into(),
                json!(format!(
                    "{app}/{org}/assets/{t}-{}/records/{id}",
                    slug(tname.as_str().unwrap_or(""))
                )),
            );
        }
        _ => {}
    }
    Ok(a)
}

/// Title-case destination/resource types → stored kinds.
pub fn kind_of_title(t: &str) -> Option<&'static str> {
    Some(match t {
        "Configuration" => "configurations",
        "Contact" => "contacts",
        "Document" => "documents",
        "Document Folder" => "document-folders",
        "Organization" => "organizations",
        "Password" => "passwords",
        "Flexible Asset" => "flexible-assets",
        _ => return None,
    })
}

/// URL resource names (`/:resource_type/:id/relationships/...`) → stored kinds.
pub fn kind_of_url(t: &str) -> Option<&'static str> {
    Some(match t {
        "configurations" => "configurations",
        "contacts" => "contacts",
        "documents" => "documents",
        "passwords" => "passwords",
        "flexible_assets" => "flexible-assets",
        "organizations" => "organizations",
        _ => return None,
    })
}

/// Checks traits against the type's fields; returns the asset name (title fields).
pub fn check_traits(
    st: &Store,
    type_id: u64,
    traits: &Map<String, Value>,
) -> Result<String, Response> {
    let fields: Vec<&Map<String, Value>> = st
        .of_kind("flexible-asset-fields")
        .filter(|(_, f)| as_id(f.attributes.get("flexible-asset-type-id")) == Some(type_id))
        .map(|(_, f)| &f.attributes)
        .collect();
    for k in traits.keys() {
        if !fields
            .iter()
            .any(|f| f.get("name-key").and_then(Value::as_str) == Some(k))
        {
            return Err(unprocessable(&format!("unknown trait {k}"), "traits"));
        }
    }
    let mut title = Vec::new();
    for f in &fields {
        let key = f.get("name-key").and_then(Value::as_str).unwrap_or("");
        let v = traits.get(key).filter(|v| !v.is_null());
        if f.get("required") == Some(&json!(true)) && v.is_none() {
            return Err(unprocessable(&format!("{key} can't be blank"), "traits"));
        }
        if f.get("use-for-title") == Some(&json!(true))
            && let Some(v) = v
        {
            title.push(v.as_str().map_or_else(|| v.to_string(), str::to_string));
        }
    }
    Ok(title.join(" "))
}

/// Tag traits read back as `{type, values: [{id, name}]}`.
pub fn expand_traits(st: &Store, attrs: &mut Map<String, Value>) {
    let Some(t) = as_id(attrs.get("flexible-asset-type-id")) else {
        return;
    };
    let Some(Value::Object(traits)) = attrs.get_mut("traits") else {
        return;
    };
    for (_, f) in st.of_kind("flexible-asset-fields") {
        let fa = &f.attributes;
        if as_id(fa.get("flexible-asset-type-id")) != Some(t)
            || fa.get("kind") != Some(&json!("Tag"))
        {
            continue;
        }
        let key = fa.get("name-key").and_then(Value::as_str).unwrap_or("");
        let Some(v) = traits.get_mut(key) else {
            continue;
        };
        let ids: Vec<u64> = match &*v {
            Value::Array(a) => a.iter().filter_map(|x| as_id(Some(x))).collect(),
            x => as_id(Some(x)).into_iter().collect(),
        };
        let values: Vec<Value> = ids
            .iter()
            .map(|id| {
                let name = st
                    .objects
                    .get(id)
                    .and_then(|o| o.attributes.get("name").cloned());
                json!({"id": id, "name": name})
            })
            .collect();
        *v = json!({"type": fa.get("tag-type"), "values": values});
    }
}

/// `name-key` from a field name: lower-case, runs of other characters → `-`.
pub fn name_key(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Decodes base64 content and checks it is a raster image ImageMagick knows.
pub fn decode_image(content: &str) -> Result<Vec<u8>, Response> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .map_err(|_| {
            unprocessable(
                "Paperclip::Errors::NotIdentifiedByImageMagickError",
                "image",
            )
        })?;
    let known = bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"\xff\xd8\xff")
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"BM")
        || (bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP");
    if !known {
        return Err(unprocessable(
            "Paperclip::Errors::NotIdentifiedByImageMagickError",
            "image",
        ));
    }
    Ok(bytes)
}

pub fn decode_file(content: &str) -> Result<Vec<u8>, Response> {
    base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .map_err(|_| unprocessable("content is not valid base64", "attachment"))
}
