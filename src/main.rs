//! The `cf2itglue` binary: all behaviour lives in the library's `cli` module.

fn main() {
    std::process::exit(cf2itglue::cli::main());
}
