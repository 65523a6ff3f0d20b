//! Key–value pages (a two-column `key | value` table, as server sheets and
//! page-properties / `details` macros are) → a Flexible Asset's traits or a
//! Configuration's attributes. Values are checked against their field's kind: a
//! Date field gets an ISO date or a finding, a Number a number, and so on.

use std::collections::BTreeMap;

use serde_json::Value;

use super::mapping::{CONFIG_ATTRS, FaTypeDef, FieldKind, FieldSpec, Rule};
use super::tables::{self, cell_text, norm};
use crate::model::{Body, Code, Finding, LinkTarget};

/// One row of a key–value table.
#[derive(Debug, Clone)]
pub struct KvRow {
    pub key: String,
    pub value: String,
    /// Pages the value links to (space key, page id).
    pub links: Vec<(String, String)>,
}

/// The rows of the page's first table when it is a key–value table.
pub fn rows(body: &Body, min_rows: usize) -> Option<Vec<KvRow>> {
    let t = *tables::tables(&body.blocks).first()?;
    let idx = tables::key_value_rows(t, min_rows)?;
    Some(
        idx.into_iter()
            .map(|(i, key)| {
                let cell = &t.rows[i].cells[1];
                let mut links = Vec::new();
                tables::links_in(&cell.blocks, &mut links);
                KvRow {
                    key: key.trim_end_matches(':').trim().to_string(),
                    value: cell_text(cell),
                    links: links
                        .into_iter()
                        .filter_map(|l| match l {
                            LinkTarget::Resolved { space, page_id, .. } => {
                                Some((space.clone(), page_id.clone()))
                            }
                            _ => None,
                        })
                        .collect(),
                }
            })
            .collect(),
    )
}

/// The target a key maps to: the rule's `fields` first, then a same-named target.
fn target<'a>(key: &str, rule: &'a Rule, names: &[&'a str]) -> Option<&'a str> {
    let k = norm(key);
    rule.fields
        .iter()
        .find(|(src, _)| norm(src) == k)
        .map(|(_, t)| t.as_str())
        .or_else(|| names.iter().copied().find(|n| norm(n) == k))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    (w.len() >= 3)
        .then(|| MONTHS.iter().position(|m| w.starts_with(m)))
        .flatten()
        .map(|i| i as u32 + 1)
}

fn ymd(y: i64, m: u32, d: u32) -> Option<String> {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    ((1000..=9999).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// An ISO date (YYYY-MM-DD) from the common ways people write one: 2027-03-31,
/// 31.03.2027, 31/03/2027 and 03/31/2027 when unambiguous, Mar 31, 2027,
/// 31 March 2027.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let nums: Vec<&str> = s.split(['-', '.', '/']).map(str::trim).collect();
    if nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        let n: Vec<i64> = nums.iter().map(|x| x.parse().unwrap_or(-1)).collect();
        if nums[0].len() == 4 {
            return ymd(n[0], n[1] as u32, n[2] as u32);
        }
        if nums[2].len() == 4 {
            let (a, b) = (n[0] as u32, n[1] as u32);
            return match (s.contains('.'), a > 12, b > 12) {
                (true, _, _) | (false, true, false) => ymd(n[2], b, a),
                (false, false, true) => ymd(n[2], a, b),
                _ if a == b => ymd(n[2], a, b),
                _ => None,
            };
        }
        return None;
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() == 3 {
        let num = |w: &str| w.trim_end_matches('.').parse::<i64>().ok();
        if let (Some(m), Some(d), Some(y)) = (month(words[0]), num(words[1]), num(words[2])) {
            return ymd(y, m, d as u32);
        }
        if let (Some(d), Some(m), Some(y)) = (num(words[0]), month(words[1]), num(words[2])) {
            return ymd(y, m, d as u32);
        }
    }
    None
}

/// A number from text ("1,024", "2 500", "3.5").
pub fn parse_number(s: &str) -> Option<Value> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    let t = if t.contains('.')
        || t.matches(',').count() > 1
        || t.split(',').skip(1).all(|g| g.len() == 3)
    {
        t.replace(',', "")
    } else {
        t.replace(',', ".")
    };
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::from(i));
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Value::from)
}

fn parse_checkbox(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" | "on" | "ja" => Some(true),
        "no" | "n" | "false" | "0" | "off" | "-" | "nein" | "" => Some(false),
        _ => None,
    }
}

/// A value checked against its field's kind: `Ok(None)` means "leave it out".
pub fn convert(spec: &FieldSpec, value: &str) -> Result<Option<Value>, &'static str> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match spec.kind {
        FieldKind::Text | FieldKind::Textbox => Ok(Some(Value::from(v))),
        FieldKind::Date => parse_date(v)
            .map(|d| Some(Value::from(d)))
            .ok_or("is not a date"),
        FieldKind::Number => parse_number(v).map(Some).ok_or("is not a number"),
        FieldKind::Checkbox => parse_checkbox(v)
            .map(|b| Some(Value::from(b)))
            .ok_or("is not yes or no"),
        FieldKind::Select => spec
            .options
            .iter()
            .flatten()
            .find(|o| o.trim().eq_ignore_ascii_case(v))
            .map(|o| Some(Value::from(o.as_str())))
            .ok_or("is not one of the field's options"),
        FieldKind::Password => Err("would put a secret into a field; the Password record holds it"),
        FieldKind::Upload | FieldKind::Header | FieldKind::Tag => Err("cannot be filled from text"),
    }
}

/// A flexible asset's traits and Tag-field links from key–value rows.
pub struct FaFields {
    pub traits: BTreeMap<String, Value>,
    /// Tag field → pages linked from its source value.
    pub tag_links: BTreeMap<String, Vec<(String, String)>>,
    pub findings: Vec<Finding>,
}

