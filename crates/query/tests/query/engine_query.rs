//! The query engine on real ingested tables: a CSV through `ceiba_ingest::ingest_file`,
//! its Parquet in a local `FileStore`, and every answer compared with what the test
//! computes by hand from the same rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use ceiba_core::{ColumnType, Lang};
use ceiba_ingest::{ingest_file, IngestOptions, Limits};
use ceiba_query::{
    ckan_request, to_query, AggregateRequest, ColumnInfo, Engine, Filter, FilterOp, Measure,
    MeasureFn, Problem, QueryError, QueryLimits, RowsRequest, Sort, TableSpec,
};
use ceiba_store::FileStore;
use chrono::{NaiveDate, NaiveDateTime};
use futures::StreamExt;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// The table

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    codigo: String,
    depto: &'static str,
    muni: String,
    monto: Option<f64>,
    avance: Option<f64>,
    ejercicio: Option<i64>,
    activo: Option<bool>,
    fecha: Option<NaiveDate>,
    registrado: Option<NaiveDateTime>,
    nota: Option<&'static str>,
}

const DEPTOS: [(&str, &str); 5] = [
    ("01", "Guatemala"),
    ("17", "Petén"),
    ("13", "Huehuetenango"),
    ("14", "Quiché"),
    ("16", "Alta Verapaz"),
];
const NOTAS: [&str; 6] = [
    "Obra de agua",
    "Escuela rural",
    "Carretera asfaltada",
    "Puente peatonal",
    "ÁREA DE SALUD",
    "Salón comunal",
];
const N: usize = 40;

fn data() -> Vec<Row> {
    (0..N)
        .map(|i| {
            let (code, depto) = DEPTOS[i % 5];
            let muni = if i % 4 == 0 {
                depto.to_owned()
            } else {
                format!("Municipio {}", i % 4)
            };
            let fecha = NaiveDate::from_ymd_opt(
                2020 + (i % 4) as i32,
                1 + (i % 12) as u32,
                1 + ((i * 3) % 28) as u32,
            )
            .unwrap();
            let registrado = if i % 5 == 0 {
                fecha.and_hms_opt(0, 0, 0).unwrap()
            } else {
                fecha
                    .and_hms_opt((i % 24) as u32, ((i * 7) % 60) as u32, (i % 60) as u32)
                    .unwrap()
            };
            Row {
                id: i as i64 + 1,
                codigo: format!("{code}{:02}", 1 + i % 4),
                depto,
                muni,
                monto: (i % 9 != 4).then(|| ((i * 7) % 6) as f64 * 1250.5),
                avance: (i % 5 != 2).then_some((i % 10) as f64 * 10.0 + 0.25),
                ejercicio: (i % 11 != 7).then(|| 2019 + ((i / 3) % 5) as i64),
                activo: (i % 4 != 3).then_some(i % 3 != 0),
                fecha: (i % 8 != 5).then_some(fecha),
                registrado: (i % 6 != 1).then_some(registrado),
                nota: (i % 7 != 6).then(|| NOTAS[i % 6]),
            }
        })
        .collect()
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "Código,departamento,municipio,Monto (Q),avance.pct,ejercicio,activo,fecha,registrado,nota\n",
    );
    let opt = |o: Option<String>| o.unwrap_or_default();
    for r in rows {
        let fields = [
            r.codigo.clone(),
            r.depto.to_owned(),
            r.muni.clone(),
            opt(r.monto.map(|x| x.to_string())),
            opt(r.avance.map(|x| x.to_string())),
            opt(r.ejercicio.map(|x| x.to_string())),
            opt(r.activo.map(|b| if b { "sí" } else { "no" }.to_owned())),
            opt(r.fecha.map(|d| d.to_string())),
            opt(r
                .registrado
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())),
            opt(r.nota.map(str::to_owned)),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    table: TableSpec,
    rows: Vec<Row>,
    engine: Engine,
}

async fn fixture_with(limits: QueryLimits) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let rows = data();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let upload = work.join("proyectos.csv");
    std::fs::write(&upload, csv(&rows)).unwrap();
    let out = ingest_file(
        &upload,
        "proyectos.csv",
        &IngestOptions::default(),
        Limits::default(),
        &work,
        &|_, _, _| {},
    );
    assert!(out.report.errors.is_empty(), "{:?}", out.report.errors);
    let (built, parquet) = &out.tables[0];
    let files = FileStore::local(&dir.path().join("files")).unwrap();
    let key = "tables/00000000-0000-0000-0000-000000000001/0.parquet";
    files.put_file(key, parquet).await.unwrap();
    let table = TableSpec {
        parquet_key: key.to_owned(),
        columns: built.columns.clone(),
        rows: built.rows as i64,
    };
    let engine = Engine::new(&files, limits).unwrap();
    Fixture {
        _dir: dir,
        table,
        rows,
        engine,
    }
}

async fn fixture() -> Fixture {
    fixture_with(QueryLimits::default()).await
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Fixture {
    fn request(&self, list: &[(&str, &str)]) -> Result<RowsRequest, QueryError> {
        RowsRequest::from_query(&pairs(list), &self.table, &QueryLimits::default())
    }

    async fn get(&self, list: &[(&str, &str)]) -> Result<ceiba_query::RowsResponse, QueryError> {
        let req = self.request(list)?;
        self.engine.rows(&self.table, &req).await
    }

    /// The `_id`s of every matching row, in order, and the total.
    async fn ids(&self, list: &[(&str, &str)]) -> (Vec<i64>, u64) {
        let mut l = list.to_vec();
        l.push(("columns", "_id"));
        l.push(("limit", "1000"));
        let resp = self.get(&l).await.unwrap();
        let ids = resp.rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
        (ids, resp.total)
    }

    fn expect(&self, pred: impl Fn(&Row) -> bool) -> Vec<i64> {
        self.rows.iter().filter(|r| pred(r)).map(|r| r.id).collect()
    }
}

/// Query pairs, the parameter the error must name, and the problem.
type ErrorCase = (Vec<(&'static str, &'static str)>, &'static str, Problem);

fn bad_parameter(e: QueryError) -> (String, Problem) {
    match e {
        QueryError::BadParameter {
            parameter, problem, ..
        } => (parameter, problem),
        other => panic!("expected BadParameter, got {other:?}"),
    }
}

fn fold(s: &str) -> String {
    ceiba_query::text::fold(s)
}

// ---------------------------------------------------------------------------------------
// Rows

#[tokio::test]
async fn typed_values_and_totals() {
    let fx = fixture().await;
    let types: Vec<(&str, ColumnType)> = fx
        .table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_type))
        .collect();
    assert_eq!(
        types,
        vec![
            ("Código", ColumnType::Text),
            ("departamento", ColumnType::Text),
            ("municipio", ColumnType::Text),
            ("Monto (Q)", ColumnType::Decimal),
            ("avance.pct", ColumnType::Decimal),
            ("ejercicio", ColumnType::Integer),
            ("activo", ColumnType::Boolean),
            ("fecha", ColumnType::Date),
            ("registrado", ColumnType::Datetime),
            ("nota", ColumnType::Text),
        ]
    );

    let resp = fx.get(&[("limit", "3")]).await.unwrap();
    assert_eq!(resp.total, N as u64);
    assert_eq!(resp.limit, 3);
    assert_eq!(resp.rows.len(), 3);
    assert!(resp.capped.is_none());
    assert!(resp.next_cursor.is_some());
    assert_eq!(resp.columns.len(), 10, "no _id unless asked");
    assert_eq!(
        resp.columns[3],
        ColumnInfo {
            name: "Monto (Q)".into(),
            column_type: ColumnType::Decimal
        }
    );
    // Row 1 (i = 0) and row 2 (i = 1), typed.
    assert_eq!(
        resp.rows[0],
        vec![
            json!("0101"),
            json!("Guatemala"),
            json!("Guatemala"),
            json!(0.0),
            json!(0.25),
            json!(2019),
            json!(false),
            json!("2020-01-01"),
            json!("2020-01-01T00:00:00"),
            json!("Obra de agua"),
        ]
    );
    let r2 = &fx.rows[1];
    assert_eq!(resp.rows[1][0], json!("1702"));
    assert_eq!(resp.rows[1][1], json!("Petén"));
    assert_eq!(resp.rows[1][3], json!(1250.5));
    assert_eq!(resp.rows[1][6], json!(true));
    assert_eq!(resp.rows[1][7], json!(r2.fecha.unwrap().to_string()));
    assert_eq!(
        resp.rows[1][8],
        Value::Null,
        "i = 1 has no registration time"
    );
    assert!(resp.rows[1][5].is_i64());
    assert!(resp.rows[1][4].is_f64());

    // Nulls come back as null.
    let (ids, _) = fx.ids(&[("f.Monto (Q).null", "")]).await;
    assert_eq!(ids, fx.expect(|r| r.monto.is_none()));
    let resp = fx
        .get(&[("f.Monto (Q).null", ""), ("columns", "Monto (Q),_id")])
        .await
        .unwrap();
    assert!(resp.rows.iter().all(|r| r[0].is_null() && r[1].is_i64()));
    assert_eq!(resp.columns[1].name, "_id");
    assert_eq!(resp.total as usize, ids.len());

    // A filtered total.
    let resp = fx.get(&[("f.departamento.eq", "Petén")]).await.unwrap();
    assert_eq!(resp.total, 8);
    assert_eq!(resp.rows.len(), 8);
    assert!(resp.next_cursor.is_none(), "the only page has no next");
    // Asked twice (the count is cached), the same.
    let again = fx.get(&[("f.departamento.eq", "Petén")]).await.unwrap();
    assert_eq!(again.total, 8);
}

