//! One Ceiba moved into another through CKAN's API: the demo catalog plus a private
//! dataset, a draft, an editor and a member, with a sysadmin's key.

use axum::http::StatusCode;
use ceiba_core::{Dataset, DatasetState, Localized, Role};
use ceiba_portal::Actor;
use serde_json::Value;

use crate::common::Side;

/// The demo catalog, with what only a sysadmin's key brings: a private dataset, a draft,
/// accounts and their roles.
async fn source() -> (Side, String) {
    let side = Side::demo().await;
    let key = side.sysadmin_token().await;
    let op = Actor::operator();
    let orgs = side.portal.catalog().organizations().await.unwrap();
    let org = &orgs[0].item;
    for (name, private, state) in [
        ("borrador-interno", false, DatasetState::Draft),
        ("datos-reservados", true, DatasetState::Active),
    ] {
        let d = Dataset {
            name: name.into(),
            title: Localized::new(format!("Conjunto {name}"), format!("Dataset {name}")),
            organization_id: org.id,
            licence_id: "cc-by".into(),
            private,
            state,
            ..Dataset::default()
        };
        side.portal
            .create_dataset(&op, d, Vec::new())
            .await
            .unwrap();
    }
    let editor = ceiba_core::Account {
        id: uuid::Uuid::new_v4(),
        name: "editora".into(),
        email: "editora@example.gt".into(),
        fullname: "Editora".into(),
        sysadmin: false,
        state: ceiba_core::AccountState::Active,
        created: ceiba_store::now(),
    };
    side.portal
        .catalog()
        .create_account(&editor, Some("otra contraseña larga"))
        .await
        .unwrap();
    side.portal
        .set_member(&op, &org.name, "editora", Role::Editor)
        .await
        .unwrap();
    side.index().await;
    (side, key)
}

/// What must be the same on both sides, per dataset (ids, names, fields, resources with
/// their ids, names, formats and file hashes).
async fn comparable(side: &Side) -> Vec<Value> {
    let catalog = side.portal.catalog();
    let mut out = Vec::new();
    for id in catalog.dataset_ids().await.unwrap() {
        let d = catalog.dataset_by_id(id).await.unwrap().unwrap();
        let resources: Vec<Value> = catalog
            .resources_of(id)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!([
                    r.id,
                    r.name,
                    r.description,
                    r.format,
                    r.sha256,
                    r.size,
                    r.original_filename,
                    r.url,
                    r.position
                ])
            })
            .collect();
        out.push(serde_json::json!({
            "id": d.id, "name": d.name, "title": d.title, "description": d.description,
            "organization": d.organization_id, "categories": d.categories, "tags": d.tags,
            "licence": d.licence_id, "temporal": d.temporal, "spatial": d.spatial,
            "frequency": d.frequency, "contact": d.contact, "source_url": d.source_url,
            "version": d.version, "state": d.state, "private": d.private,
            "created": d.created, "modified": d.modified, "extras": d.extras,
            "resources": resources,
        }));
    }
    out.sort_by_key(|v| v["id"].to_string());
    out
}

