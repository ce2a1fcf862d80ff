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

/// The files kept in the object store, counted on disk.
fn stored_files(w: &World) -> usize {
    walk(&w.dir.path().join("files"))
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    1
                }
            })
            .sum()
    })
}

#[tokio::test]
async fn a_dataset_and_its_links_are_written_together_or_not_at_all() {
    let w = world().await;
    let p = &w.portal;
    let editor = actor(Some((w.org.id, Role::Editor)));
    let new = |name: &str| Dataset {
        name: name.into(),
        organization_id: w.org.id,
        licence_id: "CC-BY-4.0".into(),
        categories: Vec::new(),
        ..Dataset::default()
    };
    let link = |url: &str, name: &str| ceiba_portal::ResourceInput {
        url: Some(url.into()),
        name: name.into(),
        ..Default::default()
    };
    // The second link is refused by the catalog (a name over its bound) inside the write
    // that adds the dataset: no dataset is left behind.
    let long = "n".repeat(1_000);
    let err = p
        .create_dataset(
            &editor,
            new("proyectos-snip"),
            vec![
                link("https://example.gt/a.csv", "a"),
                link("https://example.gt/b.csv", &long),
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid { field: "name", .. }),
        "{err:?}"
    );
    assert!(p
        .catalog()
        .dataset("proyectos-snip")
        .await
        .unwrap()
        .is_none());
    // A link that is not http(s) is refused before anything is written, in both languages.
    let err = p
        .create_dataset(
            &editor,
            new("proyectos-snip"),
            vec![link("javascript:alert(1)", "x")],
        )
        .await
        .unwrap_err();
    let Error::Invalid { field, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*field, "url");
    assert_eq!(
        reason.message(ceiba_core::Lang::Es),
        "Debe ser una dirección http(s)://."
    );
    // Both links well formed: both kept, with the defaults every door gets (format and
    // name from the address), the title from the name.
    let d = p
        .create_dataset(
            &editor,
            new("proyectos-snip"),
            vec![
                link("https://example.gt/datos/a.csv", ""),
                link("https://example.gt/b", "B"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(d.title.es, "proyectos-snip");
    let rs = p.catalog().resources_of(d.id).await.unwrap();
    assert_eq!(rs.len(), 2);
    assert_eq!(
        (rs[0].name.as_str(), rs[0].format.as_str()),
        ("a.csv", "CSV")
    );
    // A name in use is said as such.
    let err = p
        .create_dataset(&editor, new("proyectos-snip"), Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "name",
                reason: Reason::NameTaken
            }
        ),
        "{err:?}"
    );
    // Someone outside the organization may not publish in it; nobody signed in is told
    // to sign in.
    let outsider = actor(None);
    assert!(matches!(
        p.create_dataset(&outsider, new("otro"), Vec::new()).await,
        Err(Error::Forbidden(Thing::Dataset))
    ));
    assert!(matches!(
        p.create_dataset(&Actor::anonymous(), new("otro"), Vec::new())
            .await,
        Err(Error::SignInRequired)
    ));
}

#[tokio::test]
async fn a_form_opened_before_someone_elses_change_does_not_overwrite_it() {
    let w = world().await;
    let p = &w.portal;
    let ana = actor(Some((w.org.id, Role::Editor)));
    let luis = actor(Some((w.org.id, Role::Editor)));
    let opened = p.editable_dataset(&ana, "inversion").await.unwrap();
    let mut theirs = opened.clone();
    theirs.title.es = "Inversión pública 2026".into();
    p.update_dataset(&luis, theirs, Some(opened.modified))
        .await
        .unwrap();
    let mut mine = opened.clone();
    mine.title.es = "Inversión".into();
    let err = p
        .update_dataset(&ana, mine.clone(), Some(opened.modified))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(Thing::Dataset)), "{err:?}");
    let kept = p.catalog().dataset("inversion").await.unwrap().unwrap();
    assert_eq!(kept.title.es, "Inversión pública 2026");
    // Read again, the same change goes through.
    let fresh = p.editable_dataset(&ana, "inversion").await.unwrap();
    p.update_dataset(&ana, mine, Some(fresh.modified))
        .await
        .unwrap();
    assert_eq!(
        p.catalog()
            .dataset("inversion")
            .await
            .unwrap()
            .unwrap()
            .title
            .es,
        "Inversión"
    );
}

#[tokio::test]
async fn featuring_moving_and_deleting_follow_the_access_rule() {
    let w = world().await;
    let p = &w.portal;
    let editor = actor(Some((w.org.id, Role::Editor)));
    let admin = actor(Some((w.org.id, Role::Admin)));
    let d = p.editable_dataset(&editor, "inversion").await.unwrap();
    let featured = Dataset {
        featured: true,
        ..d.clone()
    };
    assert!(matches!(
        p.update_dataset(&editor, featured.clone(), None).await,
        Err(Error::Forbidden(Thing::Dataset))
    ));
    assert!(
        p.update_dataset(&admin, featured, None)
            .await
            .unwrap()
            .featured
    );
    // Moving to an organization the editor does not publish in is refused.
    let other = org("minfin");
    p.catalog().create_organization(&other).await.unwrap();
    let moved = Dataset {
        organization_id: other.id,
        ..p.editable_dataset(&editor, "inversion").await.unwrap()
    };
    assert!(matches!(
        p.update_dataset(&editor, moved, None).await,
        Err(Error::Forbidden(Thing::Dataset))
    ));
    // A member sees a private dataset but may not delete it; an editor may, and then it
    // is gone for every change.
    let member = actor(Some((w.org.id, Role::Member)));
    assert!(matches!(
        p.delete_dataset(&member, "inversion-interna").await,
        Err(Error::Forbidden(Thing::Dataset))
    ));
    p.delete_dataset(&editor, "inversion-interna")
        .await
        .unwrap();
    assert!(matches!(
        p.editable_dataset(&editor, "inversion-interna").await,
        Err(Error::NotFound(Thing::Dataset))
    ));
    let _ = &w.private;
}

