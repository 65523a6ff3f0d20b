//! Password tables → Password records. Each secret cell of the page is replaced in
//! the model by a reference to its record, so no plaintext secret reaches a
//! document; rows without a password are left alone. A table is a password table
//! only when a header cell *is* a password synonym (a cell that mentions the word
//! is not a header). `key | value` rows whose key is a password synonym are
//! secrets too. Values are never put into findings or messages.

use super::PageCtx;
use super::mapping::Columns;
use super::tables::{self, cell_text, column, header, norm};
use crate::bundle::{PageSource, Password, keys};
use crate::model::{Block, Body, Cell, Inline, LinkTarget};

/// Header synonyms for password tables.
#[derive(Debug, Clone)]
pub struct PwColumns {
    pub name: Vec<String>,
    pub username: Vec<String>,
    pub password: Vec<String>,
    pub url: Vec<String>,
    pub notes: Vec<String>,
    pub category: Vec<String>,
}

impl PwColumns {
    pub fn new(c: Option<&Columns>) -> PwColumns {
        let c = c.cloned().unwrap_or_default();
        PwColumns {
            name: c.name.unwrap_or_else(tables::default_password_name),
            username: c.username.unwrap_or_else(tables::default_username),
            password: c.password.unwrap_or_else(tables::default_password),
            url: c.url.unwrap_or_else(tables::default_url),
            notes: c.notes.unwrap_or_else(tables::default_notes),
            category: c.category.unwrap_or_else(tables::default_category),
        }
    }

    /// True when a table's header row makes it a password table.
    pub fn matches(&self, header: &[String]) -> bool {
        column(header, &self.password).is_some()
            && (column(header, &self.name).is_some() || column(header, &self.username).is_some())
    }
}

/// The readable text that replaces a secret.
pub fn ref_text(name: &str) -> String {
    format!("Password: {name} (in IT Glue Passwords)")
}

fn reference(key: &str, name: &str) -> Vec<Block> {
    vec![Block::Para(vec![Inline::RecordRef {
        key: key.to_string(),
        text: ref_text(name),
    }])]
}

/// The URL of a cell: its first external link, else its text.
fn url_of(c: &Cell) -> Option<String> {
    let mut links = Vec::new();
    tables::links_in(&c.blocks, &mut links);
    links
        .into_iter()
        .find_map(|l| match l {
            LinkTarget::External(u) => Some(u.clone()),
            _ => None,
        })
        .or_else(|| Some(cell_text(c)).filter(|t| !t.is_empty()))
}

fn opt(s: String) -> Option<String> {
    Some(s).filter(|s| !s.is_empty())
}

/// Extracts every password of a body, replacing the secrets in place. `n` numbers
/// the rows across the page (1-based, rows without a password included).
pub fn extract(
    body: &mut Body,
    page: &PageCtx,
    cols: &PwColumns,
    category: Option<&str>,
    embedded_in: Option<&str>,
) -> Vec<Password> {
    let mut out = Vec::new();
    let mut n = 0;
    let new = |n: usize, name: String| Password {
        key: keys::password(page.space, page.page_id, n),
        org: page.org.to_string(),
        name,
        username: None,
        password: None,
        url: None,
        notes: None,
        category: category.map(str::to_string),
        embedded_in: embedded_in.map(str::to_string),
        source: PageSource {
            space_key: page.space.to_string(),
            page_id: page.page_id.to_string(),
        },
    };
    tables::for_each_table_mut(&mut body.blocks, &mut |t| {
        let h = header(t);
        if cols.matches(&h) {
            let pw = column(&h, &cols.password).expect("matched");
            let get = |syn: &[String]| column(&h, syn);
            let (name_c, user_c, url_c, notes_c, cat_c) = (
                get(&cols.name),
                get(&cols.username),
                get(&cols.url),
                get(&cols.notes),
                get(&cols.category),
            );
            for row in t.rows.iter_mut().skip(1) {
                n += 1;
                let text = |c: Option<usize>| {
                    c.and_then(|i| row.cells.get(i))
                        .map(cell_text)
                        .unwrap_or_default()
                };
                let Some(secret) = row.cells.get(pw).map(cell_text).filter(|s| !s.is_empty())
                else {
                    continue;
                };
                let username = opt(text(user_c));
                let name = opt(text(name_c))
                    .or_else(|| username.clone())
                    .unwrap_or_else(|| format!("{} #{n}", page.title));
                let mut rec = new(n, name);
                rec.username = username;
                rec.password = Some(secret);
                rec.url = url_c.and_then(|i| row.cells.get(i)).and_then(url_of);
                rec.notes = opt(text(notes_c));
                if let Some(c) = opt(text(cat_c)) {
                    rec.category = Some(c);
                }
                row.cells[pw].blocks = reference(&rec.key, &rec.name);
                out.push(rec);
            }
            return;
        }
        // key | value rows: a secret row, with username / URL rows of the same table.
        if t.rows.iter().any(|r| r.cells.len() != 2) {
            return;
        }
        let is = |r: &crate::model::Row, syn: &[String]| {
            column(&[norm(&cell_text(&r.cells[0]))], syn).is_some()
        };
        let username = t
            .rows
            .iter()
            .find(|r| is(r, &cols.username))
            .map(|r| cell_text(&r.cells[1]));
        let url = t
            .rows
            .iter()
            .find(|r| is(r, &cols.url))
            .and_then(|r| url_of(&r.cells[1]));
        let secrets = t.rows.iter().filter(|r| is(r, &cols.password)).count();
        for row in t.rows.iter_mut() {
            if !is(row, &cols.password) {
                continue;
            }
            n += 1;
            let Some(secret) = opt(cell_text(&row.cells[1])) else {
                continue;
            };
            let name = if secrets > 1 {
                format!("{} – {}", page.title, cell_text(&row.cells[0]))
            } else {
                page.title.to_string()
            };
            let mut rec = new(n, name);
            rec.username = username.clone().and_then(opt);
            rec.url = url.clone();
            rec.password = Some(secret);
            row.cells[1].blocks = reference(&rec.key, &rec.name);
            out.push(rec);
        }
    });
    out
}

