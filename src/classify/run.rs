//! The classification driver: for each page, its organization, the first rule
//! that matches (or the built-in detectors), the records made from its tables,
//! and the body written back with secrets replaced; then the tree, related items
//! from links and Tag fields. Other copies of a secret are scrubbed when the
//! documents are rendered ([`Plan::scrub`]).

use std::collections::{BTreeSet, HashMap};
use std::io;

use super::contacts::{self, ContactColumns};
use super::kv;
use super::mapping::{Make, Mapping};
use super::passwords::{self, PwColumns};
use super::rules::{self, Facts};
use super::tables::{self, norm};
use super::tree::{self, PageDecision};
use super::{Outcome, PageCtx, PageTarget, Plan};
use crate::bundle::{
    Configuration, FieldDef, FlexibleAsset, FlexibleAssetType, PageSource, RelatedItem, keys,
};
use crate::model::{Block, Body, Code, Finding, Inline, LinkTarget, Page, Space, Spill, Style};

type PageKey = (String, String);

/// A page's body, taken out of the page (or read from the spill).
fn take_body(page: &mut Page, spill: Option<&Spill>) -> io::Result<Option<Body>> {
    if let Some(b) = page.body.take() {
        return Ok(Some(b));
    }
    match (spill, page.parked) {
        (Some(s), Some(p)) => s.get(p).map(Some),
        _ => Ok(None),
    }
}

/// Puts a body back: parked again when it changed and the page was parked.
fn put_body(page: &mut Page, body: Body, changed: bool, spill: Option<&Spill>) -> io::Result<()> {
    match (spill, page.parked) {
        (Some(s), Some(_)) => {
            if changed {
                page.has_content = !body.is_empty();
                page.parked = Some(s.put(&body)?);
            }
        }
        _ => page.body = Some(body),
    }
    Ok(())
}

/// The "Labels: a, b" line `[documents] labels = "append"` adds (see
/// `transform::extras`): not content of its own.
fn is_labels_line(b: &Block) -> bool {
    match b {
        Block::Para(i) => matches!(
            i.first(),
            Some(Inline::Styled(Style::Strong, c)) if c == &[Inline::Text("Labels:".into())]
        ),
        _ => false,
    }
}

/// True when a body holds something besides its first table (and the labels line).
fn more_than_first_table(body: &Body) -> bool {
    let mut seen_table = false;
    fn walk(blocks: &[Block], seen: &mut bool) -> bool {
        for b in blocks {
            match b {
                Block::Table(_) if !*seen => *seen = true,
                b if is_labels_line(b) => {}
                Block::Group(inner) => {
                    if walk(inner, seen) {
                        return true;
                    }
                }
                b if b.is_blank() => {}
                _ => return true,
            }
        }
        false
    }
    walk(&body.blocks, &mut seen_table)
}