#[tokio::test]
async fn every_operator_on_every_type() {
    let fx = fixture().await;
    type Case = (&'static str, &'static str, Box<dyn Fn(&Row) -> bool>);
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let day_start = |dt: NaiveDate| dt.and_hms_opt(0, 0, 0).unwrap();
    let cases: Vec<Case> = vec![
        // Text
        (
            "f.departamento.eq",
            "Quiché",
            Box::new(|r| r.depto == "Quiché"),
        ),
        (
            "f.departamento.ne",
            "Quiché",
            Box::new(|r| r.depto != "Quiché"),
        ),
        (
            "f.departamento.lt",
            "Huehuetenango",
            Box::new(|r| r.depto < "Huehuetenango"),
        ),
        (
            "f.departamento.lte",
            "Huehuetenango",
            Box::new(|r| r.depto <= "Huehuetenango"),
        ),
        (
            "f.departamento.gt",
            "Huehuetenango",
            Box::new(|r| r.depto > "Huehuetenango"),
        ),
        (
            "f.departamento.gte",
            "Huehuetenango",
            Box::new(|r| r.depto >= "Huehuetenango"),
        ),
        (
            "f.departamento.in",
            "Petén, Quiché",
            Box::new(|r| r.depto == "Petén" || r.depto == "Quiché"),
        ),
        (
            "f.municipio.contains",
            "HUEHUE",
            Box::new(|r| r.muni == "Huehuetenango"),
        ),
        (
            "f.nota.contains",
            "area de",
            Box::new(|r| r.nota == Some("ÁREA DE SALUD")),
        ),
        (
            "f.nota.contains",
            "salon",
            Box::new(|r| r.nota == Some("Salón comunal")),
        ),
        ("f.nota.null", "", Box::new(|r| r.nota.is_none())),
        ("f.nota.notnull", "", Box::new(|r| r.nota.is_some())),
        ("f.Código.eq", "0101", Box::new(|r| r.codigo == "0101")),
        (
            "f.Código.in",
            "0101,1702",
            Box::new(|r| r.codigo == "0101" || r.codigo == "1702"),
        ),
        // Decimal
        (
            "f.Monto (Q).eq",
            "2501",
            Box::new(|r| r.monto == Some(2501.0)),
        ),
        (
            "f.Monto (Q).ne",
            "2501",
            Box::new(|r| r.monto.is_some_and(|m| m != 2501.0)),
        ),
        (
            "f.Monto (Q).lt",
            "2,501.0",
            Box::new(|r| r.monto.is_some_and(|m| m < 2501.0)),
        ),
        (
            "f.Monto (Q).lte",
            "2.501,0",
            Box::new(|r| r.monto.is_some_and(|m| m <= 2501.0)),
        ),
        (
            "f.Monto (Q).gt",
            "Q 3 751,5",
            Box::new(|r| r.monto.is_some_and(|m| m > 3751.5)),
        ),
        (
            "f.Monto (Q).gte",
            "3751.5",
            Box::new(|r| r.monto.is_some_and(|m| m >= 3751.5)),
        ),
        (
            "f.Monto (Q).in",
            "0, 1250.5",
            Box::new(|r| r.monto == Some(0.0) || r.monto == Some(1250.5)),
        ),
        ("f.Monto (Q).null", "", Box::new(|r| r.monto.is_none())),
        ("f.Monto (Q).notnull", "", Box::new(|r| r.monto.is_some())),
        (
            "f.avance.pct.gt",
            "50",
            Box::new(|r| r.avance.is_some_and(|a| a > 50.0)),
        ),
        // Integer
        (
            "f.ejercicio.eq",
            "2021",
            Box::new(|r| r.ejercicio == Some(2021)),
        ),
        (
            "f.ejercicio.ne",
            "2021",
            Box::new(|r| r.ejercicio.is_some_and(|e| e != 2021)),
        ),
        (
            "f.ejercicio.lt",
            "2021",
            Box::new(|r| r.ejercicio.is_some_and(|e| e < 2021)),
        ),
        (
            "f.ejercicio.lte",
            "2021",
            Box::new(|r| r.ejercicio.is_some_and(|e| e <= 2021)),
        ),
        (
            "f.ejercicio.gt",
            "2,021",
            Box::new(|r| r.ejercicio.is_some_and(|e| e > 2021)),
        ),
        (
            "f.ejercicio.gte",
            "2021",
            Box::new(|r| r.ejercicio.is_some_and(|e| e >= 2021)),
        ),
        (
            "f.ejercicio.gt",
            "2020.5",
            Box::new(|r| r.ejercicio.is_some_and(|e| e >= 2021)),
        ),
        (
            "f.ejercicio.lt",
            "2020.5",
            Box::new(|r| r.ejercicio.is_some_and(|e| e <= 2020)),
        ),
        (
            "f.ejercicio.in",
            "2019,2023",
            Box::new(|r| matches!(r.ejercicio, Some(2019 | 2023))),
        ),
        ("f.ejercicio.null", "", Box::new(|r| r.ejercicio.is_none())),
        ("f._id.lte", "5", Box::new(|r| r.id <= 5)),
        // Boolean
        ("f.activo.eq", "sí", Box::new(|r| r.activo == Some(true))),
        ("f.activo.eq", "no", Box::new(|r| r.activo == Some(false))),
        ("f.activo.eq", "1", Box::new(|r| r.activo == Some(true))),
        ("f.activo.ne", "true", Box::new(|r| r.activo == Some(false))),
        ("f.activo.in", "yes,0", Box::new(|r| r.activo.is_some())),
        ("f.activo.null", "", Box::new(|r| r.activo.is_none())),
        // Date
        (
            "f.fecha.eq",
            "2021-02-04",
            Box::new(move |r| r.fecha == Some(d(2021, 2, 4))),
        ),
        (
            "f.fecha.eq",
            "04/02/2021",
            Box::new(move |r| r.fecha == Some(d(2021, 2, 4))),
        ),
        (
            "f.fecha.ne",
            "2021-02-04",
            Box::new(move |r| r.fecha.is_some_and(|f| f != d(2021, 2, 4))),
        ),
        (
            "f.fecha.lt",
            "2021-06-01",
            Box::new(move |r| r.fecha.is_some_and(|f| f < d(2021, 6, 1))),
        ),
        (
            "f.fecha.lte",
            "2021-02-04",
            Box::new(move |r| r.fecha.is_some_and(|f| f <= d(2021, 2, 4))),
        ),
        (
            "f.fecha.gt",
            "31/12/2021",
            Box::new(move |r| r.fecha.is_some_and(|f| f > d(2021, 12, 31))),
        ),
        (
            "f.fecha.gte",
            "2022-01-01",
            Box::new(move |r| r.fecha.is_some_and(|f| f >= d(2022, 1, 1))),
        ),
        (
            "f.fecha.in",
            "2021-02-04,2020-01-01",
            Box::new(move |r| r.fecha == Some(d(2021, 2, 4)) || r.fecha == Some(d(2020, 1, 1))),
        ),
        ("f.fecha.null", "", Box::new(|r| r.fecha.is_none())),
        // Datetime: a date means the whole day; a time, that instant.
        (
            "f.registrado.eq",
            "2021-02-04",
            Box::new(move |r| r.registrado.is_some_and(|t| t.date() == d(2021, 2, 4))),
        ),
        (
            "f.registrado.eq",
            "2020-01-01T00:00:00",
            Box::new(move |r| r.registrado == Some(day_start(d(2020, 1, 1)))),
        ),
        (
            "f.registrado.ne",
            "2021-02-04",
            Box::new(move |r| r.registrado.is_some_and(|t| t.date() != d(2021, 2, 4))),
        ),
        (
            "f.registrado.lt",
            "2021-02-04",
            Box::new(move |r| r.registrado.is_some_and(|t| t.date() < d(2021, 2, 4))),
        ),
        (
            "f.registrado.lte",
            "2021-02-04",
            Box::new(move |r| r.registrado.is_some_and(|t| t.date() <= d(2021, 2, 4))),
        ),
        (
            "f.registrado.gt",
            "2021-02-04",
            Box::new(move |r| r.registrado.is_some_and(|t| t.date() > d(2021, 2, 4))),
        ),
        (
            "f.registrado.gte",
            "2021-02-04 12:00",
            Box::new(move |r| {
                r.registrado
                    .is_some_and(|t| t >= d(2021, 2, 4).and_hms_opt(12, 0, 0).unwrap())
            }),
        ),
        (
            "f.registrado.in",
            "2021-02-04,2020-01-01",
            Box::new(move |r| {
                r.registrado
                    .is_some_and(|t| t.date() == d(2021, 2, 4) || t.date() == d(2020, 1, 1))
            }),
        ),
        (
            "f.registrado.notnull",
            "",
            Box::new(|r| r.registrado.is_some()),
        ),
    ];
    for (param, value, pred) in &cases {
        let (ids, total) = fx.ids(&[(param, value)]).await;
        let expected = fx.expect(pred);
        assert_eq!(ids, expected, "{param}={value}");
        assert_eq!(total as usize, expected.len(), "total of {param}={value}");
    }
    // The case list does test something: most filters keep some rows and drop others.
    let informative = cases
        .iter()
        .filter(|(_, _, p)| {
            let n = fx.expect(p).len();
            n > 0 && n < N
        })
        .count();
    assert!(
        informative >= cases.len() - 2,
        "{informative} of {}",
        cases.len()
    );

    // Filters combine with AND.
    let (ids, _) = fx
        .ids(&[
            ("f.departamento.eq", "Guatemala"),
            ("f.ejercicio.gte", "2021"),
        ])
        .await;
    assert_eq!(
        ids,
        fx.expect(|r| r.depto == "Guatemala" && r.ejercicio.is_some_and(|e| e >= 2021))
    );
    // An empty value filters nothing, but null/notnull need none.
    let (ids, _) = fx
        .ids(&[("f.departamento.eq", ""), ("f.ejercicio.gt", "  ")])
        .await;
    assert_eq!(ids.len(), N);
}

