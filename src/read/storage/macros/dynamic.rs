//! Dynamic macros (their output is computed by Confluence at view time): a
//! finding, and their static parameters kept as text so the intent survives.

use super::{Macro, Out};
use crate::model::{Block, Inline, Style};
use crate::read::storage::Conv;

const DYNAMIC: &[&str] = &[
    "contentbylabel",
    "recently-updated",
    "detailssummary",
    "page-properties-report",
    "livesearch",
    "pagetreesearch",
    "search",
    "tasks-report-macro",
    "blog-posts",
    "contributors",
    "contributors-summary",
    "space-details",
    "spaces-list",
    "popular-labels",
    "related-labels",
    "listlabels",
    "navmap",
    "recently-updated-dashboard",
    "create-from-template",
    "create-space-button",
    "roadmap",
    "widget",
    "rss",
    "profile",
    "userlister",
    "network",
    "im",
    "change-history",
    "page-index",
    "index",
    "favpages",
    "global-reports",
    "recently-used-labels",
    "content-report-table",
    "loremipsum",
];

pub fn is_dynamic(name: &str) -> bool {
    DYNAMIC.contains(&name)
}

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    conv.unsupported(
        &m.name,
        "dynamic content cannot be converted; its parameters are kept as text",
    );
    let params = m.params();
    let text = if params.is_empty() {
        format!("[{}]", m.name)
    } else {
        let p: Vec<String> = params
            .iter()
            .map(|(k, v)| {
                if k.is_empty() {
                    v.clone()
                } else {
                    format!("{k} = {v}")
                }
            })
            .collect();
        format!("[{}: {}]", m.name, p.join("; "))
    };
    Out::Blocks(vec![Block::Para(vec![Inline::Styled(
        Style::Emphasis,
        vec![Inline::Text(text)],
    )])])
}
