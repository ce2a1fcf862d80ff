//! `/data.json`: the catalog in DCAT-US 1.1 (Project Open Data), which U.S.-style
//! aggregators and many harvesters read. Public, active datasets only, at most
//! `MAX_DATASETS`.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use ceiba_core::territory::{resolve, Territory};
use ceiba_core::{Frequency, Licence};
use ceiba_store::{DatasetFilter, DatasetSort};
use serde_json::{json, Value};

use crate::SharedState;

/// Most datasets listed (read 1,000 at a time).
const MAX_DATASETS: usize = 20_000;

/// DCAT-US's `accrualPeriodicity`: an ISO 8601 repeating duration.
fn periodicity(f: Frequency) -> Option<&'static str> {
    Some(match f {
        Frequency::Cont => "R/PT1S",
        Frequency::Hourly => "R/PT1H",
        Frequency::Daily => "R/P1D",
        Frequency::Weekly => "R/P1W",
        Frequency::Biweekly => "R/P2W",
        Frequency::Monthly => "R/P1M",
        Frequency::Bimonthly => "R/P2M",
        Frequency::Quarterly => "R/P3M",
        Frequency::Annual2 => "R/P6M",
        Frequency::Annual => "R/P1Y",
        Frequency::Biennial => "R/P2Y",
        Frequency::Triennial => "R/P3Y",
        Frequency::Quinquennial => "R/P5Y",
        Frequency::Decennial => "R/P10Y",
        Frequency::Irreg => "irregular",
        Frequency::Never | Frequency::Other | Frequency::Unknown => return None,
    })
}

pub async fn data_json(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let site = crate::http::site_url(&state, &headers);
    let built = async {
        let orgs = state.catalog.organizations().await?;
        let categories = state.catalog.categories().await?;
        let mut datasets = Vec::new();
        let mut offset = 0;
        while datasets.len() < MAX_DATASETS {
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
            let ids: Vec<_> = page.items.iter().map(|d| d.id).collect();
            let all_resources = state.catalog.resources_by_dataset(&ids).await?;
            for d in page.items.iter().filter(|d| crate::structured::describable(d)) {
                let url = format!("{site}/dataset/{}", d.name);
                let org = orgs.iter().find(|o| o.item.id == d.organization_id);
                let resources = all_resources.get(&d.id).map_or(&[][..], Vec::as_slice);
                let distribution: Vec<Value> = resources
                    .iter()
                    .map(|r| {
                        let mut dist = json!({ "@type": "dcat:Distribution", "title": r.name });
                        if r.is_upload() {
                            dist["downloadURL"] = json!(format!("{url}/resource/{}/download", r.id));
                            // DCAT-US requires a media type beside every downloadURL.
                            let mt = r
                                .media_type
                                .clone()
                                .or_else(|| ceiba_core::media_type_for_format(&r.format).map(str::to_owned))
                                .unwrap_or_else(|| "application/octet-stream".into());
                            dist["mediaType"] = json!(mt);
                        } else if let Some(link) = &r.url {
                            dist["accessURL"] = json!(link);
                        }
                        if !r.format.is_empty() {
                            dist["format"] = json!(r.format);
                        }
                        dist
                    })
                    .collect();
                // DCAT-US requires at least one keyword.
                let keyword = if d.tags.is_empty() {
                    vec![d.name.clone()]
                } else {
                    d.tags.clone()
                };
                let mut entry = json!({
                    "@type": "dcat:Dataset",
                    "title": d.title.es,
                    "description": if d.description.es.trim().is_empty() { &d.title.es } else { &d.description.es },
                    "keyword": keyword,
                    "modified": d.modified.to_rfc3339(),
                    "publisher": {
                        "@type": "org:Organization",
                        "name": org.map_or_else(|| state.config.site_name.clone(), |o| o.item.title.es.clone()),
                    },
                    "contactPoint": {
                        "@type": "vcard:Contact",
                        "fn": d.contact.name.clone().filter(|n| !n.trim().is_empty())
                            .or_else(|| org.map(|o| o.item.title.es.clone()))
                            .unwrap_or_else(|| state.config.site_name.clone()),
                    },
                    "identifier": url,
                    "accessLevel": "public",
                    "landingPage": url,
                    "issued": d.created.format("%Y-%m-%d").to_string(),
                    "language": ["es"],
                    "distribution": distribution,
                });
                if let Some(l) = Licence::find(&d.licence_id).filter(|l| !l.url.is_empty()) {
                    entry["license"] = json!(l.url);
                }
                if let Some(p) = d.frequency.and_then(periodicity) {
                    entry["accrualPeriodicity"] = json!(p);
                }
                // Only a real address: DCAT-US refuses an empty `mailto:`.
                if let Some(email) = d
                    .contact
                    .email
                    .clone()
                    .or_else(|| org.and_then(|o| o.item.email.clone()))
                    .filter(|e| e.contains('@'))
                {
                    entry["contactPoint"]["hasEmail"] = json!(format!("mailto:{email}"));
                }
                // An ISO 8601 interval with both ends (DCAT-US has no open end): a period
                // still running ends, for now, at the last update.
                match (d.temporal.start, d.temporal.end) {
                    (Some(s), Some(e)) => entry["temporal"] = json!(format!("{s}/{e}")),
                    (Some(s), None) if s <= d.modified.date_naive() => {
                        entry["temporal"] = json!(format!("{s}/{}", d.modified.date_naive()))
                    }
                    _ => {}
                }
                let places: Vec<String> = d
                    .spatial
                    .iter()
                    .filter_map(|c| match resolve(c)? {
                        Territory::Country => Some("Guatemala".to_owned()),
                        Territory::Department(_, n) | Territory::Municipality(_, n) => Some(n.to_owned()),
                    })
                    .collect();
                if !places.is_empty() {
                    entry["spatial"] = json!(places.join(", "));
                }
                let themes: Vec<&str> = categories
                    .iter()
                    .filter(|c| d.categories.contains(&c.item.name))
                    .map(|c| c.item.title.es.as_str())
                    .collect();
                if !themes.is_empty() {
                    entry["theme"] = json!(themes);
                }
                datasets.push(entry);
            }
        }
        Ok::<_, ceiba_store::StoreError>(datasets)
    }
    .await;
    match built {
        Ok(datasets) => {
            let catalog = json!({
                "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
                "@id": format!("{site}/data.json"),
                "@type": "dcat:Catalog",
                "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
                "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
                "dataset": datasets,
            });
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                catalog.to_string(),
            )
                .into_response()
        }
        Err(e) => crate::error::store_unavailable(e),
    }
}
