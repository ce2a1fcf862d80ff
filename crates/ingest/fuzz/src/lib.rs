//! What the fuzz targets share: the input written to a file (the readers take paths), read
//! through the same door as an upload, every row and cell touched.

use std::io::Write;
use std::path::PathBuf;

use ceiba_ingest::source::{open_file, Opened};
use ceiba_ingest::{IngestOptions, Limits};

/// Limits small enough that each run is quick; over-allocation still shows against
/// libFuzzer's `-rss_limit_mb`.
pub fn limits() -> Limits {
    Limits {
        max_file_bytes: 16 * 1024 * 1024,
        max_rows: 100_000,
        max_columns: 1_000,
        max_cell_bytes: 1024 * 1024,
        max_line_bytes: 4 * 1024 * 1024,
        max_inflated_bytes: 64 * 1024 * 1024,
        max_memory_bytes: 256 * 1024 * 1024,
    }
}

/// A scratch file of this process, named with `ext`.
fn scratch(ext: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ceiba-fuzz-{}.{ext}", std::process::id()))
}

/// Opens `data` as an upload named `f.{ext}` and reads every row; errors are fine,
/// panics, aborts and runaway memory are findings.
pub fn read_upload(data: &[u8], ext: &str) {
    let path = scratch(ext);
    let Ok(mut f) = std::fs::File::create(&path) else {
        return;
    };
    if f.write_all(data).is_err() {
        return;
    }
    drop(f);
    let name = format!("f.{ext}");
    if let Ok(Opened::Tables(file)) = open_file(&path, &name, &IngestOptions::default(), limits())
    {
        for table in &file.tables {
            let Ok(mut rows) = table.open() else { continue };
            let mut n = 0u64;
            while let Ok(true) = rows.advance() {
                for i in 0..rows.len() {
                    std::hint::black_box(rows.get(i).display());
                }
                n += 1;
                if n > limits().max_rows + 10 {
                    break;
                }
            }
        }
    }
}

/// A ZIP package (stored, no compression) of these parts: workbooks built from fuzzed XML.
pub fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in parts {
            if zip.start_file(*name, options).is_err() || zip.write_all(data).is_err() {
                return Vec::new();
            }
        }
        if zip.finish().is_err() {
            return Vec::new();
        }
    }
    out.into_inner()
}

/// Splits the input at `\n--\n` into at most `n` parts (missing ones are empty).
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    let mut rest = data;
    while out.len() + 1 < n {
        match rest.windows(4).position(|w| w == b"\n--\n") {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + 4..];
            }
            None => break,
        }
    }
    out.push(rest);
    while out.len() < n {
        out.push(&[]);
    }
    out
}

/// For targets whose reader runs calamine inside `catch_unwind` (a panic there becomes an
/// "unreadable" error, by design): libFuzzer's hook would abort on those caught panics too.
/// With this hook only a panic that escapes the reader still aborts (libfuzzer-sys aborts
/// on any panic that reaches it), and is the finding.
pub fn caught_panics_are_handled() {
    std::panic::set_hook(Box::new(|_| {}));
}
