//! Saved views: created, listed in order, updated, deleted, refused when invalid, and
//! gone with their resource. On SQLite, and on PostgreSQL when configured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{backends, dataset, org};
use ceiba_core::Resource;
use ceiba_store::{now, SavedView, StoreError};
use uuid::Uuid;

fn link(dataset_id: Uuid) -> Resource {
    let t = now();
    Resource {
        id: Uuid::new_v4(),
        dataset_id,
        name: "Proyectos".into(),
        description: String::new(),
        format: "CSV".into(),
        media_type: None,
        size: None,
        sha256: None,
        original_filename: None,
        url: Some("https://example.gt/p.csv".into()),
        storage_key: None,
        position: 0,
        current_version_id: None,
        created: t,
        modified: t,
    }
}

fn view(resource: &Resource, title: &str, position: i64) -> SavedView {
    let t = now();
    SavedView {
        id: Uuid::new_v4(),
        resource_id: resource.id,
        dataset_id: resource.dataset_id,
        title: title.into(),
        description: String::new(),
        view_type: "ceiba_chart".into(),
        spec: r#"{"type":"bar","x":"departamento","measure":"sum:monto"}"#.into(),
        featured: false,
        position,
        created: t,
        modified: t,
    }
}

#[tokio::test]
async fn views_are_kept_ordered_changed_and_removed() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("segeplan");
        c.create_organization(&o).await.unwrap();
        let d = dataset("inversion", &o);
        c.create_dataset(&d).await.unwrap();
        let r = link(d.id);
        c.create_resource(&r).await.unwrap();
        let before = c.change_seq().await.unwrap();
        let second = view(&r, "Por municipio", 2);
        let first = view(&r, "Por departamento", 1);
        c.create_view(&second).await.unwrap();
        c.create_view(&first).await.unwrap();
        assert!(
            c.change_seq().await.unwrap() > before,
            "{n}: the dataset changed"
        );
        let titles: Vec<_> = c
            .views_of_dataset(d.id)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.title)
            .collect();
        assert_eq!(titles, ["Por departamento", "Por municipio"], "{n}");
        let mut changed = first.clone();
        changed.featured = true;
        changed.title = "Inversión por departamento".into();
        c.update_view(&changed).await.unwrap();
        let got = c.view(first.id).await.unwrap().unwrap();
        assert!(
            got.featured && got.title == "Inversión por departamento",
            "{n}"
        );
        // Invalid: nothing written.
        let mut bad = view(&r, "", 3);
        assert!(
            matches!(
                c.create_view(&bad).await,
                Err(StoreError::Invalid { field: "title", .. })
            ),
            "{n}"
        );
        bad.title = "x".into();
        bad.spec = "{not json".into();
        assert!(
            matches!(
                c.create_view(&bad).await,
                Err(StoreError::Invalid { field: "spec", .. })
            ),
            "{n}"
        );
        let other = dataset("otro", &o);
        c.create_dataset(&other).await.unwrap();
        let mut elsewhere = view(&r, "x", 0);
        elsewhere.dataset_id = other.id;
        assert!(
            c.create_view(&elsewhere).await.is_err(),
            "{n}: resource of another dataset"
        );
        assert_eq!(c.views_of_resource(r.id).await.unwrap().len(), 2, "{n}");
        c.delete_view(second.id).await.unwrap();
        assert!(c.view(second.id).await.unwrap().is_none(), "{n}");
        // Gone with the resource.
        c.delete_resource(r.id).await.unwrap();
        assert!(c.views_of_dataset(d.id).await.unwrap().is_empty(), "{n}");
        b.cleanup().await;
    }
}
