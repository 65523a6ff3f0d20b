//! `scan --write-mapping`: a commented draft mapping file from what the export
//! holds — its spaces, labels, parent pages with several children, the table
//! header signatures seen, and key–value pages grouped by their keys (each group
//! a flexible asset type and a rule). Unedited, it converts; the user edits it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io;

use super::kv;
use super::mapping::KvDetect;
use super::tables::{self, norm};
use crate::model::{Space, Spill};

/// Text for a comment line: whitespace runs (newlines included) become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", v.join(", "))
}

/// A key–value page as the draft sees it.
struct KvPage {
    title: String,
    ancestors: Vec<String>,
    labels: Vec<String>,
    rows: Vec<kv::KvRow>,
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let inter = a.iter().filter(|k| b.contains(k)).count() as f64;
    let union = (a.len() + b.len()) as f64 - inter;
    if union == 0.0 { 0.0 } else { inter / union }
}

fn singular(name: &str) -> String {
    let n = name.trim();
    if n.len() > 3 && n.ends_with('s') && !n.ends_with("ss") {
        n[..n.len() - 1].to_string()
    } else {
        n.to_string()
    }
}

fn type_name(group: &[&KvPage], taken: &mut Vec<String>) -> String {
    let first = group[0];
    let base = first
        .labels
        .iter()
        .find(|l| group.iter().all(|p| p.labels.contains(l)))
        .map(|l| singular(l))
        .or_else(|| {
            // The deepest ancestor all pages share (not the space home page).
            let mut common: Option<String> = None;
            for (i, a) in first.ancestors.iter().enumerate().skip(1) {
                if group.iter().all(|p| p.ancestors.get(i) == Some(a)) {
                    common = Some(a.clone());
                } else {
                    break;
                }
            }
            common.map(|c| singular(&c))
        })
        .filter(|_| group.len() > 1)
        .unwrap_or_else(|| first.title.trim().to_string());
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn field_kind(key: &str, values: &[&str]) -> &'static str {
    let k = norm(key);
    if tables::default_notes().iter().any(|n| norm(n) == k) {
        return "Textbox";
    }
    let vals: Vec<&&str> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    if vals.is_empty() {
        return "Text";
    }
    let dates = vals.iter().filter(|v| kv::parse_date(v).is_some()).count();
    if dates * 2 > vals.len() {
        return "Date";
    }
    if vals.iter().all(|v| kv::parse_number(v).is_some()) {
        return "Number";
    }
    "Text"
}

