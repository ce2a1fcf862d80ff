//! Necesidades básicas insatisfechas by municipality, published as a "messy" Excel CSV:
//! `;`-separated, decimal comma, Windows-1252, CRLF, human headings, and codes that lost
//! their leading zero when the file went through Excel. Kept messy on purpose: it is the
//! test case for ingesting real publishers' files.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};

const NAME: &str = "nbi-municipal";

const COLUMNS: [&str; 12] = [
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "departamento",
    "hogares",
    "nbi_calidad_vivienda_pct",
    "nbi_hacinamiento_pct",
    "nbi_agua_pct",
    "nbi_saneamiento_pct",
    "nbi_asistencia_escolar_pct",
    "nbi_precariedad_ocupacional_pct",
    "hogares_con_nbi_pct",
];

/// The headings as the publisher typed them in Excel.
const HEADINGS: [&str; 12] = [
    "Código municipio",
    "Municipio",
    "Código departamento",
    "Departamento",
    "Hogares",
    "% NBI calidad de vivienda",
    "% NBI hacinamiento",
    "% NBI acceso a agua",
    "% NBI saneamiento",
    "% NBI asistencia escolar",
    "% NBI precariedad ocupacional",
    "% hogares con al menos una NBI",
];

/// How strongly each need follows the municipality's overall deprivation.
const NEED_WEIGHTS: [f64; 6] = [0.55, 0.75, 0.45, 0.6, 0.25, 0.2];

/// A code as Excel leaves it after treating it as a number: `0101` → `101`.
fn excel_number(code: &str) -> String {
    let trimmed = code.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }.to_owned()
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let mut table = Table::new(&COLUMNS);
    for m in &profile.municipalities {
        let household_size = (3.6 + 1.8 * m.deprivation + 0.2 * rng.gauss()).clamp(3.2, 6.5);
        let households = (m.population as f64 / household_size).round() as i64;
        let mut row = vec![
            Cell::text(excel_number(m.code)),
            Cell::text(m.name),
            Cell::text(excel_number(m.department_code)),
            Cell::text(m.department),
            Cell::Int(households),
        ];
        let mut none = 1.0;
        let mut worst: f64 = 0.0;
        for w in NEED_WEIGHTS {
            let p = (w * m.deprivation + 0.05 * rng.gauss()).clamp(0.002, 0.95);
            // Needs overlap in the same households, so the union is less than independence
            // would give.
            none *= 1.0 - 0.8 * p;
            worst = worst.max(p);
            row.push(Cell::dec(100.0 * p, 2));
        }
        let any = (1.0 - none).max(worst).min(0.99);
        row.push(Cell::dec(100.0 * any, 2));
        table.push(row)?;
    }

    let meta = Meta {
        name: NAME,
        organization: "ine",
        title: (
            "Necesidades básicas insatisfechas por municipio (Censo 2018)",
            "Unmet basic needs by municipality (2018 census)",
        ),
        summary: (
            "Porcentaje de hogares de cada municipio con cada necesidad básica insatisfecha \
             (NBI) y con al menos una de ellas. El archivo se publica tal como sale de Excel \
             en Windows: separado por punto y coma, con coma decimal, codificado en \
             Windows-1252 y con los códigos sin el cero inicial (`101` en lugar de `0101`).",
            "Share of households in each municipality with each unmet basic need (NBI) and \
             with at least one of them. The file is published as Excel on Windows saves it: \
             semicolon-separated, with decimal commas, encoded in Windows-1252, and with the \
             codes missing their leading zero (`101` instead of `0101`).",
        ),
        columns: vec![
            (
                "Código municipio",
                "código INE del municipio, sin cero inicial.",
                "INE municipality code, without its leading zero.",
            ),
            ("Municipio", "nombre del municipio.", "municipality name."),
            (
                "Código departamento",
                "código INE del departamento, sin cero inicial.",
                "INE department code, without its leading zero.",
            ),
            (
                "Departamento",
                "nombre del departamento.",
                "department name.",
            ),
            ("Hogares", "número de hogares.", "number of households."),
            (
                "% NBI …",
                "porcentaje de hogares con la necesidad insatisfecha: calidad de vivienda, \
                 hacinamiento, acceso a agua, saneamiento, asistencia escolar y precariedad \
                 ocupacional.",
                "share of households with the unmet need: housing quality, overcrowding, \
                 access to water, sanitation, school attendance and precarious employment.",
            ),
            (
                "% hogares con al menos una NBI",
                "porcentaje de hogares con una o más necesidades insatisfechas.",
                "share of households with one or more unmet needs.",
            ),
        ],
        categories: &["pobreza"],
        tags: &[
            "pobreza",
            "necesidades básicas",
            "hogares",
            "censo",
            "municipios",
        ],
        licence: "CC-BY-4.0",
        temporal: Some(((2018, 1, 1), (2018, 12, 31))),
        spatial: &["GT"],
        frequency: Frequency::Decennial,
        contact: "Dirección de Censos y Encuestas",
        source_url: "https://www.ine.gob.gt",
        version: "Censo 2018",
        featured: false,
        created: (2024, 4, 10),
        modified: (2024, 6, 18),
        extras: &[
            ("codificacion", "windows-1252"),
            ("separador", ";"),
            ("unidad_territorial", "municipio"),
        ],
    };
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![DemoResource::file(
            "csv",
            "CSV",
            "NBI por municipio (CSV de Excel)",
            &file_description(
                "CSV-1252",
                "CSV guardado desde Excel: separado por punto y coma, coma decimal, \
                 codificación Windows-1252.",
            ),
            "NBI por municipio (Censo 2018).csv",
            table.excel_csv(&HEADINGS)?,
        )],
        dataset: meta.dataset()?,
    })
}
