//! Upload steps for the records around documents: organizations, flexible asset
//! types, folders, configuration types and configurations, contacts, password
//! categories and passwords, flexible assets, related items.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use super::client::ApiError;
use super::find::{Find, find, id_text};
use super::plan::{DEFAULT_CONFIGURATION_TYPE, related_key};
use super::run::{Run, Stop, each};
use crate::bundle::{
    Configuration, Contact, FlexibleAsset, FlexibleAssetType, Folder, Organization, Password,
    RelatedItem,
};

fn data(kind: &str, attributes: Value) -> Value {
    json!({"data": {"type": kind, "attributes": attributes}})
}

pub async fn organizations(run: &Arc<Run>) -> Result<(), Stop> {
    let orgs: Vec<Organization> = run.bundle.records.organizations.clone();
    each(run, orgs, |run, o| async move {
        // Every organization is looked up by exact name first (unless a killed
        // run left it pending: then `ensure` adopts it). `existing`: use it.
        // `create`: a same-named organization that upload did not make is not
        // written into, and no second one is made; the user decides.
        if run.ledger.get(&o.key).is_none() {
            let what = Find::Org {
                name: o.name.clone(),
            };
            match find(&run.client, "organization-lookups", &what).await {
                // With --adopt-existing (a lost ledger), one of ours is found too.
                Ok(Some(found)) if o.match_ == "existing" || run.adopt_all => {
                    run.count(&o.key, true);
                    run.finish(&o.key, &found, "resource-url", Value::Null)?;
                    return Ok(());
                }
                Ok(Some(_)) => {
                    run.fail(
                        &o.key,
                        format!(
                            "IT Glue already has an organization named {:?}: nothing of it is uploaded; to upload into that one, set match = \"existing\" for it in the mapping (or rename it) and convert again",
                            o.name
                        ),
                    );
                    return Ok(());
                }
                Ok(None) => {}
                Err(e) => return run.item_error(&o.key, e),
            }
        }
        let body = data("organizations", json!({"name": o.name}));
        run.ensure(
            &o.key,
            "organizations",
            "/organizations",
            &body,
            &Find::Org {
                name: o.name.clone(),
            },
            "resource-url",
        )
        .await
        .map(|_| ())
    })
    .await
}

/// The field used for the asset's title: the first Text field, else the first.
pub fn title_field(t: &FlexibleAssetType) -> usize {
    t.fields.iter().position(|f| f.kind == "Text").unwrap_or(0)
}

pub async fn flexible_asset_types(run: &Arc<Run>) -> Result<(), Stop> {
    // One after another: a Tag field may point at a type created before it.
    for t in run.bundle.records.flexible_asset_types.clone() {
        if run.ledger.done(&t.key).is_some() {
            run.count_done(&t.key);
            continue;
        }
        let title = title_field(&t);
        let any_listed = t.fields.iter().any(|f| f.show_in_list);
        let mut fields = Vec::new();
        for (i, f) in t.fields.iter().enumerate() {
            let mut a = json!({"order": i + 1, "name": f.name, "kind": f.kind, "required": f.required,
                "show-in-list": f.show_in_list || (!any_listed && i == title), "use-for-title": i == title});
            if let Some(tt) = &f.tag_type {
                let tag = if tt.starts_with("fat/") {
                    match run.id(tt) {
                        Some(id) => format!("FlexibleAssetType: {id}"),
                        None => {
                            run.finding(
                                "tag-type-unresolved",
                                Some(&t.key),
                                format!("field {:?}: type {tt} is not in IT Glue", f.name),
                            );
                            continue;
                        }
                    }
                } else {
                    tt.clone()
                };
                a["tag-type"] = json!(tag);
            }
            if let Some(opts) = &f.options {
                a["default-value"] = json!(opts.join("\n"));
            }
            fields.push(json!({"type": "flexible_asset_fields", "attributes": a}));
        }
        let body = json!({"data": {"type": "flexible_asset_types",
            "attributes": {"name": t.name, "description": t.description, "show-in-menu": true},
            "relationships": {"flexible-asset-fields": {"data": fields}}}});
        let what = Find::FaType {
            name: t.name.clone(),
        };
        let Some(obj) = run
            .create_or_adopt(
                &t.key,
                "flexible-asset-types",
                "/flexible_asset_types",
                &body,
                &what,
            )
            .await?
        else {
            continue;
        };
        let Some(id) = id_text(obj.get("id")) else {
            continue;
        };
        // Trait keys are the server's name-keys: read them back.
        let shown = match run
            .client
            .get(
                "flexible-asset-fields",
                &format!("/flexible_asset_types/{id}?include=flexible_asset_fields"),
            )
            .await
        {
            Ok(v) => v,
            Err(e) => {
                run.item_error(&t.key, e)?;
                continue;
            }
        };
        let mut keys = Map::new();
        for f in shown
            .get("included")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let a = &f["attributes"];
            if let (Some(n), Some(k)) = (a["name"].as_str(), a["name-key"].as_str()) {
                keys.insert(n.to_string(), json!(k));
            }
        }
        run.finish(&t.key, &obj, "resource-url", json!({"name_keys": keys}))?;
    }
    Ok(())
}

