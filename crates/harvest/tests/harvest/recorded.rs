//! Migration from recorded answers of a real CKAN (EnviDat, CKAN 2.10+; see
//! `tests/fixtures/ckan/PROVENANCE.md`), served on loopback as the portal answered them,
//! its own address replaced by the test server's.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::common::Side;

const ORIGIN: &str = "https://www.envidat.ch";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/ckan/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

#[derive(Clone)]
struct Recorded {
    /// Package dicts as recorded, the test server's address in their URLs.
    packages: Vec<Value>,
    organizations: Vec<Value>,
    avalanche: Value,
    /// Downloads answered with 500 while above zero (one each).
    failing_downloads: Arc<AtomicUsize>,
}

/// The bytes the server gives for a file: a small CSV, the same every time.
pub fn file_bytes(rid: &str) -> Vec<u8> {
    format!("codigo,valor\n0101,{}\n2217,7\n", rid.len()).into_bytes()
}

impl Recorded {
    fn load(origin: &str) -> Recorded {
        let swap = |name: &str| -> Value {
            serde_json::from_str(&fixture(name).replace(ORIGIN, origin)).unwrap()
        };
        let mut packages: Vec<Value> = swap("package_search.json")["result"]["results"]
            .as_array()
            .unwrap()
            .clone();
        packages.push(swap("package_show.json")["result"].clone());
        Recorded {
            packages,
            organizations: swap("organization_list.json")["result"]
                .as_array()
                .unwrap()
                .clone(),
            avalanche: swap("organization_show_avalanche-formation.json")["result"].clone(),
            failing_downloads: Arc::new(AtomicUsize::new(0)),
        }
    }
}

fn ok(result: Value) -> Response {
    axum::Json(json!({ "success": true, "result": result })).into_response()
}

async fn action(
    State(rec): State<Recorded>,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let int = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    match name.as_str() {
        // The recorded page, with the third recorded package; the count is what we hold.
        "package_search" => {
            let results: Vec<Value> = if int("start") == 0 {
                rec.packages.clone()
            } else {
                Vec::new()
            };
            ok(json!({ "count": rec.packages.len(), "results": results, "sort": "metadata_created desc", "facets": {}, "search_facets": {} }))
        }
        "organization_list" => ok(Value::Array(if int("offset") == 0 {
            rec.organizations.clone()
        } else {
            Vec::new()
        })),
        "organization_show" => {
            let id = q.get("id").cloned().unwrap_or_default();
            if id == "avalanche-formation" {
                return ok(rec.avalanche.clone());
            }
            match rec.organizations.iter().find(|o| o["name"] == id.as_str()) {
                Some(o) => ok(o.clone()),
                None => (StatusCode::NOT_FOUND, axum::Json(json!({"success": false, "error": {"message": "Not found", "__type": "Not Found Error"}}))).into_response(),
            }
        }
        // EnviDat files no dataset under groups.
        "group_list" => ok(json!([])),
        _ => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"success": false, "error": {"message": format!("Action name not known: {name}")}})),
        )
            .into_response(),
    }
}

async fn download(
    State(rec): State<Recorded>,
    Path((_id, rid, _file)): Path<(String, String, String)>,
) -> Response {
    if rec
        .failing_downloads
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    file_bytes(&rid).into_response()
}

/// Serves the recordings; their address and the server's state.
async fn envidat() -> (String, Recorded) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    // Bind again on the same port through `serve` (the address must be known first to
    // rewrite the recordings).
    let rec = Recorded::load(&origin);
    let app = Router::new()
        .route("/api/3/action/{name}", get(action))
        .route(
            "/dataset/{id}/resource/{rid}/download/{file}",
            get(download),
        )
        .with_state(rec.clone());
    let listener = tokio::net::TcpListener::bind(origin.trim_start_matches("http://"))
        .await
        .unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (origin, rec)
}