fn page_links(body: &Body) -> Vec<PageKey> {
    let mut links = Vec::new();
    tables::links_in(&body.blocks, &mut links);
    let mut out: Vec<PageKey> = Vec::new();
    for l in links {
        if let LinkTarget::Resolved { space, page_id, .. } = l {
            let k = (space.clone(), page_id.clone());
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// A Tag field to fill once every page's records are known.
struct PendingTags {
    asset: usize,
    field: String,
    tag_type: String,
    pages: Vec<PageKey>,
}

/// Classifies every space with a mapping. Bodies that change (secrets replaced)
/// are written back (parked again when a spill is used). `reported` are the
/// readers' findings so far: their macro findings tell which macros a page used.
pub fn classify(
    spaces: &mut [Space],
    m: &Mapping,
    spill: Option<&Spill>,
    reported: &[Finding],
) -> io::Result<Plan> {
    let mut plan = Plan::default();
    let mut macros_of: HashMap<PageKey, BTreeSet<String>> = HashMap::new();
    for f in reported {
        if let (Some(s), Some(p), Some(name)) =
            (&f.space_key, &f.page_id, rules::macro_of_finding(f))
        {
            macros_of
                .entry((s.clone(), p.clone()))
                .or_default()
                .insert(name);
        }
    }
    for (name, def) in &m.flexible_asset_type {
        plan.flexible_asset_types.push(FlexibleAssetType {
            key: keys::flexible_asset_type(name),
            name: name.clone(),
            description: def.description.clone(),
            fields: def
                .fields
                .iter()
                .map(|f| {
                    let f = f.get_ref();
                    FieldDef {
                        name: f.name.clone(),
                        kind: f.kind.as_str().into(),
                        required: f.required,
                        show_in_list: f.show_in_list,
                        tag_type: f.tag_type.clone(),
                        options: f.options.clone(),
                    }
                })
                .collect(),
        });
    }
    let detect_pw = PwColumns::new(m.detect.passwords.columns.as_ref().map(|c| c.get_ref()));
    let detect_ct = ContactColumns::new(m.detect.contacts.columns.as_ref().map(|c| c.get_ref()));
    let mut links_of: HashMap<PageKey, Vec<PageKey>> = HashMap::new();
    // Links become related items only where one end is a record (a flexible asset
    // or a configuration): a mapping that makes none needs no page's links, which
    // on a large export are a few dozen bytes per link held until the end.
    let record_maker = |k: Make| matches!(k, Make::FlexibleAsset | Make::Configuration);
    let links_needed = m.rule.iter().any(|r| record_maker(r.get_ref().make))
        || record_maker(m.detect.key_value.make);
    let mut record_of: HashMap<PageKey, String> = HashMap::new();
    let mut fa_type_of: HashMap<PageKey, String> = HashMap::new();
    let mut pending: Vec<PendingTags> = Vec::new();
    let mut secrets: Vec<(String, String, String)> = Vec::new();
    let mut secret_pages: BTreeSet<PageKey> = BTreeSet::new();
    let mut seen_people: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    let mut rule_used = vec![false; m.rule.len()];
    for space in spaces.iter_mut() {
        let assign = super::orgs::assign(space, m, &mut plan);
        let org_names: HashMap<String, String> = plan
            .organizations
            .iter()
            .map(|o| (o.key.clone(), o.name.clone()))
            .collect();
        let meta: HashMap<String, (String, Option<String>)> = space
            .pages
            .iter()
            .map(|p| (p.id.clone(), (p.title.clone(), p.parent.clone())))
            .collect();
        let mut decisions = HashMap::new();
        let skey = space.key.clone();
        for page in space.pages.iter_mut() {
            let mut ancestors = Vec::new();
            let mut cur = page.parent.clone();
            while let Some(p) = cur {
                let Some((t, parent)) = meta.get(&p) else {
                    break;
                };
                if ancestors.len() > meta.len() {
                    break;
                }
                ancestors.push(t.clone());
                cur = parent.clone();
            }
            ancestors.reverse();
            let (org, org_root) = assign
                .get(&page.id)
                .cloned()
                .unwrap_or_else(|| (keys::org(&skey), false));
            let mut body = take_body(page, spill)?;
            let empty = Body::default();
            let b = body.as_ref().unwrap_or(&empty);
            let kv_rows = kv::rows(b, m.detect.key_value.min_rows);
            let mut macros = macros_of
                .remove(&(skey.clone(), page.id.clone()))
                .unwrap_or_default();
            rules::macros_in(&b.blocks, &mut macros);
            let facts = Facts {
                space: &skey,
                page,
                ancestors: &ancestors,
                body: b,
                kv_keys: kv_rows
                    .as_ref()
                    .map(|r| r.iter().map(|x| norm(&x.key)).collect()),
                macros: &macros,
            };
            let rule = rules::first(&m.rule, &facts);
            if let Some((i, _)) = rule {
                rule_used[i] = true;
            }
            let make = match rule {
                Some((_, r)) => r.make,
                None if kv_rows.is_some() => m.detect.key_value.make,
                None => Make::Document,
            };
            let via = match rule {
                Some((i, _)) => format!(" (rule {})", i + 1),
                None => String::new(),
            };
            let pk: PageKey = (skey.clone(), page.id.clone());
            let on = |f: Finding| f.on_page(&skey, &page.id);
            let mut becomes = Vec::new();
            let mut dec = PageDecision {
                org: org.clone(),
                org_root,
                document: true,
                record: None,
            };
            if make == Make::Skip {
                plan.findings.push(on(Finding::new(
                    Code::PageSkipped,
                    format!("page {:?} skipped by the mapping{via}", page.title),
                )
                .detail(page.id.clone())));
                dec.document = false;
                becomes.push(format!("nothing: skipped{via}"));
            }
            let mut changed = false;
            let (mut made_pw, mut made_ct) = (0, 0);
            if let (Some(body), false) = (body.as_mut(), make == Make::Skip) {
                let ctx = PageCtx {
                    space: &skey,
                    page_id: &page.id,
                    title: &page.title,
                    org: &org,
                };
                let rule_ref = rule.map(|(_, r)| r);
                let record_key = match make {
                    Make::FlexibleAsset if kv_rows.is_some() => {
                        Some(keys::flexible_asset(&skey, &page.id))
                    }
                    Make::Configuration if kv_rows.is_some() => {
                        Some(keys::configuration(&skey, &page.id))
                    }
                    _ => None,
                };
                // Passwords first, so no later step sees a secret.
                let rule_pw;
                let (pw_cols, category) = if make == Make::Passwords {
                    rule_pw = PwColumns::new(
                        rule_ref
                            .and_then(|r| r.columns.as_ref())
                            .map(|c| c.get_ref()),
                    );
                    (Some(&rule_pw), rule_ref.and_then(|r| r.category.as_deref()))
                } else if m.detect.passwords.enabled || record_key.is_some() {
                    // A page that becomes a record always loses its secrets to
                    // Password records, even with the detector off: otherwise a
                    // "Password | value" row would land in a field or the notes.
                    (Some(&detect_pw), m.detect.passwords.category.as_deref())
                } else {
                    (None, None)
                };
                if let Some(cols) = pw_cols {
                    let pws = passwords::extract(body, &ctx, cols, category, record_key.as_deref());
                    if !pws.is_empty() {
                        changed = true;
                        for p in &pws {
                            if let Some(v) = p.password.as_ref().filter(|v| v.chars().count() >= 6)
                            {
                                secrets.push((v.clone(), p.key.clone(), p.name.clone()));
                            }
                        }
                        secret_pages.insert(pk.clone());
                        plan.findings.push(on(Finding::new(
                            Code::PasswordExtracted,
                            format!(
                                "{} password(s) moved to Password records; the document shows a reference in place of each",
                                pws.len()
                            ),
                        )));
                        becomes.push(format!("{} password(s)", pws.len()));
                        made_pw = pws.len();
                        plan.passwords.extend(pws);
                    }
                }
                let rule_ct;
                let ct_cols = if make == Make::Contacts {
                    rule_ct = ContactColumns::new(
                        rule_ref
                            .and_then(|r| r.columns.as_ref())
                            .map(|c| c.get_ref()),
                    );
                    Some(&rule_ct)
                } else if m.detect.contacts.enabled {
                    Some(&detect_ct)
                } else {
                    None
                };
                if let Some(cols) = ct_cols {
                    let mut cs = contacts::extract(body, &ctx, cols);
                    let before = cs.len();
                    made_ct = before;
                    cs.retain(|c| {
                        let lower = |s: &Option<String>| s.as_deref().unwrap_or("").to_lowercase();
                        seen_people.insert((
                            c.org.clone(),
                            lower(&c.first_name),
                            lower(&c.last_name),
                            c.emails
                                .first()
                                .map(|e| e.value.to_lowercase())
                                .unwrap_or_default(),
                        ))
                    });
                    if cs.len() < before {
                        plan.findings.push(on(Finding::new(
                            Code::RecordExtracted,
                            format!(
                                "{} contact(s) of this page's contact table were already made from another page of the organization; not repeated",
                                before - cs.len()
                            ),
                        )));
                    }
                    if !cs.is_empty() {
                        plan.findings.push(on(Finding::new(
                            Code::RecordExtracted,
                            format!("{} contact(s) made from a contact table", cs.len()),
                        )));
                        becomes.push(format!("{} contact(s)", cs.len()));
                        plan.contacts.extend(cs);
                    }
                }
                let source = PageSource {
                    space_key: skey.clone(),
                    page_id: page.id.clone(),
                };
                match (make, &kv_rows, &record_key, rule_ref) {
                    (Make::FlexibleAsset, Some(rows), Some(key), Some(r)) => {
                        let tname = r
                            .type_
                            .as_ref()
                            .map(|t| t.get_ref().clone())
                            .unwrap_or_default();
                        let def = &m.flexible_asset_type[&tname];
                        // Secrets were replaced in the body: read the rows again.
                        let rows_now = kv::rows(body, m.detect.key_value.min_rows)
                            .unwrap_or_else(|| rows.clone());
                        let f = kv::flexible_asset(&rows_now, r, def, &page.title, &on);
                        plan.findings.extend(f.findings);
                        let asset = plan.flexible_assets.len();
                        for (field, pages) in f.tag_links {
                            let tag_type = def
                                .fields
                                .iter()
                                .map(|x| x.get_ref())
                                .find(|x| x.name == field)
                                .and_then(|x| x.tag_type.clone())
                                .unwrap_or_default();
                            pending.push(PendingTags {
                                asset,
                                field,
                                tag_type,
                                pages,
                            });
                        }
                        if let Some(lt) = &r.link_tags {
                            let spec = def
                                .fields
                                .iter()
                                .map(|x| x.get_ref())
                                .find(|x| x.name.eq_ignore_ascii_case(lt.get_ref()));
                            if let Some(spec) = spec {
                                pending.push(PendingTags {
                                    asset,
                                    field: spec.name.clone(),
                                    tag_type: spec.tag_type.clone().unwrap_or_default(),
                                    pages: page_links(body),
                                });
                            }
                        }
                        plan.flexible_assets.push(FlexibleAsset {
                            key: key.clone(),
                            org: org.clone(),
                            type_: keys::flexible_asset_type(&tname),
                            traits: f.traits,
                            tags: Default::default(),
                            source,
                        });
                        record_of.insert(pk.clone(), key.clone());
                        fa_type_of.insert(pk.clone(), tname.clone());
                        dec.record =
                            Some((key.clone(), format!("{} ({tname})", page.title.trim())));
                        dec.document = r
                            .keep_document
                            .unwrap_or_else(|| more_than_first_table(body));
                        plan.findings.push(on(made_from_page(
                            &format!("flexible asset of type {tname:?}"),
                            &via,
                            dec.document,
                            r.keep_document.is_some(),
                        )));
                        becomes.push(format!("flexible asset {tname}{via}"));
                    }
                    (Make::Configuration, Some(rows), Some(key), r) => {
                        let default_rule;
                        let r = match r {
                            Some(r) => r,
                            None => {
                                default_rule =
                                    super::mapping::Rule::default_for(Make::Configuration);
                                &default_rule
                            }
                        };
                        let rows_now = kv::rows(body, m.detect.key_value.min_rows)
                            .unwrap_or_else(|| rows.clone());
                        let mut a = kv::configuration(&rows_now, r);
                        let mut take = |k: &str| a.remove(k).filter(|v| !v.is_empty());
                        plan.configurations.push(Configuration {
                            key: key.clone(),
                            org: org.clone(),
                            name: take("name").unwrap_or_else(|| page.title.trim().to_string()),
                            configuration_type: take("configuration_type").or_else(|| {
                                r.configuration_type
                                    .clone()
                                    .or_else(|| m.detect.key_value.configuration_type.clone())
                            }),
                            hostname: take("hostname"),
                            primary_ip: take("primary_ip"),
                            operating_system: take("operating_system"),
                            serial_number: take("serial_number"),
                            notes: take("notes"),
                            source,
                        });
                        record_of.insert(pk.clone(), key.clone());
                        dec.record = Some((
                            key.clone(),
                            format!("{} (configuration)", page.title.trim()),
                        ));
                        dec.document = r
                            .keep_document
                            .unwrap_or_else(|| more_than_first_table(body));
                        let what = if rule.is_some() {
                            "configuration"
                        } else {
                            "configuration ([detect.key_value])"
                        };
                        plan.findings.push(on(made_from_page(
                            what,
                            &via,
                            dec.document,
                            r.keep_document.is_some(),
                        )));
                        becomes.push(format!("configuration{via}"));
                    }
                    (Make::FlexibleAsset | Make::Configuration, _, _, _) => {
                        becomes.push(format!(
                            "no {} (no key–value table){via}",
                            make.as_str().replace('_', " ")
                        ));
                        plan.findings.push(on(Finding::new(
                            Code::MappingUnused,
                            format!(
                                "rule{via} makes a {} of page {:?}, which has no key–value table; it stays a document",
                                make.as_str().replace('_', " "),
                                page.title
                            ),
                        )));
                    }
                    (Make::Passwords | Make::Contacts, _, _, Some(r)) => {
                        let made = if make == Make::Passwords {
                            made_pw
                        } else {
                            made_ct
                        };
                        if made == 0 {
                            becomes.push(format!("no {} found{via}", make.as_str()));
                            // Nothing came out: the page must not vanish.
                            plan.findings.push(on(Finding::new(
                                Code::MappingUnused,
                                format!(
                                    "rule{via} makes {} of page {:?}, which has no such table; it stays a document",
                                    make.as_str(),
                                    page.title
                                ),
                            )));
                        } else {
                            dec.document = r.keep_document.unwrap_or(true);
                        }
                    }
                    _ => {
                        if kv_rows.is_some() {
                            becomes.push("(a key–value page: could be a flexible asset)".into());
                        }
                    }
                }
                if links_needed {
                    links_of.insert(pk.clone(), page_links(body));
                }
            }
            if dec.document && page_has_content(page, body.as_ref()) {
                becomes.insert(0, "document".into());
            }
            if let Some(b) = body {
                put_body(page, b, changed, spill)?;
            }
            plan.outcomes.push(Outcome {
                space: skey.clone(),
                page_id: page.id.clone(),
                title: page.title.clone(),
                organization: org_names.get(&org).cloned().unwrap_or_default(),
                becomes,
            });
            decisions.insert(page.id.clone(), dec);
        }
        let folders_before = plan.folders.len();
        tree::plan_space(space, &decisions, &m.documents, &mut plan);
        // The tree decides folders (and drops empty pages): complete the outcomes.
        let folder_pages: BTreeSet<&str> = plan.folders[folders_before..]
            .iter()
            .map(|f| f.source.page_id.as_str())
            .collect();
        for o in plan.outcomes.iter_mut().filter(|o| o.space == skey) {
            if folder_pages.contains(o.page_id.as_str()) {
                o.becomes.insert(0, "folder".into());
            }
            if o.becomes.is_empty() {
                o.becomes.push("nothing: no content (page-empty)".into());
            }
        }
    }
    if !secrets.is_empty() {
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        // Other copies of a secret are replaced when each document is rendered
        // (`Plan::scrub`): a pass of its own over every body cost a read and a
        // write of each.
        plan.scrubber = passwords::Scrubber::new(secrets);
    }
    // Parts of the mapping that found nothing: most often a typo in a title or key.
    for (i, used) in rule_used.iter().enumerate() {
        if !used {
            plan.findings.push(Finding::new(
                Code::MappingUnused,
                format!("[[rule]] {} matched no page", i + 1),
            ));
        }
    }
    for o in &m.organization {
        let o = o.get_ref();
        if !spaces.iter().any(|s| s.key.eq_ignore_ascii_case(&o.space)) {
            plan.findings.push(Finding::new(
                Code::MappingUnused,
                format!(
                    "[[organization]] names space {:?}, which no export of this run holds",
                    o.space
                ),
            ));
        }
    }
    relate(&mut plan, &links_of, &record_of, &fa_type_of, pending);
    Ok(plan)
}

/// The `record-extracted` finding of a page that became a flexible asset or a
/// configuration: what it became, by which rule, and whether a document stays
/// (`explicit`: the rule's `keep_document`, else decided by the page's content).
fn made_from_page(what: &str, via: &str, document_kept: bool, explicit: bool) -> Finding {
    let doc = match (document_kept, explicit) {
        (true, true) => "the page also stays a document (keep_document = true)",
        (true, false) => "the page also stays a document: it holds more than the key–value table",
        (false, true) => "no document is kept (keep_document = false)",
        (false, false) => "no document is kept: the key–value table was all the page held",
    };
    Finding::new(
        Code::RecordExtracted,
        format!("page became a {what}{via}; {doc}"),
    )
}

fn page_has_content(page: &Page, body: Option<&Body>) -> bool {
    body.is_some_and(|b| !b.is_empty()) || page.attachments.iter().any(|a| a.entry.is_some())
}

/// Related items from page links (unless both ends are documents, which link
/// already), a page's record ↔ its kept document, and Tag fields.
fn relate(
    plan: &mut Plan,
    links_of: &HashMap<PageKey, Vec<PageKey>>,
    record_of: &HashMap<PageKey, String>,
    fa_type_of: &HashMap<PageKey, String>,
    pending: Vec<PendingTags>,
) {
    let doc_of = |p: &PageKey| match plan.targets.get(p) {
        Some(PageTarget::Document { key, .. }) => Some(key.clone()),
        _ => None,
    };
    let primary = |p: &PageKey| record_of.get(p).cloned().or_else(|| doc_of(p));
    // Related items stay within one organization.
    let mut org_of: HashMap<&str, &str> = HashMap::new();
    for d in &plan.documents {
        org_of.insert(&d.key, &d.org);
    }
    for a in &plan.flexible_assets {
        org_of.insert(&a.key, &a.org);
    }
    for c in &plan.configurations {
        org_of.insert(&c.key, &c.org);
    }
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut items = Vec::new();
    let mut add = |from: String, to: String, note: &str| {
        let pair = if from < to {
            (from.clone(), to.clone())
        } else {
            (to.clone(), from.clone())
        };
        let same_org = org_of.get(from.as_str()) == org_of.get(to.as_str());
        if from != to && same_org && seen.insert(pair) {
            items.push(RelatedItem {
                from,
                to,
                notes: Some(note.to_string()),
            });
        }
    };
    let mut pages: Vec<&PageKey> = links_of.keys().collect();
    pages.sort();
    for p in &pages {
        if let (Some(r), Some(d)) = (record_of.get(*p), doc_of(p)) {
            add(r.clone(), d, "made from the same page");
        }
    }
    for p in pages {
        let Some(from) = primary(p) else { continue };
        for q in &links_of[p] {
            let Some(to) = primary(q) else { continue };
            if from.starts_with("doc/") && to.starts_with("doc/") {
                continue;
            }
            add(from.clone(), to, "linked from the page");
        }
    }
    plan.related_items = items;
    // Tag fields: the linked pages' records of the tag type.
    for t in pending {
        let mut keys: Vec<String> = Vec::new();
        for q in &t.pages {
            let found: Vec<String> = match t.tag_type.as_str() {
                "Documents" => doc_of(q).into_iter().collect(),
                "Configurations" => record_of
                    .get(q)
                    .filter(|k| k.starts_with("cfg/"))
                    .cloned()
                    .into_iter()
                    .collect(),
                "Contacts" => plan
                    .contacts
                    .iter()
                    .filter(|c| c.source.space_key == q.0 && c.source.page_id == q.1)
                    .map(|c| c.key.clone())
                    .collect(),
                "Passwords" => plan
                    .passwords
                    .iter()
                    .filter(|c| c.source.space_key == q.0 && c.source.page_id == q.1)
                    .map(|c| c.key.clone())
                    .collect(),
                "Organizations" => plan
                    .documents
                    .iter()
                    .find(|d| d.space == q.0 && d.page_id == q.1)
                    .map(|d| d.org.clone())
                    .into_iter()
                    .collect(),
                fa_type => record_of
                    .get(q)
                    .filter(|_| {
                        fa_type_of
                            .get(q)
                            .is_some_and(|t| t.eq_ignore_ascii_case(fa_type))
                    })
                    .cloned()
                    .into_iter()
                    .collect(),
            };
            keys.extend(found);
        }
        keys.sort();
        keys.dedup();
        if !keys.is_empty() {
            plan.flexible_assets[t.asset]
                .tags
                .entry(t.field)
                .or_default()
                .extend(keys);
        }
    }
    for a in &mut plan.flexible_assets {
        for v in a.tags.values_mut() {
            v.sort();
            v.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Row, Table};

    fn kv_cell(t: &str) -> Cell {
        Cell {
            header: false,
            colspan: 1,
            rowspan: 1,
            blocks: vec![Block::Para(vec![Inline::Text(t.into())])],
        }
    }

    #[test]
    fn a_record_page_loses_its_secrets_even_with_the_detector_off() {
        let rows = [
            ("Hostname", "FW01"),
            ("IP Address", "10.20.0.1"),
            ("Admin user", "admin"),
            ("Password", "Fw-S3cret!42"),
            ("Console", "https://10.20.0.1:4444"),
        ];
        let mut page = Page::new("7", "FW01");
        page.body = Some(Body {
            blocks: vec![Block::Table(Table {
                rows: rows
                    .iter()
                    .map(|(k, v)| Row {
                        cells: vec![kv_cell(k), kv_cell(v)],
                    })
                    .collect(),
            })],
        });
        let mut spaces = vec![Space {
            key: "ACME".into(),
            name: "Acme".into(),
            description: None,
            home: None,
            pages: vec![page],
            missing_pages: Default::default(),
            base_urls: Default::default(),
        }];
        let m = crate::classify::mapping::parse(
            "[[rule]]\nwhen = { keys = [\"Hostname\"] }\nmake = \"configuration\"\n[detect.passwords]\nenabled = false\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let plan = classify(&mut spaces, &m, None, &[]).unwrap();
        assert_eq!(plan.configurations.len(), 1);
        assert!(
            !plan.findings.iter().any(|f| f.code == Code::MappingUnused),
            "the rule was used: {:?}",
            plan.findings
        );
        let cfg = &plan.configurations[0];
        assert_eq!(cfg.hostname.as_deref(), Some("FW01"));
        assert_eq!(plan.passwords.len(), 1);
        let pw = &plan.passwords[0];
        assert_eq!(pw.password.as_deref(), Some("Fw-S3cret!42"));
        assert_eq!(pw.embedded_in.as_deref(), Some("cfg/ACME/7"));
        let json = serde_json::to_string(&plan.configurations).unwrap();
        assert!(!json.contains("Fw-S3cret"), "{json}");
        let body = tables::blocks_text(&spaces[0].pages[0].body.as_ref().unwrap().blocks);
        assert!(!body.contains("Fw-S3cret"), "{body}");
    }

    #[test]
    fn unused_rules_and_organizations_are_reported() {
        let mut spaces = vec![Space {
            key: "ACME".into(),
            name: "Acme".into(),
            description: None,
            home: None,
            pages: vec![Page::new("1", "Home")],
            missing_pages: Default::default(),
            base_urls: Default::default(),
        }];
        let m = crate::classify::mapping::parse(
            "[[organization]]\nspace = \"ACNE\"\n[[rule]]\nwhen = { title = \"Hom*\" }\nmake = \"document\"\n[[rule]]\nwhen = { title = \"Contcts*\" }\nmake = \"contacts\"\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let plan = classify(&mut spaces, &m, None, &[]).unwrap();
        let unused: Vec<&str> = plan
            .findings
            .iter()
            .filter(|f| f.code == Code::MappingUnused)
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            unused,
            [
                "[[rule]] 2 matched no page",
                "[[organization]] names space \"ACNE\", which no export of this run holds"
            ]
        );
    }

    #[test]
    fn the_labels_line_is_not_content_of_its_own() {
        let cell = |t: &str| Cell {
            header: false,
            colspan: 1,
            rowspan: 1,
            blocks: vec![Block::Para(vec![Inline::Text(t.into())])],
        };
        let table = Block::Table(Table {
            rows: vec![Row {
                cells: vec![cell("Hostname"), cell("DC01")],
            }],
        });
        let mut page = Page::new("1", "DC01");
        page.labels = vec!["server".into()];
        page.body = Some(Body {
            blocks: vec![table],
        });
        let extras = crate::transform::Extras::default();
        crate::transform::extras::apply_page("ACME", &mut page, extras);
        let body = page.body.unwrap();
        assert_eq!(body.blocks.len(), 2, "the labels line was appended");
        assert!(!more_than_first_table(&body));
        let mut more = body.clone();
        more.blocks.push(Block::Para(vec![Inline::Text(
            "Labels: typed by hand".into(),
        )]));
        assert!(more_than_first_table(&more));
    }
}
