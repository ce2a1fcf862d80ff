//! The index following a real catalog: built when missing, caught up by sequence, rebuilt
//! on request, titles known after a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use ceiba_core::{Category, Contact, Dataset, DatasetState, Localized, Organization, Temporal};
use ceiba_search::{FacetField, Indexer, SearchIndex, SearchRequest};
use ceiba_store::{now, Catalog};
use uuid::Uuid;

async fn catalog(dir: &std::path::Path) -> (Catalog, Dataset) {
    let c = Catalog::open_sqlite(&dir.join("catalog.db")).await.unwrap();
    let t = now();
    let org = Organization {
        id: Uuid::new_v4(),
        name: "segeplan".into(),
        title: Localized::new("Secretaría de Planificación", "Planning Secretariat"),
        description: Localized::default(),
        image_url: None,
        email: None,
        website: None,
        created: t,
    };
    c.create_organization(&org).await.unwrap();
    c.create_category(&Category {
        id: Uuid::new_v4(),
        name: "pobreza".into(),
        title: Localized::new("Pobreza", "Poverty"),
        description: Localized::default(),
        icon: None,
        created: t,
    })
    .await
    .unwrap();
    let d = Dataset {
        id: Uuid::new_v4(),
        name: "nbi-municipal".into(),
        title: Localized::new("Necesidades básicas insatisfechas", "Unmet basic needs"),
        description: Localized::new("Hogares con **NBI** por municipio.", ""),
        organization_id: org.id,
        categories: vec!["pobreza".into()],
        tags: vec!["nbi".into()],
        licence_id: "cc-by-4.0".into(),
        temporal: Temporal::default(),
        spatial: vec!["13".into()],
        frequency: None,
        contact: Contact::default(),
        source_url: None,
        version: None,
        state: DatasetState::Active,
        private: false,
        featured: false,
        created: t,
        modified: t,
        extras: BTreeMap::new(),
    };
    c.create_dataset(&d).await.unwrap();
    (c, d)
}

fn total(index: &SearchIndex, q: &str) -> usize {
    index
        .search(&SearchRequest {
            q: q.into(),
            ..Default::default()
        })
        .unwrap()
        .total
}

#[tokio::test]
async fn follows_the_catalog_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (c, d) = catalog(dir.path()).await;
    let search = dir.path().join("search");
    {
        let indexer = Indexer::new(c.clone(), Arc::new(SearchIndex::open(&search).unwrap()));
        let r = indexer.catch_up().await.unwrap();
        assert!(r.rebuilt && r.written == 1);
        // Territory names of the coverage are searchable: 13 is Huehuetenango.
        assert_eq!(total(indexer.index(), "huehuetenango"), 1);
    }
    // A restart at the catalog's sequence: nothing to write, titles known all the same.
    let indexer = Indexer::new(c.clone(), Arc::new(SearchIndex::open(&search).unwrap()));
    let r = indexer.catch_up().await.unwrap();
    assert!(!r.rebuilt && r.written == 0);
    let index = indexer.index();
    assert_eq!(
        index
            .label(FacetField::Organization, "segeplan")
            .unwrap()
            .es,
        "Secretaría de Planificación"
    );
    assert_eq!(
        index
            .label(FacetField::Groups, "pobreza")
            .unwrap()
            .get(ceiba_core::Lang::En),
        "Poverty"
    );
    // A new dataset and a change: only they are written.
    let other = Dataset {
        id: Uuid::new_v4(),
        name: "matricula".into(),
        title: Localized::es("Matrícula escolar"),
        ..d.clone()
    };
    c.create_dataset(&other).await.unwrap();
    c.update_dataset(&Dataset {
        title: Localized::es("Carencias críticas"),
        ..d.clone()
    })
    .await
    .unwrap();
    let r = indexer.catch_up().await.unwrap();
    assert_eq!((r.rebuilt, r.written, r.removed), (false, 2, 0));
    assert_eq!(total(index, "matricula"), 1);
    assert_eq!(total(index, "carencias"), 1);
    assert_eq!(total(index, "insatisfechas"), 0);
    // Deleted: removed.
    c.update_dataset(&Dataset {
        state: DatasetState::Deleted,
        ..other
    })
    .await
    .unwrap();
    let r = indexer.catch_up().await.unwrap();
    assert_eq!(r.removed, 1);
    assert_eq!(total(index, "matricula"), 0);
    // `ceiba reindex` bumps the generation: the next pass rebuilds.
    c.request_reindex().await.unwrap();
    let r = indexer.catch_up().await.unwrap();
    assert!(r.rebuilt && r.written == 1);
    assert_eq!(indexer.catch_up().await.unwrap(), Default::default());
}

#[tokio::test]
async fn an_index_ahead_of_the_catalog_is_rebuilt() {
    // A catalog restored from an older backup: its sequence is behind the index's.
    let dir = tempfile::tempdir().unwrap();
    let (c, _) = catalog(dir.path()).await;
    let index = Arc::new(SearchIndex::open(&dir.path().join("search")).unwrap());
    index
        .replace_all(
            Vec::new(),
            ceiba_search::IndexState {
                schema: 0,
                seq: 1_000,
                generation: 0,
            },
        )
        .unwrap();
    let r = Indexer::new(c, index.clone()).catch_up().await.unwrap();
    assert!(r.rebuilt);
    assert_eq!(total(&index, "necesidades"), 1);
}
