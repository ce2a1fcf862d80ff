//! What crawlers ask for first: `/robots.txt` (staff pages and APIs left out, the sitemap
//! named) and `/sitemap.xml` (the home page, publishers, categories and every public,
//! active dataset, at most the 50,000 addresses a sitemap may hold).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use ceiba_store::{DatasetFilter, DatasetSort};

use crate::SharedState;

/// Most addresses in one sitemap (the protocol's limit).
const MAX_URLS: usize = 50_000;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub async fn robots(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let site = crate::http::site_url(&state, &headers);
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /user/\nDisallow: /en/user/\nDisallow: /ckan-admin/\n\
         Disallow: /api/\nDisallow: /datastore/\nDisallow: /*/download\n\nSitemap: {site}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

pub async fn sitemap(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let site = xml_escape(&crate::http::site_url(&state, &headers));
    let mut urls: Vec<(String, Option<String>)> = vec![
        (format!("{site}/"), None),
        (format!("{site}/en"), None),
        (format!("{site}/dataset"), None),
    ];
    let built = async {
        for o in state.catalog.organizations().await? {
            urls.push((
                format!("{site}/organization/{}", xml_escape(&o.item.name)),
                None,
            ));
        }
        for c in state.catalog.categories().await? {
            urls.push((format!("{site}/group/{}", xml_escape(&c.item.name)), None));
        }
        let mut offset = 0;
        while urls.len() < MAX_URLS {
            let page = state
                .catalog
                .datasets(&DatasetFilter {
                    sort: DatasetSort::Modified,
                    limit: 1000,
                    offset,
                    ..Default::default()
                })
                .await?;
            if page.items.is_empty() {
                break;
            }
            offset += page.items.len() as i64;
            for d in page
                .items
                .iter()
                .filter(|d| crate::structured::describable(d))
            {
                urls.push((
                    format!("{site}/dataset/{}", xml_escape(&d.name)),
                    Some(d.modified.format("%Y-%m-%d").to_string()),
                ));
            }
        }
        Ok::<_, ceiba_store::StoreError>(())
    }
    .await;
    if let Err(e) = built {
        tracing::error!(error = %e, "sitemap");
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "catalog unavailable\n",
        )
            .into_response();
    }
    urls.truncate(MAX_URLS);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&loc);
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&m);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}
