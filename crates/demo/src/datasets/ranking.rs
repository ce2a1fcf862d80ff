//! Ranking de la Gestión Municipal: one row per municipality, three editions.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, municipal_columns, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};
use crate::xlsx;

const NAME: &str = "ranking-gestion-municipal";

const COLUMNS: [&str; 9] = [
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "departamento",
    "indice_2013",
    "indice_2016",
    "indice_2018",
    "categoria_2018",
    "posicion_2018",
];

/// The official bands of the 2018 edition, by upper bound in ten-thousandths.
fn category(units: i64) -> &'static str {
    match units {
        ..=2000 => "Baja",
        2001..=4000 => "Media baja",
        4001..=6000 => "Media",
        6001..=8000 => "Media alta",
        _ => "Alta",
    }
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let mut scored = Vec::with_capacity(profile.municipalities.len());
    for m in &profile.municipalities {
        // Management tracks deprivation (poorer municipalities collect less and plan less),
        // with room for good and bad exceptions.
        let seat = if m.seat { 0.05 } else { 0.0 };
        let i2013 = (0.58 - 0.42 * m.deprivation + seat + 0.06 * rng.gauss()).clamp(0.06, 0.94);
        let i2016 = (i2013 + 0.03 + 0.05 * rng.gauss()).clamp(0.06, 0.95);
        let i2018 = (i2016 + 0.02 + 0.05 * rng.gauss()).clamp(0.06, 0.96);
        scored.push((m, [i2013, i2016, i2018].map(|x| Cell::dec(x, 4))));
    }
    // Position 1 is the best 2018 index; ties keep code order.
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by_key(|&i| match scored[i].1[2] {
        Cell::Dec { units, .. } => -units,
        _ => 0,
    });
    let mut position = vec![0; scored.len()];
    for (rank, &i) in order.iter().enumerate() {
        position[i] = rank as i64 + 1;
    }

    let mut table = Table::new(&COLUMNS);
    for (i, (m, [a, b, c])) in scored.into_iter().enumerate() {
        let band = match c {
            Cell::Dec { units, .. } => category(units),
            _ => "",
        };
        table.push(vec![
            Cell::text(m.code),
            Cell::text(m.name),
            Cell::text(m.department_code),
            Cell::text(m.department),
            a,
            b,
            c,
            Cell::text(band),
            Cell::Int(position[i]),
        ])?;
    }

    let meta = Meta {
        name: NAME,
        organization: "segeplan",
        title: (
            "Ranking de la Gestión Municipal 2013, 2016 y 2018",
            "Municipal Management Ranking 2013, 2016 and 2018",
        ),
        summary: (
            "El Ranking de la Gestión Municipal mide cómo gestionan los 340 municipios de \
             Guatemala su administración, sus finanzas, los servicios públicos y la \
             participación ciudadana. Cada índice va de 0 (gestión más débil) a 1 (más \
             sólida); la categoría de 2018 agrupa los índices en cinco tramos de 0,2.",
            "The Municipal Management Ranking measures how Guatemala's 340 municipalities \
             manage their administration, finances, public services and citizen \
             participation. Each index runs from 0 (weakest) to 1 (strongest); the 2018 \
             category groups the indices into five bands of 0.2.",
        ),
        columns: municipal_columns(&[
            (
                "indice_2013",
                "índice de gestión municipal 2013 (0–1, cuatro decimales).",
                "2013 municipal management index (0–1, four decimals).",
            ),
            (
                "indice_2016",
                "índice de gestión municipal 2016.",
                "2016 municipal management index.",
            ),
            (
                "indice_2018",
                "índice de gestión municipal 2018.",
                "2018 municipal management index.",
            ),
            (
                "categoria_2018",
                "Baja, Media baja, Media, Media alta o Alta.",
                "Low, medium-low, medium, medium-high or high (in Spanish).",
            ),
            (
                "posicion_2018",
                "puesto en el ranking de 2018 (1 = mejor índice).",
                "place in the 2018 ranking (1 = best index).",
            ),
        ]),
        categories: &["desarrollo-territorial"],
        tags: &["municipios", "gestión municipal", "ranking", "índices"],
        licence: "CC-BY-4.0",
        temporal: Some(((2013, 1, 1), (2018, 12, 31))),
        spatial: &["GT"],
        frequency: Frequency::Irreg,
        contact: "Dirección de Planificación Territorial",
        source_url: "https://www.segeplan.gob.gt",
        version: "2018",
        featured: true,
        created: (2024, 1, 22),
        modified: (2024, 3, 5),
        extras: &[
            ("unidad_territorial", "municipio"),
            ("ediciones", "2013, 2016, 2018"),
        ],
    };
    let dataset = meta.dataset()?;
    let book = xlsx::render(&xlsx::Book {
        title: "Ranking de la Gestión Municipal 2018",
        created: dataset.modified,
        sheets: vec![xlsx::Sheet {
            name: "Ranking 2018",
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
                "Ranking de la gestión municipal (CSV)",
                &file_description("CSV", "Una fila por municipio."),
                "Ranking gestión municipal 2013-2018.csv",
                table.csv()?,
            ),
            DemoResource::file(
                "xlsx",
                "XLSX",
                "Ranking de la gestión municipal (Excel)",
                &file_description("XLSX", ""),
                "Ranking gestión municipal 2018.xlsx",
                book,
            ),
        ],
        dataset,
    })
}