/// Finds every extracted secret in one pass over a text, so the scrub costs the
/// same per page whether the export has ten secrets or ten thousand (checking
/// each secret in turn made convert quadratic in the size of the export).
///
/// At each position of a text, the next four bytes are hashed into a bit filter
/// that holds one bit per secret's first four bytes; only the rare positions that
/// pass are looked up. Matches are leftmost-longest, like a regex engine's: a
/// secret that contains another is replaced whole. An Aho-Corasick automaton did
/// the same with less code, but on a 4 GB export with 66,000 secrets it took
/// ~45 MB, and twice that while built; this takes ~3 bytes of filter and one map
/// entry per secret.
pub struct Scrubber {
    /// Every secret's value, record key and record name, one after another (one
    /// buffer rather than three strings per secret: a large export has tens of
    /// thousands of secrets, and this lives as long as the plan).
    text: String,
    /// Per secret: where its value, key and name start in `text`, and where its
    /// name ends.
    spans: Vec<[u32; 4]>,
    /// Bits indexed by [`Scrubber::slot`] of a secret's first four bytes.
    filter: Vec<u64>,
    /// log2 of the filter's size in bits.
    bits: u32,
    /// (first four bytes, secret) sorted by prefix, then longest secret first,
    /// then the order given: looked up only where the filter passes.
    by_prefix: Vec<(u32, u32)>,
}

/// Bytes of a secret's start that index it; the caller keeps only secrets of six
/// characters or more, so every secret has them.
const PREFIX: usize = 4;

/// Never shows a secret: only how many there are.
impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} secrets)", self.spans.len())
    }
}

impl Default for Scrubber {
    fn default() -> Scrubber {
        Scrubber::new(Vec::new())
    }
}

