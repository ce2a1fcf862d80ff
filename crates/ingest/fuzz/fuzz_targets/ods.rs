//! ODS built from a fuzzed `content.xml` (or a whole package when the input starts with `PK`).
#![no_main]
use libfuzzer_sys::fuzz_target;

const MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

fuzz_target!(init: ceiba_ingest_fuzz::caught_panics_are_handled(), |data: &[u8]| {
    if data.starts_with(b"PK") {
        ceiba_ingest_fuzz::read_upload(data, "ods");
        return;
    }
    let package = ceiba_ingest_fuzz::zip_of(&[
        ("mimetype", MIME),
        ("META-INF/manifest.xml", MANIFEST),
        ("content.xml", data),
    ]);
    ceiba_ingest_fuzz::read_upload(&package, "ods");
});
