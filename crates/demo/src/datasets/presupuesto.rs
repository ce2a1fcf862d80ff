//! Municipal budget execution by year, municipality and class of income or spending.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};
use crate::xlsx;

const NAME: &str = "ejecucion-presupuestaria-municipal";

const COLUMNS: [&str; 9] = [
    "ejercicio",
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "departamento",
    "clase",
    "asignado",
    "vigente",
    "devengado",
];

const CLASSES: [&str; 4] = [
    "Ingresos corrientes",
    "Ingresos de capital",
    "Gastos de funcionamiento",
    "Inversión",
];

/// Budget growth against 2019 (nominal).
const YEARS: [(i64, f64); 6] = [
    (2019, 1.00),
    (2020, 1.03),
    (2021, 1.09),
    (2022, 1.16),
    (2023, 1.24),
    (2024, 1.31),
];

fn cents(quetzales: f64) -> i64 {
    (quetzales * 100.0).round() as i64
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    // Per-municipality traits that persist from year to year.
    let traits: Vec<(f64, f64, f64)> = profile
        .municipalities
        .iter()
        .map(|m| {
            let per_capita = 700.0 + 900.0 * (1.0 - m.deprivation) + 120.0 * rng.gauss();
            // Richer municipalities raise more of their own (current) revenue; poorer ones
            // live on capital transfers.
            let own = (0.15 + 0.45 * (1.0 - m.deprivation) + 0.05 * rng.gauss()).clamp(0.08, 0.8);
            let running = (0.32 + 0.06 * rng.gauss()).clamp(0.18, 0.55);
            (per_capita.max(300.0), own, running)
        })
        .collect();

    let mut table = Table::new(&COLUMNS);
    for (year, growth) in YEARS {
        for (m, &(per_capita, own, running)) in profile.municipalities.iter().zip(&traits) {
            let budget = m.population as f64 * per_capita * growth * (1.0 + 0.05 * rng.gauss());
            let shares = [own, 1.0 - own, running, 1.0 - running];
            for (class, share) in CLASSES.iter().zip(shares) {
                let assigned = cents(budget * share);
                // Budgets are mostly enlarged during the year, and never fully spent.
                let current = cents(assigned as f64 / 100.0 * rng.uniform(1.0, 1.25));
                let accrued = cents(current as f64 / 100.0 * rng.uniform(0.72, 0.99));
                table.push(vec![
                    Cell::Int(year),
                    Cell::text(m.code),
                    Cell::text(m.name),
                    Cell::text(m.department_code),
                    Cell::text(m.department),
                    Cell::text(*class),
                    Cell::money(assigned),
                    Cell::money(current),
                    Cell::money(accrued),
                ])?;
            }
        }
    }

    let meta = Meta {
        name: NAME,
        organization: "minfin",
        title: (
            "Ejecución presupuestaria municipal 2019–2024",
            "Municipal budget execution 2019–2024",
        ),
        summary: (
            "Presupuesto asignado, vigente y devengado de cada municipalidad por año y por \
             clase: ingresos corrientes, ingresos de capital, gastos de funcionamiento e \
             inversión. Permite comparar cuánto planifica y cuánto ejecuta cada municipio.",
            "Assigned, current and accrued budget of each municipality by year and class: \
             current income, capital income, operating expenditure and investment. It lets \
             you compare how much each municipality plans and how much it carries out.",
        ),
        columns: vec![
            ("ejercicio", "año fiscal.", "fiscal year."),
            (
                "codigo_municipio",
                "código INE del municipio, con cero inicial.",
                "INE municipality code, with its leading zero.",
            ),
            ("municipio", "municipio.", "municipality."),
            (
                "codigo_departamento",
                "código INE del departamento.",
                "INE department code.",
            ),
            ("departamento", "departamento.", "department."),
            (
                "clase",
                "Ingresos corrientes, Ingresos de capital, Gastos de funcionamiento o \
                 Inversión.",
                "current income, capital income, operating expenditure or investment (in \
                 Spanish).",
            ),
            (
                "asignado",
                "presupuesto aprobado al inicio del año, en quetzales.",
                "budget approved at the start of the year, in quetzales.",
            ),
            (
                "vigente",
                "presupuesto con las modificaciones del año, en quetzales.",
                "budget including the year's amendments, in quetzales.",
            ),
            (
                "devengado",
                "monto devengado (ejecutado), en quetzales.",
                "accrued (executed) amount, in quetzales.",
            ),
        ],
        categories: &["inversion-publica"],
        tags: &[
            "presupuesto",
            "finanzas municipales",
            "ejecución presupuestaria",
            "gasto público",
            "municipios",
        ],
        licence: "CC-BY-4.0",
        temporal: Some(((2019, 1, 1), (2024, 12, 31))),
        spatial: &["GT"],
        frequency: Frequency::Annual,
        contact: "Dirección de Asistencia a la Administración Financiera Municipal",
        source_url: "https://www.minfin.gob.gt",
        version: "2024",
        featured: false,
        created: (2025, 2, 24),
        modified: (2025, 8, 29),
        extras: &[("moneda", "GTQ"), ("unidad_territorial", "municipio")],
    };
    let dataset = meta.dataset()?;
    let book = xlsx::render(&xlsx::Book {
        title: "Ejecución presupuestaria municipal 2019–2024",
        created: dataset.modified,
        sheets: vec![xlsx::Sheet {
            name: "Ejecución",
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
                "csv",
                "CSV",
                "Ejecución presupuestaria municipal (CSV)",
                &file_description("CSV", "Una fila por año, municipio y clase."),
                "Ejecución presupuestaria municipal 2019-2024.csv",
                table.csv()?,
            ),
            DemoResource::file(
                "xlsx",
                "XLSX",
                "Ejecución presupuestaria municipal (Excel)",
                &file_description("XLSX", ""),
                "Ejecución presupuestaria municipal 2019-2024.xlsx",
                book,
            ),
        ],
        dataset,
    })
}
