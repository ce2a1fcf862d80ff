//! The ingestion benchmark (run by `scripts/bench-ingest`): one process per measurement
//! so that each peak-memory figure is its own.
//!
//! ```text
//! ingest_bench generate-csv FILE ROWS     # investment projects, 13 columns
//! ingest_bench generate-xlsx FILE ROWS
//! ingest_bench ingest FILE                # whole pipeline: sniff, infer, Parquet, stats
//! ```
//! Prints one JSON line per measurement.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ceiba_ingest::{ingest_file, IngestOptions, Limits};

const SECTORS: [&str; 8] = [
    "Educación",
    "Salud",
    "Agua y saneamiento",
    "Transporte",
    "Energía",
    "Vivienda",
    "Desarrollo rural",
    "Seguridad",
];
const ENTITIES: [&str; 6] = [
    "Municipalidad",
    "Ministerio de Comunicaciones",
    "Ministerio de Educación",
    "Ministerio de Salud",
    "FONDETEL",
    "Consejo Departamental de Desarrollo",
];
const WORKS: [&str; 6] = [
    "Construcción escuela primaria",
    "Mejoramiento calle",
    "Ampliación sistema de agua potable",
    "Reposición puesto de salud",
    "Construcción puente vehicular",
    "Mejoramiento camino rural",
];
const STATES: [&str; 4] = ["Finalizado", "En ejecución", "Suspendido", "Sin iniciar"];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

type Row = [String; 13];

fn project(rng: &mut Rng, i: u64) -> Row {
    let (dep_code, dep) = ceiba_core::territory::DEPARTMENTS[rng.below(22) as usize];
    let munis: Vec<_> = ceiba_core::territory::municipalities_of(dep_code).collect();
    let (mun_code, mun) = munis[rng.below(munis.len() as u64) as usize];
    let approved = (rng.below(500_000_000) + 1_000_000) as f64 / 100.0;
    let executed = approved * (rng.below(101) as f64 / 100.0);
    [
        format!("{:06}", 100_000 + i % 900_000),
        format!("{} {}, {}", WORKS[rng.below(6) as usize], mun, dep),
        SECTORS[rng.below(8) as usize].to_string(),
        ENTITIES[rng.below(6) as usize].to_string(),
        dep_code.to_string(),
        dep.to_string(),
        mun_code.to_string(),
        mun.to_string(),
        (2015 + rng.below(11)).to_string(),
        format!("{approved:.2}"),
        format!("{executed:.2}"),
        format!("{:.1}", rng.below(1001) as f64 / 10.0),
        STATES[rng.below(4) as usize].to_string(),
    ]
}

const HEADER: [&str; 13] = [
    "snip",
    "nombre",
    "sector",
    "entidad",
    "codigo_departamento",
    "departamento",
    "codigo_municipio",
    "municipio",
    "ejercicio",
    "monto_aprobado",
    "monto_ejecutado",
    "avance_fisico_pct",
    "estado",
];

fn generate_csv(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "{}", HEADER.join(","))?;
    let mut rng = Rng(42);
    for i in 0..rows {
        let r = project(&mut rng, i);
        // Names hold commas: quote them as spreadsheet programs do.
        writeln!(
            out,
            "{},\"{}\",{},{},{},{},{},{},{},{},{},{},{}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]
        )?;
    }
    out.flush()
}

fn generate_xlsx(path: &Path, rows: u64) -> Result<(), Box<dyn std::error::Error>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("Proyectos")?;
    for (c, h) in HEADER.iter().enumerate() {
        ws.write(0, c as u16, *h)?;
    }
    let mut rng = Rng(7);
    for i in 0..rows {
        let r = project(&mut rng, i);
        let row = (i + 1) as u32;
        for (c, v) in r.iter().enumerate() {
            match c {
                8 => ws.write(row, c as u16, v.parse::<f64>()?)?,
                9..=11 => ws.write(row, c as u16, v.parse::<f64>()?)?,
                _ => ws.write(row, c as u16, v.as_str())?,
            };
        }
    }
    wb.save(path)?;
    Ok(())
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: ingest_bench generate-csv|generate-xlsx FILE ROWS | ingest FILE";
    let (cmd, file) = match (args.first(), args.get(1)) {
        (Some(c), Some(f)) => (c.as_str(), PathBuf::from(f)),
        _ => return Err(usage.into()),
    };
    let rows: u64 = match cmd {
        "ingest" => 0,
        _ => args.get(2).map_or(Ok(0), |s| s.parse())?,
    };
    let start = Instant::now();
    match cmd {
        "generate-csv" => generate_csv(&file, rows)?,
        "generate-xlsx" => generate_xlsx(&file, rows)?,
        "ingest" => {
            let work = tempfile::tempdir()?;
            // `ingest FILE KEEP_DIR` keeps the Parquet files (for the query benchmark).
            let keep = args.get(2).map(PathBuf::from);
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let out = ingest_file(
                &file,
                &name,
                &IngestOptions::default(),
                // The 20,000,000-row table of the speed benchmarks is past the portal's
                // default upload limits (2 GiB): a benchmark lifts the size and row limits.
                Limits {
                    max_file_bytes: u64::MAX,
                    max_rows: u64::MAX,
                    ..Limits::default()
                },
                work.path(),
                &|_, _, _| {},
            );
            let secs = start.elapsed().as_secs_f64();
            let size = std::fs::metadata(&file)?.len();
            let parquet: u64 = out
                .tables
                .iter()
                .filter_map(|(_, p)| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum();
            let t = out.report.tables.first();
            if let Some(dir) = &keep {
                std::fs::create_dir_all(dir)?;
                for (n, (_, p)) in out.tables.iter().enumerate() {
                    std::fs::copy(p, dir.join(format!("table-{n}.parquet")))?;
                }
            }
            println!(
                "{}",
                serde_json::json!({
                    "measure": "ingest",
                    "file": name,
                    "bytes": size,
                    "rows": t.map_or(0, |t| t.rows),
                    "types": t.map(|t| t.columns.iter().map(|c| c.column_type.as_str()).collect::<Vec<_>>()),
                    "seconds": (secs * 1000.0).round() / 1000.0,
                    "mb_per_s": ((size as f64 / 1e6 / secs) * 10.0).round() / 10.0,
                    "rows_per_s": (t.map_or(0, |t| t.rows) as f64 / secs).round(),
                    "peak_mb": peak_mb().round(),
                    "parquet_bytes": parquet,
                    "errors": out.report.all_errors().map(|e| e.message(ceiba_core::Lang::En)).collect::<Vec<_>>(),
                })
            );
            return Ok(());
        }
        _ => return Err(usage.into()),
    }
    println!(
        "{}",
        serde_json::json!({"measure": cmd, "rows": rows, "seconds": start.elapsed().as_secs_f64(), "bytes": std::fs::metadata(&file)?.len()})
    );
    Ok(())
}