impl Scrubber {
    /// `secrets`: (value, record key, record name). Values shorter than four bytes
    /// are not looked for (too likely to be an ordinary word); when two secrets
    /// have the same value, the first one's record is named.
    pub fn new(secrets: Vec<(String, String, String)>) -> Scrubber {
        // About 32 filter bits per secret: a text position passes by chance once
        // in ~32, and the filter stays a few hundred KB for 66,000 secrets.
        let bits = (secrets.len().max(1) * 32)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, 24);
        let mut filter = vec![0u64; (1usize << bits) / 64];
        let size: usize = secrets
            .iter()
            .map(|(v, k, n)| v.len() + k.len() + n.len())
            .sum();
        let offset = |n: usize| u32::try_from(n).expect("secrets take under 4 GiB");
        let mut text = String::with_capacity(size);
        let mut spans = Vec::with_capacity(secrets.len());
        let mut by_prefix = Vec::new();
        for (i, (v, k, n)) in secrets.into_iter().enumerate() {
            let start = offset(text.len());
            text.push_str(&v);
            let key = offset(text.len());
            text.push_str(&k);
            let name = offset(text.len());
            text.push_str(&n);
            spans.push([start, key, name, offset(text.len())]);
            let Some(p) = prefix(v.as_bytes(), 0) else {
                continue;
            };
            let slot = Scrubber::slot(p, bits);
            filter[slot / 64] |= 1 << (slot % 64);
            by_prefix.push((p, i as u32));
        }
        // By prefix; within one, longest first and, among equal values, the first given.
        let len = |i: u32| {
            let [v, k, _, _] = spans[i as usize];
            k - v
        };
        by_prefix.sort_by_key(|&(p, i)| (p, std::cmp::Reverse(len(i)), i));
        Scrubber {
            text,
            spans,
            filter,
            bits,
            by_prefix,
        }
    }

    fn value(&self, i: usize) -> &str {
        let [v, k, _, _] = self.spans[i];
        &self.text[v as usize..k as usize]
    }

    /// A secret's (record key, record name).
    fn record(&self, i: usize) -> (&str, &str) {
        let [_, k, n, end] = self.spans[i];
        (
            &self.text[k as usize..n as usize],
            &self.text[n as usize..end as usize],
        )
    }

    fn slot(prefix: u32, bits: u32) -> usize {
        (prefix.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
    }

    /// The leftmost-longest secret in `text` starting at or after byte `from`:
    /// (start, end, index of the secret).
    fn find_at(&self, text: &str, from: usize) -> Option<(usize, usize, usize)> {
        let b = text.as_bytes();
        if self.by_prefix.is_empty() || b.len() < PREFIX {
            return None;
        }
        for i in from..=b.len() - PREFIX {
            let k = prefix(b, i).expect("in range");
            let slot = Scrubber::slot(k, self.bits);
            if self.filter[slot / 64] & (1 << (slot % 64)) == 0 {
                continue;
            }
            let first = self.by_prefix.partition_point(|&(p, _)| p < k);
            let same = self.by_prefix[first..].iter().take_while(|&&(p, _)| p == k);
            for &(_, s) in same {
                let v = self.value(s as usize).as_bytes();
                if b[i..].starts_with(v) {
                    // A secret is a whole UTF-8 string: starting and ending with
                    // it keeps both ends on character boundaries.
                    return Some((i, i + v.len(), s as usize));
                }
            }
        }
        None
    }

    /// True when there is nothing to scrub.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Replaces every copy in `text`, each secret by `with(name)`; returns how
    /// many different secrets were found.
    fn replace_all(&self, text: &mut String, with: &dyn Fn(&str) -> String) -> usize {
        let mut found = std::collections::BTreeSet::new();
        let mut out = String::new();
        let mut last = 0;
        while let Some((start, end, s)) = self.find_at(text, last) {
            let (_, name) = self.record(s);
            found.insert(s);
            out.push_str(&text[last..start]);
            out.push_str(&with(name));
            last = end;
        }
        if !found.is_empty() {
            out.push_str(&text[last..]);
            *text = out;
        }
        found.len()
    }

    /// Replaces any remaining copy of a secret (≥ 6 characters, to avoid touching
    /// ordinary words) in text and code blocks by a reference to its record.
    /// Returns how many copies were replaced.
    pub fn scrub(&self, blocks: &mut [Block]) -> usize {
        let mut count = 0;
        for b in blocks.iter_mut() {
            match b {
                Block::Para(i) | Block::Heading { content: i, .. } => {
                    count += self.scrub_inlines(i)
                }
                Block::List { items, .. } => items.iter_mut().for_each(|i| count += self.scrub(i)),
                Block::TaskList(t) => t.iter_mut().for_each(|t| count += self.scrub(&mut t.body)),
                Block::Table(t) => t
                    .rows
                    .iter_mut()
                    .flat_map(|r| r.cells.iter_mut())
                    .for_each(|c| count += self.scrub(&mut c.blocks)),
                Block::Code { text, title, .. } => {
                    count += self.replace_all(text, &|name| format!("[{}]", ref_text(name)));
                    if let Some(t) = title.as_mut() {
                        count += self.replace_all(t, &|_| "[password]".to_string());
                    }
                }
                Block::Panel { title, body, .. } => {
                    if let Some(t) = title {
                        count += self.scrub_inlines(t);
                    }
                    count += self.scrub(body);
                }
                Block::Expand { title, body } => {
                    count += self.scrub_inlines(title);
                    count += self.scrub(body);
                }
                Block::Quote(body) | Block::Group(body) => count += self.scrub(body),
                Block::Rule => {}
            }
        }
        count
    }

    fn scrub_inlines(&self, inlines: &mut Vec<Inline>) -> usize {
        let mut count = 0;
        let mut i = 0;
        while i < inlines.len() {
            match &mut inlines[i] {
                Inline::Text(t) => {
                    if let Some((start, end, s)) = self.find_at(t, 0) {
                        let (key, name) = self.record(s);
                        let (before, after) = (t[..start].to_string(), t[end..].to_string());
                        let r = Inline::RecordRef {
                            key: key.to_string(),
                            text: ref_text(name),
                        };
                        inlines.splice(i..=i, [Inline::Text(before), r, Inline::Text(after)]);
                        count += 1;
                        i += 2; // re-examine the text after the secret
                        continue;
                    }
                }
                Inline::Styled(_, c) | Inline::Link { content: c, .. } => {
                    count += self.scrub_inlines(c)
                }
                Inline::Status { text, .. } => {
                    count += self.replace_all(text, &|_| "[password]".to_string());
                }
                _ => {}
            }
            i += 1;
        }
        count
    }
}