/// The draft mapping text for these spaces.
pub fn draft(spaces: &[Space], spill: &Spill) -> io::Result<String> {
    let detect = KvDetect::default();
    let mut out = String::new();
    out.push_str(
        "# cf2itglue mapping file: a draft written by `cf2itglue scan --write-mapping`.\n\
         # Edit it, then: cf2itglue convert EXPORT --out BUNDLE --mapping THIS_FILE\n\
         # Every key is explained in the README, section \"Mapping and classification\".\n\
         # Unknown keys and bad values are errors that name the line.\n\n",
    );
    let mut kv_pages: Vec<KvPage> = Vec::new();
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    out.push_str("# ── Organizations (first match wins) ──────────────────────────────\n");
    for space in spaces {
        let _ = writeln!(
            out,
            "[[organization]]\nspace = {}\nname = {}\nmatch = \"create\"          # \"existing\": use the IT Glue organization of this exact name\n",
            q(&space.key),
            q(&space.name)
        );
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for p in &space.pages {
            if let Some(parent) = p.parent.as_deref() {
                children.entry(parent).or_default().push(&p.title);
            }
        }
        let mut parents: Vec<(&str, &Vec<&str>)> = space
            .pages
            .iter()
            .filter(|p| Some(p.id.as_str()) != space.home.as_deref())
            .filter_map(|p| children.get(p.id.as_str()).map(|c| (p.title.as_str(), c)))
            .filter(|(_, c)| c.len() >= 2)
            .collect();
        parents.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        if !parents.is_empty() {
            out.push_str("# Parent pages with several children. To make each child (with its subtree)\n# its own organization, uncomment one of these:\n");
            for (title, c) in parents.iter().take(10) {
                let _ = writeln!(
                    out,
                    "# [[organization]]\n# space = {}\n# children_of = {}   # {} children: {}\n",
                    q(&space.key),
                    q(title),
                    c.len(),
                    one_line(&c.join(", "))
                );
            }
        }
        let titles: HashMap<&str, (&str, Option<&str>)> = space
            .pages
            .iter()
            .map(|p| (p.id.as_str(), (p.title.as_str(), p.parent.as_deref())))
            .collect();
        for p in &space.pages {
            for l in &p.labels {
                *labels.entry(l.clone()).or_default() += 1;
            }
            let Some(body) = spill.body(p)? else { continue };
            for t in tables::tables(&body.blocks) {
                // Only a header row: a first row of data could hold a secret.
                let cells: Vec<String> = t
                    .rows
                    .first()
                    .filter(|r| tables::is_header_row(r))
                    .map(|r| r.cells.iter().map(tables::cell_text).collect())
                    .unwrap_or_default();
                if cells.len() >= 3 && t.rows.len() > 1 {
                    headers
                        .entry(one_line(&cells.join(" | ")))
                        .or_default()
                        .push(one_line(&p.title));
                }
            }
            if let Some(rows) = kv::rows(&body, detect.min_rows) {
                let mut ancestors = Vec::new();
                let mut cur = p.parent.as_deref();
                while let Some(id) = cur {
                    let Some((t, parent)) = titles.get(id) else {
                        break;
                    };
                    if ancestors.len() > titles.len() {
                        break;
                    }
                    ancestors.push(t.to_string());
                    cur = *parent;
                }
                ancestors.reverse();
                kv_pages.push(KvPage {
                    title: p.title.clone(),
                    ancestors,
                    labels: p.labels.clone(),
                    rows,
                });
            }
        }
    }
    // Group key–value pages whose key sets overlap mostly.
    let keysets: Vec<Vec<String>> = kv_pages
        .iter()
        .map(|p| p.rows.iter().map(|r| norm(&r.key)).collect())
        .collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..kv_pages.len() {
        match groups
            .iter_mut()
            .find(|g| jaccard(&keysets[g[0]], &keysets[i]) >= 0.6)
        {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    out.push_str("# ── What pages become (rules run in order; the first match decides) ──\n");
    out.push_str("# Without a matching rule a page is a document; password and contact tables\n# are extracted by the detectors configured at the end of this file.\n\n");
    let mut types = String::new();
    let mut taken = Vec::new();
    for g in &groups {
        let pages: Vec<&KvPage> = g.iter().map(|i| &kv_pages[*i]).collect();
        let name = type_name(&pages, &mut taken);
        let common: Vec<String> = pages[0]
            .rows
            .iter()
            .filter(|r| g.iter().all(|i| keysets[*i].contains(&norm(&r.key))))
            .map(|r| r.key.clone())
            .collect();
        let mut fields: Vec<(String, Vec<&str>)> = Vec::new();
        for p in &pages {
            for r in &p.rows {
                match fields.iter_mut().find(|(k, _)| norm(k) == norm(&r.key)) {
                    Some((_, v)) => v.push(&r.value),
                    None => fields.push((r.key.clone(), vec![&r.value])),
                }
            }
        }
        let on = if pages.len() > 1 { "" } else { "# " };
        let titles: Vec<String> = pages.iter().map(|p| one_line(&p.title)).collect();
        let _ = writeln!(
            out,
            "# Key–value pages ({}): {}\n{on}[[rule]]\n{on}when = {{ keys = {} }}\n{on}make = \"flexible_asset\"   # or \"configuration\" (hostname / IP / OS / serial keys)\n{on}type = {}\n",
            titles.len(),
            titles.join(", "),
            list(&common),
            q(&name)
        );
        let _ = writeln!(
            types,
            "{on}[flexible_asset_type.{}]\n{on}fields = [",
            q(&name)
        );
        for (i, (k, vals)) in fields.iter().enumerate() {
            let show = if i < 2 { ", show_in_list = true" } else { "" };
            let _ = writeln!(
                types,
                "{on}  {{ name = {}, kind = \"{}\"{show} }},",
                q(k),
                field_kind(k, vals)
            );
        }
        let _ = writeln!(types, "{on}]\n");
    }
    if !labels.is_empty() {
        out.push_str("# Labels seen (pages): ");
        let l: Vec<String> = labels
            .iter()
            .map(|(l, n)| format!("{} ({n})", one_line(l)))
            .collect();
        out.push_str(&l.join(", "));
        out.push_str("\n# e.g. [[rule]] when = { label = \"obsolete\" } make = \"skip\"\n\n");
    }
    if !headers.is_empty() {
        out.push_str("# Table header signatures seen (pages). Password tables (a header that is a\n# password synonym) and contact tables (name + e-mail/phone) are detected;\n# add your own words to the synonym lists below.\n");
        for (h, pages) in &headers {
            let mut pages = pages.clone();
            pages.dedup();
            let _ = writeln!(out, "#   {h}   ({})", pages.join(", "));
        }
        out.push('\n');
    }
    out.push_str("# ── Flexible asset types ─────────────────────────────────────────\n");
    out.push_str("# kinds: Text, Textbox, Number, Date, Checkbox, Select (options = [...]),\n# Tag (tag_type = \"Documents\" | \"Configurations\" | ... | a type name), Password, Upload, Header\n\n");
    out.push_str(&types);
    let depth = spaces
        .iter()
        .map(|s| {
            let mut d: HashMap<&str, usize> = HashMap::new();
            let mut max = 0;
            for p in &s.pages {
                let x = p
                    .parent
                    .as_deref()
                    .and_then(|pp| d.get(pp))
                    .map(|v| v + 1)
                    .unwrap_or(0);
                d.insert(&p.id, x);
                max = max.max(x);
            }
            max
        })
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "# ── Documents ─────────────────────────────────────────────────────\n[documents]\nmax_folder_depth = 0        # 0 = no limit; the deepest page here is {depth} levels below its home page\nduplicate_titles = \"suffix\" # \"Title (2)\"; or \"path\": \"Parent / Title\"\ncomments = \"append\"         # or \"drop\"\nlabels = \"append\"           # a line of text, or \"drop\"\n"
    );
    let _ = writeln!(
        out,
        "# ── Built-in detectors ─────────────────────────────────────────────\n[detect.passwords]\nenabled = true\ncolumns = {{ password = {}, username = {}, name = {} }}\n\n[detect.contacts]\nenabled = true\n\n[detect.key_value]\nmake = \"document\"   # pages no rule matches: \"document\", or \"configuration\"\nmin_rows = {}",
        list(&tables::default_password()),
        list(&tables::default_username()),
        list(&tables::default_password_name()),
        detect.min_rows
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Body, Cell, Inline, Page, Row, Style, Table};

    fn row(cells: &[&str], header: bool, bold: bool) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|t| {
                    let text = Inline::Text(t.to_string());
                    Cell {
                        header,
                        colspan: 1,
                        rowspan: 1,
                        blocks: vec![Block::Para(vec![if bold {
                            Inline::Styled(Style::Strong, vec![text])
                        } else {
                            text
                        }])],
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn header_signatures_list_header_rows_only() {
        let table = |first: Row| {
            Block::Table(Table {
                rows: vec![first, row(&["x", "y", "z"], false, false)],
            })
        };
        let mut page = Page::new("1", "Access");
        page.body = Some(Body {
            blocks: vec![
                table(row(&["Host", "Admin", "Secret"], true, false)),
                table(row(&["Vendor", "Contract", "Renewal"], false, true)),
                // No header row: its first row is data, and may be a secret.
                table(row(&["fw01", "admin", "Hunter2-Fw!"], false, false)),
            ],
        });
        let space = Space {
            key: "ACME".into(),
            name: "Acme".into(),
            description: None,
            home: None,
            pages: vec![page],
            missing_pages: Default::default(),
            base_urls: Default::default(),
        };
        let text = draft(&[space], &Spill::new().unwrap()).unwrap();
        assert!(
            text.contains("#   Host | Admin | Secret   (Access)"),
            "{text}"
        );
        assert!(text.contains("#   Vendor | Contract | Renewal   (Access)"));
        assert!(!text.contains("Hunter2"), "{text}");
        crate::classify::mapping::parse(&text, std::path::Path::new("draft.toml")).unwrap();
    }
}
