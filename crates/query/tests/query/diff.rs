//! What changed in a table between two versions, by key and by content.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ceiba_core::ColumnType;
use ceiba_ingest::{ingest_file, IngestOptions, Limits};
use ceiba_query::{Engine, QueryLimits, TableSpec};
use ceiba_store::FileStore;
use serde_json::json;

/// Ingests each CSV as one version of a table; returns the engine and the versions.
async fn versions(csvs: &[&str]) -> (tempfile::TempDir, Engine, Vec<TableSpec>) {
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(&dir.path().join("files")).unwrap();
    let mut specs = Vec::new();
    for (i, text) in csvs.iter().enumerate() {
        let work = dir.path().join(format!("work{i}"));
        std::fs::create_dir_all(&work).unwrap();
        let upload = work.join("t.csv");
        std::fs::write(&upload, text).unwrap();
        let out = ingest_file(
            &upload,
            "t.csv",
            &IngestOptions::default(),
            Limits::default(),
            &work,
            &|_, _, _| {},
        );
        assert!(out.report.errors.is_empty(), "{:?}", out.report.errors);
        let (built, parquet) = &out.tables[0];
        let key = format!("tables/00000000-0000-0000-0000-00000000000{i}/0.parquet");
        files.put_file(&key, parquet).await.unwrap();
        specs.push(TableSpec {
            parquet_key: key,
            columns: built.columns.clone(),
            rows: built.rows as i64,
        });
    }
    let engine = Engine::new(&files, QueryLimits::default()).unwrap();
    (dir, engine, specs)
}

#[tokio::test]
async fn rows_are_matched_by_a_unique_code_column() {
    let (_dir, engine, v) = versions(&[
        "codigo,municipio,monto\n0101,Guatemala,10\n0102,Santa Catarina Pinula,20\n0103,San José Pinula,30\n",
        "codigo,municipio,monto,fuente\n0101,Guatemala,10,a\n0102,Santa Catarina Pinula,25,a\n0104,San José del Golfo,5,b\n",
    ])
    .await;
    let d = engine.diff(&v[0], &v[1], 10).await.unwrap();
    assert_eq!(d.key.as_deref(), Some("codigo"));
    assert_eq!(d.columns_added, vec!["fuente"]);
    assert!(d.columns_removed.is_empty());
    assert_eq!(d.added.count, 1);
    assert_eq!(
        d.added.sample,
        vec![vec![json!("0104"), json!("San José del Golfo"), json!(5)]]
    );
    assert_eq!(d.removed.count, 1);
    assert_eq!(d.removed.sample[0][0], json!("0103"));
    assert_eq!(d.changed.count, 1);
    assert_eq!(
        d.changed.sample[0],
        vec![json!("0102"), json!("Santa Catarina Pinula"), json!(25)]
    );
    assert_eq!(d.changed_before[0][2], json!(20));
}

#[tokio::test]
async fn without_a_key_rows_are_compared_by_content_and_retyped_columns_named() {
    let (_dir, engine, v) = versions(&[
        "municipio,anio,monto\nMixco,2023,10\nMixco,2023,10\nVilla Nueva,2023,7\n",
        "municipio,anio,monto\nMixco,2023,diez\nVilla Nueva,2024,siete\nVilla Nueva,2023,siete\n",
    ])
    .await;
    let d = engine.diff(&v[0], &v[1], 10).await.unwrap();
    assert_eq!(d.key, None);
    assert_eq!(
        d.retyped,
        vec![("monto".to_owned(), ColumnType::Integer, ColumnType::Text)]
    );
    assert_eq!(d.columns, vec!["municipio", "anio"]);
    // Compared on the columns both have with one type: a repeated row counts twice.
    assert_eq!(d.added.count, 1, "{d:?}");
    assert_eq!(
        d.added.sample,
        vec![vec![json!("Villa Nueva"), json!(2024)]]
    );
    assert_eq!(d.removed.count, 1);
    assert_eq!(d.removed.sample, vec![vec![json!("Mixco"), json!(2023)]]);
    assert_eq!(d.changed.count, 0);
}

#[tokio::test]
async fn the_same_table_has_no_differences() {
    let text = "codigo,monto\n01,1\n02,2\n";
    let (_dir, engine, v) = versions(&[text, text]).await;
    let d = engine.diff(&v[0], &v[1], 10).await.unwrap();
    assert_eq!((d.added.count, d.removed.count, d.changed.count), (0, 0, 0));
}