/// The `PREFIX` bytes of `b` at `at`, as a number, if there are that many.
fn prefix(b: &[u8], at: usize) -> Option<u32> {
    let p = b.get(at..at + PREFIX)?;
    Some(u32::from_le_bytes(p.try_into().expect("PREFIX is 4")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::mapping::parse;
    use crate::model::{Row, Style, Table};

    /// One scrub with a matcher built for it.
    fn scrub(blocks: &mut [Block], secrets: &[(String, String, String)]) -> usize {
        Scrubber::new(secrets.to_vec()).scrub(blocks)
    }

    fn cell(text: &str, header: bool) -> Cell {
        let inl = Inline::Text(text.into());
        Cell {
            header,
            colspan: 1,
            rowspan: 1,
            // Headers in bold, as Confluence often writes them.
            blocks: vec![Block::Para(vec![if header {
                Inline::Styled(Style::Strong, vec![inl])
            } else {
                inl
            }])],
        }
    }

    fn table(rows: &[&[&str]]) -> Body {
        Body {
            blocks: vec![Block::Table(Table {
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Row {
                        cells: r.iter().map(|t| cell(t, i == 0)).collect(),
                    })
                    .collect(),
            })],
        }
    }

    const PAGE: PageCtx<'static> = PageCtx {
        space: "ACME",
        page_id: "1",
        title: "Zugänge",
        org: "org/ACME",
    };

    #[test]
    fn synonyms_from_the_mapping_recognise_other_languages() {
        let m = parse(
            "[detect.passwords]\ncolumns = { password = [\"Kennwort\", \"PW\"], username = [\"Login\", \"Benutzer\"], name = [\"Dienst\"] }\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let cols = PwColumns::new(m.detect.passwords.columns.as_ref().map(|c| c.get_ref()));
        for header in [["Dienst", "Login", "Kennwort"], ["Dienst", " login ", "PW"]] {
            let mut body = table(&[&header, &["Firewall", "admin", "s3cret-Fw!"]]);
            let pws = extract(&mut body, &PAGE, &cols, None, None);
            assert_eq!(pws.len(), 1, "{header:?}");
            assert_eq!(pws[0].name, "Firewall");
            assert_eq!(pws[0].username.as_deref(), Some("admin"));
            assert_eq!(pws[0].password.as_deref(), Some("s3cret-Fw!"));
            let Block::Table(t) = &body.blocks[0] else {
                panic!()
            };
            assert_eq!(
                t.rows[1].cells[2].blocks,
                vec![Block::Para(vec![Inline::RecordRef {
                    key: "pw/ACME/1/1".into(),
                    text: "Password: Firewall (in IT Glue Passwords)".into()
                }])]
            );
        }
        // The default synonyms do not know German.
        let mut body = table(&[
            &["Dienst", "Login", "Kennwort"],
            &["Firewall", "admin", "x"],
        ]);
        assert!(extract(&mut body, &PAGE, &PwColumns::new(None), None, None).is_empty());
    }

    #[test]
    fn a_table_that_mentions_password_in_a_cell_is_not_a_password_table() {
        let cols = PwColumns::new(None);
        let original = table(&[
            &["Task", "Owner", "Notes"],
            &[
                "Password reset",
                "Helpdesk",
                "password policy: 14 characters",
            ],
        ]);
        let mut body = original.clone();
        assert!(extract(&mut body, &PAGE, &cols, None, None).is_empty());
        assert_eq!(body, original);
    }

    #[test]
    fn other_copies_of_a_secret_are_scrubbed() {
        let mut blocks = vec![
            Block::Para(vec![Inline::Text("login with s3cret-Fw! today".into())]),
            Block::Code {
                language: None,
                title: None,
                text: "ssh admin@fw # s3cret-Fw!".into(),
            },
        ];
        let secrets = vec![(
            "s3cret-Fw!".to_string(),
            "pw/ACME/1/1".to_string(),
            "Firewall".to_string(),
        )];
        assert_eq!(scrub(&mut blocks, &secrets), 2);
        let text = crate::classify::tables::blocks_text(&blocks);
        assert!(!text.contains("s3cret"), "{text}");
    }

    #[test]
    fn every_secret_in_a_text_is_scrubbed_whichever_comes_first() {
        // The shorter secret first, then a longer one that starts with it: both go,
        // and the longer one is replaced whole.
        let secrets = vec![
            (
                "abc123xyz9".to_string(),
                "pw/A/1/2".to_string(),
                "Long".to_string(),
            ),
            (
                "abc123x".to_string(),
                "pw/A/1/1".to_string(),
                "Short".to_string(),
            ),
        ];
        let mut blocks = vec![Block::Para(vec![Inline::Text(
            "first abc123x then abc123xyz9 end".into(),
        )])];
        assert_eq!(scrub(&mut blocks, &secrets), 2);
        let Block::Para(i) = &blocks[0] else { panic!() };
        let refs: Vec<&str> = i
            .iter()
            .filter_map(|x| match x {
                Inline::RecordRef { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(refs, ["pw/A/1/1", "pw/A/1/2"]);
        let text = crate::classify::tables::blocks_text(&blocks);
        assert!(!text.contains("abc123"), "{text}");
        assert!(text.contains("first") && text.contains("end"), "{text}");
    }

    #[test]
    fn the_leftmost_then_longest_secret_is_replaced_and_text_stays_whole() {
        let sec = |v: &str, k: &str| (v.to_string(), k.to_string(), format!("N{k}"));
        let scrubber = Scrubber::new(vec![
            sec("hunter22", "short"),
            sec("hunter22!xyz", "long"),
            sec("ünïcødé-pw", "uni"),
            sec("tail-secret", "tail"),
            sec("hunter22", "same-value-later"),
        ]);
        let mut text = "a hunter22!xyz b hunter22 c ünïcødé-pwx end tail-secret".to_string();
        let n = scrubber.replace_all(&mut text, &|name| format!("<{name}>"));
        assert_eq!(n, 4);
        assert_eq!(
            text, "a <Nlong> b <Nshort> c <Nuni>x end <Ntail>",
            "leftmost-longest, first record of a repeated value, multibyte kept whole"
        );
        // A prefix alone, a text shorter than the filter's window, and nothing.
        for t in ["hunt", "hunter2", "hu", ""] {
            let mut s = t.to_string();
            assert_eq!(scrubber.replace_all(&mut s, &|_| "X".into()), 0, "{t}");
            assert_eq!(s, t);
        }
        assert_eq!(Scrubber::default().find_at("hunter22", 0), None);
    }

    #[test]
    fn thousands_of_secrets_are_all_found_with_one_scrubber() {
        let secrets: Vec<(String, String, String)> = (0..3000)
            .map(|i| {
                (
                    format!("Pw-{i:05}-x"),
                    format!("pw/A/{i}/1"),
                    format!("P{i}"),
                )
            })
            .collect();
        let scrubber = Scrubber::new(secrets.clone());
        let mut blocks = vec![
            Block::Para(vec![Inline::Text("a Pw-02999-x b Pw-00007-x c".into())]),
            Block::Code {
                language: None,
                title: Some("Pw-01500-x".into()),
                text: "x Pw-00001-x y Pw-00001-x".into(),
            },
        ];
        assert_eq!(scrubber.scrub(&mut blocks), 4);
        let text = crate::classify::tables::blocks_text(&blocks);
        assert!(!text.contains("Pw-"), "{text}");
    }
}
