//! The `cf2itglue` binary: all behaviour lives in the library's `cli` module.

/// mimalloc instead of glibc's malloc: convert parses pages on every core while
/// it keeps each page's record, and glibc's per-thread arenas left the freed parse
/// buffers interleaved with the records, so peak RSS on a large export stayed well
/// above the live heap (4x benchmark export: 340 MiB with glibc, 281 with this).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: how long freed memory is kept before it
/// is returned to the system (1 s by default).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Convert frees each phase's tables before the next phase builds its own:
    // returned at once, they never add to the peak.
    // SAFETY: sets one of mimalloc's global options; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    std::process::exit(cf2itglue::cli::main());
}
