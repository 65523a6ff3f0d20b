//! report.html from hand-made records (the preview's test records): headline
//! numbers, pages needing work first and in order, totals, findings by code with
//! links, self-contained, no secret.

use super::work::{MACRO_HEAVY, pages_needing_work};
use super::*;
use crate::model::Code;
use crate::preview::tests::{findings, records};
use crate::preview::{self, Index};

fn render(preview: bool, findings: &[Finding]) -> String {
    let r = records();
    render_html(&HtmlInput {
        title: "cf2itglue report: Space",
        records: &r,
        findings,
        pages: 6,
        preview,
    })
}

fn on(code: Code, page: &str) -> Finding {
    let mut f = Finding::new(code, format!("{} here", code.as_str()));
    f.page = Some(page.into());
    f
}

/// The text between two markers (the first of each).
fn between<'a>(h: &'a str, from: &str, to: &str) -> &'a str {
    let a = h.find(from).unwrap_or_else(|| panic!("{from} missing"));
    let b = a + h[a..].find(to).unwrap_or_else(|| panic!("{to} missing"));
    &h[a..b]
}

#[test]
fn headline_numbers_come_first() {
    let mut f = findings();
    sort(&mut f);
    let h = render(true, &f);
    let tiles = between(&h, "<div class=\"tiles\">", "</div>\n<h2");
    for (n, label) in [
        (6, "pages read"),
        (2, "documents staged"),
        (1, "images staged"),
        (1, "images missing"),
        (0, "attachments missing"),
        (2, "pages need manual work"),
        (2, "warnings"),
        (0, "errors"),
    ] {
        assert!(
            tiles.contains(&format!("<span class=\"n\">{n}</span>{label}")),
            "{label} should be {n}: {tiles}"
        );
    }
    // Then manual work, the chart, totals and findings, in that order.
    let order: Vec<usize> = [
        "<div class=\"tiles\">",
        "id=\"manual-work\"",
        "id=\"became\"",
        "id=\"totals\"",
        "id=\"findings\"",
    ]
    .iter()
    .map(|m| h.find(m).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn manual_work_links_to_the_preview_of_each_page() {
    let mut f = findings();
    sort(&mut f);
    let h = render(true, &f);
    let work = between(&h, "id=\"manual-work\"", "id=\"became\"");
    // The document with a missing image (most serious) before the asset with an
    // invalid field; each linked to where the preview shows it.
    let doc = work
        .find("<a href=\"preview/documents/S/2.html\">Restore &lt;Test&gt;</a>")
        .expect(work);
    let fa = work
        .find("<a href=\"preview/orgs/S/flexible-assets.html#fa/S/3\">fa/S/3</a>")
        .expect(work);
    assert!(doc < fa);
    assert!(work.contains("1 image missing"));
    assert!(work.contains("1 field value left empty (invalid)"));
}

#[test]
fn without_preview_links_go_to_the_document_bodies() {
    let mut f = findings();
    sort(&mut f);
    let h = render(false, &f);
    assert!(h.contains("<a href=\"documents/S/2.html\">Restore &lt;Test&gt;</a>"));
    assert!(
        !h.contains("preview/"),
        "no link into a preview that is not there"
    );
}

#[test]
fn work_is_ordered_by_seriousness() {
    let r = records();
    let mut f = vec![
        on(Code::LinkToOldWiki, "doc/S/1"),
        on(Code::MacroUnsupported, "doc/S/2"),
    ];
    for _ in 0..MACRO_HEAVY {
        f.push(on(Code::MacroConverted, "doc/S/1"));
    }
    let idx = Index::new(&r, &f);
    let w = pages_needing_work(&idx);
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].key, "doc/S/2");
    assert_eq!(w[0].reasons, ["1 unsupported macro"]);
    assert_eq!(w[1].key, "doc/S/1");
    assert_eq!(
        w[1].reasons,
        [
            "1 link to the old wiki".to_string(),
            format!("macro-heavy ({MACRO_HEAVY} macros converted)")
        ]
    );
    // One converted macro fewer is not macro-heavy; a folder's finding counts
    // for the document made from the same page.
    let mut f = vec![on(Code::PageEmpty, "folder/S/1")];
    for _ in 1..MACRO_HEAVY {
        f.push(on(Code::MacroConverted, "doc/S/2"));
    }
    let idx = Index::new(&r, &f);
    let w = pages_needing_work(&idx);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].key, "doc/S/1");
    assert_eq!(w[0].reasons, ["empty after conversion"]);
}

