//! The use cases as every door calls them: saved views checked against their table,
//! boundary sets checked against their file, and who may do either (`core::access`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ceiba_core::{
    Account, AccountState, Dataset, DatasetState, Localized, Organization, Permissions, Role,
};
use ceiba_ingest::{Ingestor, Limits};
use ceiba_portal::{Actor, BoundaryMark, Error, Portal, Reason, Thing, ViewChange, ViewInput};
use ceiba_store::{now, Catalog, FileStore};
use ceiba_viz::territory::Level;
use uuid::Uuid;

struct World {
    portal: Portal,
    org: Organization,
    dataset: Dataset,
    private: Dataset,
    dir: tempfile::TempDir,
}

fn org(name: &str) -> Organization {
    Organization {
        id: Uuid::new_v4(),
        name: name.into(),
        title: Localized::es(name),
        description: Localized::default(),
        image_url: None,
        email: None,
        website: None,
        created: now(),
    }
}

fn dataset(name: &str, org: &Organization, private: bool) -> Dataset {
    Dataset {
        id: Uuid::new_v4(),
        name: name.into(),
        title: Localized::es(name),
        organization_id: org.id,
        licence_id: "CC-BY-4.0".into(),
        state: DatasetState::Active,
        private,
        created: now(),
        modified: now(),
        ..Dataset::default()
    }
}

fn actor(role: Option<(Uuid, Role)>) -> Actor {
    let account = Account {
        id: Uuid::new_v4(),
        name: "ana".into(),
        email: "ana@example.gt".into(),
        fullname: String::new(),
        sysadmin: false,
        state: AccountState::Active,
        created: now(),
    };
    let memberships: Vec<(Uuid, Role)> = role.into_iter().collect();
    let perms = Permissions::new(&account, &memberships);
    Actor::account(account, perms)
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::open_sqlite(&dir.path().join("catalog.db"))
        .await
        .unwrap();
    let files = FileStore::local(&dir.path().join("files")).unwrap();
    let ingestor = Ingestor::new(
        catalog.clone(),
        files,
        dir.path().join("tmp"),
        Limits::default(),
    );
    let portal = Portal::new(ingestor, Default::default());
    let o = org("segeplan");
    catalog.create_organization(&o).await.unwrap();
    let d = dataset("inversion", &o, false);
    let private = dataset("inversion-interna", &o, true);
    catalog.create_dataset(&d).await.unwrap();
    catalog.create_dataset(&private).await.unwrap();
    World {
        portal,
        org: o,
        dataset: d,
        private,
        dir,
    }
}

/// Uploads `content` as `filename` to `d` and ingests it.
async fn upload(w: &World, d: &Dataset, filename: &str, content: &str) -> ceiba_core::Resource {
    let path = w.dir.path().join(filename);
    std::fs::write(&path, content).unwrap();
    let ingestor = w.portal.ingestor();
    let (r, _, _) = ingestor
        .add_upload(d, filename, "", &path, filename, &Default::default())
        .await
        .unwrap();
    ingestor.run_queue().await.unwrap();
    w.portal
        .catalog()
        .resource(&r.id.to_string())
        .await
        .unwrap()
        .unwrap()
}

const PROJECTS: &str = "snip,departamento,monto\n001,Guatemala,10\n002,Petén,20\n003,Petén,5\n";

fn chart(params: &str) -> ViewInput {
    ViewInput {
        title: "Monto por departamento".into(),
        params: params
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        ..ViewInput::default()
    }
}

