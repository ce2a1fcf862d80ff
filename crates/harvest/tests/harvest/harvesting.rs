//! Harvesting another portal on a schedule: through CKAN's Action API or a DCAT catalog,
//! under ids of its own here, linked back, updated in place, never duplicated.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use ceiba_core::DatasetState;
use ceiba_portal::{Actor, SourceInput};

use crate::common::{serve, Side};

async fn add(here: &Side, name: &str, kind: &str, url: &str, org: &str, copy: bool) {
    here.portal
        .add_harvest_source(
            &Actor::operator(),
            SourceInput {
                name: name.into(),
                kind: kind.into(),
                url: url.into(),
                organization: org.into(),
                schedule: "daily".into(),
                copy_files: copy,
            },
        )
        .await
        .unwrap();
}

async fn run(here: &Side, name: &str) -> ceiba_harvest::Report {
    let source = here
        .portal
        .harvest_source(&Actor::operator(), name)
        .await
        .unwrap();
    ceiba_harvest::run_source(&here.portal, source, &here.run_options(true))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ckan_source_is_harvested_under_its_own_ids_and_updated_in_place() {
    let there = Side::demo().await;
    let url = there.serve().await;
    let here = Side::new().await;
    // A dataset of the same name is here already: the harvested one takes another name.
    let public = there
        .get_json("/api/3/action/package_search?rows=100")
        .await["result"]
        .clone();
    let first = public["results"][0].clone();
    let taken = first["name"].as_str().unwrap().to_owned();
    let org = here.organization("local").await;
    let mine = ceiba_core::Dataset {
        name: taken.clone(),
        title: ceiba_core::Localized::es("Mío"),
        organization_id: org.id,
        licence_id: "cc-by".into(),
        ..Default::default()
    };
    here.portal
        .create_dataset(&Actor::operator(), mine, Vec::new())
        .await
        .unwrap();

    add(&here, "demo-ckan", "ckan", &url, "", true).await;
    let report = run(&here, "demo-ckan").await;
    let count = public["count"].as_u64().unwrap();
    assert_eq!(report.datasets.created, count, "{}", report.summary());
    assert!(report.files_copied > 0);
    let snap = here.snapshot().await;
    let harvested: Vec<_> = snap
        .values()
        .filter(|v| v["dataset"]["extras"]["harvest_source"].is_string())
        .collect();
    assert_eq!(harvested.len() as u64, count);
    for h in &harvested {
        // Its own id here, the source's id and address kept to link back.
        let remote = h["dataset"]["extras"]["harvest_identifier"]
            .as_str()
            .unwrap();
        assert_ne!(h["dataset"]["id"].as_str().unwrap(), remote);
        assert_eq!(h["dataset"]["extras"]["harvest_source"], url.as_str());
    }
    let clash = harvested
        .iter()
        .find(|h| h["dataset"]["extras"]["harvest_identifier"] == first["id"])
        .unwrap();
    assert_eq!(
        clash["dataset"]["name"],
        format!("{taken}-demo-ckan").as_str()
    );
    // Its page links back to the original.
    here.index().await;
    let (_, page) = here.get(&format!("/dataset/{taken}-demo-ckan")).await;
    let page = String::from_utf8(page).unwrap();
    let host = url.trim_start_matches("http://");
    assert!(page.contains(&format!("se cosechó de {host}")), "{page}");
    assert!(
        page.contains(&format!("href=\"{url}/dataset/{taken}\"")),
        "{page}"
    );
    // Files were copied: their tables are explorable here.
    let outcomes = here.portal.ingestor().run_queue().await.unwrap();
    assert!(!outcomes.is_empty());

    // Again: nothing changes. Then the source changes one title and loses a dataset.
    let before = here.snapshot().await;
    let again = run(&here, "demo-ckan").await;
    assert_eq!(again.written(), 0, "{}", again.summary());
    assert_eq!(here.snapshot().await, before);
    // (The one whose external link could not be copied is imported again, and found
    // unchanged.)
    assert_eq!(again.datasets.read, count);
    assert_eq!(again.datasets.unchanged, count);
    let op = Actor::operator();
    let second = public["results"][1]["name"].as_str().unwrap().to_owned();
    let mut d = there
        .portal
        .catalog()
        .dataset(&second)
        .await
        .unwrap()
        .unwrap();
    d.title.es = "Título cambiado en la fuente".into();
    there.portal.update_dataset(&op, d, None).await.unwrap();
    there.portal.delete_dataset(&op, &taken).await.unwrap();
    there.index().await;
    let third = run(&here, "demo-ckan").await;
    assert_eq!(third.datasets.updated, 1, "{}", third.summary());
    assert_eq!(third.datasets.withdrawn, 1, "{}", third.summary());
    assert_eq!(third.datasets.created, 0, "never duplicated");
    let titles: Vec<String> = here
        .snapshot()
        .await
        .values()
        .filter(|v| v["dataset"]["state"] != "deleted")
        .map(|v| v["dataset"]["title"]["es"].as_str().unwrap().to_owned())
        .collect();
    assert!(titles.contains(&"Título cambiado en la fuente".to_owned()));
    // The local dataset that shared a name is untouched.
    let mine = here
        .portal
        .catalog()
        .dataset(&taken)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.title.es, "Mío");
    assert_eq!(mine.state, DatasetState::Active);
}

