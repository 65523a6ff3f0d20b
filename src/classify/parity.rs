//! The same pages read from an HTML export and from storage format (what an XML
//! export holds) give the same records under the same mapping: classification
//! works on the model's tables only. The storage-format bodies in
//! `testdata/acme-storage/` are the sample's password, server and contact pages
//! as Confluence stores them (a `warning` macro, a `details` page-properties macro
//! around the server sheet, `ac:link` page links, a `ri:user` mention).

use std::path::PathBuf;

use super::mapping;
use super::{Plan, classify};
use crate::model::{Body, Finding, Page, Space};
use crate::read::storage::{self, PageCtx, testing::FakeSite};
use crate::transform::{self, Extras};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// (id, title, HTML export file): a home page and four pages below it.
const PAGES: &[(&str, &str, &str)] = &[
    ("98300", "Acme Corp Home", ""),
    ("98323", "DC01", "DC01_98323.html"),
    ("98324", "DC01 Build Notes", ""),
    ("98360", "Service Accounts & Passwords", "98360.html"),
    ("98370", "Key Contacts", "Key-Contacts_98370.html"),
];

fn space(bodies: impl Fn(&str, &str, &str) -> Option<Body>) -> Space {
    let mut pages = Vec::new();
    for (i, (id, title, file)) in PAGES.iter().enumerate() {
        let mut p = Page::new(*id, *title);
        if *id != "98300" {
            p.parent = Some("98300".into());
            p.position = i - 1;
        }
        p.body = Some(bodies(id, title, file).unwrap_or_else(|| Body {
            blocks: vec![crate::model::Block::Para(vec![crate::model::Inline::Text(
                format!("{title}."),
            )])],
        }));
        p.has_content = true;
        pages.push(p);
    }
    Space {
        key: "ACME".into(),
        name: "Acme Corp".into(),
        description: None,
        home: Some("98300".into()),
        pages,
        missing_pages: Default::default(),
        base_urls: ["https://acme-msp.atlassian.net/wiki".to_string()]
            .into_iter()
            .collect(),
    }
}

fn plan_of(mut spaces: Vec<Space>, reported: &[Finding]) -> Plan {
    let m = mapping::load(&testdata("acme-mapping.toml")).unwrap().0;
    transform::resolve(&mut spaces, None, Extras::default()).unwrap();
    classify(&mut spaces, &m, None, reported).unwrap()
}

fn from_html() -> Plan {
    let s = space(|id, _, file| {
        (!file.is_empty()).then(|| {
            let html = std::fs::read_to_string(testdata("acme-html").join(file)).unwrap();
            let pf = crate::read::html::page::parse(&html, "ACME", id);
            Body {
                blocks: pf.body.expect("the page has a body"),
            }
        })
    });
    plan_of(vec![s], &[])
}

fn from_storage() -> (Plan, Vec<Finding>) {
    let mut site = FakeSite::default();
    for (id, title, _) in PAGES {
        site.pages
            .insert(id.to_string(), (title.to_string(), None, String::new()));
    }
    site.users
        .insert("5d1e8a7c3b2f4e0012a9c451".into(), "Dana Whitfield".into());
    let findings = std::cell::RefCell::new(Vec::new());
    let s = space(|id, title, file| {
        (!file.is_empty()).then(|| {
            let xml = std::fs::read_to_string(testdata("acme-storage").join(format!("{id}.xml")))
                .unwrap();
            let ctx = PageCtx {
                site: &site,
                space: "ACME",
                page_id: id,
                title,
            };
            let c = storage::convert(&xml, &ctx);
            findings.borrow_mut().extend(c.findings);
            Body { blocks: c.blocks }
        })
    });
    let findings = findings.into_inner();
    (plan_of(vec![s], &findings), findings)
}

#[test]
fn html_and_storage_format_give_the_same_records() {
    let html = from_html();
    let (xml, reported) = from_storage();
    // Not vacuous: the records are there.
    assert_eq!(html.passwords.len(), 5, "{:?}", html.passwords);
    assert_eq!(html.contacts.len(), 5);
    assert_eq!(html.flexible_assets.len(), 1);
    assert_eq!(html.flexible_assets[0].traits["Hostname"], "DC01");
    assert!(
        reported
            .iter()
            .any(|f| f.message.starts_with("details macro")),
        "the storage body went through the details macro: {reported:?}"
    );
    assert_eq!(xml.passwords, html.passwords);
    assert_eq!(xml.contacts, html.contacts);
    assert_eq!(xml.flexible_assets, html.flexible_assets);
    assert_eq!(xml.flexible_asset_types, html.flexible_asset_types);
    assert_eq!(xml.configurations, html.configurations);
    assert!(!html.related_items.is_empty());
    assert_eq!(xml.related_items, html.related_items);
    let outcomes = |p: &Plan| {
        p.outcomes
            .iter()
            .map(|o| (o.page_id.clone(), o.becomes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(outcomes(&xml), outcomes(&html));
}
