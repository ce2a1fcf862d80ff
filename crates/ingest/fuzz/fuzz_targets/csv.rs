//! CSV: encoding and dialect sniffing, then every record.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: ceiba_ingest_fuzz::caught_panics_are_handled(), |data: &[u8]| {
    let _ = ceiba_ingest::sniff(
        &data[..data.len().min(1 << 20)],
        &ceiba_ingest::TextOptions::default(),
    );
    ceiba_ingest_fuzz::read_upload(data, "csv");
});