#[tokio::test]
async fn search_ignores_case_and_accents() {
    let fx = fixture().await;
    let (ids, total) = fx.ids(&[("q", "peten")]).await;
    assert_eq!(ids, fx.expect(|r| r.depto == "Petén"));
    assert_eq!(total, 8);
    let (ids, _) = fx.ids(&[("q", "PETÉN")]).await;
    assert_eq!(ids.len(), 8);
    // Every word, each in some text column.
    let (ids, _) = fx.ids(&[("q", "agua guatemala")]).await;
    let expected = fx.expect(|r| {
        let texts = [
            Some(r.codigo.as_str()),
            Some(r.depto),
            Some(r.muni.as_str()),
            r.nota,
        ];
        let has = |w: &str| texts.iter().flatten().any(|t| fold(t).contains(w));
        has("agua") && has("guatemala")
    });
    assert!(!expected.is_empty());
    assert_eq!(ids, expected);
    // `contains` folds too.
    let (ids, _) = fx.ids(&[("f.municipio.contains", "HUEHUE")]).await;
    assert_eq!(ids, fx.expect(|r| r.muni == "Huehuetenango"));
    assert!(!ids.is_empty());
    let (ids, _) = fx.ids(&[("q", "xyzzy")]).await;
    assert!(ids.is_empty());
    // Codes stay text: "0101" is not 101.
    let resp = fx
        .get(&[("f.Código.eq", "0101"), ("columns", "Código")])
        .await
        .unwrap();
    assert!(!resp.rows.is_empty());
    assert!(resp.rows.iter().all(|r| r[0] == json!("0101")));
    let (ids, _) = fx.ids(&[("f.Código.eq", "101")]).await;
    assert!(ids.is_empty());
}

fn cmp_nulls_last<T: PartialOrd>(a: &Option<T>, b: &Option<T>, desc: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (None, None) => Equal,
        (None, Some(_)) => Greater,
        (Some(_), None) => Less,
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(y).unwrap();
            if desc {
                o.reverse()
            } else {
                o
            }
        }
    }
}

#[tokio::test]
async fn sort_with_ties_and_nulls() {
    let fx = fixture().await;
    for (sort, desc) in [
        ("Monto (Q)", false),
        ("-Monto (Q)", true),
        ("Monto (Q):desc", true),
        ("Monto (Q) desc", true),
    ] {
        let (ids, _) = fx.ids(&[("sort", sort)]).await;
        let mut expected = fx.rows.clone();
        expected.sort_by(|a, b| cmp_nulls_last(&a.monto, &b.monto, desc).then(a.id.cmp(&b.id)));
        assert_eq!(
            ids,
            expected.iter().map(|r| r.id).collect::<Vec<_>>(),
            "sort={sort}"
        );
    }
    // Two keys, text then date descending; ties by _id.
    let (ids, _) = fx
        .ids(&[("sort", "departamento"), ("sort", "-fecha")])
        .await;
    let mut expected = fx.rows.clone();
    expected.sort_by(|a, b| {
        a.depto
            .cmp(b.depto)
            .then(cmp_nulls_last(&a.fecha, &b.fecha, true))
            .then(a.id.cmp(&b.id))
    });
    assert_eq!(ids, expected.iter().map(|r| r.id).collect::<Vec<_>>());
    // The same with one comma-separated value.
    let (ids2, _) = fx.ids(&[("sort", "departamento,-fecha")]).await;
    assert_eq!(ids, ids2);
    // Booleans and datetimes.
    let (ids, _) = fx.ids(&[("sort", "-activo"), ("sort", "registrado")]).await;
    let mut expected = fx.rows.clone();
    expected.sort_by(|a, b| {
        cmp_nulls_last(&a.activo, &b.activo, true)
            .then(cmp_nulls_last(&a.registrado, &b.registrado, false))
            .then(a.id.cmp(&b.id))
    });
    assert_eq!(ids, expected.iter().map(|r| r.id).collect::<Vec<_>>());
    // By _id descending.
    let (ids, _) = fx.ids(&[("sort", "-_id")]).await;
    assert_eq!(ids, (1..=N as i64).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn offset_past_the_end() {
    let fx = fixture().await;
    let resp = fx
        .get(&[("f.departamento.eq", "Petén"), ("offset", "8")])
        .await
        .unwrap();
    assert_eq!(resp.rows.len(), 0);
    assert_eq!(resp.total, 8);
    assert_eq!(resp.offset, 8);
    assert!(resp.next_cursor.is_none());
    let resp = fx.get(&[("offset", "1000000")]).await.unwrap();
    assert_eq!(resp.rows.len(), 0);
    assert_eq!(resp.total, N as u64);
    let resp = fx.get(&[("offset", "38"), ("limit", "5")]).await.unwrap();
    assert_eq!(resp.rows.len(), 2);
    let resp = fx.get(&[("limit", "0")]).await.unwrap();
    assert_eq!(resp.rows.len(), 0);
    assert_eq!(resp.total, N as u64);
}

/// Walks every page with the cursor, and compares with offset paging.
async fn walk(fx: &Fixture, base: &[(&str, &str)], page: usize) -> Vec<i64> {
    let mut by_cursor = Vec::new();
    let mut cursor: Option<String> = None;
    let limit = page.to_string();
    for _ in 0..100 {
        let mut l = base.to_vec();
        l.push(("columns", "_id"));
        l.push(("limit", &limit));
        if let Some(c) = &cursor {
            l.push(("cursor", c));
        }
        let resp = fx.get(&l).await.unwrap();
        assert!(resp.rows.len() <= page);
        by_cursor.extend(resp.rows.iter().map(|r| r[0].as_i64().unwrap()));
        match resp.next_cursor {
            Some(c) => {
                assert_eq!(resp.rows.len(), page, "a page before the last is full");
                cursor = Some(c);
            }
            None => break,
        }
    }
    let mut by_offset = Vec::new();
    let mut offset = 0;
    loop {
        let off = offset.to_string();
        let mut l = base.to_vec();
        l.push(("columns", "_id"));
        l.push(("limit", &limit));
        l.push(("offset", &off));
        let resp = fx.get(&l).await.unwrap();
        if resp.rows.is_empty() {
            break;
        }
        by_offset.extend(resp.rows.iter().map(|r| r[0].as_i64().unwrap()));
        offset += page;
    }
    assert_eq!(
        by_cursor, by_offset,
        "cursor and offset paging agree for {base:?}"
    );
    let unique: BTreeSet<i64> = by_cursor.iter().copied().collect();
    assert_eq!(unique.len(), by_cursor.len(), "no repeats");
    by_cursor
}

#[tokio::test]
async fn keyset_cursor_walks_every_page() {
    let fx = fixture().await;
    let sorts: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("sort", "-Monto (Q)")],
        vec![("sort", "Monto (Q)"), ("sort", "-departamento")],
        vec![("sort", "activo"), ("sort", "-fecha")],
        vec![("sort", "-registrado")],
        vec![("sort", "nota"), ("sort", "-ejercicio")],
        vec![("sort", "-_id")],
        vec![("f.ejercicio.gte", "2020"), ("q", "a"), ("sort", "Código")],
    ];
    for base in &sorts {
        let (all, total) = fx.ids(base).await;
        for page in [1, 3, 7, 40] {
            let walked = walk(&fx, base, page).await;
            assert_eq!(walked, all, "pages of {page} for {base:?}");
            assert_eq!(walked.len() as u64, total);
        }
    }
}

