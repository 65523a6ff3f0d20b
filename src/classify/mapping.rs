//! The mapping file (MAPPING.md): TOML parsed with serde into typed rules. Unknown
//! keys and bad values are errors that name the line; cross-references (a rule's
//! flexible asset type, a tag field) are checked after parsing, with the line of
//! the rule that holds them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::Error;

/// A whole mapping file. `Mapping::default()` is the behaviour without a file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub organization: Vec<Spanned<OrgRule>>,
    #[serde(default)]
    pub rule: Vec<Spanned<Rule>>,
    #[serde(default)]
    pub flexible_asset_type: BTreeMap<String, FaTypeDef>,
    #[serde(default)]
    pub documents: DocumentsOpts,
    #[serde(default)]
    pub detect: Detect,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgMatch {
    #[default]
    Create,
    Existing,
}

impl OrgMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgMatch::Create => "create",
            OrgMatch::Existing => "existing",
        }
    }
}

/// `[[organization]]`: a space, one page's subtree, or each child of a page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRule {
    pub space: String,
    pub name: Option<String>,
    #[serde(rename = "match", default)]
    pub match_: OrgMatch,
    /// Title or id of a page whose children each become an organization.
    pub children_of: Option<String>,
    /// Title or id of a page whose subtree becomes one organization.
    pub subtree: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Make {
    Document,
    FlexibleAsset,
    Configuration,
    Passwords,
    Contacts,
    Skip,
}

impl Make {
    pub fn as_str(self) -> &'static str {
        match self {
            Make::Document => "document",
            Make::FlexibleAsset => "flexible_asset",
            Make::Configuration => "configuration",
            Make::Passwords => "passwords",
            Make::Contacts => "contacts",
            Make::Skip => "skip",
        }
    }
}

/// One string or a list of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The conditions of a rule; all given ones must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub label: Option<String>,
    /// Glob(s) on the page title (`*`, `?`), case-insensitive.
    pub title: Option<OneOrMany>,
    /// Glob on the title of any ancestor.
    pub ancestor: Option<String>,
    pub space: Option<String>,
    /// Page id(s).
    pub id: Option<OneOrMany>,
    /// The page uses one of these macros (names as in Confluence: "info", "expand",
    /// "code", "jira", "details", ...; see the README for what each export shows).
    #[serde(rename = "macro")]
    pub macro_: Option<OneOrMany>,
    /// A table whose header row has all of these (case, spacing and bold ignored).
    pub table_headers: Option<Vec<String>>,
    /// A key–value page with all of these keys.
    pub keys: Option<Vec<String>>,
    /// The page is (true) or is not (false) a key–value page.
    pub key_value: Option<bool>,
}

/// `[[rule]]`: what matching pages become.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default)]
    pub when: When,
    pub make: Make,
    #[serde(rename = "type")]
    pub type_: Option<Spanned<String>>,
    /// Source key → field (flexible asset) or attribute (configuration).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Unset: the document is kept when the page holds more than what was extracted.
    pub keep_document: Option<bool>,
    pub columns: Option<Spanned<Columns>>,
    pub configuration_type: Option<String>,
    pub category: Option<String>,
    /// A Tag field filled with the records the page links to.
    pub link_tags: Option<Spanned<String>>,
    /// A field that receives "Key: value" lines for keys no field takes.
    pub other_keys: Option<Spanned<String>>,
}

impl Rule {
    /// A rule with no conditions and no options (what a built-in detector applies).
    pub fn default_for(make: Make) -> Rule {
        Rule {
            when: When::default(),
            make,
            type_: None,
            fields: BTreeMap::new(),
            keep_document: None,
            columns: None,
            configuration_type: None,
            category: None,
            link_tags: None,
            other_keys: None,
        }
    }
}

