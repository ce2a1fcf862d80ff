//! Deleting datasets and resources, editing resources, organizations and categories: each
//! all or nothing, each telling the search index through the change sequence. Every test
//! runs on SQLite, and on PostgreSQL as well when `CEIBA_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{backends, category, dataset, org};
use ceiba_core::{
    Column, ColumnStats, ColumnType, DatasetState, IngestedTable, Localized, Resource,
    ResourceVersion, VersionStatus,
};
use ceiba_store::{now, DatasetFilter, StoreError};
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
        original_filename: Some("datos.csv".into()),
        format: "CSV".into(),
        media_type: None,
        size: 20,
        sha256: "11".repeat(32),
        options: serde_json::json!({}),
        status: VersionStatus::Pending,
        report: None,
        created: now(),
    }
}

fn table(version_id: Uuid) -> IngestedTable {
    IngestedTable {
        version_id,
        position: 0,
        name: "datos".into(),
        parquet_key: format!("tables/{version_id}/0.parquet"),
        rows: 3,
        columns: vec![Column {
            name: "valor".into(),
            label: "valor".into(),
            column_type: ColumnType::Text,
            type_overridden: false,
            description: String::new(),
            unit: String::new(),
            stats: ColumnStats::default(),
        }],
    }
}

#[tokio::test]
async fn delete_dataset_marks_it_deleted_and_bumps_the_change_sequence() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let (a, z) = (dataset("censo", &o), dataset("otro", &o));
        c.create_dataset(&a).await.unwrap();
        c.create_dataset(&z).await.unwrap();
        let before = c.change_seq().await.unwrap();

        c.delete_dataset(a.id).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), before + 1, "{n}");
        assert_eq!(
            c.changed_since(before, 10).await.unwrap(),
            [(a.id, before + 1)],
            "{n}"
        );
        let got = c.dataset("censo").await.unwrap().unwrap();
        assert_eq!(got.state, DatasetState::Deleted, "{n}");
        assert!(got.modified >= a.modified, "{n}");
        assert_eq!(got.tags, ["censo", "población"], "{n}: kept whole");
        assert_eq!(c.dataset_ids().await.unwrap(), [z.id], "{n}");
        let listed = c
            .datasets(&DatasetFilter {
                include_drafts: true,
                include_private: true,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.total, 1, "{n}");
        // The name stays taken, as in CKAN.
        assert!(
            c.create_dataset(&dataset("censo", &o)).await.is_err(),
            "{n}"
        );

        let err = c.delete_dataset(Uuid::new_v4()).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "dataset",
                    ..
                }
            ),
            "{n}: {err}"
        );
        assert_eq!(
            c.change_seq().await.unwrap(),
            before + 1,
            "{n}: nothing counted"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn update_resource_changes_its_description_not_its_file() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let d = dataset("censo", &o);
        c.create_dataset(&d).await.unwrap();
        let r = c.create_resource(&resource(d.id, "a")).await.unwrap();
        let before = c.change_seq().await.unwrap();

        let mut edit = r.clone();
        edit.name = "Población por municipio".into();
        edit.description = "Del censo 2018".into();
        edit.format = "XLSX".into();
        edit.media_type = None;
        edit.url = Some("https://example.gt/p.xlsx".into());
        edit.position = 4;
        edit.modified = now();
        // Fields that belong to versions are not taken from the record.
        edit.size = Some(999);
        edit.sha256 = Some("ff".repeat(32));
        edit.storage_key = None;
        c.update_resource(&edit).await.unwrap();
        assert_eq!(c.change_seq().await.unwrap(), before + 1, "{n}");
        assert_eq!(
            c.changed_since(before, 10).await.unwrap(),
            [(d.id, before + 1)],
            "{n}"
        );

        let got = c.resource(&r.id.to_string()).await.unwrap().unwrap();
        let expected = Resource {
            size: r.size,
            sha256: r.sha256.clone(),
            storage_key: r.storage_key.clone(),
            ..edit.clone()
        };
        assert_eq!(got, expected, "{n}");

        let mut bad = edit.clone();
        bad.name = " ".into();
        let err = c.update_resource(&bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "name", .. }),
            "{n}: {err}"
        );
        let mut moved = edit.clone();
        moved.dataset_id = Uuid::new_v4();
        let err = c.update_resource(&moved).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "package_id",
                    ..
                }
            ),
            "{n}: {err}"
        );
        let mut ghost = edit.clone();
        ghost.id = Uuid::new_v4();
        let err = c.update_resource(&ghost).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "resource",
                    ..
                }
            ),
            "{n}: {err}"
        );
        // A link resource (no stored file) must keep a URL.
        let mut link = resource(d.id, "enlace");
        link.storage_key = None;
        link.url = Some("https://example.gt".into());
        let link = c.create_resource(&link).await.unwrap();
        let mut no_url = link.clone();
        no_url.url = None;
        let err = c.update_resource(&no_url).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "url", .. }),
            "{n}: {err}"
        );
        assert_eq!(
            c.change_seq().await.unwrap(),
            before + 2,
            "{n}: failures count nothing"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn delete_resource_takes_its_versions_tables_and_jobs() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let d = dataset("censo", &o);
        c.create_dataset(&d).await.unwrap();
        let gone = c.create_resource(&resource(d.id, "a")).await.unwrap();
        let kept = c.create_resource(&resource(d.id, "b")).await.unwrap();
        let mut jobs = Vec::new();
        let mut versions = Vec::new();
        for r in [&gone, &gone, &kept] {
            let (v, job) = c.create_version(&version(r.id)).await.unwrap();
            c.complete_version(job.id, &v, &[table(v.id)], &serde_json::json!({}))
                .await
                .unwrap();
            jobs.push(job.id);
            versions.push(v.id);
        }
        // And one still queued.
        let (queued, queued_job) = c.create_version(&version(gone.id)).await.unwrap();
        let before = c.change_seq().await.unwrap();

        let deleted = c.delete_resource(gone.id).await.unwrap();
        assert_eq!(deleted.id, gone.id, "{n}");
        assert_eq!(deleted.current_version_id, Some(versions[1]), "{n}");
        assert_eq!(c.change_seq().await.unwrap(), before + 1, "{n}");
        assert_eq!(
            c.changed_since(before, 10).await.unwrap(),
            [(d.id, before + 1)],
            "{n}"
        );
        assert!(
            c.resource(&gone.id.to_string()).await.unwrap().is_none(),
            "{n}"
        );
        assert!(c.versions_of(gone.id).await.unwrap().is_empty(), "{n}");
        for v in [versions[0], versions[1], queued.id] {
            assert!(c.version(v).await.unwrap().is_none(), "{n}");
            assert!(c.tables_of(v).await.unwrap().is_empty(), "{n}");
            assert!(c.job_of_version(v).await.unwrap().is_none(), "{n}");
        }
        for j in [jobs[0], jobs[1], queued_job.id] {
            assert!(c.job(j).await.unwrap().is_none(), "{n}");
        }
        assert!(
            c.claim_job().await.unwrap().is_none(),
            "{n}: the queued job went too"
        );

        // The other resource keeps everything.
        let left = c.resources_of(d.id).await.unwrap();
        assert_eq!(left.len(), 1, "{n}");
        assert_eq!(left[0].id, kept.id, "{n}");
        assert_eq!(c.tables_of(versions[2]).await.unwrap().len(), 1, "{n}");
        assert!(c.job(jobs[2]).await.unwrap().is_some(), "{n}");

        let err = c.delete_resource(gone.id).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "resource",
                    ..
                }
            ),
            "{n}: {err}"
        );
        assert_eq!(c.change_seq().await.unwrap(), before + 1, "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn renaming_a_publisher_or_category_marks_its_datasets_changed() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let (ine, seg) = (org("ine"), org("segeplan"));
        c.create_organization(&ine).await.unwrap();
        c.create_organization(&seg).await.unwrap();
        let pobreza = category("pobreza", "Pobreza");
        c.create_category(&pobreza).await.unwrap();
        c.create_category(&category("salud", "Salud"))
            .await
            .unwrap();
        let mut a = dataset("a-1", &ine);
        a.categories = vec!["pobreza".into()];
        let mut bd = dataset("b-1", &ine);
        bd.state = DatasetState::Deleted;
        let mut s = dataset("s-1", &seg);
        s.categories = vec!["pobreza".into(), "salud".into()];
        for d in [&a, &bd, &s] {
            c.create_dataset(d).await.unwrap();
        }
        let before = c.change_seq().await.unwrap();

        let mut edited = ine.clone();
        edited.name = "ine-gt".into();
        edited.title = Localized::new("Instituto Nacional de Estadística", "Statistics");
        edited.website = None;
        c.update_organization(&edited).await.unwrap();
        assert_eq!(
            c.organization("ine-gt").await.unwrap().unwrap(),
            edited,
            "{n}"
        );
        assert!(c.organization("ine").await.unwrap().is_none(), "{n}");
        let mut changed: Vec<Uuid> = c
            .changed_since(before, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        changed.sort();
        let mut expected = vec![a.id, bd.id];
        expected.sort();
        assert_eq!(
            changed, expected,
            "{n}: every dataset of the publisher, deleted too"
        );
        assert_eq!(c.change_seq().await.unwrap(), before + 2, "{n}");

        let mut taken = edited.clone();
        taken.name = "segeplan".into();
        let err = c.update_organization(&taken).await.unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{n}: {err}");
        taken.name = "Mal".into();
        let err = c.update_organization(&taken).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "name", .. }),
            "{n}: {err}"
        );
        let err = c.update_organization(&org("nueva")).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{n}: {err}");
        assert_eq!(c.change_seq().await.unwrap(), before + 2, "{n}");

        let seq = c.change_seq().await.unwrap();
        let mut cat = pobreza.clone();
        cat.title = Localized::new("Pobreza y desigualdad", "Poverty and inequality");
        cat.icon = None;
        c.update_category(&cat).await.unwrap();
        assert_eq!(c.category("pobreza").await.unwrap().unwrap(), cat, "{n}");
        let mut changed: Vec<Uuid> = c
            .changed_since(seq, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        changed.sort();
        let mut expected = vec![a.id, s.id];
        expected.sort();
        assert_eq!(changed, expected, "{n}");
        cat.name = "salud".into();
        let err = c.update_category(&cat).await.unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{n}: {err}");
        let err = c
            .update_category(&category("nueva", "Nueva"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{n}: {err}");

        // A category without datasets changes nothing in the sequence.
        let seq = c.change_seq().await.unwrap();
        let mut empty = c.category("salud").await.unwrap().unwrap();
        c.update_dataset(&{
            let mut s2 = c.dataset("s-1").await.unwrap().unwrap();
            s2.categories = vec!["pobreza".into()];
            s2
        })
        .await
        .unwrap();
        empty.title = Localized::es("Salud pública");
        c.update_category(&empty).await.unwrap();
        assert_eq!(
            c.change_seq().await.unwrap(),
            seq + 1,
            "{n}: only the dataset edit"
        );
        b.cleanup().await;
    }
}

// Issue 12, problem 8: resources added at the same time got the same position.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resources_added_at_once_get_distinct_positions() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let d = dataset("censo", &o);
        c.create_dataset(&d).await.unwrap();
        let adds = (0..12).map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.create_resource(&resource(d.id, &format!("r{i}"))).await })
        });
        for done in futures::future::join_all(adds).await {
            done.unwrap().unwrap();
        }
        let mut positions: Vec<i64> = c
            .resources_of(d.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.position)
            .collect();
        positions.sort();
        assert_eq!(positions, (0..12).collect::<Vec<_>>(), "{n}");
    }
}

