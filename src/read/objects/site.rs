//! What the storage-format converter may ask about the export (titles, the
//! tree, other pages' bodies, users, attachments), answered from the built
//! index. One `SpaceSite` per space, over tables shared by all spaces.

use std::collections::HashMap;

use super::{BodyStore, Stored};
use crate::read::storage::Site;

/// Tables over every live page of the export.
pub struct Tables<'a> {
    pub store: &'a BodyStore,
    pub titles: HashMap<String, String>,
    pub parents: HashMap<String, String>,
    pub children: HashMap<String, Vec<String>>,
    /// (lower space key, lower title) → page id.
    pub by_title: HashMap<(String, String), String>,
    pub homes: HashMap<String, String>,
    pub storage: HashMap<String, Stored>,
    pub users: &'a HashMap<String, String>,
    pub files: HashMap<String, Vec<String>>,
}

pub struct SpaceSite<'a> {
    pub tables: &'a Tables<'a>,
    pub space: String,
}

impl Site for SpaceSite<'_> {
    fn title_of(&self, page_id: &str) -> Option<String> {
        self.tables.titles.get(page_id).cloned()
    }
    fn parent_of(&self, page_id: &str) -> Option<String> {
        self.tables.parents.get(page_id).cloned()
    }
    fn home(&self) -> Option<String> {
        self.tables.homes.get(&self.space.to_lowercase()).cloned()
    }
    fn children(&self, page_id: &str) -> Vec<(String, String)> {
        self.tables
            .children
            .get(page_id)
            .map(|c| {
                c.iter()
                    .map(|id| (id.clone(), self.title_of(id).unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn find_title(&self, space: Option<&str>, title: &str) -> Option<String> {
        let sk = space.unwrap_or(&self.space).to_lowercase();
        self.tables
            .by_title
            .get(&(sk, title.trim().to_lowercase()))
            .cloned()
    }
    fn storage_of(&self, page_id: &str) -> Option<String> {
        let at = self.tables.storage.get(page_id)?;
        self.tables.store.get(*at).ok()
    }
    fn user(&self, key: &str) -> Option<String> {
        self.tables.users.get(key).cloned()
    }
    fn attachments(&self, page_id: &str) -> Vec<String> {
        self.tables.files.get(page_id).cloned().unwrap_or_default()
    }
}