/// Header synonyms of password and contact tables. A given list replaces the default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub name: Option<Vec<String>>,
    pub username: Option<Vec<String>>,
    pub password: Option<Vec<String>>,
    pub url: Option<Vec<String>>,
    pub notes: Option<Vec<String>>,
    pub category: Option<Vec<String>>,
    pub first_name: Option<Vec<String>>,
    pub last_name: Option<Vec<String>>,
    pub title: Option<Vec<String>>,
    pub email: Option<Vec<String>>,
    pub phone: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum FieldKind {
    Text,
    Textbox,
    Number,
    Date,
    Checkbox,
    Select,
    Tag,
    Password,
    Upload,
    Header,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "Text",
            FieldKind::Textbox => "Textbox",
            FieldKind::Number => "Number",
            FieldKind::Date => "Date",
            FieldKind::Checkbox => "Checkbox",
            FieldKind::Select => "Select",
            FieldKind::Tag => "Tag",
            FieldKind::Password => "Password",
            FieldKind::Upload => "Upload",
            FieldKind::Header => "Header",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaTypeDef {
    pub description: Option<String>,
    pub fields: Vec<Spanned<FieldSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub show_in_list: bool,
    /// For Tag: Configurations, Documents, Contacts, Passwords, Organizations, or
    /// the name of a `[flexible_asset_type.*]`.
    pub tag_type: Option<String>,
    pub options: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateTitles {
    #[default]
    Suffix,
    Path,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    #[default]
    Append,
    Drop,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsOpts {
    /// 0 or unset: no limit.
    #[serde(default)]
    pub max_folder_depth: usize,
    #[serde(default)]
    pub duplicate_titles: DuplicateTitles,
    #[serde(default)]
    pub comments: Keep,
    #[serde(default)]
    pub labels: Keep,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    #[serde(default)]
    pub passwords: TableDetect,
    #[serde(default)]
    pub contacts: TableDetect,
    #[serde(default)]
    pub key_value: KvDetect,
}

/// A built-in table detector (passwords or contacts).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDetect {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub columns: Option<Spanned<Columns>>,
    pub category: Option<String>,
}

impl Default for TableDetect {
    fn default() -> Self {
        TableDetect {
            enabled: true,
            columns: None,
            category: None,
        }
    }
}

fn yes() -> bool {
    true
}

fn three() -> usize {
    3
}

/// The key–value page detector. By default it only proposes (scan, draft mapping).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvDetect {
    /// document (propose only) | flexible_asset (type inferred) | configuration
    #[serde(default = "kv_make")]
    pub make: Make,
    #[serde(default = "three")]
    pub min_rows: usize,
    pub configuration_type: Option<String>,
}

fn kv_make() -> Make {
    Make::Document
}

impl Default for KvDetect {
    fn default() -> Self {
        KvDetect {
            make: Make::Document,
            min_rows: 3,
            configuration_type: None,
        }
    }
}

/// Line and column (1-based) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

fn err_at(path: &Path, src: &str, offset: usize, msg: impl std::fmt::Display) -> Error {
    let (line, col) = line_col(src, offset);
    Error::Mapping {
        path: path.to_path_buf(),
        reason: format!("line {line}, column {col}: {msg}"),
    }
}

/// Reads and checks a mapping file; returns it with the blake3 of its bytes.
pub fn load(path: &Path) -> Result<(Mapping, String), Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let src = match std::str::from_utf8(&bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            // Name the line of the first byte that is not UTF-8.
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).to_string();
            return Err(err_at(
                path,
                &valid,
                valid.len(),
                "not UTF-8 text (save the file as UTF-8)",
            ));
        }
    };
    let mapping = parse(&src, path)?;
    Ok((mapping, blake3::hash(&bytes).to_hex().to_string()))
}

/// Parses and checks mapping text (`path` names it in errors).
pub fn parse(src: &str, path: &Path) -> Result<Mapping, Error> {
    let mapping: Mapping = toml::from_str(src).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        err_at(path, src, offset, e.message().trim())
    })?;
    validate(&mapping, src, path)?;
    Ok(mapping)
}

