//! Measures the spreadsheet reader: reads every row of every sheet (or one) and prints
//! rows, seconds and rows per second, and the peak resident memory where Linux tells it.
//!
//! `cargo run --release -p ceiba-ingest --example xlsx_read -- FILE [--sheet NAME] [--show N]`
//! `cargo run --release -p ceiba-ingest --example xlsx_read -- --generate 200000 FILE`
//! (writes a synthetic workbook of 200,000 data rows to FILE, then reads it).

use std::path::PathBuf;
use std::time::Instant;

use ceiba_ingest::{xlsx, Limits, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let path = if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (Some(n), Some(path)) = (args.get(i + 1), args.get(i + 2)) else {
            eprintln!("usage: xlsx_read --generate ROWS FILE");
            std::process::exit(2);
        };
        let path = PathBuf::from(path);
        let start = Instant::now();
        generate(&path, n.parse()?)?;
        println!(
            "generated {} in {:.1} s ({} bytes)",
            path.display(),
            start.elapsed().as_secs_f64(),
            std::fs::metadata(&path)?.len()
        );
        path
    } else if let Some(path) = args.first().filter(|a| !a.starts_with("--")) {
        PathBuf::from(path)
    } else {
        eprintln!("usage: xlsx_read FILE [--sheet NAME] [--show N] | --generate ROWS FILE");
        std::process::exit(2);
    };
    let show: u64 = flag("--show").map_or(Ok(0), |s| s.parse())?;
    let sheet = flag("--sheet");

    let start = Instant::now();
    let tables = xlsx::workbook_tables(&path, sheet.as_deref(), Limits::default())?;
    let (mut total_rows, mut total_cells) = (0u64, 0u64);
    for table in &tables {
        let mut rows = table.open()?;
        let (mut n, mut cells, mut last) = (0u64, 0u64, 0u64);
        while rows.advance()? {
            n += 1;
            last = rows.position();
            let mut line = Vec::new();
            for i in 0..rows.len() {
                let v = rows.get(i);
                if v != Value::Empty {
                    cells += 1;
                }
                if n <= show {
                    line.push(format!("{v:?}"));
                }
            }
            if n <= show {
                println!("  {:>6} | {}", rows.position(), line.join(" | "));
            }
        }
        println!(
            "sheet {:?}: {n} rows (last row {last}), {cells} cells, {} bytes read",
            table.name(),
            rows.bytes_read()
        );
        total_rows += n;
        total_cells += cells;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}: {total_rows} rows, {total_cells} cells in {secs:.2} s, {:.0} rows/s{}",
        path.display(),
        total_rows as f64 / secs.max(1e-9),
        peak_memory()
            .map(|kb| format!(", peak memory {:.0} MB", kb as f64 / 1024.0))
            .unwrap_or_default()
    );
    Ok(())
}

/// A sheet like the municipal finance tables: codes, names, years, amounts, dates.
fn generate(path: &PathBuf, rows: u32) -> Result<(), Box<dyn std::error::Error>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("datos")?;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let header = [
        "No",
        "codigo",
        "municipio",
        "ejercicio",
        "clase",
        "asignado",
        "vigente",
        "fecha",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for r in 1..=rows {
        let code = 101 + (r % 340) * 3;
        sheet.write_number(r, 0, f64::from(r))?;
        sheet.write_string(r, 1, format!("{code:04}"))?;
        sheet.write_string(r, 2, format!("Municipio {}", r % 340))?;
        sheet.write_number(r, 3, f64::from(2016 + r % 4))?;
        sheet.write_string(
            r,
            4,
            ["Ingresos tributarios", "Transferencias", "Venta de bienes"][(r % 3) as usize],
        )?;
        sheet.write_number(r, 5, f64::from(r) * 1234.5)?;
        sheet.write_number(r, 6, f64::from(r % 1000) * 99.25)?;
        let d = ExcelDateTime::from_ymd(
            2016 + (r % 4) as u16,
            1 + (r % 12) as u8,
            1 + (r % 28) as u8,
        )?;
        sheet.write_datetime_with_format(r, 7, &d, &date)?;
    }
    book.save(path)?;
    Ok(())
}

/// Peak resident set size in kB (Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
