//! The change sequence, view counts and bulk loads a search index follows the catalog
//! with. Every test runs on SQLite, and on PostgreSQL as well when
//! `CEIBA_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::common::{backends, category, dataset, empty_databases, org};
use ceiba_core::{
    Column, ColumnStats, ColumnType, DatasetState, IngestedTable, Localized, Resource,
    ResourceVersion, VersionStatus,
};
use ceiba_store::{now, Catalog, StoreError};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use uuid::Uuid;

fn resource(dataset_id: Uuid, name: &str) -> Resource {
    crate::common::upload(dataset_id, name)
}

fn version(resource_id: Uuid) -> ResourceVersion {
    ResourceVersion {
        id: Uuid::new_v4(),
        resource_id,
        number: 0,
        storage_key: format!("originals/{}", Uuid::new_v4()),
        original_filename: Some("datos.xlsx".into()),
        format: "XLSX".into(),
        media_type: None,
        size: 20,
        sha256: "11".repeat(32),
        options: serde_json::json!({}),
        status: VersionStatus::Pending,
        report: None,
        created: now(),
    }
}

fn column(name: &str) -> Column {
    Column {
        name: name.into(),
        label: name.into(),
        column_type: ColumnType::Text,
        type_overridden: false,
        description: String::new(),
        unit: String::new(),
        stats: ColumnStats::default(),
    }
}

fn table(version_id: Uuid, position: i64, name: &str) -> IngestedTable {
    IngestedTable {
        version_id,
        position,
        name: name.into(),
        parquet_key: format!("tables/{version_id}/{position}.parquet"),
        rows: 3,
        columns: vec![column("municipio"), column("valor")],
    }
}

/// Records a version of `resource_id` and puts it in service with `tables` tables.
async fn ingest(c: &Catalog, resource_id: Uuid, tables: i64) -> ResourceVersion {
    let (v, job) = c.create_version(&version(resource_id)).await.unwrap();
    let list: Vec<_> = (0..tables)
        .map(|p| table(v.id, p, &format!("Hoja{p}")))
        .collect();
    c.complete_version(job.id, &v, &list, &serde_json::json!({}))
        .await
        .unwrap();
    v
}