#[tokio::test]
async fn a_recorded_ckan_comes_over_with_its_ids_names_files_and_addresses() {
    let (origin, rec) = envidat().await;
    let here = Side::new().await;
    let report = here.migrate(&origin, None).await;
    assert!(report.stopped.is_none(), "{}", report.summary());
    assert_eq!(report.datasets.read, 3, "{}", report.summary());
    assert_eq!(report.datasets.created, 3, "{}", report.summary());
    assert_eq!(report.files_copied, 8, "{}", report.summary());
    // The 25 listed, and those of packages whose organization the list left out (CKAN
    // caps `all_fields` lists), from the packages' own dicts.
    let listed: Vec<&Value> = rec.organizations.iter().map(|o| &o["id"]).collect();
    let mut unlisted: Vec<&Value> = rec
        .packages
        .iter()
        .map(|p| &p["owner_org"])
        .filter(|o| !listed.contains(o))
        .collect();
    unlisted.sort_by_key(|v| v.to_string());
    unlisted.dedup();
    assert_eq!(
        report.organizations.created as usize,
        25 + unlisted.len(),
        "{}",
        report.summary()
    );
    here.portal.ingestor().run_queue().await.unwrap();
    here.index().await;

    for p in &rec.packages {
        let id = p["id"].as_str().unwrap();
        let name = p["name"].as_str().unwrap();
        // The CKAN API answers with the same ids, names and fields.
        let got = here
            .get_json(&format!("/api/3/action/package_show?id={id}"))
            .await["result"]
            .clone();
        assert_eq!(got["id"], p["id"]);
        assert_eq!(got["name"], p["name"]);
        assert_eq!(got["title"], p["title"]);
        assert_eq!(got["notes"], p["notes"]);
        assert_eq!(got["owner_org"], p["owner_org"]);
        // A licence this portal does not know is reported, and kept as an extra.
        if p["license_id"] == "other-undefined" {
            assert_eq!(got["license_id"], "notspecified");
            assert!(report
                .problems
                .iter()
                .any(|x| x.message.contains("other-undefined")));
        } else {
            assert_eq!(got["license_id"], p["license_id"]);
        }
        assert_eq!(got["metadata_created"], p["metadata_created"]);
        let tags = |v: &Value| {
            let mut t: Vec<String> = v["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned())
                .collect();
            t.sort();
            t
        };
        assert_eq!(tags(&got), tags(p));
        // Schema fields the core model lacks (EnviDat's doi, funding…) are extras.
        let extras: HashMap<String, String> = got["extras"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["key"].as_str().unwrap().to_owned(),
                    e["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            extras.get("doi").map(String::as_str),
            p["doi"].as_str(),
            "{extras:?}"
        );
        assert!(extras.contains_key("deprecatedResources"), "{extras:?}");
        // Pages answer at the old addresses: by name and by id.
        assert_eq!(
            here.get(&format!("/dataset/{name}")).await.0,
            StatusCode::OK
        );
        assert_eq!(here.get(&format!("/dataset/{id}")).await.0, StatusCode::OK);
        let resources = p["resources"].as_array().unwrap();
        let got_resources = got["resources"].as_array().unwrap();
        assert_eq!(got_resources.len(), resources.len());
        for (r, g) in resources.iter().zip(got_resources) {
            assert_eq!(g["id"], r["id"], "resources keep their ids and order");
            assert_eq!(g["name"], r["name"]);
            assert_eq!(g["url_type"], "upload");
            let rid = r["id"].as_str().unwrap();
            let old = r["url"].as_str().unwrap().replace(&origin, "");
            // The download address scripts in the wild use gives the same bytes.
            let (status, body) = here.get(&old).await;
            assert_eq!(status, StatusCode::OK, "{old}");
            assert_eq!(body, file_bytes(rid), "{old}");
            // And the resource's URL here is that same path.
            assert!(
                g["url"].as_str().unwrap().ends_with(&old),
                "{} vs {old}",
                g["url"]
            );
            assert_eq!(
                here.get(&format!("/dataset/{id}/resource/{rid}")).await.0,
                StatusCode::OK
            );
        }
    }
    // Organizations, at their old addresses.
    assert_eq!(
        here.get("/organization/avalanche-formation").await.0,
        StatusCode::OK
    );
    let org = here
        .get_json("/api/3/action/organization_show?id=avalanche-formation")
        .await;
    assert_eq!(org["result"]["id"], rec.avalanche["id"]);
    assert_eq!(
        org["result"]["image_display_url"],
        rec.avalanche["image_display_url"]
    );

    // A second run changes nothing: no record written, no file fetched.
    let before = here.snapshot().await;
    let again = here.migrate(&origin, None).await;
    assert_eq!(again.written(), 0, "{}", again.summary());
    assert_eq!(again.files_copied, 0);
    assert_eq!(again.datasets.unchanged, 3);
    assert_eq!(here.snapshot().await, before);
}

#[tokio::test]
async fn a_migration_that_could_not_fetch_a_file_resumes_with_it_next_time() {
    let (origin, rec) = envidat().await;
    let here = Side::new().await;
    // Two failures: the first try and its retry of one file.
    rec.failing_downloads.store(2, Ordering::SeqCst);
    let first = here.migrate(&origin, None).await;
    assert_eq!(first.files_copied, 7, "{}", first.summary());
    assert!(
        first.problems.iter().any(|p| p.message.contains("500")),
        "the report names the failure: {}",
        first.summary()
    );
    // Nothing is lost meanwhile: the resource links to the source's file.
    let links: usize = here
        .snapshot()
        .await
        .values()
        .flat_map(|v| v["resources"].as_array().unwrap().clone())
        .filter(|r| r["url"].is_string())
        .count();
    assert_eq!(links, 1);

    let second = here.migrate(&origin, None).await;
    assert_eq!(second.files_copied, 1, "{}", second.summary());
    assert_eq!(second.datasets.updated, 1, "{}", second.summary());
    assert_eq!(second.datasets.unchanged, 2, "{}", second.summary());
    let third = here.migrate(&origin, None).await;
    assert_eq!(third.written(), 0, "{}", third.summary());
}

#[tokio::test]
async fn links_only_brings_the_records_and_links_to_the_source_files() {
    let (origin, _) = envidat().await;
    let here = Side::new().await;
    let report = ceiba_harvest::migrate(
        &here.portal,
        ceiba_harvest::MigrateOptions {
            url: origin.clone(),
            api_key: None,
            allow_private: true,
            limits: crate::common::limits(),
            scratch: here.scratch("m"),
            copy_files: false,
        },
    )
    .await
    .unwrap();
    assert_eq!((report.datasets.created, report.files_copied), (3, 0));
    for d in here.snapshot().await.values() {
        for r in d["resources"].as_array().unwrap() {
            assert!(r["url"].as_str().unwrap().starts_with(&origin), "{r}");
        }
    }
    // Run without it: the files come, under the same resource ids.
    let full = here.migrate(&origin, None).await;
    assert_eq!(full.files_copied, 8, "{}", full.summary());
    assert_eq!(full.datasets.updated, 3, "{}", full.summary());
}
