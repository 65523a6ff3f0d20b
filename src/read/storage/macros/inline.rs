//! Inline macros: status (a text badge), anchor (a link target) and jira (the
//! issue key; a JQL table is dynamic and becomes its query as text).

use super::{Macro, Out};
use crate::model::{Inline, Style};
use crate::read::storage::{Conv, anchor_id};

pub fn status(_conv: &mut Conv, m: &Macro) -> Out {
    let colour = m.param("colour").or_else(|| m.param("color"));
    let text = m
        .param("title")
        .or_else(|| colour.clone())
        .unwrap_or_default();
    Out::Inlines(vec![Inline::Status { text, colour }])
}

pub fn anchor(conv: &mut Conv, m: &Macro) -> Out {
    let name = m
        .param("")
        .or_else(|| m.params().into_iter().next().map(|(_, v)| v));
    match name {
        Some(n) => Out::Inlines(vec![Inline::Anchor(anchor_id(conv.ctx.title, &n))]),
        None => Out::Inlines(Vec::new()),
    }
}

pub fn jira(conv: &mut Conv, m: &Macro) -> Out {
    if let Some(key) = m.param("key") {
        conv.converted(
            "jira",
            "the issue key is kept as text (the export does not hold the Jira server address)",
        );
        return Out::Inlines(vec![Inline::Styled(Style::Strong, vec![Inline::Text(key)])]);
    }
    let query = m
        .param("jqlQuery")
        .or_else(|| m.param("jql"))
        .or_else(|| m.param(""))
        .unwrap_or_default();
    conv.unsupported(
        "jira",
        "a Jira issue table is dynamic; its query is kept as text",
    );
    Out::Inlines(vec![Inline::Styled(
        Style::Emphasis,
        vec![Inline::Text(format!("[Jira issues: {query}]"))],
    )])
}