#[tokio::test]
async fn every_write_kind_bumps_the_change_sequence() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        assert_eq!(c.change_seq().await.unwrap(), 0, "{n}");
        assert!(c.changed_since(0, 100).await.unwrap().is_empty(), "{n}");
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        c.create_category(&category("pobreza", "Pobreza"))
            .await
            .unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 0, "{n}: not a dataset");

        let a = dataset("ds-a", &o);
        let mut bd = dataset("ds-b", &o);
        bd.state = DatasetState::Draft;
        bd.private = true;
        c.create_dataset(&a).await.unwrap();
        c.create_dataset(&bd).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 2, "{n}");
        assert_eq!(
            c.changed_since(0, 100).await.unwrap(),
            [(a.id, 1), (bd.id, 2)],
            "{n}: drafts and private datasets too"
        );

        // A write that fails changes nothing, the counter included.
        assert!(c.create_dataset(&dataset("ds-a", &o)).await.is_err(), "{n}");
        let mut ghost = dataset("ghost", &o);
        ghost.id = Uuid::new_v4();
        assert!(c.update_dataset(&ghost).await.is_err(), "{n}");
        assert_eq!(c.change_seq().await.unwrap(), 2, "{n}: rolled back");

        let r = c.create_resource(&resource(a.id, "r")).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 3, "{n}: create_resource");
        assert_eq!(c.changed_since(2, 100).await.unwrap(), [(a.id, 3)], "{n}");

        // A pending version changes nothing shown; putting it in service does.
        let (v, job) = c.create_version(&version(r.id)).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 3, "{n}: create_version");
        c.complete_version(
            job.id,
            &v,
            &[table(v.id, 0, "Hoja1")],
            &serde_json::json!({}),
        )
        .await
        .unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 4, "{n}: complete_version");
        assert_eq!(c.changed_since(3, 100).await.unwrap(), [(a.id, 4)], "{n}");

        // A failed ingestion keeps the version in service.
        let (v2, job2) = c.create_version(&version(r.id)).await.unwrap();
        c.fail_version(job2.id, v2.id, &serde_json::json!({}), "roto")
            .await
            .unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 4, "{n}: fail_version");

        let mut cols = vec![column("municipio"), column("valor")];
        cols[1].unit = "personas".into();
        c.update_table_columns(v.id, 0, &cols).await.unwrap();
        assert_eq!(
            c.change_seq().await.unwrap(),
            5,
            "{n}: update_table_columns"
        );
        assert_eq!(c.changed_since(4, 100).await.unwrap(), [(a.id, 5)], "{n}");
        let err = c.update_table_columns(v.id, 7, &cols).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{n}: {err}");
        assert_eq!(c.change_seq().await.unwrap(), 5, "{n}: missing table");

        // Deleting is an update: the index hears of it, the id list drops it.
        bd.state = DatasetState::Deleted;
        c.update_dataset(&bd).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), 6, "{n}: update_dataset");
        assert_eq!(
            c.changed_since(0, 100).await.unwrap(),
            [(a.id, 5), (bd.id, 6)],
            "{n}: one entry per dataset, its latest number"
        );
        assert_eq!(c.dataset_ids().await.unwrap(), [a.id], "{n}");
        assert_eq!(c.changed_since(0, 1).await.unwrap(), [(a.id, 5)], "{n}");
        assert_eq!(c.changed_since(5, 1).await.unwrap(), [(bd.id, 6)], "{n}");
        assert!(c.changed_since(6, 100).await.unwrap().is_empty(), "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn an_update_moves_a_dataset_after_the_others() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let mut ds: Vec<_> = ["uno", "dos", "tres"]
            .iter()
            .map(|name| dataset(name, &o))
            .collect();
        for d in &ds {
            c.create_dataset(d).await.unwrap();
        }
        ds[0].title = Localized::es("Uno, corregido");
        c.update_dataset(&ds[0]).await.unwrap();
        let order: Vec<Uuid> = c
            .changed_since(0, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(order, [ds[1].id, ds[2].id, ds[0].id], "{n}");

        c.create_resource(&resource(ds[1].id, "r")).await.unwrap();
        let changed = c.changed_since(0, 100).await.unwrap();
        assert_eq!(
            changed,
            [(ds[2].id, 3), (ds[0].id, 4), (ds[1].id, 5)],
            "{n}"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn bulk_loads_go_in_chunks_and_bring_children() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        c.create_category(&category("pobreza", "Pobreza"))
            .await
            .unwrap();
        let mut real = Vec::new();
        for i in 0..12 {
            let mut d = dataset(&format!("ds-{i}"), &o);
            d.categories = vec!["pobreza".into()];
            d.tags = vec![format!("tag-{i}")];
            if i == 3 {
                d.state = DatasetState::Deleted;
            }
            c.create_dataset(&d).await.unwrap();
            real.push(d.id);
        }
        // More ids than either database accepts in one statement (PostgreSQL 65,535,
        // SQLite 32,766), the real ones spread over chunks and across chunk edges.
        let mut ids: Vec<Uuid> = (0..70_000).map(|_| Uuid::new_v4()).collect();
        let slots = [
            0, 1, 499, 500, 501, 999, 1000, 33_000, 40_000, 65_600, 69_998, 69_999,
        ];
        for (slot, id) in slots.iter().zip(&real) {
            ids[*slot] = *id;
        }
        ids.push(real[5]); // Given twice: returned once.

        let got = c.datasets_by_ids(&ids).await.unwrap();
        let got_ids: Vec<Uuid> = got.iter().map(|d| d.id).collect();
        assert_eq!(
            got_ids, real,
            "{n}: every one, in the order asked, deleted too"
        );
        for d in &got {
            assert_eq!(d.categories, ["pobreza"], "{n}: {}", d.name);
            assert_eq!(d.tags.len(), 1, "{n}: {}", d.name);
            assert_eq!(d.spatial, ["GT", "0101", "13"], "{n}: {}", d.name);
            assert_eq!(d.extras.len(), 1, "{n}: {}", d.name);
            let one = c.dataset_by_id(d.id).await.unwrap().unwrap();
            assert_eq!(*d, one, "{n}: same as loading it alone");
        }
        assert!(c.datasets_by_ids(&[]).await.unwrap().is_empty(), "{n}");

        // Resources of the first and last datasets, with versions and tables.
        let (first, last) = (real[0], real[11]);
        let mut resources = Vec::new();
        let mut versions = Vec::new();
        for (d, name) in [(last, "l0"), (first, "f0"), (last, "l1"), (first, "f1")] {
            let r = c.create_resource(&resource(d, name)).await.unwrap();
            versions.push(ingest(c, r.id, 2).await.id);
            resources.push(r);
        }
        let got = c.resources_of_datasets(&ids).await.unwrap();
        let mut expected: Vec<(Uuid, i64)> = vec![(first, 0), (first, 1), (last, 0), (last, 1)];
        expected.sort();
        let got_keys: Vec<(Uuid, i64)> = got.iter().map(|r| (r.dataset_id, r.position)).collect();
        assert_eq!(got_keys, expected, "{n}: by dataset, then position");
        for r in &got {
            assert!(r.current_version_id.is_some(), "{n}: {}", r.name);
        }

        let mut version_ids: Vec<Uuid> = (0..40_000).map(|_| Uuid::new_v4()).collect();
        version_ids[0] = versions[2];
        version_ids[520] = versions[0];
        version_ids[39_999] = versions[3];
        let tables = c.tables_of_versions(&version_ids).await.unwrap();
        let mut expected: Vec<(Uuid, i64)> = [versions[0], versions[2], versions[3]]
            .iter()
            .flat_map(|v| [(*v, 0), (*v, 1)])
            .collect();
        expected.sort();
        let keys: Vec<(Uuid, i64)> = tables.iter().map(|t| (t.version_id, t.position)).collect();
        assert_eq!(keys, expected, "{n}: by version, then position");
        assert_eq!(
            tables[0],
            c.tables_of(tables[0].version_id).await.unwrap()[0],
            "{n}"
        );

        let views = c.dataset_views(&ids).await.unwrap();
        assert_eq!(views.len(), real.len(), "{n}");
        assert!(views.values().all(|v| *v == 0), "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn views_add_up_and_mark_datasets_changed() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let (a, bd, z) = (
            dataset("ds-a", &o),
            dataset("ds-b", &o),
            dataset("ds-z", &o),
        );
        for d in [&a, &bd, &z] {
            c.create_dataset(d).await.unwrap();
        }
        let before = c.change_seq().await.unwrap();
        let ghost = Uuid::new_v4();
        c.add_views(&[(a.id, 3), (bd.id, 1), (a.id, 2), (ghost, 5), (z.id, 0)])
            .await
            .unwrap();
        let views = c.dataset_views(&[a.id, bd.id, z.id, ghost]).await.unwrap();
        assert_eq!(
            views,
            HashMap::from([(a.id, 5), (bd.id, 1), (z.id, 0)]),
            "{n}"
        );
        assert_eq!(c.change_seq().await.unwrap(), before + 2, "{n}");
        let changed: HashSet<Uuid> = c
            .changed_since(before, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(changed, HashSet::from([a.id, bd.id]), "{n}");

        c.add_views(&[(bd.id, 10)]).await.unwrap();
        assert_eq!(
            c.changed_since(before + 2, 100).await.unwrap(),
            [(bd.id, before + 3)],
            "{n}"
        );
        assert_eq!(c.dataset_views(&[bd.id]).await.unwrap()[&bd.id], 11, "{n}");

        // Nothing to add, nothing marked; a negative count is refused whole.
        c.add_views(&[(a.id, 0)]).await.unwrap();
        c.add_views(&[]).await.unwrap();
        let err = c.add_views(&[(z.id, 4), (a.id, -1)]).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{n}: {err}");
        assert_eq!(c.change_seq().await.unwrap(), before + 3, "{n}");
        assert_eq!(c.dataset_views(&[z.id]).await.unwrap()[&z.id], 0, "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn reindex_requests_count_up() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        assert_eq!(c.index_generation().await.unwrap(), 0, "{n}");
        assert_eq!(c.request_reindex().await.unwrap(), 1, "{n}");
        assert_eq!(c.request_reindex().await.unwrap(), 2, "{n}");
        assert_eq!(c.index_generation().await.unwrap(), 2, "{n}");
        assert_eq!(c.change_seq().await.unwrap(), 0, "{n}: a separate counter");
        b.cleanup().await;
    }
}

/// A catalog written before the change sequence existed (schema 0002) opens with every
/// dataset at change 0 and 0 views, and then follows changes like a new one.
#[tokio::test]
async fn an_old_catalog_gets_the_defaults() {
    for db in empty_databases().await {
        let n = db.name;
        let pool = crate::common::admin_pool(&db.url).await;
        let migrations = [
            (
                1,
                "catalog",
                include_str!("../../migrations/0001_catalog.sql"),
            ),
            (
                2,
                "versions",
                include_str!("../../migrations/0002_versions.sql"),
            ),
        ]
        .into_iter()
        .map(|(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect();
        Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        }
        .run(&pool)
        .await
        .unwrap();
        let (org_id, ds_id, res_id) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let t = "2024-05-01T10:00:00.000000Z";
        for (sql, args) in [
            (
                "INSERT INTO organization (id, name, title_es, created) VALUES ($1, 'ine', 'INE', $2)",
                vec![org_id.to_string(), t.to_string()],
            ),
            (
                "INSERT INTO dataset (id, name, title_es, organization_id, licence_id, state, \
                 created, modified) VALUES ($1, 'viejo', 'Viejo', $2, 'CC-BY-4.0', 'active', $3, $3)",
                vec![ds_id.to_string(), org_id.to_string(), t.to_string()],
            ),
            (
                "INSERT INTO dataset_tag (dataset_id, tag) VALUES ($1, 'censo')",
                vec![ds_id.to_string()],
            ),
            (
                "INSERT INTO resource (id, dataset_id, name, format, url, position, created, \
                 modified) VALUES ($1, $2, 'Enlace', 'CSV', 'https://example.gt', 0, $3, $3)",
                vec![res_id.to_string(), ds_id.to_string(), t.to_string()],
            ),
        ] {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(a);
            }
            q.execute(&pool).await.unwrap();
        }
        pool.close().await;

        let b = db.open().await;
        let c = &b.catalog;
        assert_eq!(c.change_seq().await.unwrap(), 0, "{n}");
        assert_eq!(c.index_generation().await.unwrap(), 0, "{n}");
        assert!(c.changed_since(0, 100).await.unwrap().is_empty(), "{n}");
        assert_eq!(c.changed_since(-1, 100).await.unwrap(), [(ds_id, 0)], "{n}");
        assert_eq!(c.dataset_ids().await.unwrap(), [ds_id], "{n}");
        assert_eq!(
            c.dataset_views(&[ds_id]).await.unwrap(),
            HashMap::from([(ds_id, 0)]),
            "{n}"
        );
        let old = c.datasets_by_ids(&[ds_id]).await.unwrap();
        assert_eq!(old.len(), 1, "{n}");
        assert_eq!(old[0].tags, ["censo"], "{n}");
        let res = c.resources_of_datasets(&[ds_id]).await.unwrap();
        assert_eq!(res.len(), 1, "{n}");

        let mut d = old[0].clone();
        d.title = Localized::es("Viejo, revisado");
        c.update_dataset(&d).await.unwrap();
        c.add_views(&[(ds_id, 2)]).await.unwrap();
        assert_eq!(c.changed_since(0, 100).await.unwrap(), [(ds_id, 2)], "{n}");
        assert_eq!(c.dataset_views(&[ds_id]).await.unwrap()[&ds_id], 2, "{n}");
        b.cleanup().await;
    }
}

/// Writers on several connections (as several nodes would be) while a poller follows
/// `changed_since`: the poller never sees a number twice or out of order, and ends with
/// every dataset's latest number — a change committed below a number already seen would
/// be missed and leave it behind.
#[tokio::test]
async fn a_poller_misses_no_change_under_concurrent_writers() {
    for b in backends().await {
        let c = b.catalog.clone();
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        let mut ds = Vec::new();
        for i in 0..6 {
            let d = dataset(&format!("ds-{i}"), &o);
            c.create_dataset(&d).await.unwrap();
            ds.push(d);
        }
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let poller = {
            let c = c.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mut last = 0;
                let mut seen: HashMap<Uuid, i64> = HashMap::new();
                loop {
                    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                    loop {
                        let batch = c.changed_since(last, 5).await.unwrap();
                        for (id, seq) in &batch {
                            assert!(*seq > last, "{seq} after {last}");
                            last = *seq;
                            seen.insert(*id, *seq);
                        }
                        if batch.len() < 5 {
                            break;
                        }
                    }
                    if finished {
                        return seen;
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut writers = Vec::new();
        for w in 0..6usize {
            let c = c.clone();
            let ds = ds.clone();
            writers.push(tokio::spawn(async move {
                for i in 0..30usize {
                    let d = &ds[(w + i) % ds.len()];
                    match i % 3 {
                        0 => {
                            let mut d = d.clone();
                            d.title = Localized::es(format!("Título {w}-{i}"));
                            c.update_dataset(&d).await.unwrap();
                        }
                        1 => {
                            c.create_resource(&resource(d.id, &format!("r{w}-{i}")))
                                .await
                                .unwrap();
                        }
                        _ => {
                            let other = &ds[(w + i + 1) % ds.len()];
                            c.add_views(&[(d.id, 1), (other.id, 1)]).await.unwrap();
                        }
                    }
                }
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let seen = poller.await.unwrap();
        let actual: HashMap<Uuid, i64> = c
            .changed_since(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(seen, actual);
        // 6 creations, then per writer 10 updates, 10 resources and 10 × 2 views.
        assert_eq!(c.change_seq().await.unwrap(), 6 + 6 * 40);
        b.cleanup().await;
    }
}
