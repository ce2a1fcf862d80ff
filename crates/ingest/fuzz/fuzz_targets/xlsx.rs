//! XLSX built from fuzzed parts (`\n--\n` between them): workbook, sheet, shared strings,
//! styles, workbook relationships; a ZIP of random bytes would mostly fail its checksums.
//! An input that starts with `PK` is taken as a whole package instead.
#![no_main]
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const ROOT_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

fuzz_target!(init: ceiba_ingest_fuzz::caught_panics_are_handled(), |data: &[u8]| {
    if data.starts_with(b"PK") {
        ceiba_ingest_fuzz::read_upload(data, "xlsx");
        return;
    }
    let p = ceiba_ingest_fuzz::parts(data, 5);
    let package = ceiba_ingest_fuzz::zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", p[0]),
        ("xl/worksheets/sheet1.xml", p[1]),
        ("xl/sharedStrings.xml", p[2]),
        ("xl/styles.xml", p[3]),
        ("xl/_rels/workbook.xml.rels", p[4]),
    ]);
    ceiba_ingest_fuzz::read_upload(&package, "xlsx");
});
