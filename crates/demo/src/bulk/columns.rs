//! The columns of a generated table, with statistics as ingestion would have computed
//! them (there are no rows behind them).

use ceiba_core::territory::{DEPARTMENTS, MUNICIPALITIES};
use ceiba_core::{Column, ColumnStats, ColumnType, TopValue};

use super::territory::{municipalities_in, rows_of, Scope};
use super::topics::Topic;
use crate::random::Rng;

/// Text columns any table may have: `(name, label, values)`.
#[rustfmt::skip]
const EXTRA_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("sexo", "Sexo", &["Mujer", "Hombre"]),
    ("area", "Área", &["Urbana", "Rural"]),
    ("grupo_edad", "Grupo de edad", &["0 a 4 años", "5 a 9 años", "10 a 14 años", "15 a 19 años", "20 a 24 años", "25 a 29 años", "30 a 39 años", "40 a 49 años", "50 a 64 años", "65 años y más"]),
    ("pueblo", "Pueblo de pertenencia", &["Maya", "Ladino", "Garífuna", "Xinka", "Afrodescendiente"]),
    ("sector", "Sector", &["Educación", "Salud", "Agua y saneamiento", "Transporte", "Energía", "Desarrollo urbano y rural", "Seguridad alimentaria"]),
    ("mes", "Mes", &["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre"]),
    ("estado", "Estado", &["En ejecución", "Finalizado", "Suspendido", "En formulación"]),
    ("observaciones", "Observaciones", &["Dato preliminar", "Sin información", "Revisado"]),
];

/// Names of villages and neighbourhoods, for the communities of a municipality.
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "El Rosario", "San José", "Santa Rosa", "La Esperanza", "El Carmen", "San Antonio",
    "Las Flores", "Los Encuentros", "El Naranjo", "La Libertad", "San Francisco", "Buena Vista",
];

/// Up to ten frequent values, each counted a little less often than the one before.
fn top(values: &[&str], rng: &mut Rng, rows: u64) -> Vec<TopValue> {
    let mut count = rows.max(values.len() as u64) / values.len().max(1) as u64 + 1;
    values
        .iter()
        .take(10)
        .map(|v| {
            count = (count as f64 * (0.7 + 0.3 * rng.unit())).max(1.0) as u64;
            TopValue {
                value: (*v).to_owned(),
                count,
            }
        })
        .collect()
}

fn text_column(name: &str, label: &str, distinct: u64, top: Vec<TopValue>) -> Column {
    Column {
        name: name.to_owned(),
        label: label.to_owned(),
        column_type: ColumnType::Text,
        type_overridden: false,
        description: String::new(),
        unit: String::new(),
        stats: ColumnStats {
            nulls: 0,
            distinct,
            min: None,
            max: None,
            top,
            sum: None,
            mean: None,
        },
    }
}

