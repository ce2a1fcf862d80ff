//! The demo catalog as a visitor meets it: every link on every page, in both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, VecDeque};

use crate::common::Portal;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// Internal links (`href="/…"`) of a page, without fragments.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|u| u.starts_with('/') && !u.starts_with("//"))
        .map(|u| u.split('#').next().unwrap_or(u).replace("&amp;", "&"))
        .collect()
}

async fn transferred(p: &Portal, path: &str) -> usize {
    let req = Request::get(path)
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .unwrap();
    p.request(req).await.body.len()
}

#[tokio::test]
async fn every_link_of_the_demo_works_and_pages_stay_small() {
    let p = Portal::empty().await;
    let summary = ceiba_demo::load(&p.ingestor).await.unwrap();
    assert!(summary.datasets >= 6);

    let mut queue: VecDeque<String> = ["/".to_string(), "/en".to_string()].into();
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    let mut downloads = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 600 {
            continue;
        }
        let got = p.get(&path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        let content_type = got.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        if !content_type.starts_with("text/html") {
            downloads += usize::from(path.contains("/download"));
            continue;
        }
        pages += 1;
        let html = got.text();
        assert!(
            html.contains(if path == "/en" || path.starts_with("/en/") {
                "<html lang=\"en\">"
            } else {
                "<html lang=\"es\">"
            }),
            "{path}"
        );
        // Page, stylesheet and script as a browser fetches them, compressed.
        let mut total = transferred(&p, &path).await;
        for asset in links(&html).iter().chain(
            html.split("src=\"")
                .skip(1)
                .filter_map(|s| s.split('"').next())
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .iter(),
        ) {
            if asset.starts_with("/static/") && (asset.ends_with(".css") || asset.ends_with(".js"))
            {
                total += transferred(&p, asset).await;
            }
        }
        assert!(total < 100_000, "{path}: {total} bytes transferred");
        for link in links(&html) {
            // Explorer views (sort, filter, page) and exports are exercised by their own
            // tests; following every combination here would only repeat them.
            let explorer_view = link.contains("/resource/") && link.contains('?');
            let data = link.starts_with("/datastore/") || link.starts_with("/api/v1/");
            // Search facets combine without end; the search tests cover them.
            let search_view = link.starts_with("/dataset?") || link.starts_with("/en/dataset?");
            if !link.starts_with("/static/")
                && !explorer_view
                && !data
                && !search_view
                && !seen.contains(&link)
            {
                queue.push_back(link);
            }
        }
    }
    assert!(pages >= 40, "crawled only {pages} pages");
    assert!(
        downloads >= summary.resources - 1,
        "downloads reached: {downloads}"
    );
}

#[tokio::test]
async fn demo_says_it_is_synthetic_in_both_languages() {
    let p = Portal::empty().await;
    ceiba_demo::load(&p.ingestor).await.unwrap();
    let es = p.get("/dataset/proyectos-inversion-publica").await.text();
    assert!(es.contains("Datos sintéticos de demostración"));
    let en = p
        .get("/en/dataset/proyectos-inversion-publica")
        .await
        .text();
    assert!(en.contains("Synthetic demo data"));
    let home = p.get("/").await.text();
    for cat in [
        "Desarrollo territorial",
        "Inversión pública",
        "Cooperación internacional",
        "Pobreza",
    ] {
        assert!(home.contains(cat), "home lists {cat}");
    }
}

/// The demo's featured charts and maps are drawn on their dataset pages, with marks for
/// values (not a message where the chart would be).
#[tokio::test]
async fn demo_dataset_pages_show_their_featured_charts() {
    let p = Portal::empty().await;
    ceiba_demo::load(&p.ingestor).await.unwrap();
    let mut figures = 0;
    for (name, expected) in [
        ("ranking-gestion-municipal", 1),
        ("proyectos-inversion-publica", 2),
        ("desembolsos-cooperacion-internacional", 1),
        ("casos-desnutricion-aguda", 1),
        ("poblacion-censo-2018", 1),
        ("ejecucion-presupuestaria-municipal", 1),
    ] {
        let html = p.get(&format!("/dataset/{name}")).await.text();
        let drawn: Vec<&str> = html
            .split("<figure class=\"chart\" id=\"view-")
            .skip(1)
            .map(|f| f.split("</figure>").next().unwrap())
            .collect();
        assert_eq!(drawn.len(), expected, "{name}");
        for f in drawn {
            assert!(
                f.contains("data-value=\""),
                "{name}: {}",
                &f[..f.len().min(600)]
            );
            assert!(!f.contains("ceiba-map-message"), "{name}");
            figures += 1;
        }
    }
    assert_eq!(figures, 7);
    // Loading again adds nothing (and does not bring back views a publisher removed).
    let views = p
        .catalog
        .views_of_dataset(
            p.catalog
                .dataset("proyectos-inversion-publica")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    p.catalog.delete_view(views[0].id).await.unwrap();
    ceiba_demo::load(&p.ingestor).await.unwrap();
    let html = p.get("/dataset/proyectos-inversion-publica").await.text();
    assert_eq!(
        html.matches("<figure class=\"chart\" id=\"view-").count(),
        1
    );
}
