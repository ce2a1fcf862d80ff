//! Backups and restores: every backend's backup restores into every backend, damaged or
//! unfinished backups and non-empty targets are refused. Every test runs on SQLite, and on
//! PostgreSQL as well when `CEIBA_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use crate::common::{backends, category, dataset, empty_databases, org};
use bytes::Bytes;
use ceiba_core::{
    Account, AccountState, Column, ColumnStats, ColumnType, IngestedTable, ResourceVersion,
    VersionStatus,
};
use ceiba_store::{now, BackupError, Catalog, FileStore, StoreError};
use uuid::Uuid;

/// A small catalog with one uploaded resource in service, an account and a token, and
/// its files; plus one object nothing references. Returns the referenced keys.
async fn populate(c: &Catalog, files: &FileStore) -> BTreeSet<String> {
    let o = org("segeplan");
    c.create_organization(&o).await.unwrap();
    let cat = category("economia", "Economía");
    c.create_category(&cat).await.unwrap();
    let mut d = dataset("poblacion", &o);
    d.categories = vec![cat.name.clone()];
    c.create_dataset(&d).await.unwrap();
    let mut r = crate::common::upload(d.id, "censo");
    let original = FileStore::new_original_key(r.id);
    r.storage_key = Some(original.clone());
    let r = c.create_resource(&r).await.unwrap();
    let (v, job) = c
        .create_version(&ResourceVersion {
            id: Uuid::new_v4(),
            resource_id: r.id,
            number: 0,
            storage_key: original.clone(),
            original_filename: Some("censo.csv".into()),
            format: "CSV".into(),
            media_type: Some("text/csv".into()),
            size: 10,
            sha256: "00".repeat(32),
            options: serde_json::json!({"delimiter": ";"}),
            status: VersionStatus::Pending,
            report: None,
            created: now(),
        })
        .await
        .unwrap();
    let parquet = format!("tables/{}/0.parquet", v.id);
    let table = IngestedTable {
        version_id: v.id,
        position: 0,
        name: "censo".into(),
        parquet_key: parquet.clone(),
        rows: 2,
        columns: vec![Column {
            name: "municipio".into(),
            label: "Municipio".into(),
            column_type: ColumnType::Text,
            type_overridden: false,
            description: "Nombre «oficial»\nsegún el INE".into(),
            unit: String::new(),
            stats: ColumnStats::default(),
        }],
    };
    c.complete_version(job.id, &v, &[table], &serde_json::json!({"rows": 2}))
        .await
        .unwrap();
    let a = Account {
        id: Uuid::new_v4(),
        name: "ana".into(),
        email: "ana@example.gt".into(),
        fullname: "Ana Pérez".into(),
        sysadmin: true,
        state: AccountState::Active,
        created: now(),
    };
    c.create_account(&a, None).await.unwrap();
    c.create_token(a.id, "ci", None).await.unwrap();

    files
        .put(
            &original,
            Bytes::from_static(b"municipio\nGuatemala\nMixco\n"),
        )
        .await
        .unwrap();
    files
        .put(&parquet, Bytes::from(vec![0u8, 1, 2, 255, 80, 65, 82, 49]))
        .await
        .unwrap();
    files
        .put(
            "resources/huerfano/x",
            Bytes::from_static(b"nothing points here"),
        )
        .await
        .unwrap();
    BTreeSet::from([original, parquet])
}

/// The rows of two catalogs compared, the reindex generation aside (a restore raises it).
fn without_generation(mut dump: Dump) -> Dump {
    if let Some(rows) = dump.get_mut("catalog_counter") {
        rows.retain(|r| r["name"] != "index_generation");
    }
    dump
}

