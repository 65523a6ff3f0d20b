//! The `cf2itglue` binary: all behaviour lives in the library's `cli` module.

/// mimalloc instead of glibc's malloc: convert parses pages on every core while
/// it keeps each page's record, and glibc's per-thread arenas left the freed parse
/// buffers interleaved with the records, so peak RSS on a large export stayed well
/// above the live heap. On the 4x benchmark export (40,960 pages): glibc 340 MiB
/// and 40 s; mimalloc as configured here 280 MiB and 29 s.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: how long (ms) freed memory is kept before
/// it is returned to the system; 1 s by default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Measured on the benchmark exports (1x / 4x peak RSS, 4x wall): 0 ms gives
/// 91 / 275 MiB but 41 s (the system time of returning pages doubles); 100 ms
/// gives 105 / 280 MiB in 29 s; the default 1 s gives 128 MiB at 1x.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

fn main() {
    // Convert frees each phase's tables before the next phase builds its own:
    // returned soon, they do not add to the peak.
    // SAFETY: sets one of mimalloc's global options; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) };
    std::process::exit(cf2itglue::cli::main());
}
