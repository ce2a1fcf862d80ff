//! Excel 97-2003 (a compound file), as uploaded.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ceiba_ingest_fuzz::caught_panics_are_handled(), |data: &[u8]| {
    ceiba_ingest_fuzz::read_upload(data, "xls");
});
