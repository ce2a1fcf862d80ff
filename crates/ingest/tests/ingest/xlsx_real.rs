//! The spreadsheet reader on real Guatemalan workbooks (see shared/data/guatemala/SOURCES.md).
//! Each test is skipped, with a note, when the data folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ceiba_ingest::xlsx::{sheet_names, workbook_tables};
use ceiba_ingest::{Limits, OwnedValue as V, TableSource};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/guatemala"
);

fn data(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(DATA).join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

fn read(table: &dyn TableSource) -> Vec<(u64, Vec<V>)> {
    let mut rows = table.open().unwrap();
    let mut out = Vec::new();
    while rows.advance().unwrap() {
        let cells = (0..rows.len())
            .map(|i| rows.get(i).to_owned_value())
            .collect();
        out.push((rows.position(), cells));
    }
    out
}

fn t(s: &str) -> V {
    V::Text(s.into())
}

fn int(v: &V) -> i64 {
    match v {
        V::Int(i) => *i,
        other => panic!("not an integer: {other:?}"),
    }
}

/// Rows are numbered 1, 2, 3… with no gap.
fn assert_dense(rows: &[(u64, Vec<V>)]) {
    for (i, (pos, _)) in rows.iter().enumerate() {
        assert_eq!(*pos, i as u64 + 1);
    }
}

#[test]
fn census_table_a1() {
    let Some(path) =
        data("censo2018/cuadroA1_poblacion_total_por_sexo_grupos_quinquenales_de_edad_y_area.xlsx")
    else {
        return;
    };
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    assert_eq!(tables.len(), 1);
    let rows = read(tables[0].as_ref());
    assert_eq!(rows.len(), 341);
    assert_dense(&rows);
    let header = &rows[0].1;
    assert_eq!(header.len(), 31);
    assert_eq!(header[0], t("No"));
    assert_eq!(header[4], t("departamento "));
    assert_eq!(header[5], t("Poblacion total"));
    assert_eq!(header[30], t("Rural"));
    assert_eq!(
        rows[1].1[..8],
        [
            V::Int(1),
            V::Int(101),
            t("Guatemala"),
            V::Int(1),
            t("Guatemala"),
            V::Int(923392),
            V::Int(438695),
            V::Int(484697),
        ]
    );
    let data = &rows[1..];
    let total: i64 = data.iter().map(|(_, r)| int(&r[5])).sum();
    let men: i64 = data.iter().map(|(_, r)| int(&r[6])).sum();
    let women: i64 = data.iter().map(|(_, r)| int(&r[7])).sum();
    assert_eq!((total, men, women), (14_901_286, 7_223_096, 7_678_190));
    // "-" stands for zero: the rural population of fully urban municipalities.
    let dashes = data.iter().filter(|(_, r)| r[30] == t("-")).count();
    assert_eq!(dashes, 26);
}

#[test]
fn segeplan_ranking() {
    let Some(path) = data("indicadores/ranking_municipal_segeplan_2013_2016_2018.xlsx") else {
        return;
    };
    assert_eq!(sheet_names(&path).unwrap(), ["final"]);
    let tables = workbook_tables(&path, Some("final"), Limits::default()).unwrap();
    let rows = read(tables[0].as_ref());
    assert_eq!(rows.len(), 341);
    assert_dense(&rows);
    assert_eq!(
        rows[0].1,
        [
            "id_municipal",
            "municipio",
            "id_dep",
            "departamento",
            "segeplan2013",
            "segeplan2016",
            "segeplan2018",
            "Promediosegeplan"
        ]
        .map(t)
    );
    assert_eq!(
        rows[1].1,
        [
            V::Int(101),
            t("Guatemala"),
            V::Int(1),
            t("Guatemala"),
            V::Float(0.5181),
            V::Float(0.579),
            V::Float(0.5936),
            V::Float(0.5635666667),
        ]
    );
    let mut codes: Vec<i64> = rows[1..].iter().map(|(_, r)| int(&r[0])).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 340);
}

