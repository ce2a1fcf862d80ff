//! Boundary sets: marked, replaced, read alone and in bulk, listed only when public,
//! unmarked, refused when invalid, and gone with their resource; every write stamps the
//! dataset's change number. On SQLite, and on PostgreSQL when configured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{backends, dataset, org};
use ceiba_core::{DatasetState, Resource};
use ceiba_store::{now, BoundarySet, StoreError};
use uuid::Uuid;

fn upload(dataset_id: Uuid, name: &str) -> Resource {
    Resource {
        format: "TOPOJSON".into(),
        media_type: Some("application/json".into()),
        original_filename: Some(format!("{name}.topojson")),
        ..crate::common::upload(dataset_id, name)
    }
}

fn mark(resource: &Resource, code: &str, level: &str) -> BoundarySet {
    BoundarySet {
        resource_id: resource.id,
        code_property: code.into(),
        level: level.into(),
        name_property: None,
        created: now(),
    }
}

/// The dataset's change number.
async fn seq_of(c: &ceiba_store::Catalog, dataset_id: Uuid) -> i64 {
    c.changed_since(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|(id, _)| *id == dataset_id)
        .map(|(_, seq)| seq)
        .unwrap()
}

#[tokio::test]
async fn boundary_sets_are_marked_replaced_listed_and_unmarked() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let d = dataset("limites", &o);
        c.create_dataset(&d).await.unwrap();
        let deps = upload(d.id, "Departamentos");
        let munis = upload(d.id, "Municipios");
        c.create_resource(&deps).await.unwrap();
        c.create_resource(&munis).await.unwrap();
        assert!(c.boundary_set(deps.id).await.unwrap().is_none(), "{n}");
        assert!(c.public_boundary_sets().await.unwrap().is_empty(), "{n}");

        // Marking stamps the dataset.
        let before = seq_of(c, d.id).await;
        let first = mark(&deps, "cod_dep", "department");
        c.mark_boundary_set(&first).await.unwrap();
        let after = seq_of(c, d.id).await;
        assert!(after > before, "{n}: marking changes the dataset");
        let got = c.boundary_set(deps.id).await.unwrap().unwrap();
        assert_eq!(got.code_property, "cod_dep", "{n}");
        assert_eq!(got.level, "department", "{n}");
        assert_eq!(got.name_property, None, "{n}");

        // Marking again replaces the property and level, and keeps when it was first marked.
        let mut again = mark(&deps, "codigo", "");
        again.name_property = Some("nombre".into());
        again.created = first.created + chrono::Duration::days(1);
        c.mark_boundary_set(&again).await.unwrap();
        assert!(seq_of(c, d.id).await > after, "{n}: replacing changes it");
        let got = c.boundary_set(deps.id).await.unwrap().unwrap();
        assert_eq!(
            (got.code_property.as_str(), got.level.as_str()),
            ("codigo", ""),
            "{n}"
        );
        assert_eq!(got.name_property.as_deref(), Some("nombre"), "{n}");
        assert_eq!(got.created, first.created, "{n}: first marked");

        c.mark_boundary_set(&mark(&munis, "COD_MUNI", "municipality"))
            .await
            .unwrap();
        let bulk = c
            .boundary_sets_of(&[deps.id, munis.id, Uuid::new_v4()])
            .await
            .unwrap();
        assert_eq!(bulk.len(), 2, "{n}");
        assert_eq!(bulk[&munis.id].code_property, "COD_MUNI", "{n}");

        // Listed for the chart builder, in resource order, with the dataset's title.
        let list = c.public_boundary_sets().await.unwrap();
        let names: Vec<_> = list.iter().map(|s| s.resource_name.as_str()).collect();
        assert_eq!(names, ["Departamentos", "Municipios"], "{n}");
        assert_eq!(list[0].dataset_name, "limites", "{n}");
        assert_eq!(list[0].dataset_title.es, "Título limites", "{n}");
        assert_eq!(list[1].level, "municipality", "{n}");
        assert_eq!(list[1].code_property, "COD_MUNI", "{n}");

        // Unmarking: gone, the dataset changed; unmarking again changes nothing.
        let before = seq_of(c, d.id).await;
        assert!(c.unmark_boundary_set(munis.id).await.unwrap(), "{n}");
        let after = seq_of(c, d.id).await;
        assert!(after > before, "{n}: unmarking changes the dataset");
        assert!(c.boundary_set(munis.id).await.unwrap().is_none(), "{n}");
        assert!(!c.unmark_boundary_set(munis.id).await.unwrap(), "{n}");
        assert!(!c.unmark_boundary_set(Uuid::new_v4()).await.unwrap(), "{n}");
        assert_eq!(seq_of(c, d.id).await, after, "{n}: nothing to unmark");
        assert_eq!(c.public_boundary_sets().await.unwrap().len(), 1, "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn only_public_boundary_sets_are_listed_and_marks_go_with_their_resource() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let public = dataset("publico", &o);
        let mut private = dataset("privado", &o);
        private.private = true;
        let mut draft = dataset("borrador", &o);
        draft.state = DatasetState::Draft;
        let mut resources = Vec::new();
        for d in [&public, &private, &draft] {
            c.create_dataset(d).await.unwrap();
            let r = upload(d.id, &format!("Límites {}", d.name));
            c.create_resource(&r).await.unwrap();
            c.mark_boundary_set(&mark(&r, "cod", "department"))
                .await
                .unwrap();
            resources.push(r);
        }
        let list = c.public_boundary_sets().await.unwrap();
        assert_eq!(list.len(), 1, "{n}: {list:?}");
        assert_eq!(list[0].resource_id, resources[0].id, "{n}");
        // A deleted dataset leaves the list too.
        c.delete_dataset(public.id).await.unwrap();
        assert!(c.public_boundary_sets().await.unwrap().is_empty(), "{n}");
        // Deleting the resource removes its mark.
        c.delete_resource(resources[1].id).await.unwrap();
        assert!(
            c.boundary_sets_of(&[resources[1].id])
                .await
                .unwrap()
                .is_empty(),
            "{n}"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn invalid_marks_write_nothing() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let o = org("ine");
        c.create_organization(&o).await.unwrap();
        let d = dataset("limites", &o);
        c.create_dataset(&d).await.unwrap();
        let r = upload(d.id, "Departamentos");
        c.create_resource(&r).await.unwrap();
        let before = c.change_seq().await.unwrap();
        for (bad, field) in [
            (mark(&r, "  ", "department"), "code_property"),
            (mark(&r, &"x".repeat(201), ""), "code_property"),
            (mark(&r, "cod", "province"), "level"),
            (
                BoundarySet {
                    name_property: Some(String::new()),
                    ..mark(&r, "cod", "")
                },
                "name_property",
            ),
        ] {
            match c.mark_boundary_set(&bad).await {
                Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field, "{n}"),
                other => panic!("{n}: {field}: {other:?}"),
            }
        }
        let elsewhere = BoundarySet {
            resource_id: Uuid::new_v4(),
            ..mark(&r, "cod", "")
        };
        assert!(
            matches!(
                c.mark_boundary_set(&elsewhere).await,
                Err(StoreError::NotFound {
                    kind: "resource",
                    ..
                })
            ),
            "{n}"
        );
        assert!(c.boundary_set(r.id).await.unwrap().is_none(), "{n}");
        assert_eq!(c.change_seq().await.unwrap(), before, "{n}");
        b.cleanup().await;
    }
}
