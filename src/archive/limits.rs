//! Limits that protect against archive bombs: entry count, total inflated size,
//! and the compression ratio of a single entry.

/// Limits applied while opening and reading an archive.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries an archive may hold.
    pub max_entries: usize,
    /// Most bytes all entries together may inflate to (as declared, and as read).
    pub max_total_size: u64,
    /// Largest inflated/compressed ratio for one entry...
    pub max_ratio: u64,
    /// ...checked only for entries that inflate to more than this many bytes.
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_total_size: 512 * 1024 * 1024 * 1024,
            max_ratio: 1_000,
            ratio_floor: 16 * 1024 * 1024,
        }
    }
}
