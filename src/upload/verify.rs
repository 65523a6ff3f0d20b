//! `cf2itglue verify`: read IT Glue back and compare it with the bundle and the
//! ledger. Every bundle record must be in the ledger, present in IT Glue under
//! that id, and alone under its name and parent (no duplicate); documents must be
//! published, their bodies free of links to the old wiki and of `../blobs/`
//! paths, and every inline image must resolve to a document image.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::client::{ApiError, Client};
use super::find::{fv, id_text, list_all};
use super::ledger::Ledger;
use super::{UploadError, UploadOptions};
use crate::bundle::read::load;

/// One mismatch.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mismatch {
    pub key: String,
    pub problem: String,
}

/// Counts for one kind: in the bundle, found once in IT Glue, and all objects
/// of that kind IT Glue holds in the organizations concerned.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct KindCount {
    pub bundle: u64,
    pub found: u64,
    pub in_itglue: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Kind → counts, per organization key.
    pub counts: BTreeMap<String, BTreeMap<String, KindCount>>,
    pub mismatches: Vec<Mismatch>,
    pub requests: u64,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Markers of a link target that still points at the old wiki or the bundle.
const STALE: &[&str] = &[
    "blobs/",
    "/wiki/spaces/",
    "/wiki/x/",
    "/display/",
    "viewpage.action",
    "/download/attachments/",
    "atlassian.net/wiki",
];

/// Link targets (`href`, `src`) of a body that point at the old wiki or the
/// bundle, and `data-cf2itglue-*` attributes left unrewritten. An old URL
/// quoted as plain text is not a link and is not reported.
fn stale_links(html: &str) -> Vec<String> {
    let frag = scraper::Html::parse_fragment(html);
    let sel = scraper::Selector::parse("*").expect("selector");
    let mut out = Vec::new();
    for e in frag.select(&sel) {
        for (name, value) in e.value().attrs() {
            if name.starts_with("data-cf2itglue-") {
                out.push(format!("{name}={value:?} left in the body"));
            } else if matches!(name, "href" | "src") && STALE.iter().any(|m| value.contains(m)) {
                out.push(format!(
                    "{name}={value:?} points at the old wiki or the bundle"
                ));
            }
        }
    }
    out
}

fn attr<'a>(o: &'a Value, k: &str) -> Option<&'a Value> {
    o.get("attributes").and_then(|a| a.get(k))
}

fn s<'a>(o: &'a Value, k: &str) -> &'a str {
    attr(o, k).and_then(Value::as_str).unwrap_or("")
}

/// The identity two objects of one kind must not share (name and parent).
fn identity(kind: &str, o: &Value) -> String {
    match kind {
        "folders" => format!(
            "{}|{}",
            s(o, "name"),
            id_text(attr(o, "parent-id")).unwrap_or_default()
        ),
        "documents" => format!(
            "{}|{}",
            s(o, "name"),
            id_text(attr(o, "document-folder-id")).unwrap_or_default()
        ),
        "contacts" => format!("{}|{}", s(o, "first-name"), s(o, "last-name")),
        "passwords" => format!(
            "{}|{}",
            s(o, "name"),
            id_text(attr(o, "resource-id")).unwrap_or_default()
        ),
        "flexible_assets" => format!(
            "{}|{}",
            s(o, "name"),
            id_text(attr(o, "flexible-asset-type-id")).unwrap_or_default()
        ),
        _ => s(o, "name").to_string(),
    }
}

/// The img `src` values of an HTML fragment.
fn image_sources(html: &str) -> Vec<String> {
    let frag = scraper::Html::parse_fragment(html);
    let sel = scraper::Selector::parse("img[src]").expect("selector");
    frag.select(&sel)
        .filter_map(|e| e.value().attr("src").map(str::to_string))
        .collect()
}

/// Verifies IT Glue against the bundle and its ledger.
pub fn verify(opts: &UploadOptions) -> Result<VerifyReport, UploadError> {
    let bundle = load(&opts.bundle)?;
    let path = opts.ledger_path();
    if !path.exists() {
        return Err(UploadError::Client(format!(
            "{}: no upload ledger (upload this bundle first, or pass --ledger)",
            path.display()
        )));
    }
    let ledger = Ledger::open(&path, &bundle.manifest_hash, &opts.url)?;
    let client = Client::new(
        &opts.url,
        opts.key.clone(),
        opts.rate,
        opts.concurrency,
        opts.retry,
        None,
    )
    .map_err(UploadError::Client)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UploadError::Client(format!("cannot start the runtime: {e}")))?;
    let mut report = rt
        .block_on(check(&client, &bundle, &ledger, &opts.limits))
        .map_err(UploadError::Api)?;
    report.requests = client.sent.load(std::sync::atomic::Ordering::SeqCst);
    report
        .mismatches
        .sort_by(|a, b| (&a.key, &a.problem).cmp(&(&b.key, &b.problem)));
    Ok(report)
}