#[tokio::test]
async fn a_cursor_from_another_query_is_refused() {
    let fx = fixture().await;
    let first = fx
        .get(&[("sort", "-Monto (Q)"), ("limit", "5")])
        .await
        .unwrap();
    let cursor = first.next_cursor.unwrap();
    // Same query: fine, also with other columns and limit.
    fx.get(&[
        ("sort", "-Monto (Q)"),
        ("limit", "9"),
        ("columns", "nota"),
        ("cursor", &cursor),
    ])
    .await
    .unwrap();
    for other in [
        vec![("sort", "Monto (Q)")],
        vec![("sort", "-Monto (Q)"), ("f.departamento.eq", "Petén")],
        vec![("sort", "-Monto (Q)"), ("q", "agua")],
        vec![],
    ] {
        let mut l = other.clone();
        l.push(("cursor", &cursor));
        let (param, problem) = bad_parameter(fx.get(&l).await.unwrap_err());
        assert_eq!(
            (param.as_str(), problem),
            ("cursor", Problem::BadCursor),
            "{other:?}"
        );
    }
    for garbage in ["abc", "!!!", "eyJoIjoxfQ"] {
        let e = fx.get(&[("cursor", garbage)]).await.unwrap_err();
        assert_eq!(bad_parameter(e), ("cursor".into(), Problem::BadCursor));
    }
}

#[tokio::test]
async fn bad_parameters_are_named_in_both_languages() {
    let fx = fixture().await;
    let cases: Vec<ErrorCase> = vec![
        (
            vec![("f.monto.gt", "5")],
            "f.monto.gt",
            Problem::UnknownColumn,
        ),
        (
            vec![("f.Monto (Q).bigger", "5")],
            "f.Monto (Q).bigger",
            Problem::UnknownOperator,
        ),
        (
            vec![("f.activo.gt", "sí")],
            "f.activo.gt",
            Problem::OperatorNotForType,
        ),
        (
            vec![("f.ejercicio.contains", "20")],
            "f.ejercicio.contains",
            Problem::OperatorNotForType,
        ),
        (
            vec![("f.ejercicio.eq", "dos mil")],
            "f.ejercicio.eq",
            Problem::BadValue,
        ),
        (
            vec![("f.ejercicio.eq", "2020.5")],
            "f.ejercicio.eq",
            Problem::BadValue,
        ),
        (
            vec![("f.Monto (Q).gt", "mucho")],
            "f.Monto (Q).gt",
            Problem::BadValue,
        ),
        (
            vec![("f.fecha.eq", "31/02/2021")],
            "f.fecha.eq",
            Problem::BadValue,
        ),
        (
            vec![("f.registrado.lt", "ayer")],
            "f.registrado.lt",
            Problem::BadValue,
        ),
        (
            vec![("f.activo.eq", "quizá")],
            "f.activo.eq",
            Problem::BadValue,
        ),
        (
            vec![("f.fecha.in", "2021-01-01,nunca")],
            "f.fecha.in",
            Problem::BadValue,
        ),
        (vec![("f.nada.eq", "")], "f.nada.eq", Problem::UnknownColumn),
        (
            vec![("fmonto", "1"), ("f.x", "1")],
            "f.x",
            Problem::Malformed,
        ),
        (vec![("sort", "nope")], "sort", Problem::UnknownColumn),
        (
            vec![("columns", "Monto (Q),nope")],
            "columns",
            Problem::UnknownColumn,
        ),
        (vec![("offset", "-1")], "offset", Problem::Malformed),
        (vec![("offset", "diez")], "offset", Problem::Malformed),
        (vec![("limit", "1.5")], "limit", Problem::Malformed),
    ];
    for (list, param, problem) in cases {
        let e = fx.request(&list).unwrap_err();
        let es = e.message(Lang::Es);
        let en = e.message(Lang::En);
        assert!(es.contains(param) && en.contains(param), "{es} / {en}");
        assert_ne!(es, en);
        assert!(e.is_bad_request());
        assert_eq!(bad_parameter(e), (param.to_owned(), problem), "{list:?}");
    }
    let e = fx.request(&[("f.ejercicio.eq", "dos mil")]).unwrap_err();
    assert!(
        e.message(Lang::Es).contains("el valor no corresponde"),
        "{}",
        e.message(Lang::Es)
    );
    assert!(e.message(Lang::En).contains("does not fit"));
    // The engine validates requests that did not come from a URL, too.
    let req = RowsRequest {
        filters: vec![Filter {
            column: "Monto (Q)".into(),
            op: FilterOp::Contains,
            value: "1".into(),
        }],
        limit: 10,
        ..RowsRequest::default()
    };
    let e = fx.engine.rows(&fx.table, &req).await.unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("f.Monto (Q).contains".into(), Problem::OperatorNotForType)
    );
    let req = RowsRequest {
        sort: vec![Sort {
            column: "MONTO (Q)".into(),
            descending: false,
        }],
        limit: 10,
        ..RowsRequest::default()
    };
    let e = fx.engine.rows(&fx.table, &req).await.unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("sort".into(), Problem::UnknownColumn),
        "names are case-sensitive"
    );
}

#[tokio::test]
async fn limits_cap_and_say_so() {
    let limits = QueryLimits {
        max_page_rows: 10,
        max_groups: 3,
        ..QueryLimits::default()
    };
    let fx = fixture_with(limits).await;
    let req = RowsRequest::from_query(&pairs(&[("limit", "5000")]), &fx.table, &limits).unwrap();
    let resp = fx.engine.rows(&fx.table, &req).await.unwrap();
    assert_eq!(resp.rows.len(), 10);
    assert_eq!(resp.limit, 10);
    assert_eq!(resp.capped.as_deref(), Some("limit lowered to 10 rows"));
    assert_eq!(resp.total, N as u64);
    // The default page fits the bound and says nothing.
    let req = RowsRequest::from_query(&[], &fx.table, &limits).unwrap();
    let resp = fx.engine.rows(&fx.table, &req).await.unwrap();
    assert_eq!(resp.rows.len(), 10);
    assert!(resp.capped.is_none());

    let agg = AggregateRequest::from_query(
        &pairs(&[("group_by", "departamento"), ("limit", "50")]),
        &fx.table,
        &limits,
    )
    .unwrap();
    let resp = fx.engine.aggregate(&fx.table, &agg).await.unwrap();
    assert_eq!(resp.rows.len(), 3);
    assert_eq!(resp.total, 5);
    assert_eq!(resp.capped.as_deref(), Some("limit lowered to 3 groups"));
}

