//! Population by municipality (2018 census), by sex, area and broad age group.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, municipal_columns, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};

const NAME: &str = "poblacion-censo-2018";

const COLUMNS: [&str; 13] = [
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "departamento",
    "poblacion_total",
    "hombres",
    "mujeres",
    "urbana",
    "rural",
    "edad_0_14",
    "edad_15_29",
    "edad_30_64",
    "edad_65_mas",
];

fn part(total: i64, share: f64) -> i64 {
    ((total as f64 * share).round() as i64).clamp(0, total)
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let mut table = Table::new(&COLUMNS);
    for m in &profile.municipalities {
        let total = m.population;
        let men = part(total, (0.485 + 0.008 * rng.gauss()).clamp(0.46, 0.51));
        let urban = part(total, m.urban_share);
        // Poorer municipalities are younger.
        let young = part(
            total,
            (0.26 + 0.14 * m.deprivation + 0.015 * rng.gauss()).clamp(0.2, 0.45),
        );
        let youth = part(total, (0.28 + 0.02 * m.deprivation).clamp(0.2, 0.35));
        let old = part(
            total,
            (0.075 - 0.035 * m.deprivation + 0.006 * rng.gauss()).clamp(0.03, 0.1),
        );
        // The remainder keeps every breakdown summing to the total.
        let adults = total - young - youth - old;
        table.push(vec![
            Cell::text(m.code),
            Cell::text(m.name),
            Cell::text(m.department_code),
            Cell::text(m.department),
            Cell::Int(total),
            Cell::Int(men),
            Cell::Int(total - men),
            Cell::Int(urban),
            Cell::Int(total - urban),
            Cell::Int(young),
            Cell::Int(youth),
            Cell::Int(adults),
            Cell::Int(old),
        ])?;
    }

    let meta = Meta {
        name: NAME,
        organization: "ine",
        title: (
            "Población por municipio, Censo 2018",
            "Population by municipality, 2018 census",
        ),
        summary: (
            "Población de cada municipio según el XII Censo Nacional de Población, por sexo, \
             área (urbana o rural) y grandes grupos de edad. Cada desagregación suma el total \
             del municipio.",
            "Population of each municipality from the 12th National Population Census, by sex, \
             area (urban or rural) and broad age group. Each breakdown adds up to the \
             municipality's total.",
        ),
        columns: municipal_columns(&[
            ("poblacion_total", "población total.", "total population."),
            ("hombres", "hombres.", "men."),
            ("mujeres", "mujeres.", "women."),
            ("urbana", "población en área urbana.", "urban population."),
            ("rural", "población en área rural.", "rural population."),
            ("edad_0_14", "personas de 0 a 14 años.", "people aged 0–14."),
            (
                "edad_15_29",
                "personas de 15 a 29 años.",
                "people aged 15–29.",
            ),
            (
                "edad_30_64",
                "personas de 30 a 64 años.",
                "people aged 30–64.",
            ),
            (
                "edad_65_mas",
                "personas de 65 años o más.",
                "people aged 65 or over.",
            ),
        ]),
        categories: &["desarrollo-territorial", "pobreza"],
        tags: &[
            "población",
            "censo",
            "demografía",
            "municipios",
            "área urbana",
        ],
        licence: "CC-BY-4.0",
        temporal: Some(((2018, 1, 1), (2018, 12, 31))),
        spatial: &["GT"],
        frequency: Frequency::Decennial,
        contact: "Dirección de Censos y Encuestas",
        source_url: "https://www.ine.gob.gt",
        version: "Censo 2018",
        featured: false,
        created: (2024, 11, 4),
        modified: (2025, 2, 12),
        extras: &[("unidad_territorial", "municipio")],
    };
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![DemoResource::file(
            "csv",
            "CSV",
            "Población por municipio (CSV)",
            &file_description("CSV", "Una fila por municipio."),
            "Población por municipio, Censo 2018.csv",
            table.csv()?,
        )],
        dataset: meta.dataset()?,
    })
}