#[tokio::test]
async fn every_backends_backup_restores_into_every_backend() {
    for source in backends().await {
        let work = tempfile::tempdir().unwrap();
        let files = FileStore::local(&work.path().join("files")).unwrap();
        let keys = populate(&source.catalog, &files).await;
        let dir = work.path().join("copia de seguridad");
        let manifest = source.catalog.backup(&files, &dir).await.unwrap();
        let n = source.name;
        assert_eq!(manifest.database, n);
        assert!(manifest.missing.is_empty(), "{n}: {manifest:?}");
        let copied: BTreeSet<String> = manifest.objects.iter().map(|o| o.key.clone()).collect();
        assert_eq!(copied, keys, "{n}: only referenced objects are copied");
        assert!(manifest.schema_version >= 7, "{n}");
        let datasets = manifest
            .tables
            .iter()
            .find(|t| t.name == "dataset")
            .unwrap();
        assert_eq!(datasets.rows, 1, "{n}");
        assert!(
            !manifest.tables.iter().any(|t| t.name.starts_with("_sqlx")),
            "{n}: the migration record is each database's own"
        );
        assert!(dir.join("manifest.json").is_file());

        let expected = without_generation(source.catalog.dump_tables().await.unwrap());
        for target in empty_databases().await {
            let target = target.open().await;
            let m = format!("{n} → {}", target.name);
            let into = tempfile::tempdir().unwrap();
            let target_files = FileStore::local(into.path()).unwrap();
            let before = counter(&target.catalog).await;
            target
                .catalog
                .restore(&target_files, &dir, false)
                .await
                .unwrap_or_else(|e| panic!("{m}: {e}"));
            let got = without_generation(target.catalog.dump_tables().await.unwrap());
            assert_eq!(got, expected, "{m}: the catalog comes back row for row");
            assert!(
                counter(&target.catalog).await > before.max(counter(&source.catalog).await),
                "{m}: the search index is asked to rebuild"
            );
            for key in &keys {
                assert_eq!(
                    target_files.read(key).await.unwrap(),
                    files.read(key).await.unwrap(),
                    "{m}: {key}"
                );
            }
            // The store's own reads work on the restored catalog.
            let d = target
                .catalog
                .datasets_by_ids(&[dataset_id(&got)])
                .await
                .unwrap();
            assert_eq!(d[0].tags.len(), 2, "{m}");
            target.cleanup().await;
        }
        source.cleanup().await;
    }
}

async fn rows(c: &Catalog, table: &str) -> usize {
    c.dump_tables().await.unwrap()[table].len()
}

type Dump = std::collections::BTreeMap<String, Vec<serde_json::Map<String, serde_json::Value>>>;

fn dataset_id(dump: &Dump) -> Uuid {
    dump["dataset"][0]["id"].as_str().unwrap().parse().unwrap()
}

async fn counter(c: &Catalog) -> i64 {
    let dump = c.dump_tables().await.unwrap();
    dump["catalog_counter"]
        .iter()
        .find(|r| r["name"] == "index_generation")
        .and_then(|r| r["value"].as_i64())
        .unwrap()
}