#[test]
fn unhcr_workbook_with_three_sheets() {
    let Some(path) = data("indicadores/unhcr_a2sit_indicadores_municipales_gtm.xlsx") else {
        return;
    };
    // Workbook order, as xl/workbook.xml lists them.
    assert_eq!(sheet_names(&path).unwrap(), ["Intro", "Data", "Structure"]);
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    assert_eq!(tables.len(), 3);

    assert_eq!(read(tables[0].as_ref()), vec![], "Intro is empty");

    let rows = read(tables[1].as_ref());
    assert_eq!(tables[1].name(), "Data");
    assert_dense(&rows);
    // Rows 1–4: weight, direction, group, indicator name; row 5: header; 340 municipalities.
    assert_eq!(rows.len(), 345);
    assert_eq!(rows[1].1[1], t("Direction -->"));
    assert_eq!(rows[3].1[1], t("Indicator name -->"));
    assert_eq!(rows[4].1[..3], [t("admin2Pcode"), t("Name"), t("Conflict")]);
    assert_eq!(rows[5].1[..2], [t("GT0101"), t("Guatemala")]);
    assert_eq!(rows[5].1[2], V::Empty, "Conflict is empty");
    assert_eq!(rows[5].1[3], V::Float(9.1));
    assert_eq!(rows[344].0, 345);
    let pcodes = rows[5..]
        .iter()
        .filter(|(_, r)| matches!(&r[0], V::Text(s) if s.starts_with("GT")))
        .count();
    assert_eq!(pcodes, 340);

    let rows = read(tables[2].as_ref());
    assert_eq!(tables[2].name(), "Structure");
    assert_eq!(rows.len(), 35, "34 nodes under a header");
    assert_eq!(
        rows[0].1,
        ["iCode", "Parent", "iName", "Level", "Weight"].map(t)
    );
    assert_eq!(
        rows[1].1,
        [
            t("economy"),
            t("Socio_econ"),
            t("Economía"),
            V::Int(2),
            V::Int(1)
        ]
    );
}

#[test]
fn municipal_revenue_matches_its_csv_twin() {
    let (Some(path), Some(twin)) = (
        data("finanzas_municipales/ejecucion_presupuestaria_ingresos_municipal_2016_2019.xlsx"),
        data("finanzas_municipales/ejecucion_presupuestaria_ingresos_municipal_2016_2019.csv"),
    ) else {
        return;
    };
    let tables = workbook_tables(&path, None, Limits::default()).unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].name(), "INGRESOS 2016 2019");
    let rows = read(tables[0].as_ref());
    assert_eq!(rows.len(), 30_204, "a header and 30,203 rows");
    assert_dense(&rows);
    assert_eq!(
        rows[1].1,
        [
            V::Int(1),
            V::Int(101),
            t("GUATEMALA"),
            V::Int(1),
            t("GUATEMALA"),
            V::Int(2016),
            V::Int(10000),
            t("INGRESOS TRIBUTARIOS"),
            V::Int(10100),
            t("IMPUESTOS DIRECTOS"),
            V::Int(391010000),
            V::Int(0),
            V::Int(391010000),
            V::Float(402956872.02),
        ]
    );
    let years = [2016, 2017, 2018, 2019]
        .map(|y| rows[1..].iter().filter(|(_, r)| r[5] == V::Int(y)).count());
    assert_eq!(years, [7725, 7615, 7486, 7377]);

    // Every cell as the CSV twin writes it (integers without ".0").
    let mut csv = csv::Reader::from_path(&twin).unwrap();
    let mut compared = 0;
    for (record, (pos, cells)) in csv.records().zip(&rows[1..]) {
        let record = record.unwrap();
        for (i, cell) in cells.iter().enumerate() {
            let expected = record.get(i).unwrap();
            match cell {
                V::Float(x) => {
                    let written: f64 = expected.parse().unwrap();
                    assert_eq!(*x, written, "row {pos}, column {}", i + 1);
                }
                other => assert_eq!(other.to_string(), expected, "row {pos}, column {}", i + 1),
            }
            compared += 1;
        }
    }
    assert!(compared > 400_000, "{compared}");
}