#[test]
fn totals_count_every_kind_per_organization() {
    let h = render(true, &[]);
    let totals = between(&h, "id=\"totals\"", "</table>");
    // Documents, folders, attachments, images, assets, configurations, contacts, passwords.
    let row: String = [2, 1, 2, 1, 1, 1, 1, 1]
        .iter()
        .map(|n| format!("<td class=\"num\">{n}</td>"))
        .collect();
    assert!(
        totals.contains(&format!(
            "<a href=\"preview/orgs/S/index.html\">Space Org</a></td>{row}</tr>"
        )),
        "{totals}"
    );
    // One organization: no "All" row.
    assert!(!totals.contains("<td>All</td>"));
    assert!(h.contains("1 password taken out of pages into Passwords"));
}

#[test]
fn chart_shows_what_each_page_became() {
    let h = render(true, &[]);
    let svg = between(&h, "<svg", "</svg>");
    // 2 documents, the asset, the configuration and the contact each from their
    // own page, and one page of the 6 read that became nothing.
    for (label, n) in [
        ("Document", 2),
        ("Flexible asset", 1),
        ("Configuration", 1),
        ("Contact", 1),
        ("Not staged (see findings)", 1),
    ] {
        let at = svg.find(&format!(">{label}</text>")).expect(label);
        let after = &svg[at..];
        let num = between(after, "fill=\"#1f2933\">", "</text>");
        assert_eq!(num, format!("fill=\"#1f2933\">{n}"), "{label}");
    }
}

#[test]
fn findings_are_grouped_by_code_with_counts_and_links() {
    let mut f = findings();
    f.push(on(Code::ImageMissing, "doc/S/1"));
    sort(&mut f);
    let h = render(true, &f);
    let list = between(&h, "id=\"findings\"", "</table>");
    assert!(list.contains("Findings by code (4)"));
    assert!(list.contains(
        "<a href=\"#code-image-missing\">image-missing</a></td><td class=\"sev-warning\">warning</td><td class=\"num\">2</td>"
    ));
    let group = between(&h, "<details id=\"code-image-missing\" open>", "</details>");
    assert!(group.contains("<a href=\"preview/documents/S/1.html\">Runbooks</a>"));
    assert!(group.contains("<a href=\"preview/documents/S/2.html\">Restore &lt;Test&gt;</a>"));
    // A folder's finding links to the document of the same page.
    let group = between(&h, "<details id=\"code-tree-flattened\"", "</details>");
    assert!(
        group.contains("<a href=\"preview/documents/S/1.html\">Runbooks</a>"),
        "{group}"
    );
}

#[test]
fn the_report_is_self_contained_and_shows_no_secret() {
    let mut f = findings();
    sort(&mut f);
    for preview in [true, false] {
        let h = render(preview, &f);
        for bad in [
            "<script", "<link", "src=", "@import", "url(", "http://", "https://",
        ] {
            assert!(!h.contains(bad), "report.html holds {bad:?}");
        }
        assert!(!h.contains("hunter2"), "the password value leaked");
        assert!(!h.contains("ilo-pass"), "the asset's password field leaked");
    }
    // Preview pages do not embed anything from the web either.
    let r = records();
    for (path, text) in preview::build(&r, &f, &|_| Ok(String::new())).unwrap() {
        assert!(!text.contains("<script"), "{path}");
        assert!(!text.contains("src=\"http"), "{path}");
    }
}

#[test]
fn a_long_work_list_and_big_groups_are_folded() {
    // More pages needing work than are listed up front, and a warning code with
    // more findings than a group shows open.
    let n = WORK_SHOWN.max(OPEN_GROUP_MAX) + 3;
    let mut f: Vec<Finding> = (0..n)
        .map(|i| on(Code::ImageMissing, &format!("doc/S/x{i:03}")))
        .collect();
    sort(&mut f);
    let h = render(true, &f);
    let shown = between(&h, "id=\"manual-work\"", "id=\"manual-work-more\"");
    assert_eq!(shown.matches("<tr><td>").count(), WORK_SHOWN);
    let more = between(&h, "id=\"manual-work-more\"", "</details>");
    assert!(more.contains(&format!(
        "{} more pages that need manual work",
        n - WORK_SHOWN
    )));
    assert_eq!(more.matches("<tr><td>").count(), n - WORK_SHOWN);
    assert!(
        h.contains("<details id=\"code-image-missing\"><summary>"),
        "folded"
    );
    // A small warning group stays open (see findings_are_grouped_by_code...).
    let h = render(true, &f[..OPEN_GROUP_MAX]);
    assert!(h.contains("<details id=\"code-image-missing\" open>"));
}