pub fn flexible_asset(
    rows: &[KvRow],
    rule: &Rule,
    def: &FaTypeDef,
    title: &str,
    on: &dyn Fn(Finding) -> Finding,
) -> FaFields {
    let specs: Vec<&FieldSpec> = def.fields.iter().map(|f| f.get_ref()).collect();
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let spec_of = |n: &str| {
        specs
            .iter()
            .copied()
            .find(|s| s.name.eq_ignore_ascii_case(n))
    };
    let mut out = FaFields {
        traits: BTreeMap::new(),
        tag_links: BTreeMap::new(),
        findings: Vec::new(),
    };
    let mut other = Vec::new();
    for row in rows {
        let Some(spec) = target(&row.key, rule, &names).and_then(spec_of) else {
            other.push(format!("{}: {}", row.key, row.value.replace('\n', " ")));
            continue;
        };
        if spec.kind == FieldKind::Tag {
            out.tag_links
                .entry(spec.name.clone())
                .or_default()
                .extend(row.links.iter().cloned());
            continue;
        }
        match convert(spec, &row.value) {
            Ok(Some(v)) => {
                out.traits.insert(spec.name.clone(), v);
            }
            Ok(None) => {}
            Err(why) => {
                // Never quote the value of a Password field.
                let shown = if spec.kind == FieldKind::Password {
                    "the value".to_string()
                } else {
                    format!("{:?}", row.value)
                };
                out.findings.push(on(Finding::new(
                    Code::FieldInvalid,
                    format!(
                        "{title}: {shown} for {} field {:?} {why}; left empty",
                        spec.kind.as_str(),
                        spec.name
                    ),
                )));
                if spec.kind != FieldKind::Password && rule.other_keys.is_some() {
                    other.push(format!("{}: {}", row.key, row.value.replace('\n', " ")));
                }
            }
        }
    }
    if !other.is_empty() {
        match rule.other_keys.as_ref().map(|o| o.get_ref()) {
            Some(field) => {
                let field = spec_of(field)
                    .map(|s| s.name.clone())
                    .unwrap_or(field.clone());
                out.traits.insert(field, Value::from(other.join("\n")));
            }
            None => out.findings.push(on(Finding::new(
                Code::FieldUnmapped,
                format!(
                    "{title}: {} key(s) match no field of {:?} and no other_keys field is set: {}",
                    other.len(),
                    def_name(rule),
                    other
                        .iter()
                        .map(|o| o.split(':').next().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))),
        }
    }
    for s in &specs {
        if s.required && !out.traits.contains_key(&s.name) && !out.tag_links.contains_key(&s.name) {
            out.findings.push(on(Finding::new(
                Code::FieldInvalid,
                format!("{title}: required field {:?} has no value", s.name),
            )));
        }
    }
    out
}

fn def_name(rule: &Rule) -> String {
    rule.type_
        .as_ref()
        .map(|t| t.get_ref().clone())
        .unwrap_or_default()
}

/// Default synonyms of configuration attributes.
fn config_synonyms(attr: &str) -> &'static [&'static str] {
    match attr {
        "hostname" => &[
            "hostname",
            "host name",
            "host",
            "computer name",
            "server name",
            "fqdn",
        ],
        "primary_ip" => &[
            "ip",
            "ip address",
            "primary ip",
            "ipv4",
            "ipv4 address",
            "address",
        ],
        "operating_system" => &["os", "operating system"],
        "serial_number" => &["serial", "serial number", "service tag", "serial no"],
        "configuration_type" => &["type", "device type", "configuration type"],
        "name" => &["name", "device name"],
        _ => &[],
    }
}

/// A configuration's attributes (see `CONFIG_ATTRS`) from key–value rows; keys no
/// attribute takes become "Key: value" lines of the notes.
pub fn configuration(rows: &[KvRow], rule: &Rule) -> BTreeMap<&'static str, String> {
    let mut out: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut notes = Vec::new();
    for row in rows {
        let k = norm(&row.key);
        let attr = rule
            .fields
            .iter()
            .find(|(src, _)| norm(src) == k)
            .and_then(|(_, t)| CONFIG_ATTRS.iter().copied().find(|a| a == t))
            .or_else(|| {
                CONFIG_ATTRS
                    .iter()
                    .copied()
                    .filter(|a| *a != "notes")
                    .find(|a| config_synonyms(a).iter().any(|s| norm(s) == k))
            });
        match attr {
            Some(a) if !out.contains_key(a) && a != "notes" => {
                out.insert(a, row.value.replace('\n', " "));
            }
            _ => notes.push(format!("{}: {}", row.key, row.value.replace('\n', " "))),
        }
    }
    if !notes.is_empty() {
        out.insert("notes", notes.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_forms() {
        assert_eq!(parse_date("2027-03-31").as_deref(), Some("2027-03-31"));
        assert_eq!(parse_date("31.03.2027").as_deref(), Some("2027-03-31"));
        assert_eq!(parse_date("03/31/2027").as_deref(), Some("2027-03-31"));
        assert_eq!(parse_date("Mar 31, 2027").as_deref(), Some("2027-03-31"));
        assert_eq!(parse_date("30 June 2028").as_deref(), Some("2028-06-30"));
        assert_eq!(parse_date("04/05/2027"), None, "ambiguous day/month");
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(parse_date("n/a (virtual machine on HV01)"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,024"), Some(Value::from(1024)));
        assert_eq!(parse_number("2 500"), Some(Value::from(2500)));
        assert_eq!(parse_number("3.5"), Some(Value::from(3.5)));
        assert_eq!(parse_number("16 GB"), None);
    }
}
