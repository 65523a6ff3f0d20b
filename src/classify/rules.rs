//! Matching pages against `[[rule]]` conditions: label, title / ancestor globs,
//! space, page id, macros used, table header signatures and key–value keys. All given
//! conditions must hold; the first rule that matches decides.

use std::collections::BTreeSet;

use super::mapping::{Rule, When};
use super::tables::{self, norm};
use crate::model::{Block, Body, Code, Finding, Page};

/// `*` and `?` glob, case-insensitive, on trimmed text.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.trim().to_lowercase().chars().collect();
    let t: Vec<char> = text.trim().to_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// What a rule may look at for one page.
pub struct Facts<'a> {
    pub space: &'a str,
    pub page: &'a Page,
    pub ancestors: &'a [String],
    pub body: &'a Body,
    /// Normalized keys of the page's key–value table, if it is a key–value page.
    pub kv_keys: Option<Vec<String>>,
    /// Lowercase names of the macros the page uses (see [`macros`]).
    pub macros: &'a BTreeSet<String>,
}

/// The macro a reader's `macro-converted` / `macro-unsupported` finding names:
/// both readers start the message with the macro's name ("jira macro: ...",
/// "expand macro converted: ...").
pub fn macro_of_finding(f: &Finding) -> Option<String> {
    if !matches!(f.code, Code::MacroConverted | Code::MacroUnsupported) {
        return None;
    }
    let (name, _) = f.message.split_once(" macro")?;
    let name = name.trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_lowercase())
}

/// Macros visible in a body's structure (the panels, expand, code and task lists
/// both readers turn into blocks), added to `out`.
pub fn macros_in(blocks: &[Block], out: &mut BTreeSet<String>) {
    for b in blocks {
        match b {
            Block::Panel { kind, body, .. } => {
                out.insert(kind.as_str().to_string());
                macros_in(body, out);
            }
            Block::Expand { body, .. } => {
                out.insert("expand".into());
                macros_in(body, out);
            }
            Block::Code { .. } => {
                out.insert("code".into());
            }
            Block::TaskList(t) => {
                out.insert("tasklist".into());
                t.iter().for_each(|t| macros_in(&t.body, out));
            }
            Block::List { items, .. } => items.iter().for_each(|i| macros_in(i, out)),
            Block::Table(t) => t
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .for_each(|c| macros_in(&c.blocks, out)),
            Block::Quote(b) | Block::Group(b) => macros_in(b, out),
            Block::Para(_) | Block::Heading { .. } | Block::Rule => {}
        }
    }
}

pub fn matches(w: &When, f: &Facts) -> bool {
    if let Some(l) = &w.label
        && !f
            .page
            .labels
            .iter()
            .any(|x| x.eq_ignore_ascii_case(l.trim()))
    {
        return false;
    }
    if let Some(t) = &w.title
        && !t.items().iter().any(|g| glob(g, &f.page.title))
    {
        return false;
    }
    if let Some(a) = &w.ancestor
        && !f.ancestors.iter().any(|x| glob(a, x))
    {
        return false;
    }
    if let Some(s) = &w.space
        && !s.eq_ignore_ascii_case(f.space)
    {
        return false;
    }
    if let Some(ids) = &w.id
        && !ids.items().contains(&f.page.id.as_str())
    {
        return false;
    }
    if let Some(names) = &w.macro_
        && !names
            .items()
            .iter()
            .any(|n| f.macros.contains(&n.trim().to_lowercase()))
    {
        return false;
    }
    if let Some(hs) = &w.table_headers {
        let want: Vec<String> = hs.iter().map(|h| norm(h)).collect();
        let any = tables::tables(&f.body.blocks).into_iter().any(|t| {
            let h = tables::header(t);
            want.iter().all(|w| h.contains(w))
        });
        if !any {
            return false;
        }
    }
    if let Some(ks) = &w.keys {
        let Some(have) = &f.kv_keys else { return false };
        if !ks.iter().all(|k| have.contains(&norm(k))) {
            return false;
        }
    }
    if let Some(kv) = w.key_value
        && kv != f.kv_keys.is_some()
    {
        return false;
    }
    true
}

/// The index of the first rule that matches.
pub fn first<'r>(rules: &'r [toml::Spanned<Rule>], f: &Facts) -> Option<(usize, &'r Rule)> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| (i, r.get_ref()))
        .find(|(_, r)| matches(&r.when, f))
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("Contacts*", "contacts at HQ"));
        assert!(glob("*Passw?rds*", "Service Accounts & Passwords"));
        assert!(!glob("DC0?", "DC010"));
        assert!(glob("*", ""));
    }
}

#[cfg(test)]
mod label_tests {
    use super::*;
    use crate::classify::mapping::parse;

    #[test]
    fn label_title_and_ancestor_conditions() {
        let m = parse(
            "[[rule]]\nwhen = { label = \"Obsolete\" }\nmake = \"skip\"\n[[rule]]\nwhen = { ancestor = \"Client*\", title = [\"* Office\"] }\nmake = \"contacts\"\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let mut page = Page::new("1", "Head Office");
        let body = Body::default();
        let macros = BTreeSet::new();
        let anc = vec!["Home".to_string(), "Client Sites".to_string()];
        let facts = |p: &Page| -> Option<usize> {
            let f = Facts {
                space: "ACME",
                page: p,
                ancestors: &anc,
                body: &body,
                kv_keys: None,
                macros: &macros,
            };
            first(&m.rule, &f).map(|(i, _)| i)
        };
        assert_eq!(facts(&page), Some(1));
        page.labels.push("obsolete".into());
        assert_eq!(
            facts(&page),
            Some(0),
            "labels match case-insensitively; first rule wins"
        );
        let other = Page::new("2", "Backups");
        assert_eq!(facts(&other), None);
    }

    #[test]
    fn macro_condition_sees_blocks_and_reader_findings() {
        let m = parse(
            "[[rule]]\nwhen = { macro = [\"Jira\", \"expand\"] }\nmake = \"skip\"\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let page = Page::new("1", "Runbook");
        let anc: Vec<String> = Vec::new();
        let check = |body: &Body, macros: &BTreeSet<String>| {
            let f = Facts {
                space: "ACME",
                page: &page,
                ancestors: &anc,
                body,
                kv_keys: None,
                macros,
            };
            first(&m.rule, &f).is_some()
        };
        let mut body = Body {
            blocks: vec![Block::Expand {
                title: vec![],
                body: vec![Block::Code {
                    language: None,
                    title: None,
                    text: "x".into(),
                }],
            }],
        };
        let mut seen = BTreeSet::new();
        macros_in(&body.blocks, &mut seen);
        assert_eq!(
            seen.iter().map(String::as_str).collect::<Vec<_>>(),
            ["code", "expand"]
        );
        assert!(check(&body, &seen));
        body.blocks.clear();
        assert!(!check(&body, &BTreeSet::new()));
        let f =
            Finding::new(Code::MacroUnsupported, "jira macro: not converted").on_page("ACME", "1");
        let g = Finding::new(Code::MacroConverted, "toc macro converted: a static list");
        let h = Finding::new(Code::LinkUnresolved, "jira macro: x");
        assert_eq!(macro_of_finding(&f).as_deref(), Some("jira"));
        assert_eq!(macro_of_finding(&g).as_deref(), Some("toc"));
        assert_eq!(macro_of_finding(&h), None);
        let from_findings: BTreeSet<String> = [f, g].iter().filter_map(macro_of_finding).collect();
        assert!(
            check(&body, &from_findings),
            "names match case-insensitively"
        );
    }
}
