//! entities.xml scanning and the XML reader (see harness.rs).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::entities_xml(data));
