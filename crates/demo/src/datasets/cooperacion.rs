//! Disbursements of international cooperation, by donor, project and quarter.

use anyhow::{Context, Result};
use ceiba_core::Frequency;
use chrono::Days;

use super::{file_description, DemoDataset, DemoResource, Meta};
use crate::ids;
use crate::profile::Profile;
use crate::random::{Rng, Weighted};
use crate::table::{Cell, Table};
use crate::xlsx;

const NAME: &str = "desembolsos-cooperacion-internacional";

const COLUMNS: [&str; 10] = [
    "cooperante",
    "modalidad",
    "proyecto",
    "sector",
    "codigo_departamento",
    "departamento",
    "anio",
    "trimestre",
    "monto_usd",
    "fecha_desembolso",
];

/// `(donor, share of its projects that are loans, range of one disbursement in USD)`.
const DONORS: [(&str, f64, (f64, f64)); 14] = [
    ("USAID", 0.0, (50_000.0, 1_500_000.0)),
    ("Unión Europea", 0.0, (100_000.0, 3_000_000.0)),
    ("JICA", 0.3, (50_000.0, 2_000_000.0)),
    ("KOICA", 0.0, (50_000.0, 1_000_000.0)),
    ("BID", 0.85, (500_000.0, 15_000_000.0)),
    ("Banco Mundial", 0.9, (500_000.0, 20_000_000.0)),
    ("BCIE", 1.0, (500_000.0, 12_000_000.0)),
    ("AECID", 0.1, (30_000.0, 800_000.0)),
    ("GIZ", 0.0, (30_000.0, 900_000.0)),
    ("PNUD", 0.0, (20_000.0, 600_000.0)),
    ("UNICEF", 0.0, (20_000.0, 500_000.0)),
    ("FIDA", 0.7, (100_000.0, 3_000_000.0)),
    ("COSUDE", 0.0, (20_000.0, 500_000.0)),
    ("PMA", 0.0, (30_000.0, 1_000_000.0)),
];

/// `(what the project does, sector)`.
const THEMES: [(&str, &str); 12] = [
    ("nutrición y salud materno-infantil", "Salud"),
    ("agua potable y saneamiento rural", "Agua y saneamiento"),
    ("resiliencia climática", "Medio ambiente"),
    ("educación primaria bilingüe intercultural", "Educación"),
    ("caminos rurales y conectividad", "Transporte"),
    (
        "seguridad alimentaria y agricultura familiar",
        "Agropecuario",
    ),
    ("fortalecimiento de la gestión municipal", "Gobernabilidad"),
    ("transparencia y gobierno abierto", "Gobernabilidad"),
    (
        "desarrollo económico rural y empleo juvenil",
        "Desarrollo económico",
    ),
    ("prevención de la violencia", "Seguridad ciudadana"),
    ("gestión del riesgo de desastres", "Medio ambiente"),
    ("electrificación rural", "Energía"),
];

/// Departments where the demo's cooperation goes: the western highlands, the Verapaces
/// and the Dry Corridor. Also the dataset's spatial coverage.
const PRIORITY: [&str; 13] = [
    "02", "07", "08", "09", "12", "13", "14", "15", "16", "19", "20", "21", "22",
];

