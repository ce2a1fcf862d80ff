//! CKAN's `datastore_search_sql` on real ingested tables: two CSVs through
//! `ceiba_ingest::ingest_file`, their Parquet in a local `FileStore`, addressed by resource
//! id; every answer compared with what the test computes from the same rows, and every
//! kind of statement that is not a read of those tables refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use ceiba_core::{ColumnType, Lang};
use ceiba_ingest::{ingest_file, IngestOptions, Limits};
use ceiba_query::sql::{MAX_STRING_LENGTH, SQL_ROWS_MAX};
use ceiba_query::{
    referenced_tables, Engine, Problem, QueryError, QueryLimits, SqlErrorKind, SqlRequest,
    SqlResult, TableSpec,
};
use ceiba_store::FileStore;
use serde_json::{json, Value};

/// The resource ids the tables are addressed by.
const PROYECTOS: &str = "6f1c2a9e-0b7d-4c1e-9a55-000000000001";
const DEPTOS: &str = "6f1c2a9e-0b7d-4c1e-9a55-000000000002";

const NOMBRES: [&str; 5] = [
    "Guatemala",
    "Petén",
    "Huehuetenango",
    "Quiché",
    "Alta Verapaz",
];
const N: usize = 40;

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    depto: &'static str,
    monto: Option<f64>,
    ejercicio: i64,
    activo: bool,
    fecha: String,
    nota: Option<&'static str>,
}

fn data() -> Vec<Row> {
    (0..N)
        .map(|i| Row {
            id: i as i64 + 1,
            depto: NOMBRES[i % 5],
            monto: (i % 7 != 3).then(|| (i * 13 % 10) as f64 * 100.5),
            ejercicio: 2019 + (i / 4 % 5) as i64,
            activo: i % 3 != 0,
            fecha: format!("202{}-{:02}-{:02}", i % 4, 1 + i % 12, 1 + i % 28),
            nota: (i % 6 != 2).then_some(if i % 2 == 0 { "agua" } else { "escuela" }),
        })
        .collect()
}

fn proyectos_csv(rows: &[Row]) -> String {
    let mut out = String::from("departamento,Monto (Q),ejercicio,activo,fecha,nota\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.depto,
            r.monto.map(|m| m.to_string()).unwrap_or_default(),
            r.ejercicio,
            if r.activo { "sí" } else { "no" },
            r.fecha,
            r.nota.unwrap_or_default()
        ));
    }
    out
}

/// Department, region, population.
const DEPTO_ROWS: [(&str, &str, i64); 5] = [
    ("Guatemala", "Metropolitana", 3_015_081),
    ("Petén", "Petén", 545_600),
    ("Huehuetenango", "Noroccidente", 1_170_669),
    ("Quiché", "Noroccidente", 949_261),
    ("Alta Verapaz", "Norte", 1_215_038),
];

fn deptos_csv() -> String {
    let mut out = String::from("departamento,region,poblacion\n");
    for (d, r, p) in DEPTO_ROWS {
        out.push_str(&format!("{d},{r},{p}\n"));
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    tables: HashMap<String, TableSpec>,
    rows: Vec<Row>,
    engine: Engine,
}

async fn ingest(
    dir: &std::path::Path,
    files: &FileStore,
    name: &str,
    text: &str,
    key: &str,
) -> TableSpec {
    let work = dir.join("work").join(name);
    std::fs::create_dir_all(&work).unwrap();
    let upload = work.join(name);
    std::fs::write(&upload, text).unwrap();
    let out = ingest_file(
        &upload,
        name,
        &IngestOptions::default(),
        Limits::default(),
        &work,
        &|_, _, _| {},
    );
    assert!(out.report.errors.is_empty(), "{:?}", out.report.errors);
    let (built, parquet) = &out.tables[0];
    files.put_file(key, parquet).await.unwrap();
    TableSpec {
        parquet_key: key.to_owned(),
        columns: built.columns.clone(),
        rows: built.rows as i64,
    }
}

async fn fixture_with(limits: QueryLimits) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(&dir.path().join("files")).unwrap();
    let rows = data();
    let proyectos = ingest(
        dir.path(),
        &files,
        "proyectos.csv",
        &proyectos_csv(&rows),
        "tables/00000000-0000-0000-0000-000000000001/0.parquet",
    )
    .await;
    let deptos = ingest(
        dir.path(),
        &files,
        "departamentos.csv",
        &deptos_csv(),
        "tables/00000000-0000-0000-0000-000000000002/0.parquet",
    )
    .await;
    let tables = HashMap::from([
        (PROYECTOS.to_owned(), proyectos),
        (DEPTOS.to_owned(), deptos),
    ]);
    let engine = Engine::new(&files, limits).unwrap();
    Fixture {
        _dir: dir,
        tables,
        rows,
        engine,
    }
}

