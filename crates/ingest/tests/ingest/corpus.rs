//! Real files from agencies of six countries (`tests/fixtures/corpus/`, provenance in its
//! `PROVENANCE.md`), each with what a careful person reading it found (`expected.json`):
//! the header row, the column labels, how many data rows, which columns are numbers and
//! which must stay text. Every table is scored; the tables read right today must stay
//! right, and the score is printed (`cargo test -p ceiba-ingest corpus -- --nocapture`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use ceiba_core::ColumnType;
use ceiba_ingest::{ingest_file, IngestOptions, Limits, TableReport};
use serde_json::Value;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Labels compare without their spacing (line breaks inside merged cells).
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// What went wrong reading one expected table (empty when it was read right).
fn check(expected: &Value, got: Option<&TableReport>) -> Vec<String> {
    let Some(got) = got else {
        return vec!["no such table".into()];
    };
    let mut wrong = Vec::new();
    if let Some(row) = expected["header_row"].as_u64() {
        // A header merged down over two rows may be named by either.
        let first = expected["first_header_row"].as_u64().unwrap_or(row);
        if !got.header_row.is_some_and(|r| (first..=row).contains(&r)) {
            wrong.push(format!("header row {:?}, not {row}", got.header_row));
        }
    }
    let want: Vec<String> = strings(&expected["columns"])
        .iter()
        .map(|s| norm(s))
        .filter(|s| !s.is_empty())
        .collect();
    let have: Vec<String> = got
        .columns
        .iter()
        .map(|c| norm(&c.label))
        .filter(|s| !s.is_empty())
        .collect();
    if want != have {
        let first = want
            .iter()
            .zip(&have)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{b:?} for {a:?}"))
            .unwrap_or_else(|| format!("{} columns, not {}", have.len(), want.len()));
        wrong.push(format!("columns: {first}"));
    }
    let rows = expected["rows"].as_u64().unwrap_or_default();
    if got.rows != rows {
        wrong.push(format!("{} rows, not {rows}", got.rows));
    }
    let type_of = |label: &str| {
        got.columns
            .iter()
            .find(|c| norm(&c.label) == norm(label))
            .map(|c| c.column_type)
    };
    for name in strings(&expected["numeric_columns"]) {
        let t = type_of(&name);
        if !matches!(t, Some(ColumnType::Integer | ColumnType::Decimal)) {
            wrong.push(format!("{name:?} is {t:?}, not a number"));
        }
    }
    for name in strings(&expected["text_columns"]) {
        let t = type_of(&name);
        if t.is_some_and(|t| t != ColumnType::Text) {
            wrong.push(format!("{name:?} is {t:?}, not text"));
        }
    }
    wrong
}

/// Tables (file, sheet or "", nth of that sheet) read exactly right when this test was
/// written; a change that breaks one of them fails here.
const READ_RIGHT: &[(&str, &str, usize)] = &[
    ("pe_onpe_revocatoria_2001.csv", "", 0),
    ("pe_susalud_precios_pcr.xlsx", "ReportePrecios", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo SECTOR", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo SEXO", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo TIPO_PACIENTE", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo SI_NO", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo RESULTADO", 0),
    ("mx_ssa_covid_catalogos.xlsx", "Catálogo de ENTIDADES", 0),
    ("mx_ssa_covid_descriptores.xlsx", "Hoja1", 0),
    ("es_ine_epa_activos_ocupacion.csv", "", 0),
    ("es_sanidad_vacunacion_20210601.ods", "Comunicación", 0),
    (
        "es_sanidad_vacunacion_20210601.ods",
        "Institucionalizados",
        0,
    ),
    (
        "es_sanidad_vacunacion_20210601.ods",
        "Mayores_de_60_años",
        0,
    ),
    (
        "es_sanidad_vacunacion_20210601.ods",
        "Etarios_con_al_menos_1_dosis",
        0,
    ),
    (
        "es_sanidad_vacunacion_20210601.ods",
        "Etarios_con_pauta_completa",
        0,
    ),
    ("cl_bcch_desempleo.xlsx", "Cuadro", 0),
    ("cl_bcch_cobre_2023.xls", "Export", 0),
    ("cl_ine_produccion_industrial.csv", "", 0),
    ("cl_ine_ipc_diccionario.csv", "", 0),
    (
        "cl_mideso_casen_libro_codigos.xlsx",
        "Base provincia comuna",
        0,
    ),
    ("cl_sinim_parques.xls", "Hoja1", 0),
    ("ar_indec_proyeccion_catamarca.xls", "Catamarca", 0),
    ("ar_indec_proyeccion_catamarca.xls", "Catamarca", 1),
    ("ar_indec_proyeccion_catamarca.xls", "Catamarca", 2),
    ("ar_georef_departamentos_catamarca.json", "", 0),
    ("es_minetur_carburantes_castellon.json", "", 0),
    ("gt_segeplan_pobreza_sae.xlsx", "direct", 0),
];

#[test]
fn real_agency_files_are_read_as_a_person_reads_them() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("expected.json")).unwrap())
            .unwrap();
    let files = manifest["files"].as_array().unwrap();
    let (mut right, mut total) = (0, 0);
    let mut right_now = BTreeSet::new();
    for file in files {
        let name = file["file"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = ingest_file(
            &corpus().join(name),
            name,
            &IngestOptions::default(),
            Limits::default(),
            dir.path(),
            &|_, _, _| {},
        );
        let mut used = BTreeSet::new();
        let tables = file["tables"].as_array().unwrap();
        for (i, expected) in tables.iter().enumerate() {
            let sheet = expected["sheet"].as_str().unwrap_or_default();
            let nth = tables[..i]
                .iter()
                .filter(|t| t["sheet"].as_str().unwrap_or_default() == sheet)
                .count();
            // A sheet's table, or the tables a sheet was split into, in order.
            let got = out.report.tables.iter().enumerate().find(|(j, t)| {
                !used.contains(j)
                    && (sheet.is_empty() || t.name == sheet || t.name.starts_with(sheet))
            });
            if let Some((j, _)) = got {
                used.insert(j);
            }
            let wrong = check(expected, got.map(|(_, t)| t));
            total += 1;
            if wrong.is_empty() {
                right += 1;
                right_now.insert((name.to_owned(), sheet.to_owned(), nth));
                println!("right  {name} [{sheet}] #{nth}");
                if let Some((_, t)) = got {
                    println!("       as {:?}, {} rows", t.name, t.rows);
                }
            } else {
                println!("WRONG  {name} [{sheet}] #{nth}: {}", wrong.join("; "));
            }
        }
        for not_table in strings(&file["not_tables"]) {
            assert!(
                !out.report.tables.iter().any(|t| t.name == not_table),
                "{name}: the sheet {not_table:?} is not a table"
            );
        }
    }
    println!("corpus: {right} of {total} tables read right");
    for (file, sheet, nth) in READ_RIGHT {
        assert!(
            right_now.contains(&(file.to_string(), sheet.to_string(), *nth)),
            "{file} [{sheet}] #{nth} was read right and is not any more"
        );
    }
}
