//! Measures the CSV reader: reads a whole file and prints MB/s.
//!
//! `cargo run --release -p ceiba-ingest --example csv_read -- FILE`
//! `cargo run --release -p ceiba-ingest --example csv_read -- FILE --generate 200`
//! (writes a synthetic 200 MB CSV to FILE first).

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use ceiba_ingest::{CsvSource, Limits, TableSource, TextOptions, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("usage: csv_read FILE [--generate MB]");
        std::process::exit(2);
    };
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let mb: u64 = args.get(i + 1).map_or(Ok(100), |s| s.parse())?;
        generate(&path, mb * 1024 * 1024)?;
    }

    let start = Instant::now();
    let src = CsvSource::new(
        path.clone(),
        "bench".into(),
        &TextOptions::default(),
        Limits::default(),
    )?;
    let mut rows = src.open()?;
    let (mut records, mut cells, mut text_bytes) = (0u64, 0u64, 0u64);
    while rows.advance()? {
        records += 1;
        for i in 0..rows.len() {
            cells += 1;
            // Touch every cell, as the type inference does.
            if let Value::Text(t) = rows.get(i) {
                text_bytes += t.len() as u64;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes = rows.bytes_read();
    let d = src.dialect();
    println!(
        "{}: {} bytes, {} {:?}, {records} rows, {cells} cells, {text_bytes} text bytes",
        path.display(),
        bytes,
        d.encoding_name(),
        d.delimiter_char(),
    );
    println!(
        "{:.3} s, {:.1} MB/s",
        secs,
        bytes as f64 / (1024.0 * 1024.0) / secs
    );
    for issue in rows.take_issues() {
        println!("{}", issue.message(ceiba_core::Lang::En));
    }
    Ok(())
}

/// A CSV like the portal's: codes, names with accents and quotes, decimals, dates.
fn generate(path: &PathBuf, size: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        out,
        "codigo,municipio,departamento,poblacion,indice,fecha,nota"
    )?;
    let names = [
        "Guatemala",
        "Petén",
        "San José Pinula",
        "Santa Catarina Pinula",
        "Mixco",
    ];
    let mut written = 0u64;
    let mut i = 0u64;
    while written < size {
        let name = names[(i % 5) as usize];
        let line = format!(
            "{:04},{name},\"{name}, Guatemala\",{},{}.{:02},2018-{:02}-{:02},\"dice \"\"ok\"\"\"\n",
            i % 10_000,
            (i * 7919) % 1_000_000,
            i % 1000,
            i % 100,
            i % 12 + 1,
            i % 28 + 1,
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        i += 1;
    }
    out.flush()
}