/// "Parent / Child" path of a folder, root first.
pub fn folder_path(run: &Run, key: &str) -> Vec<String> {
    let folders = &run.bundle.records.folders;
    let mut names = Vec::new();
    let mut cur = Some(key.to_string());
    while let Some(k) = cur.take() {
        if names.len() > 1000 {
            break;
        }
        if let Some(f) = folders.iter().find(|f| f.key == k) {
            names.push(f.name.clone());
            cur = f.parent.clone();
        }
    }
    names.reverse();
    names
}

pub async fn folders(run: &Arc<Run>) -> Result<(), Stop> {
    if run
        .ledger
        .done("mode/folders")
        .is_some_and(|e| e.extra == json!("flat"))
    {
        run.flat.store(true, Ordering::SeqCst);
    }
    for level in run.plan.folder_levels.clone() {
        if run.is_flat() {
            return Ok(());
        }
        let items: Vec<Folder> = level
            .iter()
            .filter_map(|k| {
                run.bundle
                    .records
                    .folders
                    .iter()
                    .find(|f| &f.key == k)
                    .cloned()
            })
            .collect();
        each(run, items, |run, f| async move {
            if run.is_flat() {
                return Ok(());
            }
            let Some(org) = run.id(&f.org) else {
                run.fail(&f.key, format!("its organization {} is not in IT Glue", f.org));
                return Ok(());
            };
            let parent = match &f.parent {
                Some(p) => match run.id(p) {
                    Some(id) => Some(id),
                    None => {
                        run.fail(&f.key, format!("parent folder {p} is not in IT Glue"));
                        return Ok(());
                    }
                },
                None => None,
            };
            let mut attrs = json!({"name": f.name});
            if let Some(p) = &parent {
                attrs["parent_id"] = json!(p.parse::<u64>().unwrap_or(0));
            }
            let body = data("document-folders", attrs);
            let path = format!("/organizations/{org}/relationships/document_folders");
            let what = Find::Folder { org, parent, name: f.name.clone() };
            if run.ledger.done(&f.key).is_some() {
                run.count_done(&f.key);
                return Ok(());
            }
            if run.ledger.is_pending(&f.key) || run.adopt_all {
                run.ledger.pending(&f.key)?;
                match find(&run.client, "lookups", &what).await {
                    Ok(Some(found)) => {
                        run.count(&f.key, true);
                        run.finish(&f.key, &found, "resource-url", Value::Null)?;
                        return Ok(());
                    }
                    Ok(None) => {}
                    Err(e) => return run.item_error(&f.key, e),
                }
            } else {
                run.ledger.pending(&f.key)?;
            }
            match run.client.create("document-folders", &path, &body, || find(&run.client, "lookups", &what)).await {
                Ok(c) => {
                    run.count(&f.key, c.adopted);
                    let obj = c.data.get("data").cloned().unwrap_or(Value::Null);
                    run.finish(&f.key, &obj, "resource-url", Value::Null)?;
                    Ok(())
                }
                Err(ApiError::Rejected { status: 404, .. }) => {
                    if !run.flat.swap(true, Ordering::SeqCst) {
                        run.ledger.finish("mode/folders", None, None, json!("flat"))?;
                        run.finding(
                            "document-folders-unavailable",
                            None,
                            "IT Glue answered 404 for document folders (not rolled out on this account): documents are uploaded flat, their folder path in the name".into(),
                        );
                    }
                    Ok(())
                }
                Err(e) => run.item_error(&f.key, e),
            }
        })
        .await?;
    }
    Ok(())
}

