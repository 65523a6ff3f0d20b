//! `cf2itglue verify`: read IT Glue back and compare it with the bundle and the
//! ledger. Every bundle record must be in the ledger, present in IT Glue under
//! that id, and alone under its name and parent (no duplicate); documents must be
//! published, their bodies free of links to the old wiki and of `../blobs/`
//! paths, and every inline image must resolve to a document image.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::client::{ApiError, Client};
use super::find::{id_text, list_all};
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

/// Markers of a body that still points at the old wiki or the bundle.
const STALE: &[&str] = &[
    "../blobs/",
    "data-cf2itglue-",
    "/wiki/spaces/",
    "/display/",
    "viewpage.action",
    "atlassian.net/wiki",
];

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
        .block_on(check(&client, &bundle, &ledger))
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
        .is_some_and(|e| e.extra == Value::from("flat"));

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
            continue;
        }
        counts.found += 1;
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
            for m in STALE {
                if html.contains(m) {
                    r.mismatches.push(Mismatch {
                        key: key.clone(),
                        problem: format!("body still contains {m:?}"),
                    });
                }
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
