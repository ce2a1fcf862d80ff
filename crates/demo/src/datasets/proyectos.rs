//! Public investment projects (SNIP), with an XLSX laid out as agencies publish it: a
//! title row above the header, a `TOTAL` row below the data and a sheet of notes.

use anyhow::Result;
use ceiba_core::Frequency;

use super::{file_description, DemoDataset, DemoResource, Meta};
use crate::profile::{Municipality, Profile};
use crate::random::{Rng, Weighted};
use crate::table::{Cell, Table};
use crate::xlsx;

const NAME: &str = "proyectos-inversion-publica";

const COLUMNS: [&str; 13] = [
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

struct Sector {
    name: &'static str,
    templates: &'static [&'static str],
    /// The central-government body that runs such projects, when not the municipality.
    ministry: &'static str,
    /// Range of approved amounts in quetzales.
    amount: (f64, f64),
    weight: f64,
}

const SECTORS: [Sector; 9] = [
    Sector {
        name: "Educación",
        templates: &[
            "Construcción escuela primaria",
            "Ampliación escuela primaria",
            "Mejoramiento escuela primaria",
            "Construcción instituto de educación básica",
            "Construcción escuela de párvulos",
        ],
        ministry: "Ministerio de Educación",
        amount: (250_000.0, 3_500_000.0),
        weight: 0.18,
    },
    Sector {
        name: "Salud",
        templates: &[
            "Construcción puesto de salud",
            "Ampliación centro de salud",
            "Mejoramiento puesto de salud",
            "Construcción centro de atención permanente",
        ],
        ministry: "Ministerio de Salud Pública y Asistencia Social",
        amount: (400_000.0, 6_000_000.0),
        weight: 0.08,
    },
    Sector {
        name: "Agua y saneamiento",
        templates: &[
            "Construcción sistema de agua potable",
            "Mejoramiento sistema de agua potable",
            "Ampliación sistema de agua potable",
            "Construcción sistema de alcantarillado sanitario",
            "Construcción planta de tratamiento de aguas residuales",
        ],
        ministry: "Instituto de Fomento Municipal",
        amount: (300_000.0, 7_000_000.0),
        weight: 0.22,
    },
    Sector {
        name: "Transporte",
        templates: &[
            "Mejoramiento calle",
            "Pavimentación calle",
            "Mejoramiento camino rural",
            "Construcción puente vehicular",
            "Construcción puente peatonal",
            "Construcción muro de contención",
        ],
        ministry: "Ministerio de Comunicaciones, Infraestructura y Vivienda",
        amount: (200_000.0, 9_000_000.0),
        weight: 0.26,
    },
    Sector {
        name: "Desarrollo urbano y rural",
        templates: &[
            "Construcción salón comunal",
            "Mejoramiento parque central",
            "Construcción mercado municipal",
            "Mejoramiento edificio municipal",
        ],
        ministry: "Ministerio de Comunicaciones, Infraestructura y Vivienda",
        amount: (150_000.0, 4_000_000.0),
        weight: 0.10,
    },
    Sector {
        name: "Energía",
        templates: &[
            "Ampliación red de energía eléctrica",
            "Mejoramiento alumbrado público",
        ],
        ministry: "Instituto Nacional de Electrificación",
        amount: (150_000.0, 2_500_000.0),
        weight: 0.05,
    },
    Sector {
        name: "Medio ambiente",
        templates: &[
            "Manejo integral de desechos sólidos",
            "Construcción relleno sanitario",
            "Reforestación microcuenca",
        ],
        ministry: "Ministerio de Ambiente y Recursos Naturales",
        amount: (100_000.0, 3_000_000.0),
        weight: 0.04,
    },
    Sector {
        name: "Agropecuario",
        templates: &[
            "Construcción sistema de miniriego",
            "Mejoramiento sistema de riego",
        ],
        ministry: "Ministerio de Agricultura, Ganadería y Alimentación",
        amount: (150_000.0, 2_000_000.0),
        weight: 0.04,
    },
    Sector {
        name: "Cultura y deportes",
        templates: &[
            "Construcción campo de fútbol",
            "Mejoramiento polideportivo",
            "Construcción cancha polideportiva",
        ],
        ministry: "Ministerio de Cultura y Deportes",
        amount: (100_000.0, 2_500_000.0),
        weight: 0.03,
    },
];

const PLACE_KINDS: [&str; 5] = ["aldea", "caserío", "cantón", "barrio", "colonia"];