fn validate(m: &Mapping, src: &str, path: &Path) -> Result<(), Error> {
    for o in &m.organization {
        let at = o.span().start;
        if o.get_ref().children_of.is_some() && o.get_ref().subtree.is_some() {
            return Err(err_at(
                path,
                src,
                at,
                "an organization takes children_of or subtree, not both",
            ));
        }
        if o.get_ref().children_of.is_some() && o.get_ref().name.is_some() {
            return Err(err_at(
                path,
                src,
                at,
                "children_of names each organization after its page; remove name",
            ));
        }
    }
    if !matches!(
        m.detect.key_value.make,
        Make::Document | Make::Configuration
    ) {
        let at = src.find("[detect.key_value]").unwrap_or(0);
        return Err(err_at(
            path,
            src,
            at,
            "detect.key_value.make is \"document\" or \"configuration\"; use a [[rule]] with a type for flexible assets",
        ));
    }
    let known = |t: &str| m.flexible_asset_type.contains_key(t);
    for (tname, t) in &m.flexible_asset_type {
        let mut seen = std::collections::HashSet::new();
        for f in &t.fields {
            let at = f.span().start;
            let f = f.get_ref();
            if !seen.insert(f.name.to_lowercase()) {
                return Err(err_at(
                    path,
                    src,
                    at,
                    format!(
                        "flexible asset type {tname:?} has two fields named {:?}",
                        f.name
                    ),
                ));
            }
            match f.kind {
                FieldKind::Tag => match f.tag_type.as_deref() {
                    None => {
                        return Err(err_at(
                            path,
                            src,
                            at,
                            format!("Tag field {:?} needs tag_type", f.name),
                        ));
                    }
                    Some(tt) if !TAG_KINDS.contains(&tt) && !known(tt) => {
                        return Err(err_at(
                            path,
                            src,
                            at,
                            format!(
                                "tag_type {tt:?} is neither one of {TAG_KINDS:?} nor a [flexible_asset_type.*]"
                            ),
                        ));
                    }
                    _ => {}
                },
                FieldKind::Select if f.options.as_ref().is_none_or(|o| o.is_empty()) => {
                    return Err(err_at(
                        path,
                        src,
                        at,
                        format!("Select field {:?} needs options", f.name),
                    ));
                }
                _ => {}
            }
        }
    }
    for r in &m.rule {
        let at = r.span().start;
        let rule = r.get_ref();
        let fa_type = match (&rule.make, &rule.type_) {
            (Make::FlexibleAsset, None) => {
                return Err(err_at(
                    path,
                    src,
                    at,
                    "make = \"flexible_asset\" needs type = \"<a [flexible_asset_type.*]>\"",
                ));
            }
            (Make::FlexibleAsset, Some(t)) => match m.flexible_asset_type.get(t.get_ref()) {
                Some(def) => Some(def),
                None => {
                    return Err(err_at(
                        path,
                        src,
                        t.span().start,
                        format!("no [flexible_asset_type.{:?}] in this file", t.get_ref()),
                    ));
                }
            },
            (_, Some(t)) => {
                return Err(err_at(
                    path,
                    src,
                    t.span().start,
                    "type is only for make = \"flexible_asset\"",
                ));
            }
            _ => None,
        };
        let field_of = |name: &str| {
            fa_type.and_then(|d| {
                d.fields
                    .iter()
                    .map(|f| f.get_ref())
                    .find(|f| f.name.eq_ignore_ascii_case(name))
            })
        };
        if let Some(def) = fa_type {
            for target in rule.fields.values() {
                if field_of(target).is_none() {
                    let names: Vec<_> = def
                        .fields
                        .iter()
                        .map(|f| f.get_ref().name.as_str())
                        .collect();
                    return Err(err_at(
                        path,
                        src,
                        at,
                        format!(
                            "fields maps to {target:?}, which the type does not have (it has {names:?})"
                        ),
                    ));
                }
            }
        }
        if rule.make == Make::Configuration {
            for target in rule.fields.values() {
                if !CONFIG_ATTRS.contains(&target.as_str()) {
                    return Err(err_at(
                        path,
                        src,
                        at,
                        format!(
                            "configuration fields map to one of {CONFIG_ATTRS:?}, not {target:?}"
                        ),
                    ));
                }
            }
        }
        for (what, f) in [
            ("link_tags", &rule.link_tags),
            ("other_keys", &rule.other_keys),
        ] {
            let Some(f) = f else { continue };
            if rule.make == Make::Configuration && what == "other_keys" {
                continue;
            }
            match field_of(f.get_ref()) {
                None => {
                    return Err(err_at(
                        path,
                        src,
                        f.span().start,
                        format!(
                            "{what} names {:?}, not a field of this rule's flexible asset type",
                            f.get_ref()
                        ),
                    ));
                }
                Some(spec) if what == "link_tags" && spec.kind != FieldKind::Tag => {
                    return Err(err_at(
                        path,
                        src,
                        f.span().start,
                        format!(
                            "link_tags needs a Tag field; {:?} is {}",
                            spec.name,
                            spec.kind.as_str()
                        ),
                    ));
                }
                _ => {}
            }
        }
        if let Some(c) = &rule.columns {
            let cols = c.get_ref();
            let bad = match rule.make {
                Make::Passwords => {
                    cols.first_name.is_some()
                        || cols.last_name.is_some()
                        || cols.title.is_some()
                        || cols.email.is_some()
                        || cols.phone.is_some()
                }
                Make::Contacts => {
                    cols.username.is_some()
                        || cols.password.is_some()
                        || cols.url.is_some()
                        || cols.category.is_some()
                }
                _ => true,
            };
            if bad {
                return Err(err_at(
                    path,
                    src,
                    c.span().start,
                    format!("these columns do not fit make = {:?}", rule.make.as_str()),
                ));
            }
        }
    }
    Ok(())
}