#[tokio::test]
async fn a_slow_query_times_out() {
    let fx = fixture_with(QueryLimits {
        timeout_ms: 0,
        ..QueryLimits::default()
    })
    .await;
    let e = fx
        .get(&[("q", "agua"), ("sort", "-nota")])
        .await
        .unwrap_err();
    assert!(matches!(e, QueryError::Timeout(0)), "{e:?}");
    assert!(e.message(Lang::Es).contains("0 ms"));
}

// ---------------------------------------------------------------------------------------
// Aggregations and histograms

#[tokio::test]
async fn aggregate_two_groups_matches_hand_computation() {
    let fx = fixture().await;
    let req = AggregateRequest::from_query(
        &pairs(&[
            ("group_by", "departamento,ejercicio"),
            ("measure", "sum:Monto (Q)"),
            ("measure", "count"),
            ("measure", "avg:Monto (Q)"),
            ("measure", "count_distinct:Código"),
            ("measure", "max:fecha"),
            ("sort", "departamento"),
            ("sort", "-ejercicio"),
            ("limit", "1000"),
        ]),
        &fx.table,
        &QueryLimits::default(),
    )
    .unwrap();
    let resp = fx.engine.aggregate(&fx.table, &req).await.unwrap();
    let names: Vec<&str> = resp.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "departamento",
            "ejercicio",
            "sum_Monto (Q)",
            "count",
            "avg_Monto (Q)",
            "count_distinct_Código",
            "max_fecha"
        ]
    );
    let types: Vec<ColumnType> = resp.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        [
            ColumnType::Text,
            ColumnType::Integer,
            ColumnType::Decimal,
            ColumnType::Integer,
            ColumnType::Decimal,
            ColumnType::Integer,
            ColumnType::Date
        ]
    );

    // By hand.
    #[derive(Default)]
    struct G {
        sum: f64,
        n_monto: usize,
        count: u64,
        codes: BTreeSet<String>,
        max_fecha: Option<NaiveDate>,
    }
    let mut groups: BTreeMap<(String, Option<i64>), G> = BTreeMap::new();
    for r in &fx.rows {
        let g = groups.entry((r.depto.to_owned(), r.ejercicio)).or_default();
        g.count += 1;
        if let Some(m) = r.monto {
            g.sum += m;
            g.n_monto += 1;
        }
        g.codes.insert(r.codigo.clone());
        g.max_fecha = g.max_fecha.max(r.fecha);
    }
    assert_eq!(resp.total as usize, groups.len());
    assert_eq!(resp.rows.len(), groups.len());
    // Sorted by departamento ascending, then ejercicio descending with nulls last.
    let mut keys: Vec<&(String, Option<i64>)> = groups.keys().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0).then(cmp_nulls_last(&a.1, &b.1, true)));
    for (row, key) in resp.rows.iter().zip(keys) {
        let g = &groups[key];
        assert_eq!(row[0], json!(key.0));
        assert_eq!(row[1], key.1.map_or(Value::Null, |e| json!(e)));
        if g.n_monto == 0 {
            assert!(row[2].is_null() && row[4].is_null());
        } else {
            assert!((row[2].as_f64().unwrap() - g.sum).abs() < 1e-6, "{row:?}");
            let avg = g.sum / g.n_monto as f64;
            assert!((row[4].as_f64().unwrap() - avg).abs() < 1e-6, "{row:?}");
        }
        assert_eq!(row[3], json!(g.count));
        assert_eq!(row[5], json!(g.codes.len()));
        assert_eq!(
            row[6],
            g.max_fecha.map_or(Value::Null, |d| json!(d.to_string()))
        );
    }

    // Default: count, first measure descending.
    let req = AggregateRequest::from_query(
        &pairs(&[("group_by", "nota"), ("f.departamento.ne", "Quiché")]),
        &fx.table,
        &QueryLimits::default(),
    )
    .unwrap();
    assert_eq!(
        req.measures,
        vec![Measure {
            func: MeasureFn::Count,
            column: None
        }]
    );
    assert_eq!(req.limit, 100);
    let resp = fx.engine.aggregate(&fx.table, &req).await.unwrap();
    let counts: Vec<i64> = resp.rows.iter().map(|r| r[1].as_i64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(
        counts.iter().sum::<i64>() as usize,
        fx.expect(|r| r.depto != "Quiché").len()
    );
    // Sum of integers stays whole; min of text works.
    let req = AggregateRequest::from_query(
        &pairs(&[("measure", "sum:ejercicio,min:departamento,count:nota")]),
        &fx.table,
        &QueryLimits::default(),
    )
    .unwrap();
    let resp = fx.engine.aggregate(&fx.table, &req).await.unwrap();
    assert_eq!(resp.total, 1);
    let sum: i64 = fx.rows.iter().filter_map(|r| r.ejercicio).sum();
    assert_eq!(resp.rows[0][0], json!(sum));
    assert_eq!(resp.rows[0][1], json!("Alta Verapaz"));
    assert_eq!(
        resp.rows[0][2],
        json!(fx.rows.iter().filter(|r| r.nota.is_some()).count())
    );
}

#[tokio::test]
async fn aggregate_parameters_are_checked() {
    let fx = fixture().await;
    let l = QueryLimits::default();
    let cases: Vec<ErrorCase> = vec![
        (
            vec![("group_by", "nope")],
            "group_by",
            Problem::UnknownColumn,
        ),
        (
            vec![("measure", "median:ejercicio")],
            "measure",
            Problem::UnknownMeasure,
        ),
        (
            vec![("measure", "sum:departamento")],
            "measure",
            Problem::MeasureNotForType,
        ),
        (
            vec![("measure", "avg:fecha")],
            "measure",
            Problem::MeasureNotForType,
        ),
        (
            vec![("measure", "max:activo")],
            "measure",
            Problem::MeasureNotForType,
        ),
        (
            vec![("measure", "sum:nope")],
            "measure",
            Problem::UnknownColumn,
        ),
        (vec![("measure", "sum")], "measure", Problem::Malformed),
        (
            vec![("group_by", "nota"), ("sort", "municipio")],
            "sort",
            Problem::UnknownColumn,
        ),
        (vec![("f.x.eq", "1")], "f.x.eq", Problem::UnknownColumn),
    ];
    for (list, param, problem) in cases {
        let e = AggregateRequest::from_query(&pairs(&list), &fx.table, &l).unwrap_err();
        assert_eq!(bad_parameter(e), (param.to_owned(), problem), "{list:?}");
    }
    // Sorting by a measure alias is fine.
    let req = AggregateRequest::from_query(
        &pairs(&[
            ("group_by", "departamento"),
            ("measure", "sum:Monto (Q)"),
            ("sort", "-sum_Monto (Q)"),
        ]),
        &fx.table,
        &l,
    )
    .unwrap();
    let resp = fx.engine.aggregate(&fx.table, &req).await.unwrap();
    let sums: Vec<f64> = resp
        .rows
        .iter()
        .map(|r| r[1].as_f64().unwrap_or(f64::MIN))
        .collect();
    assert!(sums.windows(2).all(|w| w[0] >= w[1]), "{sums:?}");
}

