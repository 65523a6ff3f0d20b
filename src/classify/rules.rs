//! Matching pages against `[[rule]]` conditions: label, title / ancestor globs,
//! space, page id, table header signatures and key–value keys. All given
//! conditions must hold; the first rule that matches decides.

use super::mapping::{Rule, When};
use super::tables::{self, norm};
use crate::model::{Body, Page};

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
        let anc = vec!["Home".to_string(), "Client Sites".to_string()];
        let facts = |p: &Page| -> Option<usize> {
            let f = Facts {
                space: "ACME",
                page: p,
                ancestors: &anc,
                body: &body,
                kv_keys: None,
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
}
