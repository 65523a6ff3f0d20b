//! The sandbox's routes (itglue-api.md §2): collections, nested organization
//! routes, documents with sections, publish and images, attachments and related
//! items, with the filters upload and verify rely on.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::http::{Query, error, filter_values, page, resource, respond};
use super::resources::{self as res, unprocessable};
use super::store::{Related, Store, as_id};

pub struct Ctx<'a> {
    pub app_url: &'a str,
    pub folders_missing: bool,
}

/// The route with ids replaced by `:id`, for statistics.
pub fn shape(path: &str) -> String {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_digit()) {
                ":id".into()
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("/{}", segs.join("/"))
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "Not Found",
        Some("Record not found"),
        None,
    )
}

/// URL collection names → stored kinds.
fn kind_of_collection(c: &str) -> Option<&'static str> {
    Some(match c {
        "organizations" => "organizations",
        "document_folders" => "document-folders",
        "documents" => "documents",
        "flexible_asset_types" => "flexible-asset-types",
        "flexible_assets" => "flexible-assets",
        "configurations" => "configurations",
        "configuration_types" => "configuration-types",
        "contacts" => "contacts",
        "passwords" => "passwords",
        "password_categories" => "password-categories",
        _ => return None,
    })
}

fn parse_body(body: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            Some("body is not JSON"),
            None,
        )
    })
}

fn data_attrs(body: &[u8]) -> Result<(Map<String, Value>, Value), Response> {
    let v = parse_body(body)?;
    let data = v.get("data").cloned().unwrap_or(Value::Null);
    match data.get("attributes") {
        Some(Value::Object(a)) => Ok((res::normalise(a), data.clone())),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            Some("param is missing or the value is empty: data"),
            None,
        )),
    }
}

pub fn dispatch(
    st: &mut Store,
    ctx: &Ctx,
    m: &Method,
    path: &str,
    q: &Query,
    body: &[u8],
) -> Response {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let id = |s: &str| s.parse::<u64>().ok();
    if ctx.folders_missing && segs.contains(&"document_folders") {
        return not_found();
    }
    match segs.as_slice() {
        ["organizations", org, "relationships", coll, rest @ ..] => {
            let Some(org) = id(org).filter(|o| st.get("organizations", *o).is_some()) else {
                return not_found();
            };
            match *coll {
                "attachments" | "related_items" => {
                    sub(st, ctx, m, "organizations", org, coll, rest, q, body)
                }
                _ => {
                    let Some(kind) = kind_of_collection(coll) else {
                        return not_found();
                    };
                    match rest {
                        [] => collection(st, ctx, m, kind, Some(org), q, body),
                        [i] => member(st, m, kind, id(i), Some(org), q, body),
                        [i, "publish"] if kind == "documents" => publish(st, m, id(i)),
                        _ => not_found(),
                    }
                }
            }
        }
        ["documents", d, "publish"] => publish(st, m, id(d)),
        ["documents", d, "relationships", "sections", rest @ ..] => {
            sections(st, m, id(d), rest, q, body)
        }
        ["document_images"] if m == Method::POST => document_image(st, ctx, body),
        ["document_images", i] => match (m, id(i)) {
            (&Method::GET, Some(i)) => match st.get("document-images", i) {
                Some(o) => respond(
                    StatusCode::OK,
                    &json!({"data": resource("document-images", i, &o.attributes)}),
                ),
                None => not_found(),
            },
            (&Method::DELETE, Some(i)) if st.get("document-images", i).is_some() => {
                st.objects.remove(&i);
                super::http::no_content()
            }
            _ => not_found(),
        },
        [
            rtype,
            i,
            "relationships",
            what @ ("attachments" | "related_items"),
            rest @ ..,
        ] => {
            let Some(kind) = res::kind_of_url(rtype) else {
                return not_found();
            };
            let Some(i) = id(i) else { return not_found() };
            sub(st, ctx, m, kind, i, what, rest, q, body)
        }
        [coll] => match kind_of_collection(coll) {
            Some("document-folders") | None => not_found(),
            Some(kind) => collection(st, ctx, m, kind, None, q, body),
        },
        [coll, i] => match kind_of_collection(coll) {
            Some("document-folders") | None => not_found(),
            Some(kind) => member(st, m, kind, id(i), None, q, body),
        },
        _ => not_found(),
    }
}

