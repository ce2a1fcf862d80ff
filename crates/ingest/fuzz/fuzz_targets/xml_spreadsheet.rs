//! Excel's XML Spreadsheet 2003, named `.xls` as agencies' systems name it: the fuzzed
//! bytes follow the declaration and the workbook's opening tag, so that every input is read
//! as one.
#![no_main]
use libfuzzer_sys::fuzz_target;

const HEAD: &[u8] = b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">";

fuzz_target!(init: ceiba_ingest_fuzz::caught_panics_are_handled(), |data: &[u8]| {
    let mut file = HEAD.to_vec();
    file.extend_from_slice(data);
    ceiba_ingest_fuzz::read_upload(&file, "xls");
});