// Issue 12, problem 8: a `javascript:` link and one with a line break were stored; a
// dataset took 100,000 tags.
#[tokio::test]
async fn links_and_sizes_are_checked_at_every_write() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let mut d = dataset("censo", &o);
        d.source_url = Some("javascript:alert(document.cookie)".into());
        let err = c.create_dataset(&d).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "url", .. }),
            "{n}: {err}"
        );
        d.source_url = None;
        d.tags = (0..100_000).map(|i| format!("t{i}")).collect();
        let err = c.create_dataset(&d).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "tags", .. }),
            "{n}: {err}"
        );
        d.tags = vec!["censo".into()];
        c.create_dataset(&d).await.unwrap();
        let mut link = resource(d.id, "enlace");
        link.storage_key = None;
        link.url = Some("https://ine.gob.gt/\r\nSet-Cookie: a=b".into());
        let err = c.create_resource(&link).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "url", .. }),
            "{n}: {err}"
        );
        link.url = Some("https://ine.gob.gt/censo".into());
        c.create_resource(&link).await.unwrap();
        assert_eq!(c.resources_of(d.id).await.unwrap().len(), 1, "{n}");
        let mut bad_org = org("otra");
        bad_org.website = Some("javascript:void(0)".into());
        let err = c.create_organization(&bad_org).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "website",
                    ..
                }
            ),
            "{n}: {err}"
        );
    }
}
