//! The search page and suggestions through HTTP: Spanish analysis end to end (a table's
//! columns and values become searchable once ingested), facets that combine, escaping,
//! "most viewed", and the index following the catalog by itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::common::{fixture, upload_table, Portal};
use axum::http::StatusCode;

const PROJECTS: &str = "snip,municipio,departamento,monto\n\
000101,Mixco,Guatemala,1500000.50\n\
000102,Huehuetenango,Huehuetenango,2500000\n\
000103,Chiantla,Huehuetenango,800000\n";

async fn portal() -> Portal {
    let p = Portal::empty().await;
    let (d, _) = fixture(&p).await;
    upload_table(&p, &d, "Proyectos de inversión", "proyectos.csv", PROJECTS).await;
    p
}

fn count_of(html: &str) -> String {
    let at = html.find("class=\"count\"").expect("a result count");
    let rest = &html[at..];
    rest[rest.find('>').unwrap() + 1..rest.find("</p>").unwrap()].to_owned()
}

#[tokio::test]
async fn accents_plurals_typos_and_prefixes_through_the_page() {
    let p = portal().await;
    for (q, why) in [
        ("necesidades", "title"),
        ("necesidad basica", "plural and accent"),
        ("insatisfechaz", "typo"),
        ("insatisf", "prefix"),
        ("huehuetenango", "a value of the ingested table"),
        ("monto", "a column of the ingested table"),
    ] {
        let html = p
            .get(&format!("/dataset?q={}", q.replace(' ', "+")))
            .await
            .text();
        assert!(
            html.contains("href=\"/dataset/nbi-municipal\""),
            "{q} ({why}): {}",
            count_of(&html)
        );
        assert!(html.contains("<mark>"), "{q}: highlighted");
    }
    let html = p.get("/dataset?q=huehuetenango").await.text();
    assert!(html.contains("Valores en los datos:</span> <mark>Huehuetenango</mark>"));
    let html = p.get("/en/dataset?q=poverty").await.text();
    assert!(html.contains("href=\"/en/dataset/nbi-municipal\""));
    assert!(html.contains("Results for “poverty”") || html.contains("poverty"));
}

#[tokio::test]
async fn facets_count_combine_and_can_be_removed() {
    let p = portal().await;
    let html = p.get("/dataset").await.text();
    assert!(html.contains("<h2>Publicadores</h2>"));
    // Both public datasets are SEGEPLAN's, in the "Pobreza" category, tagged nbi.
    assert!(html.contains(
        "<a href=\"/dataset?organization=segeplan\" rel=\"nofollow\"><span>Secretaría de Planificación</span> <span class=\"count\">2</span></a>"
    ), "{html}");
    assert!(html.contains(
        "href=\"/dataset?res_format=CSV\" rel=\"nofollow\"><span>CSV</span> <span class=\"count\">1</span>"
    ));
    let html = p.get("/dataset?tags=nbi&res_format=CSV").await.text();
    assert!(
        count_of(&html).contains("1 conjunto de datos"),
        "{}",
        count_of(&html)
    );
    assert!(html.contains(
        "href=\"/dataset?tags=nbi\" rel=\"nofollow\" title=\"Quitar este filtro\">Formatos: CSV"
    ));
    assert!(html.contains("class=\"selected\" aria-current=\"true\""));
    // An unknown value: no results, the filter listed so it can be removed, help shown.
    let html = p.get("/dataset?organization=no-existe").await.text();
    assert!(count_of(&html).contains("Ningún") || count_of(&html).contains('0'));
    assert!(html.contains("Quite algún filtro"));
    assert!(html.contains("href=\"/dataset\" rel=\"nofollow\" title=\"Quitar este filtro\""));
}

#[tokio::test]
async fn what_is_typed_is_escaped_and_odd_input_gives_a_page() {
    let p = portal().await;
    let got = p
        .get("/dataset?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+pobreza")
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    let long = "pobreza+".repeat(200);
    for q in [
        "/dataset?q=%22",
        "/dataset?q=%3A",
        "/dataset?q=*",
        "/dataset?q=(",
        "/dataset?q=title%3Apobreza%20AND%20(",
        "/dataset?sort=%00",
        "/dataset?year=abc&license_id=%22",
        &format!("/dataset?q={long}"),
    ] {
        assert_eq!(p.get(q).await.status, StatusCode::OK, "{q}");
    }
}

#[tokio::test]
async fn suggestions_are_json_for_the_search_box() {
    let p = portal().await;
    let got = p.get("/api/v1/suggest?q=necesid").await;
    assert_eq!(got.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    insta::assert_json_snapshot!("suggest", v);
    let v: serde_json::Value =
        serde_json::from_slice(&p.get("/api/v1/suggest?q=pobre&lang=en").await.body).unwrap();
    assert_eq!(v["categories"][0]["url"], "/en/group/pobreza");
    assert_eq!(v["categories"][0]["title"], "Poverty");
    let v: serde_json::Value =
        serde_json::from_slice(&p.get("/api/v1/suggest?q=").await.body).unwrap();
    assert_eq!(v["datasets"].as_array().unwrap().len(), 0);
    // The page's search box asks for them; the page works without.
    let html = p.get("/").await.text();
    assert!(html.contains("data-suggest=\"\""));
}

#[tokio::test]
async fn most_viewed_follows_page_views() {
    let p = portal().await;
    for _ in 0..3 {
        assert_eq!(
            p.get("/dataset/ranking-municipal").await.status,
            StatusCode::OK
        );
    }
    p.get("/dataset/nbi-municipal").await;
    p.state.visits.flush(&p.catalog).await.unwrap();
    let html = p.get("/dataset?sort=views").await.text();
    let first = html.find("/dataset/ranking-municipal\"").unwrap();
    let second = html.find("/dataset/nbi-municipal\"").unwrap();
    assert!(first < second);
    assert!(html.contains("<option value=\"views\" selected>Más vistos</option>"));
}

#[tokio::test]
async fn the_index_follows_the_catalog_by_itself() {
    let p = Portal::empty().await;
    let (base, _) = fixture(&p).await;
    p.state.indexer.catch_up().await.unwrap();
    let _follow = p.state.indexer.clone().spawn(Duration::from_millis(100));
    let d = ceiba_core::Dataset {
        id: uuid::Uuid::new_v4(),
        name: "matricula-escolar".into(),
        title: ceiba_core::Localized::es("Matrícula escolar por municipio"),
        ..base.clone()
    };
    p.catalog.create_dataset(&d).await.unwrap();
    let index = p.state.indexer.index();
    let req = ceiba_search::SearchRequest {
        q: "matricula".into(),
        ..Default::default()
    };
    // No catch-up here: only the background follower can make it searchable.
    let mut found = 0;
    for _ in 0..100 {
        found = index.search(&req).unwrap().total;
        if found == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, 1);
    // Made private: gone from public search.
    p.catalog
        .update_dataset(&ceiba_core::Dataset { private: true, ..d })
        .await
        .unwrap();
    for _ in 0..100 {
        found = index.search(&req).unwrap().total;
        if found == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, 0);
}