async fn fixture() -> Fixture {
    fixture_with(QueryLimits {
        max_page_rows: 100_000,
        ..QueryLimits::default()
    })
    .await
}

impl Fixture {
    async fn sql(&self, sql: &str) -> Result<SqlResult, QueryError> {
        self.engine
            .sql(
                &SqlRequest {
                    sql,
                    max_rows: None,
                },
                &self.tables,
            )
            .await
    }

    async fn ok(&self, sql: &str) -> SqlResult {
        match self.sql(sql).await {
            Ok(r) => r,
            Err(e) => panic!("{sql}: {e:?}"),
        }
    }

    /// The problem and detail of a refused query; the engine and `referenced_tables`
    /// agree when the refusal comes before any table is looked up.
    async fn refused(&self, sql: &str) -> (Problem, String) {
        let e = self.sql(sql).await.expect_err(sql);
        problem(e, sql)
    }
}

fn problem(e: QueryError, sql: &str) -> (Problem, String) {
    match e {
        QueryError::BadParameter {
            parameter,
            problem,
            detail,
        } => {
            assert_eq!(parameter, "sql", "{sql}");
            (problem, detail)
        }
        other => panic!("{sql}: {other:?}"),
    }
}

fn types(r: &SqlResult) -> Vec<(&str, &str)> {
    r.columns
        .iter()
        .map(|c| (c.name.as_str(), c.ckan_type.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Queries that run

#[tokio::test]
async fn select_where_group_order_limit_over_a_resource_id() {
    let fx = fixture().await;
    let r = fx
        .ok(&format!(
            r#"SELECT departamento, count(*) AS n, sum("Monto (Q)") AS total
               FROM "{PROYECTOS}"
               WHERE ejercicio >= 2020 AND activo
               GROUP BY departamento
               ORDER BY n DESC, departamento
               LIMIT 3"#
        ))
        .await;
    assert_eq!(
        types(&r),
        [
            ("departamento", "text"),
            ("n", "int8"),
            ("total", "numeric")
        ]
    );
    assert_eq!(r.columns[1].column_type, Some(ColumnType::Integer));
    assert_eq!(r.columns[2].column_type, Some(ColumnType::Decimal));
    let mut groups: BTreeMap<&str, (i64, f64)> = BTreeMap::new();
    for row in fx.rows.iter().filter(|r| r.ejercicio >= 2020 && r.activo) {
        let g = groups.entry(row.depto).or_default();
        g.0 += 1;
        g.1 += row.monto.unwrap_or(0.0);
    }
    let mut want: Vec<(&str, i64, f64)> = groups.into_iter().map(|(d, (n, t))| (d, n, t)).collect();
    want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    want.truncate(3);
    let got: Vec<(&str, i64, f64)> = r
        .rows
        .iter()
        .map(|row| {
            (
                row[0].as_str().unwrap(),
                row[1].as_i64().unwrap(),
                row[2].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.0, g.1), (w.0, w.1));
        assert!((g.2 - w.2).abs() < 1e-6, "{g:?} {w:?}");
    }
    assert!(!r.capped);
    // As CKAN's records.
    assert_eq!(r.records()[0]["departamento"], json!(want[0].0));
}

#[tokio::test]
async fn star_gives_id_and_typed_values() {
    let fx = fixture().await;
    let r = fx
        .ok(&format!(
            r#"SELECT * FROM "{PROYECTOS}" WHERE _id IN (3, 4) ORDER BY _id"#
        ))
        .await;
    let t: BTreeMap<&str, &str> = types(&r).into_iter().collect();
    assert_eq!(t["_id"], "int8");
    assert_eq!(t["Monto (Q)"], "numeric");
    assert_eq!(t["activo"], "bool");
    assert_eq!(t["fecha"], "date");
    assert_eq!(t["nota"], "text");
    let records = r.records();
    assert_eq!(records.len(), 2);
    for (rec, row) in records.iter().zip(&fx.rows[2..4]) {
        assert_eq!(rec["_id"], json!(row.id));
        assert_eq!(rec["departamento"], json!(row.depto));
        assert_eq!(rec["activo"], json!(row.activo));
        assert_eq!(rec["fecha"], json!(row.fecha));
        assert_eq!(rec["nota"], row.nota.map_or(Value::Null, |n| json!(n)));
        assert_eq!(
            rec["Monto (Q)"],
            row.monto.map_or(Value::Null, |m| json!(m))
        );
    }
    // Row 3 (index 3) has no amount, row 2 (index 2) no note: nulls, not empty text.
    assert_eq!(records[1]["Monto (Q)"], Value::Null);
    assert_eq!(records[0]["nota"], Value::Null);
}

#[tokio::test]
async fn join_of_two_tables() {
    let fx = fixture().await;
    let r = fx
        .ok(&format!(
            r#"SELECT d.region, count(*) AS proyectos, max(d.poblacion) AS poblacion
               FROM "{PROYECTOS}" AS p
               JOIN "{DEPTOS}" AS d ON d.departamento = p.departamento
               GROUP BY d.region
               ORDER BY d.region"#
        ))
        .await;
    let mut want: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for row in &fx.rows {
        let (_, region, pop) = DEPTO_ROWS.iter().find(|d| d.0 == row.depto).unwrap();
        let e = want.entry(region).or_default();
        e.0 += 1;
        e.1 = e.1.max(*pop);
    }
    let got: Vec<(String, i64, i64)> = r
        .rows
        .iter()
        .map(|x| {
            (
                x[0].as_str().unwrap().to_owned(),
                x[1].as_i64().unwrap(),
                x[2].as_i64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, i64, i64)> = want
        .into_iter()
        .map(|(k, (n, p))| (k.to_owned(), n, p))
        .collect();
    assert_eq!(got, want);
    assert_eq!(types(&r)[2], ("poblacion", "int8"));
}

#[tokio::test]
async fn ctes_subqueries_unions_and_values() {
    let fx = fixture().await;
    let sql = format!(
        r#"WITH activos AS (SELECT * FROM "{PROYECTOS}" WHERE activo),
                caros AS (SELECT _id FROM activos WHERE "Monto (Q)" > 500)
           SELECT count(*) AS n FROM caros
           WHERE _id IN (SELECT _id FROM "{PROYECTOS}" WHERE nota = 'agua')"#
    );
    assert_eq!(referenced_tables(&sql).unwrap(), [PROYECTOS]);
    let r = fx.ok(&sql).await;
    let want = fx
        .rows
        .iter()
        .filter(|r| r.activo && r.monto.is_some_and(|m| m > 500.0) && r.nota == Some("agua"))
        .count();
    assert!(want > 0);
    assert_eq!(r.rows, [[json!(want)]]);

    let r = fx
        .ok(&format!(
            r#"SELECT departamento FROM "{DEPTOS}" WHERE region = 'Noroccidente'
               UNION ALL SELECT 'Otro'
               ORDER BY 1"#
        ))
        .await;
    assert_eq!(
        r.rows,
        [[json!("Huehuetenango")], [json!("Otro")], [json!("Quiché")]]
    );

    // Recursive CTEs are refused (`recursive_ctes_are_refused`).
    let r = fx.ok("VALUES (1, 'a'), (2, 'b')").await;
    assert_eq!(r.rows, [[json!(1), json!("a")], [json!(2), json!("b")]]);
    let r = fx.ok("SELECT 1 + 1 AS dos, DATE '2024-02-29' AS d").await;
    assert_eq!(types(&r), [("dos", "int8"), ("d", "date")]);
    assert_eq!(r.rows, [[json!(2), json!("2024-02-29")]]);
}

#[tokio::test]
async fn names_as_postgresql_reads_them() {
    // Quoted names keep their case, unquoted ones fold to lower case; each once; CTEs
    // are not tables.
    let sql = r#"WITH x AS (SELECT 1) SELECT * FROM "AbC" a, AbC b, abc c, x
                 WHERE EXISTS (SELECT 1 FROM "d-1")"#;
    let mut names = referenced_tables(sql).unwrap();
    names.sort();
    assert_eq!(names, ["AbC", "abc", "d-1"]);
    assert!(referenced_tables("SELECT 1").unwrap().is_empty());

    // Unquoted, a resource id with upper-case letters is another name.
    let fx = fixture().await;
    let upper = PROYECTOS.replace('f', "F");
    let (p, detail) = fx
        .refused(&format!(r#"SELECT count(*) FROM "{upper}""#))
        .await;
    assert_eq!(
        (p, detail),
        (Problem::UnknownTable, format!("\u{201c}{upper}\u{201d}"))
    );
    // Tables beyond those the query names are not needed, and not visible.
    let one = HashMap::from([(DEPTOS.to_owned(), fx.tables[DEPTOS].clone())]);
    let r = fx
        .engine
        .sql(
            &SqlRequest {
                sql: &format!(r#"SELECT count(*) AS n FROM "{DEPTOS}""#),
                max_rows: None,
            },
            &one,
        )
        .await
        .unwrap();
    assert_eq!(r.rows, [[json!(5)]]);
    let e = fx
        .engine
        .sql(
            &SqlRequest {
                sql: &format!(r#"SELECT count(*) FROM "{PROYECTOS}""#),
                max_rows: None,
            },
            &one,
        )
        .await
        .unwrap_err();
    assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::NotFound);
}

// ---------------------------------------------------------------------------------------
// What is refused

#[tokio::test]
async fn statements_other_than_a_query_are_refused() {
    let fx = fixture().await;
    let t = format!(r#""{PROYECTOS}""#);
    let cases: Vec<(String, &str)> = vec![
        (
            format!("INSERT INTO {t} (nota) VALUES ('x')"),
            "INSERT INTO",
        ),
        (format!("UPDATE {t} SET nota = 'x'"), "UPDATE"),
        (format!("DELETE FROM {t}"), "DELETE FROM"),
        (format!("TRUNCATE {t}"), "TRUNCATE"),
        ("CREATE TABLE x (a int)".into(), "CREATE TABLE"),
        (
            format!("CREATE TABLE x AS SELECT * FROM {t}"),
            "CREATE TABLE",
        ),
        (format!("CREATE VIEW v AS SELECT * FROM {t}"), "CREATE VIEW"),
        (format!("DROP TABLE {t}"), "DROP TABLE"),
        (format!("ALTER TABLE {t} ADD COLUMN y int"), "ALTER TABLE"),
        (format!("COPY {t} TO '/tmp/fuga.csv'"), "COPY"),
        ("COPY (SELECT 1) TO '/tmp/fuga.csv'".into(), "COPY"),
        (format!("COPY {t} FROM '/etc/passwd'"), "COPY"),
        (
            "SET datafusion.execution.target_partitions = 64".into(),
            "SET",
        ),
        ("SHOW ALL".into(), "SHOW"),
        (format!("EXPLAIN SELECT * FROM {t}"), "EXPLAIN"),
        (format!("EXPLAIN ANALYZE SELECT * FROM {t}"), "EXPLAIN"),
        (format!("PREPARE q AS SELECT * FROM {t}"), "PREPARE"),
        ("EXECUTE q".into(), "EXECUTE"),
        ("DEALLOCATE q".into(), "DEALLOCATE"),
        ("BEGIN".into(), "BEGIN"),
        ("GRANT SELECT ON x TO y".into(), "GRANT"),
        ("VACUUM".into(), "VACUUM"),
        ("DISCARD ALL".into(), "DISCARD"),
        // Hidden in a query.
        (
            format!("SELECT * INTO nueva FROM {t}"),
            "SELECT … INTO nueva",
        ),
        (
            format!("WITH x AS (DELETE FROM {t} RETURNING *) SELECT * FROM x"),
            "DELETE FROM",
        ),
        (format!("SELECT * FROM {t} FOR UPDATE"), "FOR UPDATE"),
        // More than one statement, one of them not a query.
        ("SELECT 1; DROP TABLE x".into(), "DROP TABLE"),
    ];
    for (sql, what) in &cases {
        let (p, detail) = fx.refused(sql).await;
        assert_eq!(p, Problem::SqlNotAllowed, "{sql}: {detail}");
        assert!(detail.starts_with(what), "{sql}: {detail}");
        let e = referenced_tables(sql).unwrap_err();
        assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::Authorization, "{sql}");
        assert_eq!(SqlErrorKind::of(&e).status(), 403);
    }
    // The tables are untouched.
    let r = fx.ok(&format!("SELECT count(*) AS n FROM {t}")).await;
    assert_eq!(r.rows, [[json!(N)]]);
}

#[tokio::test]
async fn files_table_functions_and_other_schemas_are_refused() {
    let fx = fixture().await;
    let cases: Vec<(String, &str)> = vec![
        (
            "SELECT * FROM read_parquet('/etc/passwd')".into(),
            "read_parquet(",
        ),
        ("SELECT * FROM read_csv('/etc/passwd')".into(), "read_csv("),
        (
            "SELECT * FROM read_csv_auto('/etc/passwd')".into(),
            "read_csv_auto(",
        ),
        (
            "SELECT * FROM read_json('/etc/passwd')".into(),
            "read_json(",
        ),
        (
            "SELECT * FROM parquet_metadata('/etc/passwd')".into(),
            "parquet_metadata(",
        ),
        (
            "SELECT * FROM generate_series(1, 1000000000)".into(),
            "generate_series(",
        ),
        ("SELECT * FROM range(1, 10)".into(), "range("),
        (
            "SELECT * FROM pg_read_file('/etc/passwd')".into(),
            "pg_read_file(",
        ),
        (
            "SELECT * FROM LATERAL read_csv('/etc/passwd')".into(),
            "LATERAL",
        ),
        (
            "SELECT * FROM TABLE(read_csv('/etc/passwd'))".into(),
            "TABLE(",
        ),
        (
            format!(r#"SELECT * FROM "{PROYECTOS}" p, LATERAL read_csv(p.nota) f"#),
            "LATERAL",
        ),
        (
            r#"SELECT * FROM "/etc/passwd""#.into(),
            "\u{201c}/etc/passwd",
        ),
        (
            r#"SELECT * FROM "file:///etc/passwd""#.into(),
            "\u{201c}file:",
        ),
        (
            format!(r#"SELECT * FROM "{PROYECTOS}/0.parquet""#),
            "\u{201c}6f1c",
        ),
        (
            r#"SELECT * FROM "../files/x.parquet""#.into(),
            "\u{201c}../",
        ),
        (
            format!(r#"SELECT * FROM datafusion.public."{PROYECTOS}""#),
            "datafusion.public",
        ),
        (format!(r#"SELECT * FROM public."{PROYECTOS}""#), "public."),
        (
            "SELECT * FROM information_schema.tables".into(),
            "information_schema.tables",
        ),
        (
            "SELECT * FROM information_schema.df_settings".into(),
            "information_schema",
        ),
        ("SELECT * FROM pg_catalog.pg_tables".into(), "pg_catalog"),
        (
            format!(r#"SELECT (SELECT count(*) FROM public."{PROYECTOS}")"#),
            "public.",
        ),
    ];
    for (sql, what) in &cases {
        let (p, detail) = fx.refused(sql).await;
        assert_eq!(p, Problem::SqlNotAllowed, "{sql}: {detail}");
        assert!(detail.starts_with(what), "{sql}: {detail}");
    }
    // A string in FROM is no file either.
    let (p, detail) = fx.refused("SELECT * FROM '/etc/passwd'").await;
    assert_eq!(p, Problem::SqlNotAllowed, "{detail}");
    // Functions are for values, not files.
    let (p, _) = fx.refused("SELECT pg_read_file('/etc/passwd')").await;
    assert_eq!(p, Problem::SqlInvalid);
}

#[tokio::test]
async fn unknown_tables_are_named() {
    let fx = fixture().await;
    let (p, detail) = fx.refused(r#"SELECT * FROM "no-existe""#).await;
    assert_eq!(
        (p, detail.as_str()),
        (Problem::UnknownTable, "\u{201c}no-existe\u{201d}")
    );
    // Also inside a subquery, next to a table that exists.
    let (p, detail) = fx
        .refused(&format!(
            r#"SELECT * FROM "{PROYECTOS}" WHERE departamento IN (SELECT x FROM otra)"#
        ))
        .await;
    assert_eq!(
        (p, detail.as_str()),
        (Problem::UnknownTable, "\u{201c}otra\u{201d}")
    );
    let e = fx.sql("SELECT * FROM otra").await.unwrap_err();
    assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::NotFound);
    assert_eq!(SqlErrorKind::of(&e).ckan_type(), "Not Found Error");
    assert_eq!(
        e.message(Lang::En),
        "sql: no public table has that resource id (\u{201c}otra\u{201d})"
    );
    assert_eq!(
        e.message(Lang::Es),
        "sql: no hay ninguna tabla pública con ese id de recurso (\u{201c}otra\u{201d})"
    );
}

#[tokio::test]
async fn one_statement_exactly() {
    let fx = fixture().await;
    for (sql, n) in [("SELECT 1; SELECT 2", 2), ("", 0), (";", 0), ("-- nada", 0)] {
        let (p, detail) = fx.refused(sql).await;
        assert_eq!(p, Problem::SqlNotOneStatement, "{sql:?}");
        assert_eq!(detail, format!("{n} statements"), "{sql:?}");
        let e = referenced_tables(sql).unwrap_err();
        assert_eq!(SqlErrorKind::of(&e).status(), 409);
    }
    // A trailing semicolon is still one statement.
    assert_eq!(fx.ok("SELECT 1 AS uno;").await.rows, [[json!(1)]]);
}

#[tokio::test]
async fn syntax_errors_carry_the_parsers_message() {
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser;
    let fx = fixture().await;
    for sql in [
        "SELEC * FROM x",
        "SELECT * FROM",
        "SELECT 'sin cerrar",
        "SELECT (1",
        "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'",
    ] {
        let parser = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .unwrap_err()
            .to_string();
        let (p, detail) = fx.refused(sql).await;
        assert_eq!(
            (p, detail.as_str()),
            (Problem::SqlSyntax, parser.as_str()),
            "{sql}"
        );
        let e = fx.sql(sql).await.unwrap_err();
        assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::Validation);
        assert!(e.message(Lang::En).starts_with("sql: is not valid SQL ("));
        assert!(e.message(Lang::Es).starts_with("sql: no es SQL válido ("));
    }
    // Too deep to parse is a syntax error too, not a stack overflow.
    let deep = format!("SELECT {}1{}", "(".repeat(2_000), ")".repeat(2_000));
    let (p, _) = fx.refused(&deep).await;
    assert_eq!(p, Problem::SqlSyntax);
}

#[tokio::test]
async fn queries_that_cannot_run_say_why() {
    let fx = fixture().await;
    let (p, detail) = fx
        .refused(&format!(r#"SELECT nope FROM "{PROYECTOS}""#))
        .await;
    assert_eq!(p, Problem::SqlInvalid);
    assert!(detail.contains("nope"), "{detail}");
    // Column names are case-sensitive when quoted, folded when not.
    let (p, detail) = fx
        .refused(&format!(r#"SELECT Monto FROM "{PROYECTOS}""#))
        .await;
    assert_eq!(p, Problem::SqlInvalid);
    assert!(detail.contains("monto"), "{detail}");
    let (p, detail) = fx
        .refused(&format!(r#"SELECT departamento + 1 FROM "{PROYECTOS}""#))
        .await;
    assert_eq!(p, Problem::SqlInvalid, "{detail}");
    let (p, detail) = fx
        .refused(&format!(
            r#"SELECT ejercicio / (ejercicio - ejercicio) FROM "{PROYECTOS}""#
        ))
        .await;
    assert_eq!(p, Problem::SqlInvalid, "{detail}");
    assert!(detail.to_lowercase().contains("divide by zero"), "{detail}");
    let e = fx.sql("SELECT nope()").await.unwrap_err();
    assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::Validation);
    assert!(e
        .message(Lang::En)
        .starts_with("sql: the query cannot be run ("));
}

// ---------------------------------------------------------------------------------------
// Bounds

#[tokio::test]
async fn rows_are_capped_and_say_so() {
    // The page limit when lower than CKAN's 32000.
    let fx = fixture_with(QueryLimits {
        max_page_rows: 10,
        ..QueryLimits::default()
    })
    .await;
    let star = format!(r#"SELECT _id FROM "{PROYECTOS}" ORDER BY _id"#);
    let r = fx.ok(&star).await;
    assert_eq!(r.rows.len(), 10);
    assert_eq!(r.rows[9], [json!(10)]);
    assert!(r.capped);
    assert_eq!(r.max_rows, 10);
    // Exactly the cap is not capped.
    let r = fx.ok(&format!("{star} LIMIT 10")).await;
    assert_eq!((r.rows.len(), r.capped), (10, false));
    let r = fx.ok(&format!("{star} LIMIT 3")).await;
    assert_eq!((r.rows.len(), r.capped), (3, false));
    // A caller's lower bound.
    let r = fx
        .engine
        .sql(
            &SqlRequest {
                sql: &star,
                max_rows: Some(4),
            },
            &fx.tables,
        )
        .await
        .unwrap();
    assert_eq!((r.rows.len(), r.capped, r.max_rows), (4, true, 4));

    // CKAN's 32000 when the page limit is higher: 40³ = 64000 rows.
    let fx = fixture().await;
    let t = format!(r#""{PROYECTOS}""#);
    let r = fx
        .ok(&format!("SELECT a._id FROM {t} a, {t} b, {t} c"))
        .await;
    assert_eq!(r.rows.len() as u64, SQL_ROWS_MAX);
    assert!(r.capped);
    assert_eq!(r.max_rows, 32_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heavy_query_times_out() {
    let fx = fixture_with(QueryLimits {
        timeout_ms: 300,
        ..QueryLimits::default()
    })
    .await;
    let t = format!(r#""{PROYECTOS}""#);
    // 40⁶ ≈ 4·10⁹ rows, each one computed (a bare count would come from statistics).
    let sql = format!(
        "SELECT sum(a._id + b._id + c._id + d._id + e._id + f._id) \
         FROM {t} a, {t} b, {t} c, {t} d, {t} e, {t} f"
    );
    let started = Instant::now();
    let e = fx.sql(&sql).await.unwrap_err();
    assert!(matches!(e, QueryError::Timeout(300)), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::Validation);
    assert!(e.message(Lang::Es).contains("300 ms"));
    // The engine still answers.
    let r = fx.ok(&format!("SELECT count(*) FROM {t}")).await;
    assert_eq!(r.rows, [[json!(N)]]);
}

#[tokio::test]
async fn a_heavy_query_times_out_on_one_thread() {
    let fx = fixture_with(QueryLimits {
        timeout_ms: 300,
        ..QueryLimits::default()
    })
    .await;
    let t = format!(r#""{PROYECTOS}""#);
    let sql = format!(
        "SELECT sum(a._id + b._id + c._id + d._id + e._id + f._id) \
         FROM {t} a, {t} b, {t} c, {t} d, {t} e, {t} f"
    );
    let started = Instant::now();
    let e = fx.sql(&sql).await.unwrap_err();
    assert!(matches!(e, QueryError::Timeout(300)), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn too_much_memory_is_an_error_not_a_crash() {
    let fx = fixture_with(QueryLimits {
        memory_mb: 16,
        ..QueryLimits::default()
    })
    .await;
    let t = format!(r#""{PROYECTOS}""#);
    // Each side of the outer join holds 40⁴ = 2.56 million rows of text in memory.
    let side = format!(
        "SELECT a.departamento || b.departamento || c.departamento || d.departamento AS s \
         FROM {t} a, {t} b, {t} c, {t} d"
    );
    let sql = format!("SELECT count(*) FROM ({side}) x JOIN ({side}) y ON x.s = y.s");
    let e = fx.sql(&sql).await.unwrap_err();
    assert!(matches!(e, QueryError::TooMuchMemory), "{e:?}");
    assert_eq!(SqlErrorKind::of(&e), SqlErrorKind::Validation);
}

#[tokio::test]
async fn text_builders_take_a_bounded_length() {
    let fx = fixture().await;
    for sql in [
        "SELECT repeat('x', 1000000000)".to_owned(),
        "SELECT lpad('x', 2147483647, 'y')".to_owned(),
        "SELECT rpad('x', 100000)".to_owned(),
        format!(r#"SELECT repeat(nota, ejercicio * 1000) FROM "{PROYECTOS}""#),
        "SELECT REPEAT('x', -1)".to_owned(),
    ] {
        let (p, detail) = fx.refused(&sql).await;
        assert_eq!(p, Problem::OutOfRange, "{sql}: {detail}");
        assert!(detail.contains(&MAX_STRING_LENGTH.to_string()), "{detail}");
    }
    let r = fx
        .ok(&format!(
            r#"SELECT lpad(CAST(_id AS TEXT), 4, '0') AS c, repeat('ab', 3) AS r
               FROM "{PROYECTOS}" WHERE _id = 7"#
        ))
        .await;
    assert_eq!(r.rows, [[json!("0007"), json!("ababab")]]);
    // Text too long to be a query.
    let long = format!("SELECT '{}'", "x".repeat(70_000));
    let (p, _) = fx.refused(&long).await;
    assert_eq!(p, Problem::OutOfRange);
}

#[tokio::test]
async fn tables_in_memory_answer_the_same() {
    let fx = fixture().await;
    let sql = format!(
        r#"SELECT departamento, count(*) AS n, min(fecha) AS primera, bool_or(activo) AS alguno
           FROM "{PROYECTOS}" GROUP BY departamento ORDER BY departamento"#
    );
    let from_parquet = fx.ok(&sql).await;
    // The first query started loading the table into memory.
    let started = Instant::now();
    while !fx.engine.warm(&fx.tables[PROYECTOS]).await.unwrap() {
        assert!(started.elapsed() < Duration::from_secs(10), "never loaded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let from_memory = fx.ok(&sql).await;
    assert_eq!(from_parquet, from_memory);
    assert_eq!(
        types(&from_memory),
        [
            ("departamento", "text"),
            ("n", "int8"),
            ("primera", "date"),
            ("alguno", "bool")
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Bounds on what one query may build (issue 12)

/// `SELECT 1+1+…+1`, `WHERE _id=1 OR _id=1 …`, a long `UNION` chain: deep trees that once
/// overflowed the stack while being checked, planned or dropped, and aborted the process.
/// Refused now, naming the bound, in a test thread's small stack.
#[tokio::test]
async fn deep_expressions_are_refused_not_a_crash() {
    let fx = fixture().await;
    let t = format!(r#""{PROYECTOS}""#);
    let sums = format!("SELECT {}", vec!["1"; 2_500].join("+"));
    let ors = format!(
        "SELECT count(*) FROM {t} WHERE {}",
        vec!["_id=1"; 3_000].join(" OR ")
    );
    let longest = format!("SELECT {}", vec!["1"; 30_000].join("+"));
    let unions = vec!["SELECT 1"; 2_000].join(" UNION ALL ");
    let nested = format!("SELECT {}1{}", "(".repeat(200), ")".repeat(200));
    let not_chain = format!("SELECT {} true", "NOT ".repeat(3_000));
    let minus_chain = format!("SELECT {}1", "- ".repeat(3_000));
    for sql in [
        &sums,
        &ors,
        &longest,
        &unions,
        &nested,
        &not_chain,
        &minus_chain,
    ] {
        let (p, detail) = fx.refused(sql).await;
        assert!(
            matches!(p, Problem::TooComplex | Problem::SqlSyntax),
            "{}: {p:?} {detail}",
            &sql[..40]
        );
        let e = referenced_tables(sql).unwrap_err();
        assert!(e.message(Lang::Es).contains("sql"), "{e}");
    }
    let (p, detail) = fx.refused(&sums).await;
    assert_eq!(p, Problem::TooComplex);
    assert!(detail.contains("64"), "{detail}");
    let e = fx.sql(&ors).await.unwrap_err();
    assert!(e.message(Lang::Es).contains("demasiado compleja"), "{e:?}");
    assert!(e.message(Lang::En).contains("too complex"), "{e:?}");
    // Long but shallow is fine: a balanced sum, a long IN list.
    let r = fx
        .ok(&format!(
            "SELECT count(*) FROM {t} WHERE _id IN ({})",
            (1..=2_000)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ))
        .await;
    assert_eq!(r.rows, [[json!(N)]]);
    let r = fx.ok(&format!("SELECT {}", vec!["1"; 60].join("+"))).await;
    assert_eq!(r.rows, [[json!(60)]]);
}

/// `repeat(repeat(repeat('a', 10000), 10000), 21)` once took 8 GB and ran past the time
/// limit: each literal was checked, not what the functions built from them. Every
/// function whose result can outgrow its arguments, and `||`, now sizes its result
/// before making it.
#[tokio::test]
async fn text_built_from_text_is_sized_before_it_is_made() {
    let fx = fixture().await;
    let t = format!(r#""{PROYECTOS}""#);
    let megabyte = "repeat(repeat('a', 10000), 100)";
    for (sql, function) in [
        ("SELECT length(repeat(repeat(repeat('a',10000),10000),21))".to_owned(), "repeat"),
        (format!("SELECT length(x || x) FROM (SELECT {megabyte} AS x) s"), "||"),
        (format!("WITH a AS (SELECT {megabyte} AS s), b AS (SELECT s || s AS s FROM a) SELECT length(s) FROM b"), "||"),
        (format!("SELECT length(concat({megabyte}, {megabyte}))"), "concat"),
        (format!("SELECT length(concat_ws({megabyte}, 'a', 'b', 'c'))"), "concat_ws"),
        ("SELECT length(replace(repeat('a', 10000), 'a', repeat('b', 10000)))".to_owned(), "replace"),
        ("SELECT length(replace(repeat('a', 10000), '', repeat('b', 1000)))".to_owned(), "replace"),
        ("SELECT length(regexp_replace(repeat('a', 10000), 'a', repeat('b', 1000), 'g'))".to_owned(), "regexp_replace"),
        (format!("SELECT length(overlay({megabyte} placing {megabyte} from 2))"), "overlay"),
        (format!("SELECT length(lpad('x', 10, 'y') || {megabyte} || repeat('bbbbb', 10000))"), "||"),
    ] {
        let (p, detail) = fx.refused(&sql).await;
        assert_eq!(p, Problem::SqlInvalid, "{sql}: {detail}");
        assert!(detail.contains(&format!("{function}: ")), "{sql}: {detail}");
        assert!(detail.contains("1.0 MiB"), "{sql}: {detail}");
    }
    // Values under the bound, but a batch of them more than the pool has left.
    let small = fixture_with(QueryLimits {
        memory_mb: 64,
        ..QueryLimits::default()
    })
    .await;
    let e = small
        .sql(&format!(
            "SELECT max(length(repeat(a.nota, 10000))) FROM {t} a, {t} b, {t} c"
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, QueryError::TooMuchMemory), "{e:?}");
    // What stays small works, `||` keeps its nulls and the columns their names.
    let r = fx
        .ok(&format!(
            "SELECT 'a' || 'b' AS ab, NULL || 'b' AS n, concat('a', NULL, 'c') AS c, \
             replace('banana', 'a', 'o') AS r, nota || '!' AS x, \
             departamento || '-' || CAST(_id AS TEXT) \
             FROM {t} WHERE _id = 2"
        ))
        .await;
    assert_eq!(
        r.rows,
        [[
            json!("ab"),
            Value::Null,
            json!("ac"),
            json!("bonono"),
            json!("escuela!"),
            json!("Petén-2")
        ]]
    );
    assert_eq!(r.columns[4].name, "x");
    let r = fx
        .ok(&format!(
            "SELECT departamento || '!' AS d, count(*) AS n FROM {t} \
             GROUP BY departamento || '!' ORDER BY d"
        ))
        .await;
    assert_eq!(r.rows[0], [json!("Alta Verapaz!"), json!(8)]);
}

/// A recursive CTE doubling a text reached 1.47 GB.
#[tokio::test]
async fn recursive_ctes_are_refused() {
    let fx = fixture().await;
    let sql = "WITH RECURSIVE r(s) AS (SELECT 'a' UNION ALL SELECT s || s FROM r \
               WHERE length(s) < 1000000000) SELECT max(length(s)) FROM r";
    let (p, detail) = fx.refused(sql).await;
    assert_eq!(p, Problem::SqlNotAllowed, "{detail}");
    assert!(detail.contains("WITH RECURSIVE"), "{detail}");
}
