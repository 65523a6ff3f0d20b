//! Folding what IT Glue documents cannot hold separately into the body: comments
//! (appended under a "Comments" heading) and labels (a line of text).

use crate::model::{Block, Code, Finding, Inline, Page, Style};

/// What to do with comments and labels (the mapping file's `[documents]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extras {
    pub append_comments: bool,
    pub append_labels: bool,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            append_comments: true,
            append_labels: true,
        }
    }
}

/// Appends labels and comments to one page's body, as configured.
pub fn apply_page(space: &str, page: &mut Page, opts: Extras) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(body) = page.body.as_mut() else {
        return findings;
    };
    if opts.append_labels && !page.labels.is_empty() {
        body.blocks.push(Block::Para(vec![
            Inline::Styled(Style::Strong, vec![Inline::Text("Labels:".into())]),
            Inline::Text(format!(" {}", page.labels.join(", "))),
        ]));
        findings.push(
            Finding::new(
                Code::LabelsKeptAsText,
                format!("{} label(s) appended as a line of text", page.labels.len()),
            )
            .on_page(space, &page.id),
        );
    }
    if page.comments.is_empty() || !opts.append_comments {
        // Dropped by the mapping (`comments = "drop"`): not kept for the whole run.
        page.comments = Vec::new();
        return findings;
    }
    body.blocks.push(Block::Rule);
    body.blocks.push(Block::Heading {
        level: 2,
        anchor: None,
        content: vec![Inline::Text("Comments".into())],
    });
    let n = page.comments.len();
    for c in page.comments.drain(..) {
        let who = c.author.unwrap_or_else(|| "Unknown user".into());
        let when = c.date.map(|d| format!(", {d}")).unwrap_or_default();
        let mut blocks = vec![Block::Para(vec![Inline::Styled(
            Style::Emphasis,
            vec![Inline::Text(format!("{who}{when}:"))],
        )])];
        blocks.extend(c.body);
        body.blocks.push(Block::Quote(blocks));
    }
    findings.push(
        Finding::new(
            Code::CommentsAppended,
            format!("{n} page comment(s) appended to the document"),
        )
        .on_page(space, &page.id),
    );
    findings
}
