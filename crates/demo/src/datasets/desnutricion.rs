//! Weekly acute malnutrition cases in children under five, by department.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};

const NAME: &str = "casos-desnutricion-aguda";

const COLUMNS: [&str; 6] = [
    "anio",
    "semana_epidemiologica",
    "codigo_departamento",
    "departamento",
    "casos",
    "tasa_por_10000",
];

/// Year-to-year level against 2022. Each of these years has 52 epidemiological weeks.
const YEARS: [(i64, f64); 4] = [(2022, 1.0), (2023, 0.9), (2024, 1.05), (2025, 0.95)];

/// The lean season before the maize harvest: cases peak around week 28.
fn season(week: i64) -> f64 {
    let distance = (week - 28).abs() as f64;
    0.7 + 0.6 * (1.0 - distance / 16.0).max(0.0)
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    // (children under five, yearly cases per 10 000 of them) per department.
    let risk: Vec<(f64, f64)> = profile
        .departments
        .iter()
        .map(|d| {
            let under5 = (d.population as f64 * (0.10 + 0.05 * d.deprivation)).round();
            let rate = 30.0 + 300.0 * d.deprivation * d.deprivation;
            (under5, rate)
        })
        .collect();
    let mut table = Table::new(&COLUMNS);
    for (year, level) in YEARS {
        for week in 1..=52 {
            for (d, &(under5, rate)) in profile.departments.iter().zip(&risk) {
                let mean = under5 * rate / 10_000.0 / 52.0 * season(week) * level;
                let cases = (mean + mean.sqrt() * rng.gauss()).round().max(0.0);
                table.push(vec![
                    Cell::Int(year),
                    Cell::Int(week),
                    Cell::text(d.code),
                    Cell::text(d.name),
                    Cell::Int(cases as i64),
                    Cell::dec(cases / under5 * 10_000.0, 2),
                ])?;
            }
        }
    }

    let meta = Meta {
        name: NAME,
        organization: "mspas",
        title: (
            "Casos de desnutrición aguda por semana epidemiológica 2022–2025",
            "Acute malnutrition cases by epidemiological week 2022–2025",
        ),
        summary: (
            "Casos de desnutrición aguda en menores de cinco años notificados cada semana \
             epidemiológica, por departamento, con la tasa por cada 10 000 niños y niñas. Los \
             casos suben en la época de hambre estacional, entre mayo y septiembre.",
            "Acute malnutrition cases in children under five reported each epidemiological \
             week, by department, with the rate per 10,000 children. Cases rise in the lean \
             season, between May and September.",
        ),
        columns: vec![
            ("anio", "año epidemiológico.", "epidemiological year."),
            (
                "semana_epidemiologica",
                "semana epidemiológica (1–52).",
                "epidemiological week (1–52).",
            ),
            (
                "codigo_departamento",
                "código INE del departamento.",
                "INE department code.",
            ),
            ("departamento", "departamento.", "department."),
            (
                "casos",
                "casos notificados en la semana.",
                "cases reported in the week.",
            ),
            (
                "tasa_por_10000",
                "casos por cada 10 000 menores de cinco años.",
                "cases per 10,000 children under five.",
            ),
        ],
        categories: &["pobreza"],
        tags: &[
            "desnutrición",
            "salud",
            "niñez",
            "vigilancia epidemiológica",
            "seguridad alimentaria",
        ],
        licence: "odc-by",
        temporal: Some(((2022, 1, 2), (2025, 12, 27))),
        spatial: &["GT"],
        frequency: Frequency::Weekly,
        contact: "Departamento de Epidemiología",
        source_url: "https://www.mspas.gob.gt",
        version: "SE 52-2025",
        featured: false,
        created: (2025, 6, 9),
        modified: (2026, 1, 19),
        extras: &[("poblacion_referencia", "menores de 5 años")],
    };
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![DemoResource::file(
            "csv",
            "CSV",
            "Casos semanales de desnutrición aguda (CSV)",
            &file_description("CSV", "Una fila por año, semana y departamento."),
            "Casos de desnutrición aguda por semana 2022-2025.csv",
            table.csv()?,
        )],
        dataset: meta.dataset()?,
    })
}