#[tokio::test]
async fn damaged_unfinished_and_misplaced_backups_are_refused() {
    for source in backends().await {
        let n = source.name;
        let work = tempfile::tempdir().unwrap();
        let files = FileStore::local(&work.path().join("files")).unwrap();
        populate(&source.catalog, &files).await;
        let dir = work.path().join("b");
        let manifest = source.catalog.backup(&files, &dir).await.unwrap();

        // Into a folder that holds anything: refused.
        let err = source.catalog.backup(&files, &dir).await.unwrap_err();
        assert!(matches!(err, BackupError::NotEmpty(_)), "{n}: {err}");
        assert!(err.to_string().contains("is not empty"), "{n}: {err}");

        let empty = empty_databases().await.remove(0).open().await;
        let target_dir = tempfile::tempdir().unwrap();
        let target_files = FileStore::local(target_dir.path()).unwrap();

        // One byte of one file changed: refused, naming the file, and nothing written.
        let victim = &manifest.objects[0];
        let path = dir.join("files").join(&victim.key);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let err = empty
            .catalog
            .restore(&target_files, &dir, false)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, BackupError::Damaged { .. }), "{n}: {text}");
        assert!(
            text.contains(&victim.key) && text.contains("SHA-256"),
            "{n}: {text}"
        );
        assert_eq!(rows(&empty.catalog, "dataset").await, 0, "{n}");
        assert!(
            std::fs::read_dir(target_dir.path())
                .unwrap()
                .next()
                .is_none(),
            "{n}: no file was written"
        );
        bytes[0] ^= 1;
        std::fs::write(&path, &bytes).unwrap();

        // A missing catalog file is named too.
        let catalog_file = dir.join(&manifest.catalog_files[0].path);
        let saved = std::fs::read(&catalog_file).unwrap();
        std::fs::remove_file(&catalog_file).unwrap();
        let err = empty
            .catalog
            .restore(&target_files, &dir, false)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(&manifest.catalog_files[0].path)
                && err.to_string().contains("missing"),
            "{n}: {err}"
        );
        std::fs::write(&catalog_file, saved).unwrap();

        // Without its manifest (a backup still being written): refused.
        std::fs::rename(dir.join("manifest.json"), dir.join("m")).unwrap();
        let err = empty
            .catalog
            .restore(&target_files, &dir, false)
            .await
            .unwrap_err();
        assert!(matches!(err, BackupError::NoManifest(_)), "{n}: {err}");
        assert!(err.to_string().contains("not a complete Ceiba backup"));
        std::fs::rename(dir.join("m"), dir.join("manifest.json")).unwrap();

        // Into a catalog that holds anything: refused unless forced.
        let err = source
            .catalog
            .restore(&files, &dir, false)
            .await
            .unwrap_err();
        assert!(
            matches!(err, BackupError::TargetNotEmpty { .. }),
            "{n}: {err}"
        );
        assert!(err.to_string().contains("dataset: 1 rows"), "{n}: {err}");
        let o = org("otra");
        source.catalog.create_organization(&o).await.unwrap();
        source.catalog.restore(&files, &dir, true).await.unwrap();
        assert_eq!(
            rows(&source.catalog, "organization").await,
            1,
            "{n}: --force replaces what the catalog held"
        );
        assert_eq!(rows(&source.catalog, "dataset").await, 1, "{n}");

        // The undamaged backup restores.
        empty
            .catalog
            .restore(&target_files, &dir, false)
            .await
            .unwrap();
        assert_eq!(rows(&empty.catalog, "dataset").await, 1, "{n}");
        empty.cleanup().await;
        source.cleanup().await;
    }
}

#[tokio::test]
async fn an_object_missing_from_the_file_store_is_reported_not_fatal() {
    for b in backends().await {
        let n = b.name;
        let work = tempfile::tempdir().unwrap();
        let files = FileStore::local(&work.path().join("files")).unwrap();
        let keys = populate(&b.catalog, &files).await;
        let gone = keys.iter().next().unwrap().clone();
        std::fs::remove_file(files.local_path(&gone).unwrap()).unwrap();
        let dir = work.path().join("b");
        let manifest = b.catalog.backup(&files, &dir).await.unwrap();
        assert_eq!(manifest.missing, vec![gone.clone()], "{n}");
        assert_eq!(manifest.objects.len(), keys.len() - 1, "{n}");
        // The rest restores; the missing object stays missing.
        let target = empty_databases().await.remove(0).open().await;
        let into = tempfile::tempdir().unwrap();
        let target_files = FileStore::local(into.path()).unwrap();
        let m = target
            .catalog
            .restore(&target_files, &dir, false)
            .await
            .unwrap();
        assert_eq!(m.missing, vec![gone.clone()]);
        assert!(matches!(
            target_files.read(&gone).await,
            Err(StoreError::Files(_))
        ));
        target.cleanup().await;
        b.cleanup().await;
    }
}
