//! A directory of municipalities with fictitious addresses and telephone numbers, plus
//! a link resource to show resources that are addresses rather than files.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, municipal_columns, Body, DemoDataset, DemoResource, Meta};
use crate::profile::Profile;
use crate::random::Rng;
use crate::table::{Cell, Table};

const NAME: &str = "directorio-municipalidades";

const COLUMNS: [&str; 6] = [
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "departamento",
    "direccion_ficticia",
    "telefono_ficticio",
];

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let mut table = Table::new(&COLUMNS);
    for m in &profile.municipalities {
        let address = if rng.chance(0.35) {
            format!("Frente al parque central, {}, {}", m.name, m.department)
        } else {
            format!(
                "{}a. {} {}-{:02}, zona 1, {}, {}",
                rng.int(1, 8),
                rng.pick(&["calle", "avenida"]),
                rng.int(1, 12),
                rng.int(1, 60),
                m.name,
                m.department
            )
        };
        // Guatemalan numbers never start with 0, so these cannot ring anyone.
        let phone = format!("+502 0{:03} {:04}", rng.int(0, 999), rng.int(0, 9999));
        table.push(vec![
            Cell::text(m.code),
            Cell::text(m.name),
            Cell::text(m.department_code),
            Cell::text(m.department),
            Cell::text(address),
            Cell::text(phone),
        ])?;
    }

    let meta = Meta {
        name: NAME,
        organization: "segeplan",
        title: (
            "Directorio de municipalidades",
            "Directory of municipalities",
        ),
        summary: (
            "Dirección y teléfono de la sede de cada una de las 340 municipalidades. Las \
             direcciones y los teléfonos son ficticios: los números empiezan por 0, que no \
             existe en Guatemala, para que nadie reciba llamadas por error.",
            "Address and telephone of the seat of each of the 340 municipalities. Addresses \
             and numbers are fictitious: the numbers start with 0, which does not exist in \
             Guatemala, so that no one gets called by mistake.",
        ),
        columns: municipal_columns(&[
            (
                "direccion_ficticia",
                "dirección de la municipalidad (ficticia).",
                "address of the municipality (fictitious).",
            ),
            (
                "telefono_ficticio",
                "teléfono de la municipalidad (ficticio).",
                "telephone of the municipality (fictitious).",
            ),
        ]),
        categories: &["desarrollo-territorial"],
        tags: &["municipios", "municipalidades", "directorio", "contacto"],
        licence: "cc-zero",
        temporal: None,
        spatial: &["GT"],
        frequency: Frequency::Irreg,
        contact: "Dirección de Planificación Territorial",
        source_url: "https://www.segeplan.gob.gt",
        version: "2026-04",
        featured: false,
        created: (2025, 10, 13),
        modified: (2026, 4, 27),
        extras: &[("unidad_territorial", "municipio")],
    };
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![
            DemoResource::file(
                "csv",
                "CSV",
                "Directorio de municipalidades (CSV)",
                &file_description("CSV", "Una fila por municipalidad."),
                "Directorio de municipalidades.csv",
                table.csv()?,
            ),
            DemoResource {
                slug: "sitio-web",
                name: "Sitio web de Segeplan".to_owned(),
                description: "Enlace externo, no un archivo: el sitio de la institución que \
                              publica el directorio."
                    .to_owned(),
                format: "HTML",
                body: Body::Link("https://www.segeplan.gob.gt".to_owned()),
            },
        ],
        dataset: meta.dataset()?,
    })
}