const FIRST_YEAR: i32 = 2019;
const QUARTERS: i64 = 28; // 2019 Q1 – 2025 Q4
const TARGET_ROWS: usize = 600;

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let departments = PRIORITY
        .iter()
        .map(|c| profile.department(c))
        .collect::<Result<Vec<_>>>()?;
    let where_ = Weighted::new(departments.iter().map(|d| 0.3 + d.deprivation));

    // (date, donor, row): sorted by date before writing.
    let mut rows = Vec::with_capacity(TARGET_ROWS + 20);
    while rows.len() < TARGET_ROWS {
        let (donor, loan_share, (lo, hi)) = *rng.pick(&DONORS);
        let loan = rng.chance(loan_share);
        let (theme, sector) = *rng.pick(&THEMES);
        let dep = departments[where_.pick(&mut rng)];
        let kind = if loan { "Programa de" } else { "Proyecto de" };
        let project = format!("{kind} {theme} en {}", dep.name);
        let start = rng.int(0, QUARTERS - 4);
        let length = rng.int(4, 16);
        for q in start..(start + length).min(QUARTERS) {
            // Loans pay out in fewer, larger tranches.
            if !rng.chance(if loan { 0.45 } else { 0.75 }) {
                continue;
            }
            let year = FIRST_YEAR + (q / 4) as i32;
            let quarter = q % 4 + 1;
            let first_day = ids::date(year, (quarter as u32 - 1) * 3 + 1, 1)?;
            let date = first_day
                .checked_add_days(Days::new(rng.int(0, 88) as u64))
                .context("disbursement date out of range")?;
            let u = rng.unit();
            let amount = lo + (hi - lo) * u * u;
            let row = vec![
                Cell::text(donor),
                Cell::text(if loan { "Préstamo" } else { "Donación" }),
                Cell::text(project.clone()),
                Cell::text(sector),
                Cell::text(dep.code),
                Cell::text(dep.name),
                Cell::Int(i64::from(year)),
                Cell::Int(quarter),
                Cell::money((amount * 100.0).round() as i64),
                Cell::Date(date),
            ];
            rows.push((date, donor, row));
        }
    }
    rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut table = Table::new(&COLUMNS);
    for (_, _, row) in rows {
        table.push(row)?;
    }

    let meta = Meta {
        name: NAME,
        organization: "segeplan",
        title: (
            "Desembolsos de cooperación internacional 2019–2025",
            "International cooperation disbursements 2019–2025",
        ),
        summary: (
            "Desembolsos trimestrales de los cooperantes bilaterales y multilaterales a \
             proyectos en los departamentos priorizados del altiplano occidental, las \
             Verapaces y el Corredor Seco, por modalidad (donación o préstamo) y sector.",
            "Quarterly disbursements by bilateral and multilateral donors to projects in the \
             priority departments of the western highlands, the Verapaces and the Dry \
             Corridor, by modality (grant or loan) and sector.",
        ),
        columns: vec![
            (
                "cooperante",
                "agencia o banco que desembolsa.",
                "disbursing agency or bank.",
            ),
            (
                "modalidad",
                "Donación o Préstamo.",
                "grant (Donación) or loan (Préstamo).",
            ),
            ("proyecto", "nombre del proyecto.", "project name."),
            ("sector", "sector del proyecto.", "project sector."),
            (
                "codigo_departamento",
                "código INE del departamento.",
                "INE department code.",
            ),
            ("departamento", "departamento.", "department."),
            ("anio", "año del desembolso.", "year of the disbursement."),
            ("trimestre", "trimestre (1–4).", "quarter (1–4)."),
            (
                "monto_usd",
                "monto desembolsado, en dólares estadounidenses.",
                "amount disbursed, in US dollars.",
            ),
            (
                "fecha_desembolso",
                "fecha del desembolso (AAAA-MM-DD; fecha real en el Excel).",
                "date of the disbursement (YYYY-MM-DD; a real date in the Excel file).",
            ),
        ],
        categories: &["cooperacion-internacional"],
        tags: &[
            "cooperación internacional",
            "cooperantes",
            "donaciones",
            "préstamos",
            "desembolsos",
        ],
        licence: "CC-BY-4.0",
        temporal: Some(((2019, 1, 1), (2025, 12, 31))),
        spatial: &PRIORITY,
        frequency: Frequency::Quarterly,
        contact: "Subsecretaría de Cooperación y Alianzas para el Desarrollo",
        source_url: "https://www.segeplan.gob.gt",
        version: "2026-T2",
        featured: false,
        created: (2024, 9, 16),
        modified: (2026, 7, 21),
        extras: &[("moneda", "USD")],
    };
    let dataset = meta.dataset()?;
    let book = xlsx::render(&xlsx::Book {
        title: "Desembolsos de cooperación internacional",
        created: dataset.modified,
        sheets: vec![xlsx::Sheet {
            name: "Desembolsos",
            table: &table,
            title: None,
            total_of: &[],
        }],
        notes: None,
    })?;
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![
            DemoResource::file(
                "xlsx",
                "XLSX",
                "Desembolsos de cooperación (Excel)",
                "Libro de Excel: montos como números y fechas como fechas de Excel. Datos \
                 sintéticos de demostración.",
                "Desembolsos cooperación internacional 2019-2025.xlsx",
                book,
            ),
            DemoResource::file(
                "csv",
                "CSV",
                "Desembolsos de cooperación (CSV)",
                &file_description("CSV", "Una fila por desembolso."),
                "Desembolsos cooperación internacional 2019-2025.csv",
                table.csv()?,
            ),
        ],
        dataset,
    })
}