#[tokio::test]
async fn views_are_checked_against_their_table_and_the_access_rule() {
    let w = world().await;
    let r = upload(&w, &w.dataset, "proyectos.csv", PROJECTS).await;
    let rid = r.id.to_string();
    let editor = actor(Some((w.org.id, Role::Editor)));
    let p = &w.portal;

    let v = p
        .save_view(
            &editor,
            None,
            &rid,
            chart("type=bar&x=departamento&measure=sum:monto&junk=1"),
        )
        .await
        .unwrap();
    let spec: serde_json::Value = serde_json::from_str(&v.spec).unwrap();
    let params = spec["params"].to_string();
    assert!(params.contains("\"x\",\"departamento\""), "{params}");
    assert!(
        !params.contains("junk"),
        "unknown parameters are dropped: {params}"
    );

    // What the table cannot draw is refused, naming the column, in both languages.
    for bad in [
        "x=nope&measure=count",
        "x=departamento&measure=sum:departamento",
        "type=histogram&measure=sum:nope",
    ] {
        let err = p
            .save_view(&editor, None, &rid, chart(bad))
            .await
            .unwrap_err();
        match &err {
            Error::Invalid {
                field: "config",
                reason: reason @ Reason::Chart { .. },
            } => {
                let es = reason.message(ceiba_core::Lang::Es);
                // Named as the person wrote it: the chart's `x`, not the query's `group_by`.
                if bad.starts_with("x=nope") {
                    assert!(es.starts_with("x:"), "{es}");
                }
                assert!(!es.is_empty());
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // A dataset's page address must match the resource's dataset.
    let err = p
        .save_view(&editor, Some("otro"), &rid, chart("x=departamento"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(Thing::Resource)), "{err:?}");

    // Who may: members see but may not change; outsiders and anonymous callers neither.
    let member = actor(Some((w.org.id, Role::Member)));
    let err = p
        .save_view(&member, None, &rid, chart("x=departamento"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(Thing::Resource)), "{err:?}");
    let err = p
        .save_view(&Actor::anonymous(), None, &rid, chart("x=departamento"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SignInRequired), "{err:?}");

    let hidden = upload(&w, &w.private, "interno.csv", PROJECTS).await;
    let outsider = actor(Some((Uuid::new_v4(), Role::Admin)));
    let err = p
        .save_view(
            &outsider,
            None,
            &hidden.id.to_string(),
            chart("x=departamento"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(Thing::Resource)),
        "not forbidden: {err:?}"
    );

    // Changes are checked as new views are; deletes leave nothing.
    let id = v.id.to_string();
    let err = p
        .change_view(
            &editor,
            &id,
            ViewChange {
                params: Some(vec![("x".into(), "nope".into())]),
                ..ViewChange::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "config",
                ..
            }
        ),
        "{err:?}"
    );
    let changed = p
        .change_view(
            &editor,
            &id,
            ViewChange {
                featured: Some(true),
                ..ViewChange::default()
            },
        )
        .await
        .unwrap();
    assert!(changed.featured);
    assert!(matches!(
        p.delete_view(&member, &id).await.unwrap_err(),
        Error::Forbidden(Thing::View)
    ));
    p.delete_view(&editor, &id).await.unwrap();
    assert!(matches!(
        p.delete_view(&editor, &id).await.unwrap_err(),
        Error::NotFound(Thing::View)
    ));
}

/// 22 small squares whose `codigo` is a department code (`01`…`22`).
fn departments_geojson() -> String {
    let features: Vec<String> = (1..=22)
        .map(|i| {
            let x = -92.0 + f64::from(i) * 0.1;
            format!(
                r#"{{"type":"Feature","properties":{{"codigo":"{i:02}","nombre":"D{i}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},14.0],[{x2},14.0],[{x2},14.1],[{x},14.1],[{x},14.0]]]}}}}"#,
                x2 = x + 0.09
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

#[tokio::test]
async fn boundary_sets_are_checked_against_their_file() {
    let w = world().await;
    let p = &w.portal;
    let editor = actor(Some((w.org.id, Role::Editor)));
    let geo = upload(
        &w,
        &w.dataset,
        "departamentos.geojson",
        &departments_geojson(),
    )
    .await;
    let csv = upload(&w, &w.dataset, "proyectos.csv", PROJECTS).await;
    let name = w.dataset.name.as_str();
    let mark = |code: Option<&str>, level| BoundaryMark::Mark {
        code_property: code.map(str::to_owned),
        level,
    };

    // Not a boundary file at all.
    let err = p
        .mark_boundary_set(&editor, name, &csv.id.to_string(), mark(None, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "code_property",
                reason: Reason::NotBoundaryFile
            }
        ),
        "{err:?}"
    );
    // The wrong level is named, with the file's.
    let err = p
        .mark_boundary_set(
            &editor,
            name,
            &geo.id.to_string(),
            mark(Some("codigo"), Some(Level::Municipality)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "level",
                reason: Reason::WrongLevel {
                    found: Level::Department,
                    asked: Level::Municipality
                }
            }
        ),
        "{err:?}"
    );
    // A property with no codes.
    let err = p
        .mark_boundary_set(
            &editor,
            name,
            &geo.id.to_string(),
            mark(Some("nombre"), None),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                reason: Reason::Boundary(_),
                ..
            }
        ),
        "{err:?}"
    );
    // The property found by itself, the level the file's.
    let set = p
        .mark_boundary_set(&editor, name, &geo.id.to_string(), mark(None, None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (set.code_property.as_str(), set.level.as_str()),
        ("codigo", "department")
    );
    // Members may not; unmarking leaves no set.
    let member = actor(Some((w.org.id, Role::Member)));
    assert!(matches!(
        p.mark_boundary_set(&member, name, &geo.id.to_string(), BoundaryMark::Unmark)
            .await
            .unwrap_err(),
        Error::Forbidden(Thing::Resource)
    ));
    let gone = p
        .mark_boundary_set(&editor, name, &geo.id.to_string(), BoundaryMark::Unmark)
        .await
        .unwrap();
    assert!(gone.is_none());
}
