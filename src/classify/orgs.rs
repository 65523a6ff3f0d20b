//! Which Organization each page goes to (`[[organization]]` rules, first match
//! wins): the space as a whole, one page's subtree, or each child of a page with
//! its subtree. Pages no rule cuts out stay with their space's organization.

use std::collections::HashMap;

use super::Plan;
use super::mapping::{Mapping, OrgMatch};
use crate::bundle::{OrgSource, Organization, keys};
use crate::model::{Code, Finding, Space};

/// Page id → (organization key, the page is that organization's root).
pub type Assignment = HashMap<String, (String, bool)>;

fn find_page<'a>(space: &'a Space, title_or_id: &str) -> Option<&'a crate::model::Page> {
    space
        .pages
        .iter()
        .find(|p| p.id == title_or_id)
        .or_else(|| {
            space
                .pages
                .iter()
                .find(|p| p.title.trim().eq_ignore_ascii_case(title_or_id.trim()))
        })
}

/// Assigns every page of a space and adds the organizations to the plan.
pub fn assign(space: &Space, m: &Mapping, plan: &mut Plan) -> Assignment {
    let rules: Vec<_> = m
        .organization
        .iter()
        .map(|o| o.get_ref())
        .filter(|o| o.space.eq_ignore_ascii_case(&space.key))
        .collect();
    let whole = rules
        .iter()
        .find(|o| o.children_of.is_none() && o.subtree.is_none());
    let space_org = keys::org(&space.key);
    let source = |page_id: Option<&str>| OrgSource {
        space_key: space.key.clone(),
        space_name: space.name.clone(),
        page_id: page_id.map(str::to_string),
    };
    plan.organizations.push(Organization {
        key: space_org.clone(),
        name: whole
            .and_then(|o| o.name.clone())
            .unwrap_or_else(|| space.name.clone()),
        match_: whole
            .map(|o| o.match_)
            .unwrap_or(OrgMatch::Create)
            .as_str()
            .into(),
        source: source(None),
    });
    // Page id → organization key for pages that start an organization.
    let mut roots: HashMap<String, String> = HashMap::new();
    for o in &rules {
        let (anchor, each_child) = match (&o.children_of, &o.subtree) {
            (Some(c), _) => (c, true),
            (None, Some(s)) => (s, false),
            _ => continue,
        };
        let Some(page) = find_page(space, anchor) else {
            let msg = format!(
                "[[organization]] names page {anchor:?}, which space {} does not have",
                space.key
            );
            plan.findings.push(Finding::new(Code::MappingUnused, msg));
            continue;
        };
        let tops: Vec<&crate::model::Page> = if each_child {
            space
                .pages
                .iter()
                .filter(|p| p.parent.as_deref() == Some(page.id.as_str()))
                .collect()
        } else {
            vec![page]
        };
        for top in tops {
            if roots.contains_key(&top.id) {
                continue;
            }
            let key = keys::org_from_page(&space.key, &top.id);
            let name = match (&o.name, each_child) {
                (Some(n), false) => n.clone(),
                _ => top.title.trim().to_string(),
            };
            plan.organizations.push(Organization {
                key: key.clone(),
                name,
                match_: o.match_.as_str().into(),
                source: source(Some(&top.id)),
            });
            roots.insert(top.id.clone(), key);
        }
    }
    let mut out: Assignment = HashMap::new();
    for p in &space.pages {
        let entry = if let Some(k) = roots.get(&p.id) {
            (k.clone(), true)
        } else if let Some((k, _)) = p.parent.as_deref().and_then(|pp| out.get(pp)) {
            (k.clone(), false)
        } else {
            let is_home = Some(p.id.as_str()) == space.home.as_deref();
            (space_org.clone(), is_home)
        };
        out.insert(p.id.clone(), entry);
    }
    out
}