#[tokio::test]
async fn one_ceiba_moves_into_another_with_the_same_ids_and_addresses() {
    let (there, key) = source().await;
    let url = there.serve().await;
    let here = Side::new().await;
    let report = here.migrate(&url, Some(&key)).await;
    assert!(report.stopped.is_none(), "{}", report.summary());
    assert_eq!(report.datasets.failed, 0, "{}", report.summary());
    assert!(report.ckan_version.is_some(), "{}", report.summary());

    // Every dataset, private and draft ones too, with its fields and files.
    let mut want = comparable(&there).await;
    let mut got = comparable(&here).await;
    // Uploaded files get a version here that was ingested there: positions and hashes
    // match; the dataset's `modified` is the source's.
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter_mut().zip(want.iter_mut()) {
        assert_eq!(g, w, "dataset {}", w["name"]);
    }
    // Organizations and categories with their ids.
    for o in there.portal.catalog().organizations().await.unwrap() {
        let h = here
            .portal
            .catalog()
            .organization(&o.item.id.to_string())
            .await
            .unwrap()
            .expect("organization brought");
        assert_eq!(h, o.item);
    }
    for c in there.portal.catalog().categories().await.unwrap() {
        let h = here
            .portal
            .catalog()
            .category(&c.item.id.to_string())
            .await
            .unwrap()
            .expect("category brought");
        assert_eq!(h, c.item);
    }
    // Accounts without passwords, with their roles.
    let editora = here
        .portal
        .catalog()
        .account("editora")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        here.portal
            .catalog()
            .memberships_of(editora.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(here
        .portal
        .catalog()
        .verify_password("editora", "otra contraseña larga")
        .await
        .unwrap()
        .is_none());

    // Old addresses answer the same: pages, API calls, downloads.
    here.portal.ingestor().run_queue().await.unwrap();
    here.index().await;
    let public: Vec<Value> = there
        .get_json("/api/3/action/package_search?rows=1000")
        .await["result"]["results"]
        .as_array()
        .unwrap()
        .clone();
    assert!(public.len() >= 8);
    for p in &public {
        let name = p["name"].as_str().unwrap();
        let a = there
            .get_json(&format!("/api/3/action/package_show?id={name}"))
            .await;
        let b = here
            .get_json(&format!("/api/3/action/package_show?id={name}"))
            .await;
        for field in [
            "id",
            "name",
            "title",
            "notes",
            "owner_org",
            "license_id",
            "tags",
            "extras",
            "groups",
            "metadata_created",
            "metadata_modified",
        ] {
            assert_eq!(a["result"][field], b["result"][field], "{name}: {field}");
        }
        for r in p["resources"].as_array().unwrap() {
            let path = r["url"].as_str().unwrap().replace(&url, "");
            if r["url_type"] != "upload" {
                continue;
            }
            let (sa, ba) = there.get(&path).await;
            let (sb, bb) = here.get(&path).await;
            assert_eq!((sa, sb), (StatusCode::OK, StatusCode::OK), "{path}");
            assert!(ba == bb, "{path}: the same bytes");
            let page = format!("/dataset/{name}/resource/{}", r["id"].as_str().unwrap());
            assert_eq!(here.get(&page).await.0, StatusCode::OK, "{page}");
        }
        assert_eq!(
            here.get(&format!("/dataset/{name}")).await.0,
            StatusCode::OK
        );
    }

    // A second run writes nothing and fetches nothing.
    let before = here.snapshot().await;
    let again = here.migrate(&url, Some(&key)).await;
    assert_eq!(again.written(), 0, "{}", again.summary());
    assert_eq!(again.files_copied, 0, "{}", again.summary());
    assert_eq!(here.snapshot().await, before);
}

#[tokio::test]
async fn without_a_key_only_public_datasets_come_and_users_stay_behind() {
    let (there, _key) = source().await;
    let url = there.serve().await;
    let here = Side::new().await;
    let report = here.migrate(&url, None).await;
    assert_eq!(report.users.read, 0);
    let names: Vec<String> = comparable(&here)
        .await
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(!names.contains(&"datos-reservados".to_owned()), "{names:?}");
    assert!(!names.contains(&"borrador-interno".to_owned()), "{names:?}");
    assert!(here
        .portal
        .catalog()
        .account("editora")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_dataset_deleted_at_the_source_goes_to_the_trash_on_the_next_run() {
    let (there, key) = source().await;
    let url = there.serve().await;
    let here = Side::new().await;
    here.migrate(&url, Some(&key)).await;
    let gone = there
        .portal
        .delete_dataset(&Actor::operator(), "datos-reservados")
        .await
        .unwrap();
    there.index().await;
    let report = here.migrate(&url, Some(&key)).await;
    assert_eq!(report.datasets.withdrawn, 1, "{}", report.summary());
    let d = here
        .portal
        .catalog()
        .dataset_by_id(gone.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.state, DatasetState::Deleted, "in the trash, restorable");
}
