//! The JSON reader on real Guatemalan files (see shared/data/guatemala/SOURCES.md). Each
//! test is skipped, with a note, when the data folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use ceiba_ingest::json::{JsonKind, JsonSource};
use ceiba_ingest::{IssueKind, Limits, OwnedValue as V, TableSource};

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

fn open(path: PathBuf) -> JsonSource {
    JsonSource::new(path, "tabla".into(), Limits::default()).unwrap()
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

fn column(src: &JsonSource, name: &str) -> usize {
    src.columns().iter().position(|c| c == name).unwrap()
}

#[test]
fn department_boundaries_geojson() {
    let Some(path) = data("boundaries/departamentos_ideg_segeplan.geojson") else {
        return;
    };
    let src = open(path);
    assert_eq!(src.kind(), JsonKind::GeoJson);
    assert_eq!(
        src.columns(),
        [
            "id",
            "objectid",
            "departamen",
            "cod_dep",
            "shape_leng",
            "shape_area",
            "geometry"
        ]
    );
    let rows = read(&src);
    assert_eq!(rows.len(), 23, "a header and 22 departments");
    assert_eq!(rows[1].0, 2);
    assert_eq!(
        rows[1].1[..6],
        [
            t("03_Limites_departamentales.1"),
            V::Int(1),
            t("Alta Verapaz"),
            V::Int(16),
            V::Float(703968.892248),
            // Written "10636673091.0": a float in JSON.
            V::Float(10636673091.0),
        ]
    );
    let codes: BTreeSet<i64> = rows[1..].iter().map(|(_, r)| int(&r[3])).collect();
    assert_eq!(codes, (1..=22).collect());
    for (pos, r) in &rows[1..] {
        let V::Text(geometry) = &r[6] else {
            panic!("row {pos}: no geometry");
        };
        assert!(
            geometry.starts_with(r#"{"type":"MultiPolygon","coordinates":[[[["#),
            "row {pos}: {}",
            &geometry[..60]
        );
        let parsed: serde_json::Value = serde_json::from_str(geometry).unwrap();
        assert!(parsed["coordinates"][0][0].as_array().unwrap().len() > 3);
    }
}

#[test]
fn municipal_ranking_geojson_with_three_dimensional_points() {
    let Some(path) = data("boundaries/municipios_ranking_redciudadana.geojson") else {
        return;
    };
    let src = open(path);
    assert_eq!(src.kind(), JsonKind::GeoJson);
    assert_eq!(src.records(), 340);
    let rows = read(&src);
    let first = &rows[1].1;
    assert_eq!(first[column(&src, "mun")], t("Ixcán"));
    assert_eq!(first[column(&src, "cod_mun")], V::Int(1420));
    assert_eq!(first[column(&src, "segeplan2018")], t("29.33%"));
    assert_eq!(first[column(&src, "segeplan2018U")], V::Float(29.33));
    let geometry = column(&src, "geometry");
    assert_eq!(geometry, src.columns().len() - 1);
    let polygons = rows[1..]
        .iter()
        .filter(
            |(_, r)| matches!(&r[geometry], V::Text(g) if g.starts_with(r#"{"type":"Polygon""#)),
        )
        .count();
    assert_eq!(polygons, 339);
}

#[test]
fn census_table_a1_json() {
    let Some(path) = data(
        "censo2018/cuadroA1_poblacion_total_por_sexo_grupos_quinquenales_de__edad_y_area.json",
    ) else {
        return;
    };
    let src = open(path);
    assert_eq!(src.kind(), JsonKind::Array);
    assert_eq!(src.records(), 340);
    assert_eq!(src.columns().len(), 31);
    assert_eq!(
        src.columns()[..5],
        [
            "No",
            "id_municipal",
            "municipio",
            "cod departamento",
            "departamento "
        ]
    );
    assert_eq!(src.columns()[22], "70  - 74");
    let rows = read(&src);
    assert_eq!(rows.len(), 341);
    for (i, (pos, _)) in rows.iter().enumerate() {
        assert_eq!(*pos, i as u64 + 1);
    }
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
    let total = column(&src, "Poblacion total");
    let sum: i64 = rows[1..].iter().map(|(_, r)| int(&r[total])).sum();
    assert_eq!(sum, 14_901_286);
    let rural = column(&src, "Rural");
    assert_eq!(
        rows[1..].iter().filter(|(_, r)| r[rural] == t("-")).count(),
        26
    );
}

#[test]
fn malnutrition_cases() {
    let Some(path) = data("indicadores/desnutricion_casos_mspas_2012_2019.json") else {
        return;
    };
    let src = open(path);
    assert_eq!(src.records(), 4220);
    assert_eq!(src.columns().len(), 16);
    assert_eq!(src.columns()[8], "F < 1 mes ");
    let rows = read(&src);
    assert_eq!(rows.len(), 4221);
    assert_eq!(rows[4220].0, 4221);
    let kind = column(&src, "Tipo");
    let acute = rows[1..]
        .iter()
        .filter(|(_, r)| r[kind] == t("Aguda"))
        .count();
    let chronic = rows[1..]
        .iter()
        .filter(|(_, r)| r[kind] == t("Crónica"))
        .count();
    assert_eq!((acute, chronic), (2633, 1587));
    let code = column(&src, "Cod_municipal");
    let codes: BTreeSet<i64> = rows[1..].iter().map(|(_, r)| int(&r[code])).collect();
    assert_eq!(codes.len(), 332);
    let cases = column(&src, "Cantidad");
    let sum: i64 = rows[1..].iter().map(|(_, r)| int(&r[cases])).sum();
    assert_eq!(sum, 733_179);
}

#[test]
fn workbook_exports_and_topojson_are_explained() {
    let Some(path) =
        data("censo2018/cuadroA2_poblacion_segun_parentesco_con_el_jefe_del_hogar.json")
    else {
        return;
    };
    let issue = JsonSource::new(path, "a2".into(), Limits::default())
        .unwrap_err()
        .to_issue();
    let IssueKind::Unreadable { detail, .. } = &issue.kind else {
        panic!("{issue:?}");
    };
    assert!(detail.contains("A2_2, Hoja1"), "{detail}");

    let Some(path) = data("boundaries/departamentos_minfin.topojson") else {
        return;
    };
    let issue = JsonSource::new(path, "deptos".into(), Limits::default())
        .unwrap_err()
        .to_issue();
    assert!(
        matches!(&issue.kind, IssueKind::Unreadable { detail, .. } if detail.contains("TopoJSON"))
    );
}