/// 5–15 columns: the territory, the year, the topic's measures and a few more.
pub(super) fn table_columns(
    rng: &mut Rng,
    topic: &Topic,
    scope: Scope,
    acronym: &str,
    first_year: i32,
    last_year: i32,
) -> Vec<Column> {
    let rows = rows_of(scope, first_year, last_year) as u64;
    let mut cols = Vec::new();
    let dep_names: Vec<&str> = DEPARTMENTS.iter().map(|d| d.1).collect();
    let dep_codes: Vec<&str> = DEPARTMENTS.iter().map(|d| d.0).collect();
    match scope {
        Scope::Departments => {
            let pick: Vec<usize> = rng.sample(22, 10);
            let codes: Vec<&str> = pick.iter().map(|&k| dep_codes[k]).collect();
            let names: Vec<&str> = pick.iter().map(|&k| dep_names[k]).collect();
            cols.push(text_column(
                "codigo_departamento",
                "Código de departamento",
                22,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                22,
                top(&names, rng, rows),
            ));
        }
        Scope::Municipalities => {
            let pick = rng.sample(MUNICIPALITIES.len(), 10);
            let codes: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].0).collect();
            let names: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].1).collect();
            let deps: Vec<&str> = rng.sample(22, 10).iter().map(|&k| dep_names[k]).collect();
            cols.push(text_column(
                "codigo_municipio",
                "Código de municipio",
                340,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "municipio",
                "Municipio",
                338,
                top(&names, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                22,
                top(&deps, rng, rows),
            ));
        }
        Scope::Department(d) => {
            let munis = municipalities_in(d);
            let pick: Vec<usize> = rng
                .sample(munis.len(), 10)
                .into_iter()
                .map(|k| munis[k])
                .collect();
            let codes: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].0).collect();
            let names: Vec<&str> = pick.iter().map(|&k| MUNICIPALITIES[k].1).collect();
            cols.push(text_column(
                "codigo_municipio",
                "Código de municipio",
                munis.len() as u64,
                top(&codes, rng, rows),
            ));
            cols.push(text_column(
                "municipio",
                "Municipio",
                munis.len() as u64,
                top(&names, rng, rows),
            ));
            cols.push(text_column(
                "departamento",
                "Departamento",
                1,
                top(&[dep_names[d]], rng, rows),
            ));
        }
        Scope::Municipality(m) => {
            cols.push(text_column(
                "municipio",
                "Municipio",
                1,
                top(&[MUNICIPALITIES[m].1], rng, rows),
            ));
            let places: Vec<String> = rng
                .sample(PLACES.len(), 8)
                .into_iter()
                .map(|k| {
                    format!(
                        "{} {}",
                        ["Aldea", "Caserío", "Colonia", "Cantón"][rng.index(4)],
                        PLACES[k]
                    )
                })
                .collect();
            let refs: Vec<&str> = places.iter().map(String::as_str).collect();
            cols.push(text_column(
                "comunidad",
                "Aldea o caserío",
                40,
                top(&refs, rng, rows),
            ));
        }
    }
    if first_year != last_year || rng.chance(0.5) {
        cols.push(Column {
            name: "anio".into(),
            label: "Año".into(),
            column_type: ColumnType::Integer,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats {
                nulls: 0,
                distinct: u64::from((last_year - first_year + 1) as u32),
                min: Some(first_year.to_string()),
                max: Some(last_year.to_string()),
                top: Vec::new(),
                sum: None,
                mean: Some(f64::from(first_year + last_year) / 2.0),
            },
        });
    }
    let target = rng.int(5, 15) as usize;
    let measures = rng.sample(
        topic.measures.len(),
        target.saturating_sub(cols.len()).max(2),
    );
    for k in measures {
        let (name, label, column_type, unit) = topic.measures[k];
        if column_type == ColumnType::Text {
            let values: Vec<String> = (0..rng.int(3, 10))
                .map(|n| match name {
                    "entidad" | "cooperante" | "acreedor" => [
                        acronym,
                        "Banco Mundial",
                        "BID",
                        "USAID",
                        "Unión Europea",
                        "JICA",
                        "KOICA",
                        "AECID",
                        "PNUD",
                        "UNICEF",
                    ][n as usize % 10]
                        .to_owned(),
                    _ => format!("{label} {}", n + 1),
                })
                .collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let mut c = text_column(name, label, values.len() as u64, top(&refs, rng, rows));
            c.unit = unit.to_owned();
            cols.push(c);
        } else {
            let max = 10f64.powi(rng.int(2, 9) as i32);
            let min = max * rng.unit() * 0.01;
            let mean = min + (max - min) * (0.2 + 0.3 * rng.unit());
            cols.push(Column {
                name: name.to_owned(),
                label: label.to_owned(),
                column_type,
                type_overridden: false,
                description: String::new(),
                unit: unit.to_owned(),
                stats: ColumnStats {
                    nulls: rng.int(0, (rows / 20) as i64) as u64,
                    distinct: rows,
                    min: Some(format!("{min:.0}")),
                    max: Some(format!("{max:.0}")),
                    top: Vec::new(),
                    sum: Some(mean * rows as f64),
                    mean: Some(mean),
                },
            });
        }
    }
    let mut extras = rng.sample(EXTRA_COLUMNS.len(), EXTRA_COLUMNS.len());
    while cols.len() < target {
        let Some(k) = extras.pop() else { break };
        let (name, label, values) = EXTRA_COLUMNS[k];
        let values: Vec<&str> = if name == "observaciones" {
            vec![values[rng.index(values.len())], acronym]
        } else {
            values.to_vec()
        };
        cols.push(text_column(
            name,
            label,
            values.len() as u64,
            top(&values, rng, rows),
        ));
    }
    cols
}
