//! `index.html` of an HTML export: the space details and the page tree, where every
//! child sits in its own `<ul>` and sibling order is Confluence's order.

use scraper::{ElementRef, Html, Selector};

use super::page_id_from_file;

/// A node of the index tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The href as written (a file name relative to the export root).
    pub file: String,
    pub id: String,
    pub title: String,
    pub home: bool,
    pub children: Vec<TreeNode>,
}

#[derive(Debug, Default)]
pub struct SpaceIndex {
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub roots: Vec<TreeNode>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

pub fn text_of(el: ElementRef) -> String {
    let t: String = el.text().collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses index.html.
pub fn parse(html: &str) -> SpaceIndex {
    let doc = Html::parse_document(html);
    let mut out = SpaceIndex::default();
    // Space details: rows of <th>Key</th><td>VAR</td>.
    for tr in doc.select(&sel("#main-content tr")) {
        let th = tr.select(&sel("th")).next().map(text_of);
        let td = tr.select(&sel("td")).next().map(text_of);
        if let (Some(th), Some(td)) = (th, td) {
            let td = (!td.is_empty()).then_some(td);
            match th.as_str() {
                "Key" => out.key = td,
                "Name" => out.name = td,
                "Description" => out.description = td,
                _ => {}
            }
        }
    }
    // <title>KEY (Name)</title> as a fallback.
    if out.key.is_none()
        && let Some(t) = doc.select(&sel("title")).next().map(text_of)
        && let Some((k, rest)) = t.split_once(" (")
    {
        out.key = Some(k.trim().to_string());
        if out.name.is_none() {
            out.name = Some(rest.trim_end_matches(')').to_string());
        }
    }
    // The tree: the first <ul> in a pageSection that holds page links.
    for section in doc.select(&sel("div.pageSection")) {
        let title = section
            .select(&sel(".pageSectionTitle"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        if !title.starts_with("Available Pages") {
            continue;
        }
        for ul in section
            .child_elements()
            .filter(|e| e.value().name() == "ul")
        {
            out.roots.extend(list(ul));
        }
    }
    out
}

/// The nodes of one `<ul>`: each `<li>` whose own `<a>` names a page file.
fn list(ul: ElementRef) -> Vec<TreeNode> {
    let mut nodes = Vec::new();
    for li in ul.child_elements().filter(|e| e.value().name() == "li") {
        let mut node: Option<TreeNode> = None;
        let mut children = Vec::new();
        for child in li.child_elements() {
            match child.value().name() {
                "a" if node.is_none() => {
                    let href = child.value().attr("href").unwrap_or("");
                    if let Some(id) = page_id_from_file(href) {
                        node = Some(TreeNode {
                            file: href.to_string(),
                            id,
                            title: text_of(child),
                            home: false,
                            children: Vec::new(),
                        });
                    }
                }
                "img"
                    if child
                        .value()
                        .attr("src")
                        .unwrap_or("")
                        .contains("home_page") =>
                {
                    if let Some(n) = node.as_mut() {
                        n.home = true;
                    }
                }
                "ul" => children.extend(list(child)),
                _ => {}
            }
        }
        match node {
            Some(mut n) => {
                n.children = children;
                nodes.push(n);
            }
            // An <li> without a page link: keep its children at this level.
            None => nodes.extend(children),
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_child_in_its_own_ul_keeps_order() {
        let html = r#"<html><head><title>ACME (Acme Corp)</title></head><body>
        <div id="main-content"><table><tr><th>Key</th><td>ACME</td></tr>
        <tr><th>Name</th><td>Acme Corp</td></tr></table></div>
        <div class="pageSection"><div class="pageSectionHeader"><h2 class="pageSectionTitle">Available Pages:</h2></div>
        <ul><li><a href="Home_1.html">Home</a> <img src="images/icons/contenttypes/home_page_16.png"/>
          <ul><li><a href="Zeta_3.html">Zeta</a><ul><li><a href="4.html">A: b</a></li></ul></li></ul>
          <ul><li><a href="Alpha_2.html">Alpha</a></li></ul>
        </li></ul></div></body></html>"#;
        let idx = parse(html);
        assert_eq!(idx.key.as_deref(), Some("ACME"));
        assert_eq!(idx.name.as_deref(), Some("Acme Corp"));
        assert_eq!(idx.roots.len(), 1);
        let home = &idx.roots[0];
        assert!(home.home);
        let titles: Vec<_> = home.children.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Zeta", "Alpha"]);
        assert_eq!(home.children[0].children[0].title, "A: b");
        assert_eq!(home.children[0].children[0].id, "4");
    }
}
