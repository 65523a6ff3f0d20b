//! Detecting the kind of export and its root folder from the entry list alone,
//! at any depth; never from the archive's file name.

use std::collections::BTreeMap;

use super::Entry;
use crate::model::ExportKind;

fn dir_of(name: &str) -> &str {
    match name.rfind('/') {
        Some(i) => &name[..=i],
        None => "",
    }
}

fn depth(prefix: &str) -> usize {
    prefix.matches('/').count()
}

/// Returns the kind and the root prefix (`""` or ending in `/`) of the shallowest
/// export found, or `None` when nothing looks like a Confluence export.
pub fn detect(entries: &BTreeMap<String, Entry>) -> Option<(ExportKind, String)> {
    let mut best: Option<(usize, ExportKind, String)> = None;
    let mut consider = |kind: ExportKind, prefix: &str| {
        let d = depth(prefix);
        if best.as_ref().is_none_or(|(bd, _, _)| d < *bd) {
            best = Some((d, kind, prefix.to_string()));
        }
    };
    for name in entries.keys() {
        let file = name.rsplit('/').next().unwrap_or(name);
        let prefix = dir_of(name);
        match file {
            "index.html" => {
                let css = format!("{prefix}styles/site.css");
                if entries.contains_key(&css) || has_page_files(entries, prefix) {
                    consider(ExportKind::Html, prefix);
                }
            }
            "entities.xml" => consider(ExportKind::Xml, prefix),
            "exportDescriptor.properties" | "exportDescriptor.properties.gz" => {
                let entities = format!("{prefix}entities.xml");
                if !entries.contains_key(&entities)
                    && (entries.contains_key(&format!("{prefix}content.csv.gz"))
                        || entries.contains_key(&format!("{prefix}content.csv")))
                {
                    consider(ExportKind::Csv, prefix);
                }
            }
            _ => {}
        }
    }
    best.map(|(_, k, p)| (k, p))
}

/// True when the folder holds page files named like `Title_123.html` / `123.html`.
fn has_page_files(entries: &BTreeMap<String, Entry>, prefix: &str) -> bool {
    entries
        .range(prefix.to_string()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .filter(|(k, _)| !k[prefix.len()..].contains('/'))
        .any(|(k, _)| crate::read::html::page_id_from_file(&k[prefix.len()..]).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(names: &[&str]) -> BTreeMap<String, Entry> {
        names
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    Entry {
                        index: None,
                        size: 1,
                        crc32: None,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn finds_html_root_at_depth() {
        let e = entries(&[
            "x/ACME/index.html",
            "x/ACME/styles/site.css",
            "x/ACME/A_1.html",
        ]);
        assert_eq!(detect(&e), Some((ExportKind::Html, "x/ACME/".into())));
    }

    #[test]
    fn finds_xml_and_csv() {
        let e = entries(&["entities.xml", "exportDescriptor.properties"]);
        assert_eq!(detect(&e), Some((ExportKind::Xml, "".into())));
        let e = entries(&["b/exportDescriptor.properties.gz", "b/content.csv.gz"]);
        assert_eq!(detect(&e), Some((ExportKind::Csv, "b/".into())));
    }

    #[test]
    fn other_folders_are_not_exports() {
        let e = entries(&["README.md", "src/index.html"]);
        assert_eq!(detect(&e), None);
    }
}