async fn check(
    client: &Client,
    bundle: &crate::bundle::read::Loaded,
    ledger: &Ledger,
    limits: &super::plan::Limits,
) -> Result<VerifyReport, ApiError> {
    let mut r = VerifyReport::default();
    let recs = &bundle.records;
    let mut miss = |key: &str, problem: String| {
        r.mismatches.push(Mismatch {
            key: key.to_string(),
            problem,
        });
    };
    let id_of = |k: &str| ledger.done(k).and_then(|e| e.id);
    let flat = ledger
        .done("mode/folders")
        .is_some_and(|e| e.extra == "flat");

    // (kind, org key, record key) for every record IT Glue should hold per organization.
    let mut wanted: Vec<(&str, &str, &str)> = Vec::new();
    if !flat {
        wanted.extend(
            recs.folders
                .iter()
                .map(|f| ("folders", f.org.as_str(), f.key.as_str())),
        );
    }
    wanted.extend(
        recs.documents
            .iter()
            .map(|d| ("documents", d.org.as_str(), d.key.as_str())),
    );
    wanted.extend(
        recs.configurations
            .iter()
            .map(|c| ("configurations", c.org.as_str(), c.key.as_str())),
    );
    wanted.extend(
        recs.contacts
            .iter()
            .map(|c| ("contacts", c.org.as_str(), c.key.as_str())),
    );
    wanted.extend(
        recs.passwords
            .iter()
            .map(|p| ("passwords", p.org.as_str(), p.key.as_str())),
    );
    wanted.extend(
        recs.flexible_assets
            .iter()
            .map(|a| ("flexible_assets", a.org.as_str(), a.key.as_str())),
    );

    let mut listed: HashMap<(String, &str), Vec<Value>> = HashMap::new();
    let mut bodies: Vec<(String, String)> = Vec::new();
    for o in &recs.organizations {
        let Some(org) = id_of(&o.key) else {
            miss(&o.key, "organization not in the ledger".into());
            continue;
        };
        let named = list_all(
            client,
            "verify",
            &format!("/organizations?filter%5Bname%5D={}", fv(&o.name)),
        )
        .await?;
        let same: Vec<&Value> = named.iter().filter(|x| s(x, "name") == o.name).collect();
        let c = r
            .counts
            .entry(o.key.clone())
            .or_default()
            .entry("organizations".into())
            .or_default();
        c.bundle = 1;
        c.in_itglue = same.len() as u64;
        if !same
            .iter()
            .any(|x| id_text(x.get("id")).as_deref() == Some(org.as_str()))
        {
            miss(&o.key, format!("organization {org} is not in IT Glue"));
            continue;
        }
        if same.len() != 1 {
            miss(
                &o.key,
                format!(
                    "{} organizations named {:?} (expected one)",
                    same.len(),
                    o.name
                ),
            );
            continue;
        }
        c.found = 1;
        let per_org = r.counts.entry(o.key.clone()).or_default();
        for kind in [
            "folders",
            "documents",
            "configurations",
            "contacts",
            "passwords",
            "flexible_assets",
        ] {
            if kind == "folders" && flat {
                continue;
            }
            let path = match kind {
                "folders" => format!("/organizations/{org}/relationships/document_folders"),
                "flexible_assets" => {
                    // Listed per type: the API requires the type filter.
                    let mut all = Vec::new();
                    for t in &recs.flexible_asset_types {
                        if let Some(tid) = id_of(&t.key) {
                            let p = format!(
                                "/flexible_assets?filter%5Bflexible_asset_type_id%5D={tid}&filter%5Borganization_id%5D={org}"
                            );
                            all.extend(list_all(client, "verify", &p).await?);
                        }
                    }
                    per_org.entry(kind.into()).or_default().in_itglue = all.len() as u64;
                    listed.insert((o.key.clone(), kind), all);
                    continue;
                }
                // Without a folder filter only root-level documents are listed.
                "documents" => format!(
                    "/organizations/{org}/relationships/documents?filter%5Bdocument_folder_id%5D=null"
                ),
                k => format!("/organizations/{org}/relationships/{k}"),
            };
            let items = list_all(client, "verify", &path).await?;
            per_org.entry(kind.into()).or_default().in_itglue = items.len() as u64;
            listed.insert((o.key.clone(), kind), items);
        }
    }

    for (kind, org, key) in wanted {
        let counts = r
            .counts
            .entry(org.to_string())
            .or_default()
            .entry(kind.into())
            .or_default();
        counts.bundle += 1;
        let Some(id) = id_of(key) else {
            r.mismatches.push(Mismatch {
                key: key.into(),
                problem: "not in the ledger (not uploaded)".into(),
            });
            continue;
        };
        let items = listed
            .get(&(org.to_string(), kind))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let Some(obj) = items
            .iter()
            .find(|o| id_text(o.get("id")).as_deref() == Some(id.as_str()))
        else {
            r.mismatches.push(Mismatch {
                key: key.into(),
                problem: format!("{kind} {id} is not in IT Glue"),
            });
            continue;
        };
        let ident = identity(kind, obj);
        let same = items.iter().filter(|o| identity(kind, o) == ident).count();
        if same != 1 {
            r.mismatches.push(Mismatch {
                key: key.into(),
                problem: format!("{same} {kind} named {:?} (expected one)", s(obj, "name")),
            });
        } else {
            counts.found += 1;
        }
        // A document with a namesake is still ours (the ledger names its id): its
        // body is checked too.
        if kind == "documents" {
            if attr(obj, "published") != Some(&Value::Bool(true)) {
                r.mismatches.push(Mismatch {
                    key: key.into(),
                    problem: "document is not published".into(),
                });
            }
            bodies.push((key.to_string(), id));
        }
    }

    // Flexible asset types (account-wide): present once under their name.
    for t in &recs.flexible_asset_types {
        let Some(id) = id_of(&t.key) else {
            r.mismatches.push(Mismatch {
                key: t.key.clone(),
                problem: "not in the ledger (not uploaded)".into(),
            });
            continue;
        };
        let named = list_all(
            client,
            "verify",
            &format!("/flexible_asset_types?filter%5Bname%5D={}", fv(&t.name)),
        )
        .await?;
        let same: Vec<&Value> = named.iter().filter(|x| s(x, "name") == t.name).collect();
        if !same
            .iter()
            .any(|x| id_text(x.get("id")).as_deref() == Some(id.as_str()))
        {
            r.mismatches.push(Mismatch {
                key: t.key.clone(),
                problem: format!("flexible asset type {id} is not in IT Glue"),
            });
        } else if same.len() != 1 {
            r.mismatches.push(Mismatch {
                key: t.key.clone(),
                problem: format!(
                    "{} flexible asset types named {:?} (expected one)",
                    same.len(),
                    t.name
                ),
            });
        }
    }

    // The organization a record key belongs to (attachments and related items
    // are counted under their owner's organization).
    let mut org_of: HashMap<&str, &str> = HashMap::new();
    for d in &recs.documents {
        org_of.insert(&d.key, &d.org);
    }
    for c in &recs.configurations {
        org_of.insert(&c.key, &c.org);
    }
    for c in &recs.contacts {
        org_of.insert(&c.key, &c.org);
    }
    for p in &recs.passwords {
        org_of.insert(&p.key, &p.org);
    }
    for a in &recs.flexible_assets {
        org_of.insert(&a.key, &a.org);
    }
    for o in &recs.organizations {
        org_of.insert(&o.key, &o.key);
    }

    // Attachments: under their owner, once per file name.
    let mut owned: HashMap<String, Vec<Value>> = HashMap::new();
    for a in &recs.attachments {
        if a.size > limits.max_file_bytes {
            continue; // reported by upload, never sent
        }
        let org = org_of.get(a.owner.as_str()).copied().unwrap_or("-");
        let counts = r
            .counts
            .entry(org.to_string())
            .or_default()
            .entry("attachments".into())
            .or_default();
        counts.bundle += 1;
        let (Some(id), Some(owner), Some((rtype, _))) = (
            id_of(&a.key),
            id_of(&a.owner),
            super::records::types_of(&a.owner),
        ) else {
            r.mismatches.push(Mismatch {
                key: a.key.clone(),
                problem: "not in the ledger (not uploaded)".into(),
            });
            continue;
        };
        if !owned.contains_key(&a.owner) {
            let items = list_all(
                client,
                "verify",
                &format!("/{rtype}/{owner}/relationships/attachments"),
            )
            .await?;
            counts.in_itglue += items.len() as u64;
            owned.insert(a.owner.clone(), items);
        }
        let items = &owned[&a.owner];
        if !items
            .iter()
            .any(|x| id_text(x.get("id")).as_deref() == Some(id.as_str()))
        {
            r.mismatches.push(Mismatch {
                key: a.key.clone(),
                problem: format!("attachment {id} is not on {} {owner}", rtype),
            });
            continue;
        }
        let same = items
            .iter()
            .filter(|x| s(x, "attachment-file-name") == a.file_name)
            .count();
        if same != 1 {
            r.mismatches.push(Mismatch {
                key: a.key.clone(),
                problem: format!("{same} attachments named {:?} (expected one)", a.file_name),
            });
            continue;
        }
        counts.found += 1;
    }

    // Related items: read with include=related_items on the source record.
    let mut related: HashMap<String, Vec<Value>> = HashMap::new();
    for ri in &recs.related_items {
        let key = super::plan::related_key(&ri.from, &ri.to);
        let org = org_of.get(ri.from.as_str()).copied().unwrap_or("-");
        let counts = r
            .counts
            .entry(org.to_string())
            .or_default()
            .entry("related_items".into())
            .or_default();
        counts.bundle += 1;
        let (Some(from), Some(to), Some((rtype, _))) = (
            id_of(&ri.from),
            id_of(&ri.to),
            super::records::types_of(&ri.from),
        ) else {
            r.mismatches.push(Mismatch {
                key,
                problem: "one side is not in the ledger (not uploaded)".into(),
            });
            continue;
        };
        if !related.contains_key(&ri.from) {
            let v = client
                .get("verify", &format!("/{rtype}/{from}?include=related_items"))
                .await?;
            let items: Vec<Value> = v
                .get("included")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|x| x.get("type").and_then(Value::as_str) == Some("related-items"))
                .cloned()
                .collect();
            counts.in_itglue += items.len() as u64;
            related.insert(ri.from.clone(), items);
        }
        let same = related[&ri.from]
            .iter()
            .filter(|x| id_text(attr(x, "destination-id")).as_deref() == Some(to.as_str()))
            .count();
        match same {
            1 => counts.found += 1,
            0 => r.mismatches.push(Mismatch {
                key,
                problem: format!("{} is not related to {}", ri.from, ri.to),
            }),
            n => r.mismatches.push(Mismatch {
                key,
                problem: format!(
                    "{n} related items from {} to {} (expected one)",
                    ri.from, ri.to
                ),
            }),
        }
    }

    // Bodies: stale links and inline images.
    let image_urls: HashSet<String> = ledger
        .all_done()
        .into_iter()
        .filter(|e| e.key.starts_with("img/"))
        .filter_map(|e| e.url)
        .collect();
    let image_ids: Vec<String> = ledger
        .all_done()
        .into_iter()
        .filter(|e| e.key.starts_with("img/"))
        .filter_map(|e| e.id)
        .collect();
    let mut live_images = HashSet::new();
    for id in image_ids {
        match client
            .get("verify", &format!("/document_images/{id}"))
            .await
        {
            Ok(v) => {
                if let Some(u) = v
                    .pointer("/data/attributes/inline-resource-url")
                    .and_then(Value::as_str)
                {
                    live_images.insert(u.to_string());
                }
            }
            Err(ApiError::Rejected { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
    }
    for (key, id) in bodies {
        let sections = list_all(
            client,
            "verify",
            &format!("/documents/{id}/relationships/sections"),
        )
        .await?;
        for sec in &sections {
            let html = s(sec, "content");
            for problem in stale_links(html) {
                r.mismatches.push(Mismatch {
                    key: key.clone(),
                    problem,
                });
            }
            for src in image_sources(html) {
                if !image_urls.contains(&src) || !live_images.contains(&src) {
                    r.mismatches.push(Mismatch {
                        key: key.clone(),
                        problem: format!("inline image {src} is not a document image"),
                    });
                }
            }
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_links_are_links_not_text() {
        let html = r#"<p>See https://x.atlassian.net/wiki/spaces/A/pages/1 (retired).</p>
<a href="https://x.atlassian.net/wiki/spaces/A/pages/2/T">old</a>
<img src="../../blobs/ab/abcd"><a href="https://app/5/docs/7" data-cf2itglue-doc="doc/A/1">ok</a>
<a href="https://app/5/docs/8">fine</a>"#;
        let found = stale_links(html);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("href=\"https://x.atlassian.net/wiki/spaces/A/pages/2/T\""));
        assert!(found[1].starts_with("src=\"../../blobs/ab/abcd\""));
        assert!(found[2].starts_with("data-cf2itglue-doc="));
    }
}