const PLACE_NAMES: [&str; 30] = [
    "El Naranjo",
    "Los Encuentros",
    "San Antonio",
    "La Libertad",
    "El Rosario",
    "Santa Cruz",
    "Las Flores",
    "El Carmen",
    "Buena Vista",
    "La Esperanza",
    "San Francisco",
    "El Progreso",
    "Las Lomas",
    "Nueva Concepción",
    "El Tablón",
    "La Cumbre",
    "Los Pinos",
    "El Mirador",
    "San Isidro",
    "Pachalí",
    "Xecaracoj",
    "Chuicutama",
    "Chiquix",
    "Pasac",
    "Xolbé",
    "Panimaché",
    "Chimusinique",
    "Tzanjuyú",
    "Chichimuch",
    "Sacsuy",
];

/// Projects per fiscal year (fewer in 2020, when the pandemic froze investment).
const PER_YEAR: [(i64, usize); 7] = [
    (2019, 400),
    (2020, 350),
    (2021, 420),
    (2022, 450),
    (2023, 460),
    (2024, 470),
    (2025, 450),
];

fn place(rng: &mut Rng, m: &Municipality) -> String {
    if rng.chance(0.12) {
        return "cabecera municipal".to_owned();
    }
    if m.urban_share > 0.6 && rng.chance(0.4) {
        return format!("zona {}", rng.int(1, 8));
    }
    format!("{} {}", rng.pick(&PLACE_KINDS), rng.pick(&PLACE_NAMES))
}

/// `(estado, physical progress %, share of the approved amount paid)` for a project of
/// `year`, older projects being mostly finished.
fn progress(rng: &mut Rng, year: i64) -> (&'static str, f64, f64) {
    let (finished, suspended, not_started) = match year {
        ..=2022 => (0.80, 0.06, 0.0),
        2023 => (0.60, 0.08, 0.0),
        2024 => (0.35, 0.05, 0.05),
        _ => (0.08, 0.02, 0.30),
    };
    let u = rng.unit();
    if u < finished {
        ("Finalizado", 100.0, rng.uniform(0.92, 1.0))
    } else if u < finished + suspended {
        let p = rng.uniform(5.0, 60.0);
        ("Suspendido", p, p / 100.0 * rng.uniform(0.6, 1.0))
    } else if u < finished + suspended + not_started {
        ("Sin iniciar", 0.0, 0.0)
    } else {
        let p = rng.uniform(5.0, 95.0);
        (
            "En ejecución",
            p,
            (p / 100.0 * rng.uniform(0.7, 1.1)).min(1.0),
        )
    }
}

