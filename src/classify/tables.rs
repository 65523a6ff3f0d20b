//! Reading tables of the model for classification: the plain text of cells,
//! header matching that ignores case, spacing, punctuation and bold, the default
//! synonym lists, and where a page's tables are (top level and neutral groups, so
//! a `details` macro's table counts like any other).

use crate::model::{Block, Cell, Inline, LinkTarget, Table};

/// A header or key reduced to what matters: lowercase letters and digits only
/// ("E-Mail Address:" → "emailaddress", "**User name**" → "username").
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The visible text of blocks: paragraphs and list items on their own lines.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    push_blocks(blocks, &mut out);
    out.trim().to_string()
}

fn push_blocks(blocks: &[Block], out: &mut String) {
    for b in blocks {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        match b {
            Block::Para(i) | Block::Heading { content: i, .. } => {
                out.push_str(Inline::plain_text(i).trim())
            }
            Block::List { items, .. } => items.iter().for_each(|i| push_blocks(i, out)),
            Block::TaskList(t) => t.iter().for_each(|t| push_blocks(&t.body, out)),
            Block::Table(t) => {
                for r in &t.rows {
                    let cells: Vec<String> = r.cells.iter().map(cell_text).collect();
                    out.push_str(&cells.join(" | "));
                    out.push('\n');
                }
            }
            Block::Code { text, .. } => out.push_str(text),
            Block::Panel { body, .. } | Block::Quote(body) | Block::Group(body) => {
                push_blocks(body, out)
            }
            Block::Expand { title, body } => {
                out.push_str(&Inline::plain_text(title));
                out.push('\n');
                push_blocks(body, out);
            }
            Block::Rule => {}
        }
    }
}

/// A cell's text, lines trimmed, blank lines dropped.
pub fn cell_text(c: &Cell) -> String {
    blocks_text(&c.blocks)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every link target in blocks, in order.
pub fn links_in<'a>(blocks: &'a [Block], out: &mut Vec<&'a LinkTarget>) {
    fn inl<'a>(i: &'a [Inline], out: &mut Vec<&'a LinkTarget>) {
        for x in i {
            match x {
                Inline::Link { target, content } => {
                    out.push(target);
                    inl(content, out);
                }
                Inline::Styled(_, c) => inl(c, out),
                _ => {}
            }
        }
    }
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading { content: i, .. } => inl(i, out),
            Block::List { items, .. } => items.iter().for_each(|i| links_in(i, out)),
            Block::TaskList(t) => t.iter().for_each(|t| links_in(&t.body, out)),
            Block::Table(t) => t
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .for_each(|c| links_in(&c.blocks, out)),
            Block::Panel { title, body, .. } => {
                if let Some(t) = title {
                    inl(t, out);
                }
                links_in(body, out)
            }
            Block::Expand { title, body } => {
                inl(title, out);
                links_in(body, out)
            }
            Block::Quote(b) | Block::Group(b) => links_in(b, out),
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// Calls `f` on every table of a body, at any depth, in document order.
pub fn for_each_table_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Table)) {
    for b in blocks {
        match b {
            Block::Table(t) => {
                f(t);
                for c in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                    for_each_table_mut(&mut c.blocks, f);
                }
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| for_each_table_mut(i, f)),
            Block::TaskList(t) => t
                .iter_mut()
                .for_each(|t| for_each_table_mut(&mut t.body, f)),
            Block::Panel { body, .. }
            | Block::Expand { body, .. }
            | Block::Quote(body)
            | Block::Group(body) => for_each_table_mut(body, f),
            _ => {}
        }
    }
}