/// Configuration types and password categories: found by exact name, else created.
async fn named(
    run: &Arc<Run>,
    names: Vec<String>,
    prefix: &'static str,
    collection: &'static str,
    kind: &'static str,
    lookup_kind: &'static str,
) -> Result<(), Stop> {
    each(run, names, move |run, name| async move {
        let key = format!("{prefix}/{name}");
        if run.ledger.done(&key).is_some() {
            run.count_done(&key);
            return Ok(());
        }
        let what = Find::Named {
            collection,
            name: name.clone(),
        };
        match find(&run.client, lookup_kind, &what).await {
            Ok(Some(found)) => {
                run.finish(&key, &found, "resource-url", Value::Null)?;
                return Ok(());
            }
            Ok(None) => {}
            Err(e) => return run.item_error(&key, e),
        }
        let body = data(collection, json!({"name": name}));
        run.ensure(
            &key,
            kind,
            &format!("/{collection}"),
            &body,
            &what,
            "resource-url",
        )
        .await
        .map(|_| ())
    })
    .await
}

pub async fn configurations_and_contacts(run: &Arc<Run>) -> Result<(), Stop> {
    let types: Vec<String> = run.plan.configuration_types.iter().cloned().collect();
    named(
        run,
        types,
        "cfgtype",
        "configuration_types",
        "configuration-types",
        "configuration-type-lookups",
    )
    .await?;
    let cats: Vec<String> = run.plan.password_categories.iter().cloned().collect();
    named(
        run,
        cats,
        "pwcat",
        "password_categories",
        "password-categories",
        "password-category-lookups",
    )
    .await?;
    let configs: Vec<Configuration> = if run.only.wants("configurations") {
        run.bundle.records.configurations.clone()
    } else {
        Vec::new()
    };
    each(run, configs, |run, c| async move {
        let Some(org) = run.id(&c.org) else {
            run.fail(
                &c.key,
                format!("its organization {} is not in IT Glue", c.org),
            );
            return Ok(());
        };
        let t = c
            .configuration_type
            .clone()
            .unwrap_or_else(|| DEFAULT_CONFIGURATION_TYPE.into());
        let Some(tid) = run.id(&format!("cfgtype/{t}")) else {
            run.fail(
                &c.key,
                format!("configuration type {t:?} is not in IT Glue"),
            );
            return Ok(());
        };
        let body = data(
            "configurations",
            json!({"name": c.name, "configuration-type-id": tid.parse::<u64>().unwrap_or(0),
            "hostname": c.hostname, "primary-ip": c.primary_ip, "serial-number": c.serial_number,
            "operating-system-notes": c.operating_system, "notes": c.notes}),
        );
        let path = format!("/organizations/{org}/relationships/configurations");
        let what = Find::Configuration {
            org,
            name: c.name.clone(),
        };
        run.ensure(
            &c.key,
            "configurations",
            &path,
            &body,
            &what,
            "resource-url",
        )
        .await
        .map(|_| ())
    })
    .await?;
    let contacts: Vec<Contact> = if run.only.wants("contacts") {
        run.bundle.records.contacts.clone()
    } else {
        Vec::new()
    };
    each(run, contacts, |run, c| async move {
        let Some(org) = run.id(&c.org) else {
            run.fail(
                &c.key,
                format!("its organization {} is not in IT Glue", c.org),
            );
            return Ok(());
        };
        let emails: Vec<Value> = c
            .emails
            .iter()
            .map(|e| {
                json!({"value": e.value, "primary": e.primary,
            "label-name": e.label.clone().unwrap_or_else(|| "Work".into())})
            })
            .collect();
        let phones: Vec<Value> = c
            .phones
            .iter()
            .map(|p| {
                json!({"value": p.value, "extension": p.extension, "primary": p.primary,
            "label-name": p.label.clone().unwrap_or_else(|| "Work".into())})
            })
            .collect();
        let body = data(
            "contacts",
            json!({"first-name": c.first_name, "last-name": c.last_name, "title": c.title,
            "notes": c.notes, "contact-emails": emails, "contact-phones": phones}),
        );
        let path = format!("/organizations/{org}/relationships/contacts");
        let what = Find::Contact {
            org,
            first: c.first_name.clone().unwrap_or_default(),
            last: c.last_name.clone().unwrap_or_default(),
        };
        run.ensure(&c.key, "contacts", &path, &body, &what, "resource-url")
            .await
            .map(|_| ())
    })
    .await
}