pub fn build(profile: &Profile) -> Result<DemoDataset> {
    let mut rng = Rng::seeded(NAME);
    let munis = &profile.municipalities;
    // Bigger places get more projects, poorer ones more per inhabitant.
    let where_ = Weighted::new(
        munis
            .iter()
            .map(|m| (m.population as f64).sqrt() * (0.6 + m.deprivation)),
    );
    let which_sector = Weighted::new(SECTORS.iter().map(|s| s.weight));
    let mut table = Table::new(&COLUMNS);
    let mut snip = 200_000_i64;
    for (year, count) in PER_YEAR {
        for _ in 0..count {
            // SNIP numbers grow with registration date, with gaps for withdrawn ones.
            snip += rng.int(1, 120);
            let m = &munis[where_.pick(&mut rng)];
            let sector = &SECTORS[which_sector.pick(&mut rng)];
            let name = format!(
                "{} {}, {}, {}",
                rng.pick(sector.templates),
                place(&mut rng, m),
                m.name,
                m.department
            );
            let entity = match rng.unit() {
                u if u < 0.55 => format!("Municipalidad de {}", m.name),
                u if u < 0.80 => sector.ministry.to_owned(),
                _ => format!("Consejo Departamental de Desarrollo de {}", m.department),
            };
            let u = rng.unit();
            // Cubing skews amounts towards the low end, as real portfolios are.
            let approved = sector.amount.0 + (sector.amount.1 - sector.amount.0) * u * u * u;
            let approved_cents = (approved * 100.0).round() as i64;
            let (state, physical, paid) = progress(&mut rng, year);
            let paid_cents = (approved_cents as f64 * paid).round() as i64;
            table.push(vec![
                Cell::text(format!("{snip:06}")),
                Cell::text(name),
                Cell::text(sector.name),
                Cell::text(entity),
                Cell::text(m.department_code),
                Cell::text(m.department),
                Cell::text(m.code),
                Cell::text(m.name),
                Cell::Int(year),
                Cell::money(approved_cents),
                Cell::money(paid_cents),
                Cell::dec(physical, 1),
                Cell::text(state),
            ])?;
        }
    }

    let meta = Meta {
        name: NAME,
        organization: "segeplan",
        title: (
            "Proyectos de inversión pública 2019–2025",
            "Public investment projects 2019–2025",
        ),
        summary: (
            "Proyectos registrados en el Sistema Nacional de Inversión Pública (SNIP) con \
             asignación entre 2019 y 2025: qué se construye, dónde, quién lo ejecuta, cuánto \
             se aprobó y cuánto se ha pagado. El libro de Excel conserva la presentación \
             habitual: una fila de título sobre el encabezado, una fila TOTAL al final y una \
             hoja de notas.",
            "Projects registered in the National Public Investment System (SNIP) with funding \
             between 2019 and 2025: what is built, where, who carries it out, how much was \
             approved and how much has been paid. The Excel workbook keeps the usual layout: \
             a title row above the header, a TOTAL row at the bottom and a notes sheet.",
        ),
        columns: vec![
            (
                "snip",
                "código SNIP del proyecto, seis dígitos (texto).",
                "SNIP project code, six digits (text).",
            ),
            ("nombre", "nombre del proyecto.", "project name."),
            (
                "sector",
                "sector de inversión (Educación, Salud, Transporte…).",
                "investment sector (Education, Health, Transport…, in Spanish).",
            ),
            (
                "entidad",
                "institución que ejecuta el proyecto.",
                "body that carries out the project.",
            ),
            (
                "codigo_departamento",
                "código INE del departamento.",
                "INE department code.",
            ),
            ("departamento", "departamento.", "department."),
            (
                "codigo_municipio",
                "código INE del municipio, con cero inicial.",
                "INE municipality code, with its leading zero.",
            ),
            ("municipio", "municipio.", "municipality."),
            (
                "ejercicio",
                "año fiscal de la asignación.",
                "fiscal year of the funding.",
            ),
            (
                "monto_aprobado",
                "monto aprobado, en quetzales.",
                "approved amount, in quetzales.",
            ),
            (
                "monto_ejecutado",
                "monto pagado, en quetzales.",
                "amount paid, in quetzales.",
            ),
            (
                "avance_fisico_pct",
                "avance físico de la obra, en porcentaje.",
                "physical progress of the works, in percent.",
            ),
            (
                "estado",
                "Finalizado, En ejecución, Suspendido o Sin iniciar.",
                "finished, under way, suspended or not started (in Spanish).",
            ),
        ],
        categories: &["inversion-publica", "desarrollo-territorial"],
        tags: &[
            "inversión pública",
            "proyectos",
            "snip",
            "infraestructura",
            "municipios",
        ],
        licence: "CC-BY-4.0",
        temporal: Some(((2019, 1, 1), (2025, 12, 31))),
        spatial: &["GT"],
        frequency: Frequency::Monthly,
        contact: "Dirección de Inversión Pública",
        source_url: "https://www.segeplan.gob.gt",
        version: "2026-09",
        featured: true,
        created: (2024, 7, 2),
        modified: (2026, 10, 5),
        extras: &[("moneda", "GTQ"), ("sistema", "SNIP")],
    };
    let dataset = meta.dataset()?;
    let amounts = [
        table.column("monto_aprobado")?,
        table.column("monto_ejecutado")?,
    ];
    let notes: &[&str] = &[
        "Notas",
        "Fuente: Sistema Nacional de Inversión Pública (SNIP), Segeplan.",
        "Montos en quetzales corrientes; el avance físico es el porcentaje de obra ejecutada.",
        "La fila TOTAL suma los montos de todos los proyectos de la hoja.",
        "Fecha de corte: 30 de septiembre de 2026.",
        "Datos sintéticos de demostración generados por Ceiba: no son cifras oficiales.",
    ];
    let book = xlsx::render(&xlsx::Book {
        title: "Sistema Nacional de Inversión Pública — proyectos",
        created: dataset.modified,
        sheets: vec![xlsx::Sheet {
            name: "Proyectos",
            table: &table,
            title: Some("Sistema Nacional de Inversión Pública — proyectos"),
            total_of: &amounts,
        }],
        notes: Some(("Notas", notes)),
    })?;
    Ok(DemoDataset {
        rows: table.rows.len(),
        resources: vec![
            DemoResource::file(
                "csv",
                "CSV",
                "Proyectos de inversión pública (CSV)",
                &file_description("CSV", "Una fila por proyecto y ejercicio."),
                "Proyectos de inversión pública 2019-2025.csv",
                table.csv()?,
            ),
            DemoResource::file(
                "xlsx",
                "XLSX",
                "Proyectos SNIP (Excel)",
                &file_description(
                    "XLSX",
                    "Con fila de título, fila TOTAL y hoja de notas, como lo publican las \
                     instituciones.",
                ),
                "SNIP proyectos 2019-2025.xlsx",
                book,
            ),
        ],
        dataset,
    })
}
