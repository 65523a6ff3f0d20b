//! The sandbox's state: every object the fake IT Glue holds, in memory, with
//! request statistics; dumped as JSON for tests (`GET /_sandbox/state`) and
//! optionally persisted to a file after every write.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One stored object: its JSON:API type (kebab plural) and its attributes
/// (kebab-case keys, as the API returns them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Obj {
    #[serde(rename = "type")]
    pub kind: String,
    pub attributes: Map<String, Value>,
}

/// A related item: directional from `source` to `destination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub id: u64,
    pub source_type: String,
    pub source_id: u64,
    pub destination_type: String,
    pub destination_id: u64,
    pub notes: Option<String>,
}

/// Request counters (not persisted meaningfully; reset with the process).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Every API request received (the `/_sandbox/*` routes excluded).
    pub requests: u64,
    /// Requests answered 429.
    pub rate_limited: u64,
    /// Requests failed on purpose (5xx or dropped) before doing anything.
    pub faults: u64,
    /// Writes committed whose response was then lost on purpose.
    pub lost_responses: u64,
    /// Requests per "METHOD route-shape", e.g. "POST /documents/:id/relationships/sections".
    pub by_route: BTreeMap<String, u64>,
    /// Responses per status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Lost responses per "METHOD route-shape" (a lost image leaves an orphan).
    #[serde(default)]
    pub lost_by_route: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Store {
    pub next_id: u64,
    pub objects: BTreeMap<u64, Obj>,
    pub related: Vec<Related>,
    #[serde(default)]
    pub stats: Stats,
}

impl Store {
    pub fn new() -> Store {
        Store {
            next_id: 1000,
            ..Store::default()
        }
    }

    pub fn insert(&mut self, kind: &str, attributes: Map<String, Value>) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.objects.insert(
            id,
            Obj {
                kind: kind.to_string(),
                attributes,
            },
        );
        id
    }

    pub fn get(&self, kind: &str, id: u64) -> Option<&Obj> {
        self.objects.get(&id).filter(|o| o.kind == kind)
    }

    pub fn get_mut(&mut self, kind: &str, id: u64) -> Option<&mut Obj> {
        self.objects.get_mut(&id).filter(|o| o.kind == kind)
    }

    /// Objects of one kind, by id.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (u64, &'a Obj)> + 'a {
        self.objects
            .iter()
            .filter(move |(_, o)| o.kind == kind)
            .map(|(id, o)| (*id, o))
    }

    /// The whole state as JSON: `{"objects": {kind: {id: attributes}}, "related": [...], "stats": {...}}`.
    pub fn dump(&self) -> Value {
        let mut by_kind: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for (id, o) in &self.objects {
            by_kind
                .entry(o.kind.as_str())
                .or_default()
                .insert(id.to_string(), Value::Object(o.attributes.clone()));
        }
        serde_json::json!({
            "objects": by_kind,
            "related": self.related,
            "stats": self.stats,
        })
    }

    /// Writes the state to `path` atomically (temporary file, then rename).
    pub fn persist(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    }

    pub fn load(path: &Path) -> std::io::Result<Store> {
        let bytes = std::fs::read(path)?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    }
}

/// An attribute as an integer id (accepts numbers and numeric strings).
pub fn as_id(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}