#[tokio::test]
async fn histogram_bins_add_up() {
    let fx = fixture().await;
    for (column, bins) in [
        ("Monto (Q)", 5usize),
        ("avance.pct", 7),
        ("ejercicio", 3),
        ("_id", 4),
    ] {
        let got = fx.engine.histogram(&fx.table, column, bins).await.unwrap();
        assert_eq!(got.len(), bins, "{column}");
        let non_null = match column {
            "Monto (Q)" => fx.rows.iter().filter(|r| r.monto.is_some()).count(),
            "avance.pct" => fx.rows.iter().filter(|r| r.avance.is_some()).count(),
            "ejercicio" => fx.rows.iter().filter(|r| r.ejercicio.is_some()).count(),
            _ => N,
        };
        assert_eq!(
            got.iter().map(|b| b.count).sum::<u64>() as usize,
            non_null,
            "{column}"
        );
        for w in got.windows(2) {
            assert!((w[0].upper - w[1].lower).abs() < 1e-9);
        }
    }
    // Exact bins for Monto: values 0, 1250.5, …, 6252.5 in 5 bins of 1250.5.
    let got = fx
        .engine
        .histogram(&fx.table, "Monto (Q)", 5)
        .await
        .unwrap();
    assert_eq!(got[0].lower, 0.0);
    assert_eq!(got[4].upper, 6252.5);
    let in_bin = |lo: f64, hi: f64, last: bool| {
        fx.rows
            .iter()
            .filter_map(|r| r.monto)
            .filter(|m| *m >= lo && (*m < hi || (last && *m <= hi)))
            .count() as u64
    };
    for (i, b) in got.iter().enumerate() {
        assert_eq!(b.count, in_bin(b.lower, b.upper, i == 4), "bin {i}");
    }
    let e = fx
        .engine
        .histogram(&fx.table, "departamento", 5)
        .await
        .unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("column".into(), Problem::MeasureNotForType)
    );
    let e = fx
        .engine
        .histogram(&fx.table, "Monto (Q)", 0)
        .await
        .unwrap_err();
    assert_eq!(bad_parameter(e), ("bins".into(), Problem::OutOfRange));
}

// ---------------------------------------------------------------------------------------
// Exports, names, parameters