fn in_org(o: &Map<String, Value>, org: Option<u64>) -> bool {
    org.is_none_or(|org| as_id(o.get("organization-id")) == Some(org))
}

fn value_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Does an object pass the filters its kind supports? Unknown filters are ignored.
fn passes(kind: &str, a: &Map<String, Value>, id: u64, q: &Query) -> bool {
    for (k, v) in &q.filters {
        let vals = filter_values(v);
        let exact = |attr: &str| vals.contains(&value_text(a.get(attr)));
        let ok = match (kind, k.as_str()) {
            (_, "id") => vals.contains(&id.to_string()),
            ("configurations" | "passwords", "name") => {
                let have = value_text(a.get("name")).to_lowercase();
                vals.iter().any(|v| have.contains(&v.to_lowercase()))
            }
            (
                "organizations"
                | "flexible-asset-types"
                | "configuration-types"
                | "password-categories"
                | "flexible-assets",
                "name",
            ) => exact("name"),
            ("document-folders", "parent-id") => {
                let p = value_text(a.get("parent-id"));
                vals.iter().any(|v| (v == "0" && p == "null") || *v == p)
            }
            ("documents", "document-folder-id") => v == "null" || exact("document-folder-id"),
            ("documents", "document-folder-id!ne") => value_text(a.get("document-folder-id")) != *v,
            ("flexible-assets", "flexible-asset-type-id" | "organization-id") => exact(k),
            ("configurations" | "contacts" | "passwords", "organization-id") => exact(k),
            ("contacts", "first-name" | "last-name") => exact(k),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    // Documents list root-level documents only unless a folder filter is given.
    if kind == "documents"
        && !q.filters.contains_key("document-folder-id")
        && !q.filters.contains_key("document-folder-id!ne")
        && !q.filters.contains_key("id")
    {
        return a.get("document-folder-id").is_none_or(Value::is_null);
    }
    true
}

/// The attributes as read: Tag traits expanded, document bodies embedded,
/// passwords hidden in lists.
fn read_attrs(
    st: &Store,
    kind: &str,
    id: u64,
    a: &Map<String, Value>,
    list: bool,
) -> Map<String, Value> {
    let mut a = a.clone();
    match kind {
        "flexible-assets" => res::expand_traits(st, &mut a),
        "documents" => {
            let rows: Vec<Value> = section_ids(st, id)
                .into_iter()
                .filter_map(|s| {
                    st.objects
                        .get(&s)
                        .map(|o| json!({"id": s, "resource": o.attributes}))
                })
                .collect();
            a.insert("content".into(), Value::Array(rows));
        }
        "passwords" if list => {
            a.remove("password");
        }
        _ => {}
    }
    a
}

fn collection(
    st: &mut Store,
    ctx: &Ctx,
    m: &Method,
    kind: &str,
    org: Option<u64>,
    q: &Query,
    body: &[u8],
) -> Response {
    match *m {
        Method::GET => {
            if kind == "flexible-assets" && !q.filters.contains_key("flexible-asset-type-id") {
                return unprocessable("filter[flexible_asset_type_id] is required", "filter");
            }
            let items: Vec<Value> = st
                .of_kind(kind)
                .filter(|(i, o)| in_org(&o.attributes, org) && passes(kind, &o.attributes, *i, q))
                .map(|(i, o)| resource(kind, i, &read_attrs(st, kind, i, &o.attributes, true)))
                .collect();
            let url = format!("{}{}", ctx.app_url, "/api");
            match page(items, q, &url, Vec::new()) {
                Ok(v) => respond(StatusCode::OK, &v),
                Err(r) => r,
            }
        }
        Method::POST => {
            let (attrs, data) = match data_attrs(body) {
                Ok(x) => x,
                Err(r) => return r,
            };
            let next = st.next_id + 1;
            let attrs = match res::prepare_create(st, ctx.app_url, kind, next, org, attrs) {
                Ok(a) => a,
                Err(r) => return r,
            };
            if kind == "flexible-asset-types" {
                return create_type(st, attrs, &data);
            }
            let id = st.insert(kind, attrs);
            debug_assert_eq!(id, next);
            let a = read_attrs(st, kind, id, &st.objects[&id].attributes, false);
            respond(
                StatusCode::CREATED,
                &json!({"data": resource(kind, id, &a)}),
            )
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            None,
            None,
        ),
    }
}

fn create_type(st: &mut Store, attrs: Map<String, Value>, data: &Value) -> Response {
    let fields = data
        .pointer("/relationships/flexible-asset-fields/data")
        .or_else(|| data.pointer("/relationships/flexible_asset_fields/data"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let fields: Vec<Map<String, Value>> = fields
        .iter()
        .filter_map(|f| {
            f.get("attributes")
                .and_then(Value::as_object)
                .map(res::normalise)
        })
        .collect();
    if fields.is_empty()
        || !fields
            .iter()
            .any(|f| f.get("show-in-list") == Some(&json!(true)))
    {
        return unprocessable(
            "needs at least one field shown in list",
            "flexible_asset_fields",
        );
    }
    let mut keys = std::collections::BTreeSet::new();
    for f in &fields {
        let name = f.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || !keys.insert(res::name_key(name)) {
            return unprocessable(
                "field name must be present and unique",
                "flexible_asset_fields",
            );
        }
    }
    let tid = st.insert("flexible-asset-types", attrs);
    for mut f in fields {
        let name = f
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        f.insert("name-key".into(), json!(res::name_key(&name)));
        f.insert("flexible-asset-type-id".into(), json!(tid));
        st.insert("flexible-asset-fields", f);
    }
    let a = st.objects[&tid].attributes.clone();
    respond(
        StatusCode::CREATED,
        &json!({"data": resource("flexible-asset-types", tid, &a)}),
    )
}

fn related_of(st: &Store, kind: &str, id: u64) -> Vec<Value> {
    st.related
        .iter()
        .filter_map(|r| {
            let (other_kind, other) = if r.source_type == kind && r.source_id == id {
                (&r.destination_type, r.destination_id)
            } else if r.destination_type == kind && r.destination_id == id {
                (&r.source_type, r.source_id)
            } else {
                return None;
            };
            let name = st
                .objects
                .get(&other)
                .and_then(|o| o.attributes.get("name").cloned());
            Some(
                json!({"id": r.id.to_string(), "type": "related-items", "attributes": {
                "asset-type": other_kind.trim_end_matches('s').replace('-', "_"),
                "resource-id": other, "destination-id": other, "destination-name": name,
                "destination-type": other_kind, "notes": r.notes}}),
            )
        })
        .collect()
}

fn member(
    st: &mut Store,
    m: &Method,
    kind: &str,
    id: Option<u64>,
    org: Option<u64>,
    q: &Query,
    body: &[u8],
) -> Response {
    let Some(id) = id.filter(|i| st.get(kind, *i).is_some_and(|o| in_org(&o.attributes, org)))
    else {
        return not_found();
    };
    match *m {
        Method::GET => {
            let a = read_attrs(st, kind, id, &st.objects[&id].attributes, false);
            let mut data = resource(kind, id, &a);
            let mut included = Vec::new();
            if q.include.iter().any(|i| i == "related-items") {
                let rel = related_of(st, kind, id);
                data["relationships"] = json!({"related-items": {"data": rel.iter().map(|r| json!({"id": r["id"], "type": "related-items"})).collect::<Vec<_>>()}});
                included.extend(rel);
            }
            if kind == "flexible-asset-types"
                && q.include.iter().any(|i| i == "flexible-asset-fields")
            {
                for (fid, f) in st.of_kind("flexible-asset-fields") {
                    if as_id(f.attributes.get("flexible-asset-type-id")) == Some(id) {
                        included.push(resource("flexible-asset-fields", fid, &f.attributes));
                    }
                }
            }
            let mut v = json!({"data": data});
            if !included.is_empty() {
                v["included"] = Value::Array(included);
            }
            respond(StatusCode::OK, &v)
        }
        Method::PATCH => {
            let (attrs, data) = match data_attrs(body) {
                Ok(x) => x,
                Err(r) => return r,
            };
            if data.get("relationships").is_some() {
                return unprocessable("relationships are not permitted on update", "relationships");
            }
            if kind == "documents" && attrs.contains_key("document-folder-id") {
                return unprocessable(
                    "document_folder_id is not permitted in PATCH",
                    "document_folder_id",
                );
            }
            if kind == "flexible-assets"
                && let Some(Value::Object(t)) = attrs.get("traits")
            {
                let tid =
                    as_id(st.objects[&id].attributes.get("flexible-asset-type-id")).unwrap_or(0);
                match res::check_traits(st, tid, t) {
                    Ok(name) => {
                        st.objects
                            .get_mut(&id)
                            .expect("exists")
                            .attributes
                            .insert("name".into(), json!(name));
                    }
                    Err(r) => return r,
                }
            }
            let o = st.objects.get_mut(&id).expect("exists");
            for (k, v) in attrs {
                if !matches!(
                    k.as_str(),
                    "id" | "organization-id" | "resource-url" | "created-at"
                ) {
                    // Full-trait replace: traits is one attribute, replaced whole.
                    o.attributes.insert(k, v);
                }
            }
            let a = read_attrs(st, kind, id, &st.objects[&id].attributes, false);
            respond(StatusCode::OK, &json!({"data": resource(kind, id, &a)}))
        }
        Method::DELETE if matches!(kind, "passwords" | "flexible-assets") => {
            st.objects.remove(&id);
            super::http::no_content()
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            None,
            None,
        ),
    }
}

fn publish(st: &mut Store, m: &Method, id: Option<u64>) -> Response {
    if *m != Method::PATCH {
        return not_found(); // POST /documents/:id/publish answers 404 (observed live)
    }
    let Some(id) = id.filter(|i| st.get("documents", *i).is_some()) else {
        return not_found();
    };
    let o = st.objects.get_mut(&id).expect("exists");
    o.attributes.insert("published".into(), json!(true));
    o.attributes.insert("draft".into(), json!(false));
    o.attributes
        .insert("published-at".into(), json!(res::STAMP));
    let a = read_attrs(st, "documents", id, &st.objects[&id].attributes, false);
    respond(
        StatusCode::OK,
        &json!({"data": resource("documents", id, &a)}),
    )
}

fn section_ids(st: &Store, doc: u64) -> Vec<u64> {
    let mut v: Vec<(i64, u64)> = st
        .of_kind("document-sections")
        .filter(|(_, o)| as_id(o.attributes.get("document-id")) == Some(doc))
        .map(|(i, o)| {
            (
                o.attributes
                    .get("sort")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                i,
            )
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, i)| i).collect()
}

fn sections(
    st: &mut Store,
    m: &Method,
    doc: Option<u64>,
    rest: &[&str],
    q: &Query,
    body: &[u8],
) -> Response {
    let Some(doc) = doc.filter(|d| st.get("documents", *d).is_some()) else {
        return not_found();
    };
    match (m, rest) {
        (&Method::GET, []) => {
            let items = section_ids(st, doc)
                .into_iter()
                .map(|i| resource("document-sections", i, &st.objects[&i].attributes))
                .collect();
            match page(items, q, "/sections", Vec::new()) {
                Ok(v) => respond(StatusCode::OK, &v),
                Err(r) => r,
            }
        }
        (&Method::POST, []) => {
            let (mut a, data) = match data_attrs(body) {
                Ok(x) => x,
                Err(r) => return r,
            };
            if data.get("relationships").is_some() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    Some("param is missing or the value is empty: resource_type"),
                    None,
                );
            }
            let rt = a
                .get("resource-type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if !matches!(
                rt.as_str(),
                "Document::Text" | "Document::Heading" | "Document::Gallery" | "Document::Step"
            ) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    Some("param is missing or the value is empty: resource_type"),
                    None,
                );
            }
            if rt == "Document::Heading"
                && !a
                    .get("level")
                    .and_then(Value::as_u64)
                    .is_some_and(|l| (1..=6).contains(&l))
            {
                return unprocessable("level must be between 1 and 6", "level");
            }
            let sort = section_ids(st, doc).len();
            a.insert("document-id".into(), json!(doc));
            a.insert("sort".into(), json!(sort));
            let content = a
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            a.insert("rendered-content".into(), json!(content));
            a.insert("created-at".into(), json!(res::STAMP));
            let id = st.insert("document-sections", a);
            st.objects
                .get_mut(&doc)
                .expect("doc")
                .attributes
                .insert("draft".into(), json!(true));
            respond(
                StatusCode::CREATED,
                &json!({"data": resource("document-sections", id, &st.objects[&id].attributes)}),
            )
        }
        (_, [s]) => {
            let Some(s) = s.parse::<u64>().ok().filter(|s| {
                st.get("document-sections", *s)
                    .is_some_and(|o| as_id(o.attributes.get("document-id")) == Some(doc))
            }) else {
                return not_found();
            };
            match *m {
                Method::GET => respond(
                    StatusCode::OK,
                    &json!({"data": resource("document-sections", s, &st.objects[&s].attributes)}),
                ),
                Method::PATCH => {
                    let (a, _) = match data_attrs(body) {
                        Ok(x) => x,
                        Err(r) => return r,
                    };
                    let o = st.objects.get_mut(&s).expect("exists");
                    if let Some(c) = a.get("content") {
                        o.attributes.insert("content".into(), c.clone());
                        o.attributes.insert("rendered-content".into(), c.clone());
                    }
                    st.objects
                        .get_mut(&doc)
                        .expect("doc")
                        .attributes
                        .insert("draft".into(), json!(true));
                    respond(
                        StatusCode::OK,
                        &json!({"data": resource("document-sections", s, &st.objects[&s].attributes)}),
                    )
                }
                Method::DELETE => {
                    st.objects.remove(&s);
                    super::http::no_content()
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn document_image(st: &mut Store, ctx: &Ctx, body: &[u8]) -> Response {
    let (a, _) = match data_attrs(body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let target = a.get("target").cloned().unwrap_or(Value::Null);
    let doc = match (
        target.get("type").and_then(Value::as_str),
        as_id(target.get("id")),
    ) {
        (Some("document"), Some(d)) if st.get("documents", d).is_some() => d,
        _ => return unprocessable("target must be an existing document or gallery", "target"),
    };
    let image = a.get("image").cloned().unwrap_or(Value::Null);
    // Nested keys are not case-converted: `file-name` with a hyphen.
    let (Some(content), Some(name)) = (
        image.get("content").and_then(Value::as_str),
        image.get("file-name").and_then(Value::as_str),
    ) else {
        return unprocessable("image content and file-name are required", "image");
    };
    let bytes = match res::decode_image(content) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let org = as_id(st.objects[&doc].attributes.get("organization-id")).unwrap_or(0);
    let id = st.next_id + 1;
    let src = format!(
        "{}/_sandbox/blobs/{}",
        ctx.app_url,
        blake3::hash(&bytes).to_hex()
    );
    let attrs = json!({
        "name": name, "size": bytes.len(), "blake3": blake3::hash(&bytes).to_hex().to_string(),
        "document-id": doc, "document-gallery-id": null, "target": {"type": "document", "id": doc},
        "inline-resource-url": format!("/{org}/docs/{doc}/images/{id}"),
        "original-src": src, "slim-src": src, "thumbnail-src": src,
        "created-at": res::STAMP, "updated-at": res::STAMP,
    });
    let Value::Object(attrs) = attrs else {
        unreachable!()
    };
    let id2 = st.insert("document-images", attrs);
    debug_assert_eq!(id, id2);
    respond(
        StatusCode::CREATED,
        &json!({"data": resource("document-images", id, &st.objects[&id].attributes)}),
    )
}

#[allow(clippy::too_many_arguments)]
fn sub(
    st: &mut Store,
    ctx: &Ctx,
    m: &Method,
    kind: &str,
    parent: u64,
    what: &str,
    rest: &[&str],
    q: &Query,
    body: &[u8],
) -> Response {
    if st.get(kind, parent).is_none() {
        return not_found();
    }
    match (what, m, rest) {
        ("attachments", &Method::GET, []) => {
            let items = st
                .of_kind("attachments")
                .filter(|(_, o)| {
                    o.attributes.get("resource-type") == Some(&json!(kind))
                        && as_id(o.attributes.get("resource-id")) == Some(parent)
                })
                .map(|(i, o)| resource("attachments", i, &o.attributes))
                .collect();
            match page(items, q, "/attachments", Vec::new()) {
                Ok(v) => respond(StatusCode::OK, &v),
                Err(r) => r,
            }
        }
        ("attachments", &Method::POST, []) if kind != "organizations" => {
            let (a, _) = match data_attrs(body) {
                Ok(x) => x,
                Err(r) => return r,
            };
            let att = a.get("attachment").cloned().unwrap_or(Value::Null);
            // Nested keys are not case-converted: `file_name` with an underscore.
            let (Some(content), Some(name)) = (
                att.get("content").and_then(Value::as_str),
                att.get("file_name").and_then(Value::as_str),
            ) else {
                return unprocessable(
                    "attachment content and file_name are required",
                    "attachment",
                );
            };
            let bytes = match res::decode_file(content) {
                Ok(b) => b,
                Err(r) => return r,
            };
            let id = st.next_id + 1;
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_lowercase())
                .unwrap_or_default();
            let attrs = json!({
                "name": name, "attachment-file-name": name, "attachment-file-size": bytes.len(),
                "ext": ext, "viewable": false, "blake3": blake3::hash(&bytes).to_hex().to_string(),
                "download-url": format!("{}/attachments/{id}", ctx.app_url),
                "resource-type": kind, "resource-id": parent,
                "created-at": res::STAMP, "updated-at": res::STAMP,
            });
            let Value::Object(attrs) = attrs else {
                unreachable!()
            };
            st.insert("attachments", attrs);
            respond(
                StatusCode::CREATED,
                &json!({"data": resource("attachments", id, &st.objects[&id].attributes)}),
            )
        }
        ("related_items", &Method::POST, []) => {
            let v = match parse_body(body) {
                Ok(v) => v,
                Err(r) => return r,
            };
            let items = match v.get("data") {
                Some(Value::Array(a)) => a.clone(),
                Some(o @ Value::Object(_)) => vec![o.clone()],
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "Bad Request",
                        Some("param is missing or the value is empty: data"),
                        None,
                    );
                }
            };
            let mut out = Vec::new();
            for it in items {
                let a = it
                    .get("attributes")
                    .and_then(Value::as_object)
                    .map(res::normalise)
                    .unwrap_or_default();
                let dtype = a
                    .get("destination-type")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let Some(dkind) = res::kind_of_title(dtype) else {
                    return unprocessable("is not included in the list", "destination_type");
                };
                let Some(did) =
                    as_id(a.get("destination-id")).filter(|d| st.get(dkind, *d).is_some())
                else {
                    return unprocessable("must exist", "destination_id");
                };
                let dup = st.related.iter().any(|r| {
                    (r.source_type == kind
                        && r.source_id == parent
                        && r.destination_type == dkind
                        && r.destination_id == did)
                        || (r.source_type == dkind
                            && r.source_id == did
                            && r.destination_type == kind
                            && r.destination_id == parent)
                });
                if dup {
                    return unprocessable("Related item already exists", "destination_id");
                }
                st.next_id += 1;
                let r = Related {
                    id: st.next_id,
                    source_type: kind.into(),
                    source_id: parent,
                    destination_type: dkind.into(),
                    destination_id: did,
                    notes: a.get("notes").and_then(Value::as_str).map(str::to_string),
                };
                out.push(
                    json!({"id": r.id.to_string(), "type": "related-items", "attributes": {
                    "destination-id": did, "destination-type": dtype, "notes": r.notes}}),
                );
                st.related.push(r);
            }
            let data = if out.len() == 1 {
                out.remove(0)
            } else {
                Value::Array(out)
            };
            respond(StatusCode::CREATED, &json!({"data": data}))
        }
        _ => not_found(),
    }
}
