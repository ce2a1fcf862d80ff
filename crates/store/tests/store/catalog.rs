//! The store suite. Every test runs on SQLite, and on PostgreSQL as well when
//! `CEIBA_TEST_DATABASE_URL` names a server (each test gets a database of its own).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{backends, category, dataset, org};
use ceiba_core::{DatasetState, Localized, Resource};
use ceiba_store::{now, DatasetFilter, DatasetSort, FileStore, StoreError};
use uuid::Uuid;

#[tokio::test]
async fn dataset_round_trips_with_everything() {
    for b in backends().await {
        let c = &b.catalog;
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        c.create_category(&category("pobreza", "Pobreza"))
            .await
            .unwrap();
        let mut d = dataset("poblacion-2018", &o);
        d.categories = vec!["pobreza".into()];
        c.create_dataset(&d).await.unwrap();

        let got = c.dataset("poblacion-2018").await.unwrap().unwrap();
        let mut expected = d.clone();
        expected.spatial = vec!["GT".into(), "0101".into(), "13".into()];
        expected.tags = vec!["censo".into(), "población".into()];
        assert_eq!(got, expected, "{}", b.name);
        // By id as well as by name, as CKAN allows.
        let by_id = c.dataset(&d.id.to_string()).await.unwrap().unwrap();
        assert_eq!(by_id.name, "poblacion-2018", "{}", b.name);
        assert!(c.dataset("nope").await.unwrap().is_none(), "{}", b.name);
        b.cleanup().await;
    }
}

#[tokio::test]
async fn names_are_unique_and_checked() {
    for b in backends().await {
        let c = &b.catalog;
        let o = org("minfin");
        c.create_organization(&o).await.unwrap();
        let err = c.create_organization(&org("minfin")).await.unwrap_err();
        assert!(
            matches!(err, StoreError::NameTaken { .. }),
            "{}: {err}",
            b.name
        );

        c.create_dataset(&dataset("presupuesto", &o)).await.unwrap();
        let err = c
            .create_dataset(&dataset("presupuesto", &o))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NameTaken { .. }),
            "{}: {err}",
            b.name
        );

        let err = c
            .create_dataset(&dataset("Presupuesto", &o))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "name", .. }),
            "{}: {err}",
            b.name
        );

        let mut bad = dataset("otra", &o);
        bad.licence_id = "mine".into();
        let err = c.create_dataset(&bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "license_id",
                    ..
                }
            ),
            "{}",
            b.name
        );

        let mut bad = dataset("otra", &o);
        bad.spatial = vec!["9999".into()];
        assert!(c.create_dataset(&bad).await.is_err(), "{}", b.name);

        // An unknown category rolls the whole dataset back.
        let mut bad = dataset("otra", &o);
        bad.categories = vec!["no-existe".into()];
        let err = c.create_dataset(&bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "groups",
                    ..
                }
            ),
            "{}",
            b.name
        );
        assert!(
            c.dataset("otra").await.unwrap().is_none(),
            "{}: nothing half-written",
            b.name
        );

        let bad = dataset("otra", &org("fantasma"));
        let err = c.create_dataset(&bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "owner_org",
                    ..
                }
            ),
            "{}",
            b.name
        );
        assert!(c.dataset("otra").await.unwrap().is_none(), "{}", b.name);
        b.cleanup().await;
    }
}