#[tokio::test]
async fn a_new_file_the_catalog_refuses_is_not_kept() {
    let w = world().await;
    let p = &w.portal;
    let editor = actor(Some((w.org.id, Role::Editor)));
    let r = upload(&w, &w.dataset, "proyectos.csv", PROJECTS).await;
    let files_before = stored_files(&w);
    let versions_before = p.catalog().versions_of(r.id).await.unwrap().len();
    let path = w.dir.path().join("nuevo.csv");
    std::fs::write(&path, PROJECTS.replace("10", "11")).unwrap();
    // The resource's new description is over the catalog's bound: the version, the
    // change and the stored file all go.
    let refused = ceiba_core::Resource {
        description: "d".repeat(200_000),
        ..r.clone()
    };
    let err = p
        .change_resource(
            &editor,
            refused,
            Some(ceiba_portal::NewFile::new(&path, "nuevo.csv")),
            ceiba_portal::MarkRequest::Keep,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "description",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(stored_files(&w), files_before);
    assert_eq!(
        p.catalog().versions_of(r.id).await.unwrap().len(),
        versions_before
    );
    // Accepted, the new file is a new version queued for the worker; the old one serves.
    let renamed = ceiba_core::Resource {
        name: "Proyectos SNIP".into(),
        ..r.clone()
    };
    let changed = p
        .change_resource(
            &editor,
            renamed,
            Some(ceiba_portal::NewFile::new(&path, "nuevo.csv")),
            ceiba_portal::MarkRequest::Keep,
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "Proyectos SNIP");
    assert_eq!(changed.current_version_id, r.current_version_id);
    assert_eq!(stored_files(&w), files_before + 1);
    assert_eq!(
        p.catalog().versions_of(r.id).await.unwrap().len(),
        versions_before + 1
    );
    // A link may not be marked as a boundary set.
    let err = p
        .add_resource(
            &editor,
            "inversion",
            ceiba_portal::ResourceInput {
                url: Some("https://example.gt/limites.geojson".into()),
                ..Default::default()
            },
            None,
            ceiba_portal::MarkRequest::Mark {
                code: "codigo".into(),
                level: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                reason: Reason::NotBoundaryFile,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn organizations_categories_and_members_are_for_those_who_run_them() {
    let w = world().await;
    let p = &w.portal;
    let catalog = p.catalog();
    let luis = Account {
        id: Uuid::new_v4(),
        name: "luis".into(),
        email: "luis@example.gt".into(),
        fullname: String::new(),
        sysadmin: false,
        state: AccountState::Active,
        created: now(),
    };
    catalog.create_account(&luis, None).await.unwrap();
    let editor = actor(Some((w.org.id, Role::Editor)));
    let admin = actor(Some((w.org.id, Role::Admin)));
    assert!(matches!(
        p.set_member(&editor, "segeplan", "luis", Role::Editor)
            .await,
        Err(Error::Forbidden(Thing::Organization))
    ));
    assert!(matches!(
        p.set_member(&Actor::anonymous(), "segeplan", "luis", Role::Editor)
            .await,
        Err(Error::SignInRequired)
    ));
    assert!(matches!(
        p.set_member(&admin, "segeplan", "nadie", Role::Editor)
            .await,
        Err(Error::NotFound(Thing::Account))
    ));
    p.set_member(&admin, "segeplan", "luis", Role::Editor)
        .await
        .unwrap();
    assert_eq!(
        catalog.memberships_of(luis.id).await.unwrap(),
        vec![(w.org.id, Role::Editor)]
    );
    let (_, _, was) = p.remove_member(&admin, "segeplan", "luis").await.unwrap();
    assert!(was);
    // Organizations and categories: sysadmins and the command line only.
    let new_org = Organization {
        name: "ine".into(),
        ..org("ine")
    };
    assert!(matches!(
        p.create_organization(&admin, new_org.clone()).await,
        Err(Error::Forbidden(Thing::Organization))
    ));
    let made = p
        .create_organization(&Actor::operator(), new_org.clone())
        .await
        .unwrap();
    assert_eq!(made.title.es, "ine");
    assert!(matches!(
        p.create_organization(&Actor::operator(), new_org).await,
        Err(Error::Invalid {
            reason: Reason::NameTaken,
            ..
        })
    ));
    let cat = ceiba_core::Category {
        id: Uuid::nil(),
        name: "salud".into(),
        title: Localized::default(),
        description: Localized::default(),
        icon: None,
        created: now(),
    };
    assert!(matches!(
        p.create_category(&editor, cat.clone()).await,
        Err(Error::Forbidden(Thing::Category))
    ));
    p.create_category(&Actor::operator(), cat).await.unwrap();
    let (c, d) = p.file_under(&editor, "inversion", "salud").await.unwrap();
    assert_eq!(d.categories, vec![c.name.clone()]);
    // Filing twice changes nothing.
    let (_, again) = p.file_under(&editor, "inversion", "salud").await.unwrap();
    assert_eq!(again.categories, vec![c.name]);
}