/// Read-only counterpart of [`for_each_table_mut`].
pub fn tables(blocks: &[Block]) -> Vec<&Table> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Table>) {
        for b in blocks {
            match b {
                Block::Table(t) => {
                    out.push(t);
                    for c in t.rows.iter().flat_map(|r| &r.cells) {
                        walk(&c.blocks, out);
                    }
                }
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::TaskList(t) => t.iter().for_each(|t| walk(&t.body, out)),
                Block::Panel { body, .. }
                | Block::Expand { body, .. }
                | Block::Quote(body)
                | Block::Group(body) => walk(body, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(blocks, &mut out);
    out
}

/// True when every non-empty cell of a row is a header cell or wholly bold (how
/// Confluence users often mark a header row without `th`).
pub fn is_header_row(r: &crate::model::Row) -> bool {
    fn bold(blocks: &[Block]) -> bool {
        blocks.iter().all(|b| match b {
            Block::Para(i) => i.iter().all(|x| match x {
                Inline::Styled(crate::model::Style::Strong, _) => true,
                x => x.is_blank(),
            }),
            b => b.is_blank(),
        })
    }
    r.cells
        .iter()
        .filter(|c| !cell_text(c).is_empty())
        .all(|c| c.header || bold(&c.blocks))
        && r.cells.iter().any(|c| !cell_text(c).is_empty())
}

/// The normalized header cells of a table's first row.
pub fn header(t: &Table) -> Vec<String> {
    t.rows
        .first()
        .map(|r| r.cells.iter().map(|c| norm(&cell_text(c))).collect())
        .unwrap_or_default()
}

/// Column index of the first header cell that equals one of `synonyms`
/// (normalized); a cell that merely contains the word does not count.
pub fn column(header: &[String], synonyms: &[String]) -> Option<usize> {
    let syn: Vec<String> = synonyms.iter().map(|s| norm(s)).collect();
    header.iter().position(|h| !h.is_empty() && syn.contains(h))
}

fn list(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

pub fn default_password_name() -> Vec<String> {
    list(&[
        "service",
        "system",
        "name",
        "account",
        "application",
        "app",
        "device",
        "host",
        "site",
        "resource",
        "entry",
    ])
}
pub fn default_username() -> Vec<String> {
    list(&[
        "username",
        "user name",
        "user",
        "login name",
        "user id",
        "account name",
    ])
}
pub fn default_password() -> Vec<String> {
    list(&["password", "passwd", "pwd", "passphrase", "secret"])
}
pub fn default_url() -> Vec<String> {
    list(&[
        "url",
        "link",
        "web address",
        "website",
        "login url",
        "portal",
        "uri",
    ])
}
pub fn default_notes() -> Vec<String> {
    list(&[
        "notes",
        "note",
        "comments",
        "comment",
        "remarks",
        "description",
        "details",
    ])
}
pub fn default_category() -> Vec<String> {
    list(&["category", "type"])
}
pub fn default_contact_name() -> Vec<String> {
    list(&["name", "full name", "contact", "contact name", "person"])
}
pub fn default_first_name() -> Vec<String> {
    list(&["first name", "given name", "forename"])
}
pub fn default_last_name() -> Vec<String> {
    list(&["last name", "surname", "family name"])
}
pub fn default_title() -> Vec<String> {
    list(&["title", "job title", "role", "position", "function"])
}
pub fn default_email() -> Vec<String> {
    list(&["email", "e-mail", "mail", "email address", "e-mail address"])
}
pub fn default_phone() -> Vec<String> {
    list(&[
        "phone",
        "telephone",
        "tel",
        "phone number",
        "mobile",
        "cell",
        "direct line",
    ])
}

/// Rows of a two-column `key | value` table, or `None` when the table is not one.
/// A first row whose two cells are both headers (e.g. "Setting | Value") is a
/// caption row and skipped.
pub fn key_value_rows(t: &Table, min_rows: usize) -> Option<Vec<(usize, String)>> {
    let mut rows = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        if r.cells.len() != 2 {
            return None;
        }
        if i == 0
            && r.cells.iter().all(|c| c.header)
            && t.rows.len() > 1
            && !t.rows[1].cells[1].header
        {
            let second_is_header = t.rows[1].cells[0].header;
            if !second_is_header {
                continue;
            }
        }
        let key = cell_text(&r.cells[0]);
        if key.is_empty() || key.chars().count() > 60 || key.contains('\n') {
            return None;
        }
        rows.push((i, key));
    }
    (rows.len() >= min_rows.max(1)).then_some(rows)
}