#[tokio::test]
async fn listing_filters_counts_and_pages() {
    for b in backends().await {
        let c = &b.catalog;
        let o1 = org("segeplan");
        let o2 = org("ine");
        c.create_organization(&o1).await.unwrap();
        c.create_organization(&o2).await.unwrap();
        c.create_category(&category("pobreza", "Pobreza"))
            .await
            .unwrap();
        c.create_category(&category("inversion-publica", "Inversión pública"))
            .await
            .unwrap();
        for i in 0..5 {
            let mut d = dataset(&format!("ds-{i}"), if i < 3 { &o1 } else { &o2 });
            d.created += chrono::Duration::seconds(i);
            d.categories = if i % 2 == 0 {
                vec!["pobreza".into()]
            } else {
                vec![]
            };
            d.featured = i == 4;
            c.create_dataset(&d).await.unwrap();
        }
        let mut private = dataset("privado", &o1);
        private.private = true;
        private.categories = vec!["pobreza".into()];
        c.create_dataset(&private).await.unwrap();
        let mut draft = dataset("borrador", &o1);
        draft.state = DatasetState::Draft;
        c.create_dataset(&draft).await.unwrap();

        let all = c
            .datasets(&DatasetFilter {
                limit: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 5, "{}: private and draft hidden", b.name);
        let names: Vec<_> = all.items.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["ds-4", "ds-3"], "{}: newest first", b.name);

        let page2 = c
            .datasets(&DatasetFilter {
                limit: 2,
                offset: 4,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page2.items.len(), 1, "{}", b.name);

        let seg = c
            .datasets(&DatasetFilter {
                organization: Some("segeplan".into()),
                category: Some("pobreza".into()),
                sort: DatasetSort::Name,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let names: Vec<_> = seg.items.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["ds-0", "ds-2"], "{}", b.name);

        let with_private = c
            .datasets(&DatasetFilter {
                include_private: true,
                include_drafts: true,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(with_private.total, 7, "{}", b.name);

        let featured = c
            .datasets(&DatasetFilter {
                featured_only: true,
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(featured.total, 1, "{}", b.name);

        let orgs = c.organizations().await.unwrap();
        let counts: Vec<_> = orgs
            .iter()
            .map(|o| (o.item.name.as_str(), o.dataset_count))
            .collect();
        assert_eq!(counts, [("ine", 2), ("segeplan", 3)], "{}", b.name);
        let cats = c.categories().await.unwrap();
        let counts: Vec<_> = cats
            .iter()
            .map(|o| (o.item.name.as_str(), o.dataset_count))
            .collect();
        assert_eq!(
            counts,
            [("inversion-publica", 0), ("pobreza", 3)],
            "{}",
            b.name
        );

        let tags = c.tag_counts(10).await.unwrap();
        assert_eq!(
            tags,
            [("censo".to_string(), 5), ("población".to_string(), 5)],
            "{}",
            b.name
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn update_replaces_children() {
    for b in backends().await {
        let c = &b.catalog;
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        c.create_category(&category("pobreza", "Pobreza"))
            .await
            .unwrap();
        let mut d = dataset("nbi", &o);
        c.create_dataset(&d).await.unwrap();
        d.tags = vec!["nbi".into()];
        d.categories = vec!["pobreza".into()];
        d.extras.clear();
        d.title = Localized::es("NBI por municipio");
        d.modified = now();
        c.update_dataset(&d).await.unwrap();
        let got = c.dataset("nbi").await.unwrap().unwrap();
        assert_eq!(got.tags, ["nbi"], "{}", b.name);
        assert_eq!(got.categories, ["pobreza"], "{}", b.name);
        assert!(got.extras.is_empty(), "{}", b.name);
        assert_eq!(got.title.en, None, "{}", b.name);

        let mut ghost = d.clone();
        ghost.id = Uuid::new_v4();
        ghost.name = "ghost".into();
        assert!(
            matches!(
                c.update_dataset(&ghost).await,
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            b.name
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn resources_keep_order_and_files_keep_bytes() {
    for b in backends().await {
        let c = &b.catalog;
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        let d = dataset("ranking", &o);
        c.create_dataset(&d).await.unwrap();

        let dir = tempfile::tempdir().unwrap();
        let files = FileStore::local(&dir.path().join("files")).unwrap();
        let bytes = bytes::Bytes::from_static(b"c\xf3digo;municipio\r\n0101;Guatemala\r\n");
        let rid = Uuid::new_v4();
        let stored = files
            .put(&FileStore::new_original_key(rid), bytes.clone())
            .await
            .unwrap();
        assert_eq!(stored.size, bytes.len() as i64);
        assert_eq!(files.read(&stored.key).await.unwrap(), bytes);

        let t = now();
        let upload = Resource {
            id: rid,
            dataset_id: d.id,
            name: "Ranking 2018".into(),
            description: String::new(),
            format: "CSV".into(),
            media_type: Some("text/csv".into()),
            size: Some(stored.size),
            sha256: Some(stored.sha256.clone()),
            original_filename: Some("Ranking Gestión 2018.csv".into()),
            url: None,
            storage_key: Some(stored.key.clone()),
            position: 99,
            current_version_id: None,
            created: t,
            modified: t,
        };
        let r1 = c.create_resource(&upload).await.unwrap();
        let link = Resource {
            id: Uuid::new_v4(),
            name: "Portal de origen".into(),
            url: Some("https://example.gt/ranking".into()),
            storage_key: None,
            ..upload.clone()
        };
        let r2 = c.create_resource(&link).await.unwrap();
        assert_eq!((r1.position, r2.position), (0, 1), "{}", b.name);
        let list = c.resources_of(d.id).await.unwrap();
        assert_eq!(list, vec![r1.clone(), r2], "{}", b.name);
        assert_eq!(
            c.resource(&rid.to_string()).await.unwrap(),
            Some(r1),
            "{}",
            b.name
        );

        let formats = c.formats_of(&[d.id]).await.unwrap();
        assert_eq!(formats[&d.id], ["CSV"], "{}", b.name);

        let orphan = Resource {
            id: Uuid::new_v4(),
            dataset_id: Uuid::new_v4(),
            ..upload.clone()
        };
        assert!(
            matches!(
                c.create_resource(&orphan).await,
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            b.name
        );
        b.cleanup().await;
    }
}

/// On SQLite a failed write's transaction is rolled back in the background; the next
/// write, on another connection, waits for it rather than failing "database is locked".
#[tokio::test]
async fn a_failed_write_does_not_lock_out_the_next() {
    for b in backends().await {
        let c = &b.catalog;
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        let d = dataset("nbi", &o);
        c.create_dataset(&d).await.unwrap();
        for i in 0..200 {
            let mut ghost = dataset("ghost", &o);
            ghost.id = Uuid::new_v4();
            assert!(c.update_dataset(&ghost).await.is_err(), "{}", b.name);
            let mut next = d.clone();
            next.version = Some(format!("{i}"));
            c.update_dataset(&next)
                .await
                .unwrap_or_else(|e| panic!("{}: write {i} after a failed one: {e}", b.name));
        }
        b.cleanup().await;
    }
}

/// What the catalog lists and counts for everyone follows `ceiba_core::access`: every
/// state × private, compared with what the rule lets an anonymous visitor see.
#[tokio::test]
async fn public_listings_counts_and_tags_follow_the_access_rule() {
    use ceiba_core::access::Audience;
    use std::collections::BTreeSet;
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("acceso");
        c.create_organization(&o).await.unwrap();
        let mut seen = BTreeSet::new();
        let mut seen_tags = BTreeSet::new();
        for state in [
            DatasetState::Draft,
            DatasetState::Active,
            DatasetState::Deleted,
        ] {
            for private in [false, true] {
                let name = format!("d-{}-{private}", state.as_str());
                let mut d = dataset(&name, &o);
                d.state = state;
                d.private = private;
                d.tags = vec![format!("etiqueta-{name}")];
                c.create_dataset(&d).await.unwrap();
                if Audience::Public.may_see(&d) {
                    seen.insert(name);
                    seen_tags.insert(d.tags[0].clone());
                }
            }
        }
        assert_eq!(seen.len(), 1, "{n}: only the public active one");
        let listed = c
            .datasets(&DatasetFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        let names: BTreeSet<String> = listed.items.iter().map(|d| d.name.clone()).collect();
        assert_eq!(names, seen, "{n}");
        let orgs = c.organizations().await.unwrap();
        let counted = orgs.iter().find(|w| w.item.id == o.id).unwrap();
        assert_eq!(counted.dataset_count, seen.len() as i64, "{n}");
        let tags: BTreeSet<String> = c
            .tag_counts(100)
            .await
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(tags, seen_tags, "{n}");
    }
}