#[tokio::test]
async fn stream_gives_every_row_without_id() {
    let fx = fixture().await;
    let req = fx
        .request(&[
            ("f.departamento.ne", "Petén"),
            ("sort", "-Monto (Q)"),
            ("limit", "0"),
        ])
        .unwrap();
    let (columns, mut stream) = fx.engine.stream(&fx.table, &req).await.unwrap();
    assert_eq!(columns.len(), 10);
    assert!(columns.iter().all(|c| c.name != "_id"));
    let mut n = 0;
    let mut montos = Vec::new();
    while let Some(b) = stream.next().await {
        let b = b.unwrap();
        assert_eq!(b.num_columns(), 10);
        let col = b.column(3);
        for i in 0..b.num_rows() {
            montos.push(ceiba_query::engine::cell(col, i).as_f64());
        }
        n += b.num_rows();
    }
    assert_eq!(n, fx.expect(|r| r.depto != "Petén").len());
    let mut expected: Vec<Option<f64>> = fx
        .rows
        .iter()
        .filter(|r| r.depto != "Petén")
        .map(|r| r.monto)
        .collect();
    expected.sort_by(|a, b| cmp_nulls_last(a, b, true));
    assert_eq!(montos, expected);

    // `_id` when asked; limit and offset when given.
    let req = fx
        .request(&[("columns", "_id,Código"), ("limit", "5"), ("offset", "10")])
        .unwrap();
    let (columns, stream) = fx.engine.stream(&fx.table, &req).await.unwrap();
    assert_eq!(columns[0].name, "_id");
    let batches: Vec<_> = stream.collect().await;
    let ids: Vec<Value> = batches
        .iter()
        .flat_map(|b| {
            let b = b.as_ref().unwrap();
            (0..b.num_rows())
                .map(|i| ceiba_query::engine::cell(b.column(0), i))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(ids, (11..=15).map(|i| json!(i)).collect::<Vec<_>>());

    // The export bound.
    let limited = fixture_with(QueryLimits {
        max_export_rows: 7,
        ..QueryLimits::default()
    })
    .await;
    let req = limited.request(&[("limit", "0")]).unwrap();
    let (_, stream) = limited.engine.stream(&limited.table, &req).await.unwrap();
    let n: usize = stream
        .map(|b| b.unwrap().num_rows())
        .collect::<Vec<_>>()
        .await
        .iter()
        .sum();
    assert_eq!(n, 7);
}

#[tokio::test]
async fn names_with_spaces_accents_parentheses_and_dots() {
    let fx = fixture().await;
    let resp = fx
        .get(&[
            ("f.Monto (Q).gte", "2501"),
            ("f.Código.in", "0101,1302,1703"),
            ("f.avance.pct.notnull", ""),
            ("sort", "-Monto (Q)"),
            ("sort", "Código"),
            ("columns", "Código"),
            ("columns", "Monto (Q)"),
            ("columns", "avance.pct"),
        ])
        .await
        .unwrap();
    let expected = fx.expect(|r| {
        r.monto.is_some_and(|m| m >= 2501.0)
            && ["0101", "1302", "1703"].contains(&r.codigo.as_str())
            && r.avance.is_some()
    });
    assert!(!expected.is_empty());
    assert_eq!(resp.total as usize, expected.len());
    let names: Vec<&str> = resp.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Código", "Monto (Q)", "avance.pct"]);
    let got: Vec<(f64, String)> = resp
        .rows
        .iter()
        .map(|r| (r[1].as_f64().unwrap(), r[0].as_str().unwrap().to_owned()))
        .collect();
    let mut want: Vec<(f64, String)> = fx
        .rows
        .iter()
        .filter(|r| expected.contains(&r.id))
        .map(|r| (r.monto.unwrap(), r.codigo.clone()))
        .collect();
    want.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
    assert_eq!(got, want);

    let agg = AggregateRequest::from_query(
        &pairs(&[
            ("group_by", "Código"),
            ("measure", "sum:Monto (Q)"),
            ("measure", "max:avance.pct"),
        ]),
        &fx.table,
        &QueryLimits::default(),
    )
    .unwrap();
    let resp = fx.engine.aggregate(&fx.table, &agg).await.unwrap();
    let codes: BTreeSet<&str> = fx.rows.iter().map(|r| r.codigo.as_str()).collect();
    assert_eq!(resp.total as usize, codes.len());
    assert!(resp.rows.iter().all(|r| r[0].is_string()));
    let hist = fx
        .engine
        .histogram(&fx.table, "Monto (Q)", 3)
        .await
        .unwrap();
    assert_eq!(hist.len(), 3);
}

#[tokio::test]
async fn query_parameters_round_trip() {
    let fx = fixture().await;
    let list = [
        ("lang", "en"),
        ("page", "3"),
        ("f.Monto (Q).gt", "1,000.5"),
        ("f.departamento.in", "\"Petén\",Quiché"),
        ("f.nota.null", ""),
        ("f.municipio.eq", ""),
        ("q", "agua"),
        ("q", " potable "),
        ("sort", "-Monto (Q)"),
        ("sort", "fecha:asc"),
        ("columns", "Código,nota"),
        ("columns", "_id"),
        ("limit", "50"),
        ("offset", "10"),
        ("tab", "data"),
    ];
    let req = fx.request(&list).unwrap();
    assert_eq!(
        req.filters.len(),
        3,
        "the empty municipio filter is dropped"
    );
    assert_eq!(req.filters[0].column, "Monto (Q)");
    assert_eq!(req.filters[0].op, FilterOp::Gt);
    assert_eq!(req.q.as_deref(), Some("agua potable"));
    assert_eq!(
        req.sort,
        vec![
            Sort {
                column: "Monto (Q)".into(),
                descending: true
            },
            Sort {
                column: "fecha".into(),
                descending: false
            }
        ]
    );
    assert_eq!(
        req.columns,
        Some(vec!["Código".into(), "nota".into(), "_id".into()])
    );
    assert_eq!((req.limit, req.offset, req.cursor.clone()), (50, 10, None));
    let back = to_query(&req);
    let again = RowsRequest::from_query(&back, &fx.table, &QueryLimits::default()).unwrap();
    assert_eq!(again, req);
    // Defaults.
    let req = fx.request(&[]).unwrap();
    assert_eq!((req.limit, req.offset), (25, 0));
    assert!(req.filters.is_empty() && req.q.is_none() && req.columns.is_none());
}

#[tokio::test]
async fn ckan_parameters() {
    let fx = fixture().await;
    let req = ckan_request(
        Some("guatemala"),
        Some(r#"{"departamento": ["Guatemala", "Petén"], "activo": true, "ejercicio": 2021}"#),
        Some(r#""Monto (Q)" desc, _id"#),
        Some("_id,Código,Monto (Q)"),
        Some(50),
        None,
        &fx.table,
    )
    .unwrap();
    assert_eq!(req.limit, 50);
    assert_eq!(req.columns.as_ref().unwrap().len(), 3);
    let resp = fx.engine.rows(&fx.table, &req).await.unwrap();
    let expected = fx.expect(|r| {
        (r.depto == "Guatemala" || r.depto == "Petén")
            && r.activo == Some(true)
            && r.ejercicio == Some(2021)
            && [
                r.codigo.as_str(),
                r.depto,
                r.muni.as_str(),
                r.nota.unwrap_or(""),
            ]
            .iter()
            .any(|t| fold(t).contains("guatemala"))
    });
    let mut want: Vec<&Row> = fx
        .rows
        .iter()
        .filter(|r| expected.contains(&r.id))
        .collect();
    want.sort_by(|a, b| cmp_nulls_last(&a.monto, &b.monto, true).then(a.id.cmp(&b.id)));
    let got: Vec<i64> = resp.rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
    assert_eq!(got, want.iter().map(|r| r.id).collect::<Vec<_>>());
    assert_eq!(resp.total as usize, expected.len());

    // null means empty; a JSON q searches one column.
    let req = ckan_request(
        Some(r#"{"nota": "agua"}"#),
        Some(r#"{"fecha": null}"#),
        None,
        None,
        None,
        None,
        &fx.table,
    )
    .unwrap();
    assert_eq!(req.limit, 100);
    let resp = fx.engine.rows(&fx.table, &req).await.unwrap();
    assert_eq!(
        resp.total as usize,
        fx.expect(|r| r.fecha.is_none() && r.nota.is_some_and(|n| fold(n).contains("agua")))
            .len()
    );

    for (q, filters, sort, fields, param, problem) in [
        (
            None,
            Some("{not json"),
            None,
            None,
            "filters",
            Problem::Malformed,
        ),
        (
            None,
            Some(r#"{"nope": 1}"#),
            None,
            None,
            "filters",
            Problem::UnknownColumn,
        ),
        (
            None,
            Some(r#"{"ejercicio": "muchos"}"#),
            None,
            None,
            "filters",
            Problem::BadValue,
        ),
        (
            None,
            None,
            Some("nope desc"),
            None,
            "sort",
            Problem::UnknownColumn,
        ),
        (
            None,
            None,
            None,
            Some("Código,nope"),
            "fields",
            Problem::UnknownColumn,
        ),
        (
            Some(r#"{"nope": "x"}"#),
            None,
            None,
            None,
            "q",
            Problem::UnknownColumn,
        ),
    ] {
        let e = ckan_request(q, filters, sort, fields, None, None, &fx.table).unwrap_err();
        assert_eq!(bad_parameter(e), (param.to_owned(), problem));
    }
}

#[tokio::test]
async fn engine_errors_and_the_search_function() {
    use datafusion::error::DataFusionError;
    let e = ceiba_query::engine::engine_error(DataFusionError::ResourcesExhausted("sort".into()));
    assert!(matches!(e, QueryError::TooMuchMemory));
    let wrapped = DataFusionError::Context(
        "aggregate".into(),
        Box::new(DataFusionError::ResourcesExhausted("hash table".into())),
    );
    let e = ceiba_query::engine::engine_error(wrapped);
    assert!(matches!(e, QueryError::TooMuchMemory));
    assert!(e.is_bad_request());
    assert!(e.message(Lang::Es).contains("memoria"));
    let e = ceiba_query::engine::engine_error(DataFusionError::Internal("x".into()));
    assert!(matches!(e, QueryError::Engine(_)));
    assert!(!e.is_bad_request());

    // The folding search is registered for SQL on the context too.
    let fx = fixture().await;
    let batches = fx
        .engine
        .context()
        .sql(
            "SELECT ceiba_contains('peten', 'Petén', NULL) AS a, ceiba_contains('x', 'Petén') AS b",
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let b = &batches[0];
    assert_eq!(ceiba_query::engine::cell(b.column(0), 0), json!(true));
    assert_eq!(ceiba_query::engine::cell(b.column(1), 0), json!(false));
}

#[tokio::test]
async fn pages_in_one_or_two_steps_agree() {
    let fx = fixture().await;
    let requests: Vec<Vec<(&str, &str)>> = vec![
        vec![("limit", "7")],
        vec![("sort", "-Monto (Q)"), ("limit", "13"), ("offset", "4")],
        vec![
            ("sort", "nota"),
            ("sort", "-registrado"),
            ("columns", "_id,nota,fecha"),
        ],
        vec![("q", "agua"), ("sort", "-fecha"), ("limit", "40")],
        vec![
            ("f.departamento.in", "Petén,Quiché"),
            ("columns", "Monto (Q)"),
            ("sort", "Monto (Q)"),
        ],
    ];
    for list in &requests {
        fx.engine.set_late_materialization(true);
        let two = fx.get(list).await.unwrap();
        fx.engine.set_late_materialization(false);
        let one = fx.get(list).await.unwrap();
        assert_eq!(two, one, "{list:?}");
        assert!(!one.rows.is_empty());
    }
}

#[tokio::test]
async fn tables_in_memory_answer_like_parquet() {
    let parquet = fixture_with(QueryLimits {
        cache_mb: 0,
        ..QueryLimits::default()
    })
    .await;
    assert!(!parquet.engine.warm(&parquet.table).await.unwrap());
    let memory = Fixture {
        engine: Engine::new(
            &FileStore::local(&parquet._dir.path().join("files")).unwrap(),
            QueryLimits::default(),
        )
        .unwrap(),
        table: parquet.table.clone(),
        rows: parquet.rows.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    assert!(memory.engine.warm(&memory.table).await.unwrap());
    assert!(memory.engine.cached_bytes() > 0);

    let requests: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![
            ("limit", "40"),
            ("columns", "_id,Código,activo,fecha,registrado"),
        ],
        vec![("f.departamento.eq", "Petén"), ("sort", "-Monto (Q)")],
        vec![
            ("f.departamento.in", "Petén,\"Quiché\""),
            ("f.Monto (Q).gte", "1250.5"),
        ],
        vec![
            ("f.departamento.gt", "Huehuetenango"),
            ("sort", "departamento"),
        ],
        vec![("f.municipio.contains", "HUEHUE")],
        vec![("f.nota.null", ""), ("sort", "-nota"), ("sort", "fecha")],
        vec![("q", "agua guatemala")],
        vec![
            ("q", "peten"),
            ("sort", "-registrado"),
            ("limit", "3"),
            ("offset", "2"),
        ],
        vec![
            ("f.fecha.lt", "2021-06-01"),
            ("sort", "activo"),
            ("limit", "7"),
        ],
        vec![("f.registrado.eq", "2021-02-04")],
        vec![("f.Código.eq", "0101"), ("sort", "-_id")],
    ];
    for list in &requests {
        let a = parquet.get(list).await.unwrap();
        let b = memory.get(list).await.unwrap();
        assert_eq!(a, b, "{list:?}");
        // A cursor from one serves the other.
        if let Some(c) = &a.next_cursor {
            let mut next = list.clone();
            next.push(("cursor", c));
            assert_eq!(
                parquet.get(&next).await.unwrap(),
                memory.get(&next).await.unwrap(),
                "next page of {list:?}"
            );
        }
    }
    for base in [
        vec![("sort", "-Monto (Q)")],
        vec![("sort", "nota"), ("sort", "-ejercicio")],
    ] {
        assert_eq!(
            walk(&parquet, &base, 6).await,
            walk(&memory, &base, 6).await
        );
    }

    let aggregates: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("group_by", "departamento,ejercicio"),
            (
                "measure",
                "sum:Monto (Q),count,avg:Monto (Q),count_distinct:Código,max:fecha",
            ),
        ],
        vec![
            ("group_by", "Código"),
            ("measure", "min:departamento,max:nota,count:nota"),
        ],
        vec![(
            "measure",
            "count_distinct:departamento,min:municipio,sum:ejercicio",
        )],
        vec![
            ("group_by", "activo"),
            ("f.nota.contains", "a"),
            ("sort", "activo"),
        ],
    ];
    let l = QueryLimits::default();
    for list in &aggregates {
        let req = AggregateRequest::from_query(&pairs(list), &parquet.table, &l).unwrap();
        let a = parquet
            .engine
            .aggregate(&parquet.table, &req)
            .await
            .unwrap();
        let b = memory.engine.aggregate(&memory.table, &req).await.unwrap();
        assert_eq!(a, b, "{list:?}");
    }
    for column in ["Monto (Q)", "ejercicio", "avance.pct"] {
        assert_eq!(
            parquet
                .engine
                .histogram(&parquet.table, column, 6)
                .await
                .unwrap(),
            memory
                .engine
                .histogram(&memory.table, column, 6)
                .await
                .unwrap()
        );
    }
    // Exports read Parquet either way: the file's types, not the narrower ones in memory.
    let req = memory.request(&[("limit", "0")]).unwrap();
    let (_, mut stream) = memory.engine.stream(&memory.table, &req).await.unwrap();
    let batch = stream.next().await.unwrap().unwrap();
    let file = memory
        .engine
        .provider(&memory.table)
        .await
        .unwrap()
        .schema();
    for field in batch.schema().fields() {
        assert_eq!(
            field.data_type(),
            file.field_with_name(field.name()).unwrap().data_type(),
            "{}",
            field.name()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Bounds on what one request may ask for (issue 12)

/// CKAN's `q` object gives one filter per word; 10,000 of them were once folded into an
/// AND 10,000 deep that overflowed the stack and aborted the process. A plain `q` of
/// 100,000 words took 36 s to de-duplicate; 1,800 `contains` filters 5–10 s. Each is now
/// refused, naming the parameter and the bound, before anything runs.
#[tokio::test]
async fn searches_and_filters_are_bounded_not_a_crash() {
    let fx = fixture().await;
    let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    let q = json!({ "nota": words.join(" ") }).to_string();
    let e = ckan_request(Some(&q), None, None, None, None, None, &fx.table).unwrap_err();
    assert!(e.message(Lang::Es).contains("demasiado compleja"), "{e}");
    assert!(e.message(Lang::En).contains("at most 64 words"), "{e}");
    assert_eq!(bad_parameter(e), ("q".to_owned(), Problem::TooComplex));
    // The same filters handed to the engine directly.
    let req = RowsRequest {
        filters: words
            .iter()
            .map(|w| Filter {
                column: "nota".into(),
                op: FilterOp::Contains,
                value: w.clone(),
            })
            .collect(),
        limit: 10,
        ..RowsRequest::default()
    };
    let e = fx.engine.rows(&fx.table, &req).await.unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("f.nota.contains".to_owned(), Problem::TooComplex)
    );

    let many: String = (0..100_000)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let e = fx.request(&[("q", &many)]).unwrap_err();
    assert_eq!(bad_parameter(e), ("q".to_owned(), Problem::TooComplex));
    let e = ckan_request(Some(&many), None, None, None, None, None, &fx.table).unwrap_err();
    assert_eq!(bad_parameter(e), ("q".to_owned(), Problem::TooComplex));
    let req = RowsRequest {
        q: Some(many.clone()),
        limit: 10,
        ..RowsRequest::default()
    };
    let e = fx.engine.rows(&fx.table, &req).await.unwrap_err();
    assert_eq!(bad_parameter(e), ("q".to_owned(), Problem::TooComplex));
    let q65 = (0..65)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let e = fx.request(&[("q", &q65)]).unwrap_err();
    assert!(e.message(Lang::En).contains("at most 64 words"), "{e}");
    // A word repeated counts once.
    let agua = vec!["agua"; 5_000].join(" ");
    let (ids, _) = fx.ids(&[("q", &agua)]).await;
    assert_eq!(
        ids,
        fx.expect(|r| fold(r.nota.unwrap_or("")).contains("agua"))
    );

    let contains = vec![("f.nota.contains", "a"); 1_800];
    let e = fx.request(&contains).unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("f.nota.contains".to_owned(), Problem::TooComplex)
    );
    // At the bound, filters answer (joined as a balanced tree).
    let (ids, total) = fx.ids(&vec![("f.nota.contains", "a"); 64]).await;
    assert_eq!(ids, fx.expect(|r| fold(r.nota.unwrap_or("")).contains('a')));
    assert_eq!(total as usize, ids.len());

    let sort = vec!["departamento"; 17].join(",");
    let e = fx.request(&[("sort", &sort)]).unwrap_err();
    assert_eq!(bad_parameter(e), ("sort".to_owned(), Problem::TooComplex));
    let columns = vec!["departamento"; 1_001].join(",");
    let e = fx.request(&[("columns", &columns)]).unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("columns".to_owned(), Problem::TooComplex)
    );
    let e = ckan_request(None, None, None, Some(&columns), None, None, &fx.table).unwrap_err();
    assert_eq!(bad_parameter(e), ("fields".to_owned(), Problem::TooComplex));
    let years = (0..1_001)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let e = fx.request(&[("f.ejercicio.in", &years)]).unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("f.ejercicio.in".to_owned(), Problem::TooComplex)
    );
    let long = "x".repeat(70_000);
    let e = fx.request(&[("f.nota.eq", &long)]).unwrap_err();
    assert_eq!(
        bad_parameter(e),
        ("f.nota.eq".to_owned(), Problem::TooComplex)
    );
}

/// A Parquet file of `groups` row groups of 100 rows: `_id` from `first_id` in order,
/// `n` (the position), `grupo` (the row group, as text) and `valor` (scattered).
async fn grouped_table(files: &FileStore, key: &str, groups: usize, first_id: i64) -> TableSpec {
    use datafusion::arrow::array::{Float64Array, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::parquet::arrow::ArrowWriter;
    use datafusion::parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let schema = Arc::new(Schema::new(vec![
        Field::new("n", DataType::Int64, false),
        Field::new("grupo", DataType::Utf8, false),
        Field::new("valor", DataType::Float64, true),
        Field::new("_id", DataType::Int64, false),
    ]));
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(100))
        .set_data_page_row_count_limit(16)
        .set_write_batch_size(16)
        .build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, schema.clone(), Some(props)).unwrap();
    let rows = (groups * 100) as i64;
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from_iter_values(0..rows)),
            Arc::new(StringArray::from_iter_values(
                (0..rows).map(|i| format!("g{}", i / 100)),
            )),
            Arc::new(Float64Array::from_iter(
                (0..rows).map(|i| (i % 7 != 3).then(|| ((i * 7919) % 1000) as f64)),
            )),
            Arc::new(Int64Array::from_iter_values(first_id..first_id + rows)),
        ],
    )
    .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    files.put(key, bytes.into()).await.unwrap();
    let column = ceiba_core::Column::new;
    TableSpec {
        parquet_key: key.to_owned(),
        columns: vec![
            column("n", ColumnType::Integer),
            column("grupo", ColumnType::Text),
            column("valor", ColumnType::Decimal),
        ],
        rows,
    }
}

#[tokio::test]
async fn rows_read_by_position_across_row_groups_match_one_step_pages() {
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(dir.path()).unwrap();
    let parquet_only = QueryLimits {
        cache_mb: 0,
        ..QueryLimits::default()
    };
    // Rows numbered 1, 2, 3… are read by position; numbered from 1001, through a filter.
    for first_id in [1, 1001] {
        let key = format!("tables/pos{first_id}/0.parquet");
        let table = grouped_table(&files, &key, 5, first_id).await;
        let engine = Engine::new(&files, parquet_only).unwrap();
        let requests: Vec<Vec<(&str, &str)>> = vec![
            vec![("sort", "-valor"), ("limit", "37")],
            vec![("f.valor.gt", "500"), ("sort", "valor"), ("limit", "60")],
            vec![("f.grupo.in", "g0,g4"), ("sort", "-n"), ("limit", "25")],
            vec![("f.valor.null", ""), ("sort", "-_id"), ("limit", "80")],
        ];
        for list in &requests {
            let mut list = list.clone();
            list.push(("columns", "_id,n,grupo,valor"));
            let req =
                RowsRequest::from_query(&pairs(&list), &table, &QueryLimits::default()).unwrap();
            engine.set_late_materialization(true);
            let two = engine.rows(&table, &req).await.unwrap();
            engine.set_late_materialization(false);
            let one = engine.rows(&table, &req).await.unwrap();
            assert_eq!(two.rows, one.rows, "{first_id} {list:?}");
            assert!(
                two.rows.len() > 20,
                "{first_id} {list:?}: {}",
                two.rows.len()
            );
            // The rows are the right ones: `n` is the position, `_id` follows it.
            for row in &two.rows {
                let id = row[0].as_i64().unwrap();
                let n = row[1].as_i64().unwrap();
                assert_eq!(id, n + first_id, "{list:?}");
                assert_eq!(row[2], json!(format!("g{}", n / 100)));
            }
        }
    }
}
