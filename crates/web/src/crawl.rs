//! What crawlers and feed readers ask for: `/robots.txt` (staff pages and APIs left out,
//! the sitemap named), `/sitemap.xml` (the home page, publishers, categories and every
//! public, active dataset, at most the 50,000 addresses a sitemap may hold), and Atom feeds
//! of the latest changed public datasets (CKAN's `/feeds/…` addresses).

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

/// Entries in a feed.
const FEED_ENTRIES: i64 = 50;

/// `/feeds/dataset.atom`, `/feeds/organization/{name}.atom`, `/feeds/group/{name}.atom`:
/// the most recently changed public datasets (all, of a publisher, of a category).
async fn feed(state: &SharedState, headers: &HeaderMap, scope: FeedScope) -> Response {
    let site = crate::http::site_url(state, headers);
    let built = async {
        let (filter, title, self_path) = match &scope {
            FeedScope::All => (
                DatasetFilter::default(),
                state.config.site_name.clone(),
                "/feeds/dataset.atom".to_owned(),
            ),
            FeedScope::Organization(name) => {
                let Some(o) = state.catalog.organization(name).await? else {
                    return Ok(None);
                };
                (
                    DatasetFilter {
                        organization: Some(o.name.clone()),
                        ..Default::default()
                    },
                    format!("{} · {}", o.title.es, state.config.site_name),
                    format!("/feeds/organization/{}.atom", o.name),
                )
            }
            FeedScope::Category(name) => {
                let Some(c) = state.catalog.category(name).await? else {
                    return Ok(None);
                };
                (
                    DatasetFilter {
                        category: Some(c.name.clone()),
                        ..Default::default()
                    },
                    format!("{} · {}", c.title.es, state.config.site_name),
                    format!("/feeds/group/{}.atom", c.name),
                )
            }
        };
        let page = state
            .catalog
            .datasets(&DatasetFilter {
                sort: DatasetSort::Modified,
                limit: FEED_ENTRIES,
                ..filter
            })
            .await?;
        let datasets: Vec<_> = page
            .items
            .into_iter()
            .filter(crate::structured::describable)
            .collect();
        Ok::<_, ceiba_store::StoreError>(Some((title, self_path, datasets)))
    }
    .await;
    let (title, self_path, datasets) = match built {
        Ok(Some(found)) => found,
        Ok(None) => return axum::http::StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "feed");
            return (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "catalog unavailable\n",
            )
                .into_response();
        }
    };
    let x = |s: &str| xml_escape(s);
    let updated = datasets
        .first()
        .map_or_else(chrono::Utc::now, |d| d.modified)
        .to_rfc3339();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"es\">\n\
         <title>{}</title>\n<id>{}{}</id>\n<link rel=\"self\" href=\"{}{}\"/>\n<link rel=\"alternate\" href=\"{}/dataset\"/>\n<updated>{updated}</updated>\n",
        x(&title),
        x(&site),
        x(&self_path),
        x(&site),
        x(&self_path),
        x(&site),
    );
    for d in &datasets {
        let url = format!("{site}/dataset/{}", d.name);
        let summary: String = d.description.es.chars().take(500).collect();
        xml.push_str(&format!(
            "<entry>\n  <title>{}</title>\n  <id>urn:uuid:{}</id>\n  <link rel=\"alternate\" href=\"{}\"/>\n  \
             <published>{}</published>\n  <updated>{}</updated>\n  <summary>{}</summary>\n  <author><name>{}</name></author>\n</entry>\n",
            x(&d.title.es),
            d.id,
            x(&url),
            d.created.to_rfc3339(),
            d.modified.to_rfc3339(),
            x(&summary),
            x(&state.config.site_name),
        ));
    }
    xml.push_str("</feed>\n");
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

enum FeedScope {
    All,
    Organization(String),
    Category(String),
}

pub async fn all_datasets(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    feed(&state, &headers, FeedScope::All).await
}

/// The name in `{name}.atom`.
fn feed_name(file: &str) -> Option<String> {
    file.strip_suffix(".atom").map(str::to_owned)
}

pub async fn organization(
    State(state): State<SharedState>,
    headers: HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    match feed_name(&file) {
        Some(n) => feed(&state, &headers, FeedScope::Organization(n)).await,
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn group(
    State(state): State<SharedState>,
    headers: HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    match feed_name(&file) {
        Some(n) => feed(&state, &headers, FeedScope::Category(n)).await,
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}