/// IT Glue's resource type names for a bundle key: (URL form, title form).
pub fn types_of(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key.split('/').next()? {
        "org" => ("organizations", "Organization"),
        "doc" => ("documents", "Document"),
        "folder" => ("document_folders", "Document Folder"),
        "cfg" => ("configurations", "Configuration"),
        "contact" => ("contacts", "Contact"),
        "pw" => ("passwords", "Password"),
        "fa" => ("flexible_assets", "Flexible Asset"),
        _ => return None,
    })
}

/// Passwords: `embedded` false for the standalone ones (before flexible assets),
/// true for those embedded in a configuration or asset (after them).
pub async fn passwords(run: &Arc<Run>, embedded: bool) -> Result<(), Stop> {
    let pws: Vec<Password> = run
        .bundle
        .records
        .passwords
        .iter()
        .filter(|p| p.embedded_in.is_some() == embedded)
        .cloned()
        .collect();
    each(run, pws, |run, p| async move {
        let Some(org) = run.id(&p.org) else {
                run.fail(&p.key, format!("its organization {} is not in IT Glue", p.org));
                return Ok(());
            };
        let mut attrs = json!({"name": p.name, "username": p.username, "password": p.password.clone().unwrap_or_default(),
            "url": p.url, "notes": p.notes});
        if let Some(c) = &p.category {
            attrs["password-category-id"] = json!(run.id(&format!("pwcat/{c}")).and_then(|i| i.parse::<u64>().ok()));
        }
        let mut resource = None;
        if let Some(owner) = &p.embedded_in {
            match (run.id(owner), types_of(owner)) {
                (Some(id), Some((_, title))) => {
                    attrs["resource-id"] = json!(id.parse::<u64>().unwrap_or(0));
                    attrs["resource-type"] = json!(title);
                    resource = Some(id);
                }
                _ => {
                    run.fail(&p.key, format!("the record it is embedded in ({owner}) is not in IT Glue"));
                    return Ok(());
                }
            }
        }
        let body = data("passwords", attrs);
        let path = format!("/organizations/{org}/relationships/passwords");
        let what = Find::Password { org, name: p.name.clone(), resource };
        run.ensure(&p.key, "passwords", &path, &body, &what, "resource-url").await.map(|_| ())
    })
    .await
}

/// Flexible assets in two passes: those whose Tag fields name another asset
/// after the others, so the tag can carry its id (a chain of such tags deeper
/// than one level is reported as `tag-unresolved`).
pub async fn flexible_assets(run: &Arc<Run>) -> Result<(), Stop> {
    let (later, first): (Vec<FlexibleAsset>, Vec<FlexibleAsset>) = run
        .bundle
        .records
        .flexible_assets
        .iter()
        .cloned()
        .partition(|fa| fa.tags.values().flatten().any(|k| k.starts_with("fa/")));
    flexible_asset_pass(run, first).await?;
    flexible_asset_pass(run, later).await
}