#[tokio::test]
async fn a_dcat_catalog_is_harvested_from_its_turtle_pages() {
    let there = Side::demo().await;
    let url = there.serve().await;
    let here = Side::new().await;
    let report = {
        add(
            &here,
            "demo-dcat",
            "dcat",
            &format!("{url}/catalog.ttl"),
            "",
            false,
        )
        .await;
        run(&here, "demo-dcat").await
    };
    let public = there.get_json("/api/3/action/package_search?rows=0").await["result"]["count"]
        .as_u64()
        .unwrap();
    assert!(report.stopped.is_none(), "{}", report.summary());
    assert_eq!(report.datasets.created, public, "{}", report.summary());
    // Publishers come from dct:publisher; distributions are links to the source.
    assert!(report.organizations.created > 0);
    let snap = here.snapshot().await;
    let with_links = snap
        .values()
        .filter(|v| {
            v["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["url"].as_str().is_some_and(|u| u.starts_with(&url)))
        })
        .count();
    assert_eq!(with_links as u64, public);
    let titled = snap
        .values()
        .filter(|v| v["dataset"]["title"]["en"].is_string())
        .count();
    assert!(titled > 0, "English titles come through");
    let again = run(&here, "demo-dcat").await;
    assert_eq!(again.written(), 0, "{}", again.summary());
    // The same catalog in RDF/XML and JSON-LD gives the same datasets.
    for ext in ["rdf", "jsonld"] {
        let other = Side::new().await;
        add(
            &other,
            "demo",
            "dcat",
            &format!("{url}/catalog.{ext}"),
            "",
            false,
        )
        .await;
        let report = run(&other, "demo").await;
        assert_eq!(
            report.datasets.created,
            public,
            "{ext}: {}",
            report.summary()
        );
        let titles = |snap: &std::collections::BTreeMap<String, serde_json::Value>| {
            let mut t: Vec<String> = snap
                .values()
                .map(|v| v["dataset"]["title"].to_string())
                .collect();
            t.sort();
            t
        };
        assert_eq!(titles(&other.snapshot().await), titles(&snap), "{ext}");
    }
}

/// Two Turtle pages that link to each other (Hydra `next`): each is read once.
#[tokio::test]
async fn dcat_pages_are_followed_and_never_read_twice() {
    let page = |n: u32, next: u32| {
        format!(
            "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .\n\
             @prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n\
             <p{n}> a hydra:PartialCollectionView ; hydra:next <{next}.ttl> .\n\
             <d{n}> a dcat:Dataset ; dct:identifier \"d{n}\" ; dct:title \"Conjunto {n}\"@es ;\n\
               dcat:distribution [ dcat:downloadURL <https://datos.example.gt/d{n}.csv> ] .\n"
        )
    };
    let app = Router::new().route(
        "/{n}",
        get(move |Path(n): Path<String>| async move {
            let body = match n.as_str() {
                "1.ttl" => page(1, 2),
                "2.ttl" => page(2, 1),
                _ => String::new(),
            };
            ([(header::CONTENT_TYPE, "text/turtle")], body).into_response()
        }),
    );
    let url = serve(app).await;
    let here = Side::new().await;
    let org = here.organization("destino").await;
    add(
        &here,
        "paginas",
        "dcat",
        &format!("{url}/1.ttl"),
        "destino",
        false,
    )
    .await;
    let report = run(&here, "paginas").await;
    assert!(report.stopped.is_none(), "{}", report.summary());
    assert_eq!(report.datasets.created, 2, "{}", report.summary());
    for v in here.snapshot().await.values() {
        assert_eq!(v["dataset"]["organization_id"], org.id.to_string().as_str());
    }
}

#[tokio::test]
async fn a_source_at_a_refused_address_ends_in_a_failed_run_that_says_why() {
    let here = Side::new().await;
    add(&here, "interna", "ckan", "http://10.0.0.7/", "", false).await;
    let source = here
        .portal
        .harvest_source(&Actor::operator(), "interna")
        .await
        .unwrap();
    let report = ceiba_harvest::run_source(&here.portal, source, &here.run_options(false))
        .await
        .unwrap();
    assert!(report.stopped.unwrap().contains("not public"));
    let runs = here.portal.catalog().harvest_runs(None, 5).await.unwrap();
    assert_eq!(runs[0].status, "failed");
    assert!(runs[0].report["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not public"));
}

#[tokio::test]
async fn sources_are_checked_when_added() {
    let here = Side::new().await;
    let op = Actor::operator();
    let bad = |kind: &str, url: &str, schedule: &str, org: &str| SourceInput {
        name: "fuente".into(),
        kind: kind.into(),
        url: url.into(),
        organization: org.into(),
        schedule: schedule.into(),
        copy_files: false,
    };
    for (input, field) in [
        (bad("oai", "https://x.example", "", ""), "type"),
        (bad("ckan", "ftp://x.example", "", ""), "url"),
        (bad("ckan", "https://x.example", "yearly", ""), "schedule"),
        (
            bad("ckan", "https://x.example", "", "nadie"),
            "organization",
        ),
    ] {
        match here.portal.add_harvest_source(&op, input).await {
            Err(ceiba_portal::Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // Only those who run the portal add sources.
    let visitor = Actor::anonymous();
    assert!(matches!(
        here.portal
            .add_harvest_source(&visitor, bad("ckan", "https://x.example", "", ""))
            .await,
        Err(ceiba_portal::Error::SignInRequired)
    ));
}