/// Record kinds a Tag field can point at (besides flexible asset types).
pub const TAG_KINDS: [&str; 5] = [
    "Configurations",
    "Contacts",
    "Documents",
    "Organizations",
    "Passwords",
];

/// Configuration attributes a key can map to.
pub const CONFIG_ATTRS: [&str; 7] = [
    "name",
    "hostname",
    "primary_ip",
    "operating_system",
    "serial_number",
    "configuration_type",
    "notes",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Mapping, String> {
        parse(src, Path::new("m.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn unknown_key_names_its_line() {
        let e = p("[documents]\nmax_folder_depth = 2\ncolour = \"red\"\n").unwrap_err();
        assert!(
            e.starts_with("m.toml: line 3, column 1: unknown field `colour`"),
            "{e}"
        );
    }

    #[test]
    fn bad_value_names_its_line() {
        let e = p("[[rule]]\nwhen = { label = \"x\" }\nmake = \"spreadsheet\"\n").unwrap_err();
        assert!(
            e.starts_with("m.toml: line 3, column 8: unknown variant `spreadsheet`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_type_names_its_line() {
        let e =
            p("[[rule]]\nwhen = { label = \"x\" }\nmake = \"flexible_asset\"\ntype = \"Server\"\n")
                .unwrap_err();
        assert!(
            e.starts_with("m.toml: line 4, column 8: no [flexible_asset_type.\"Server\"]"),
            "{e}"
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("m.toml");
        std::fs::write(&f, b"[documents]\nlabels = \"dr\xf6p\"\n").unwrap();
        let e = load(&f).unwrap_err().to_string();
        assert!(
            e.ends_with("m.toml: line 2, column 13: not UTF-8 text (save the file as UTF-8)"),
            "{e}"
        );
    }

    #[test]
    fn a_full_mapping_parses() {
        let m = p(r#"
[[organization]]
space = "ACME"
name = "Acme Corp"
match = "existing"

[[rule]]
when = { keys = ["Hostname"] }
make = "flexible_asset"
type = "Server"
fields = { "Host name" = "Hostname" }
link_tags = "Related"

[flexible_asset_type.Server]
fields = [ { name = "Hostname", kind = "Text", show_in_list = true },
           { name = "Related", kind = "Tag", tag_type = "Documents" } ]

[documents]
max_folder_depth = 3
duplicate_titles = "path"
labels = "drop"
"#)
        .unwrap();
        assert_eq!(m.organization[0].get_ref().match_, OrgMatch::Existing);
        assert_eq!(m.rule[0].get_ref().make, Make::FlexibleAsset);
        assert_eq!(m.documents.duplicate_titles, DuplicateTitles::Path);
        assert_eq!(m.documents.labels, Keep::Drop);
        assert!(m.detect.passwords.enabled);
    }
}