async fn flexible_asset_pass(run: &Arc<Run>, fas: Vec<FlexibleAsset>) -> Result<(), Stop> {
    each(run, fas, |run, fa| async move {
        let (Some(org), Some(t)) = (run.id(&fa.org), run.ledger.done(&fa.type_)) else {
            run.fail(
                &fa.key,
                format!("its organization or type ({}) is not in IT Glue", fa.type_),
            );
            return Ok(());
        };
        let keys = t.extra.get("name_keys").cloned().unwrap_or(Value::Null);
        let key_of = |n: &str| keys.get(n).and_then(Value::as_str).map(str::to_string);
        let mut traits = Map::new();
        for (name, v) in &fa.traits {
            match key_of(name) {
                Some(k) => {
                    traits.insert(k, v.clone());
                }
                None => run.finding(
                    "trait-unknown",
                    Some(&fa.key),
                    format!("no field {name:?} in its type"),
                ),
            }
        }
        for (name, targets) in &fa.tags {
            let ids: Vec<u64> = targets
                .iter()
                .filter_map(|k| run.id(k))
                .filter_map(|i| i.parse().ok())
                .collect();
            if ids.len() < targets.len() {
                run.finding(
                    "tag-unresolved",
                    Some(&fa.key),
                    format!(
                        "field {name:?}: {} of {} targets are not in IT Glue",
                        targets.len() - ids.len(),
                        targets.len()
                    ),
                );
            }
            if let Some(k) = key_of(name) {
                traits.insert(k, json!(ids));
            }
        }
        let tdef = run
            .bundle
            .records
            .flexible_asset_types
            .iter()
            .find(|x| x.key == fa.type_);
        let name = tdef
            .and_then(|td| td.fields.get(super::records::title_field(td)))
            .and_then(|f| fa.traits.get(&f.name))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or_default();
        let tid = t.id.clone().unwrap_or_default();
        let body = data(
            "flexible-assets",
            json!({"organization-id": org.parse::<u64>().unwrap_or(0),
            "flexible-asset-type-id": tid.parse::<u64>().unwrap_or(0), "traits": traits}),
        );
        let what = Find::Fa {
            org,
            type_id: tid,
            name,
        };
        run.ensure(
            &fa.key,
            "flexible-assets",
            "/flexible_assets",
            &body,
            &what,
            "resource-url",
        )
        .await
        .map(|_| ())
    })
    .await
}

pub async fn related_items(run: &Arc<Run>) -> Result<(), Stop> {
    let items: Vec<RelatedItem> = run.bundle.records.related_items.clone();
    each(run, items, |run, ri| async move {
        let key = related_key(&ri.from, &ri.to);
        if run.ledger.done(&key).is_some() {
            run.count_done(&key);
            return Ok(());
        }
        let (Some(from), Some(to), Some((rtype, _)), Some((_, dtype))) = (
            run.id(&ri.from),
            run.id(&ri.to),
            types_of(&ri.from),
            types_of(&ri.to),
        ) else {
            run.fail(
                &key,
                "one side is not in IT Glue (or cannot hold related items)".into(),
            );
            return Ok(());
        };
        let body = data(
            "related_items",
            json!({"destination_id": to, "destination_type": dtype, "notes": ri.notes}),
        );
        let path = format!("/{rtype}/{from}/relationships/related_items");
        run.ledger.pending(&key)?;
        match run
            .client
            .create("related-items", &path, &body, || async { Ok(None) })
            .await
        {
            Ok(c) => {
                let obj = c.data.get("data").cloned().unwrap_or(Value::Null);
                run.finish(&key, &obj, "resource-url", Value::Null)?;
                Ok(())
            }
            // Already related: an earlier attempt did it and its answer was lost.
            Err(ApiError::Rejected {
                status: 422,
                message,
            }) if message.contains("already") => {
                run.finish(&key, &Value::Null, "", Value::Null)?;
                Ok(())
            }
            Err(e) => run.item_error(&key, e),
        }
    })
    .await
}
