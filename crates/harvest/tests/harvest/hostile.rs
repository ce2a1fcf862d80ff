//! Sources that are down, slow, page forever, answer invalid JSON, huge bodies or huge
//! files, redirect in circles, or live at addresses the portal must not reach: each run
//! ends within its bounds with a clear report, and nothing is half-written.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use ceiba_harvest::{FetchLimits, MigrateOptions, Report};
use serde_json::{json, Value};

use crate::common::{limits, Side};

#[derive(Clone, Default)]
struct Hits(Arc<AtomicUsize>);

fn package(n: usize, origin_file: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("p{n}").as_bytes()),
        "name": format!("conjunto-{n}"), "title": format!("Conjunto {n}"),
        "owner_org": "5b7c2d1e-0000-4000-8000-000000000001",
        "organization": {"id": "5b7c2d1e-0000-4000-8000-000000000001", "name": "fuente", "title": "Fuente"},
        "license_id": "cc-by", "metadata_created": "2024-01-01T00:00:00", "metadata_modified": "2024-01-02T00:00:00",
        "resources": [{"id": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("r{n}").as_bytes()),
                       "name": "datos.csv", "format": "CSV", "url_type": "upload", "url": origin_file}],
        "tags": [], "groups": [], "extras": [], "state": "active", "private": false,
    })
}

fn ok(result: Value) -> Response {
    axum::Json(json!({ "success": true, "result": result })).into_response()
}

async fn action(
    State((hits, origin)): State<(Hits, String)>,
    Path((mode, name)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    hits.0.fetch_add(1, Ordering::SeqCst);
    if name != "package_search" {
        return ok(json!([]));
    }
    let file = format!("{origin}/{mode}/file/datos.csv");
    match mode.as_str() {
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            ok(json!({"count": 1, "results": [package(1, &file)]}))
        }
        // Ignores `start` and claims a billion datasets.
        "forever" => ok(
            json!({"count": 1_000_000_000u64, "results": [package(1, &file), package(2, &file)]}),
        ),
        // A first good page, then a broken one.
        "badjson" => {
            if q.get("start").map(String::as_str) == Some("0") {
                ok(
                    json!({"count": 200, "results": (0..100).map(|n| package(n, &file)).collect::<Vec<_>>()}),
                )
            } else {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    "{\"success\": true, \"result\": {\"count\": 2",
                )
                    .into_response()
            }
        }
        "huge" => (
            [(header::CONTENT_TYPE, "application/json")],
            vec![b' '; 300 * 1024],
        )
            .into_response(),
        "circle" => (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                format!("{origin}/circle2/api/3/action/package_search"),
            )],
        )
            .into_response(),
        "circle2" => (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                format!("{origin}/circle/api/3/action/package_search"),
            )],
        )
            .into_response(),
        "bigfile" => ok(json!({"count": 1, "results": [package(1, &file)]})),
        "error" => (StatusCode::INTERNAL_SERVER_ERROR, "down for maintenance").into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn file(State((hits, _)): State<(Hits, String)>, Path(mode): Path<String>) -> Response {
    hits.0.fetch_add(1, Ordering::SeqCst);
    if mode == "bigfile" {
        // Larger than the test's file limit, announced or not.
        return vec![b'x'; 2 * 1024 * 1024].into_response();
    }
    "codigo,valor\n01,1\n".into_response()
}

async fn hostile() -> (String, Hits) {
    let hits = Hits::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/{mode}/api/3/action/{name}", get(action))
        .route("/{mode}/file/datos.csv", get(file))
        .with_state((hits.clone(), origin.clone()));
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (origin, hits)
}

async fn migrate(here: &Side, url: &str, allow_private: bool, limits: FetchLimits) -> Report {
    ceiba_harvest::migrate(
        &here.portal,
        MigrateOptions {
            url: url.into(),
            api_key: None,
            allow_private,
            limits,
            scratch: here.scratch("migrate"),
            copy_files: true,
        },
    )
    .await
    .unwrap()
}

async fn datasets(here: &Side) -> usize {
    here.portal.catalog().dataset_ids().await.unwrap().len()
}

#[tokio::test]
async fn a_source_that_is_down_is_reported_and_nothing_is_written() {
    let here = Side::new().await;
    // Nothing listens on port 9 of loopback.
    let report = migrate(&here, "http://127.0.0.1:9", true, limits()).await;
    let stopped = report.stopped.clone().expect("stopped");
    assert!(stopped.contains("127.0.0.1:9"), "{stopped}");
    assert_eq!(datasets(&here).await, 0);
    let (origin, _) = hostile().await;
    let report = migrate(&here, &format!("{origin}/error"), true, limits()).await;
    assert!(report.stopped.unwrap().contains("500"));
    // The run is recorded as failed, with its report.
    let runs = here.portal.catalog().harvest_runs(None, 10).await.unwrap();
    assert!(runs.iter().all(|r| r.status == "failed"), "{runs:?}");
}

#[tokio::test]
async fn a_slow_source_times_out_within_the_bound() {
    let (origin, _) = hostile().await;
    let here = Side::new().await;
    let started = std::time::Instant::now();
    let report = migrate(
        &here,
        &format!("{origin}/slow"),
        true,
        FetchLimits {
            request_timeout: Duration::from_millis(300),
            retries: 0,
            ..limits()
        },
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let stopped = report.stopped.expect("stopped");
    assert!(stopped.contains("no complete answer"), "{stopped}");
    assert_eq!(datasets(&here).await, 0);
}

#[tokio::test]
async fn a_source_that_pages_forever_is_read_once() {
    let (origin, hits) = hostile().await;
    let here = Side::new().await;
    let report = migrate(&here, &format!("{origin}/forever"), true, limits()).await;
    assert!(report.stopped.is_none(), "{}", report.summary());
    assert_eq!(report.datasets.created, 2, "{}", report.summary());
    // organization_list, group_list, status_show, two pages of package_search.
    assert!(
        hits.0.load(Ordering::SeqCst) < 12,
        "{}",
        hits.0.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn invalid_json_stops_the_run_without_withdrawing_or_half_writing() {
    let (origin, _) = hostile().await;
    let here = Side::new().await;
    let report = migrate(&here, &format!("{origin}/badjson"), true, limits()).await;
    let stopped = report.stopped.clone().expect("stopped");
    assert!(stopped.contains("not valid JSON"), "{stopped}");
    // The first page's datasets are whole, each with its file.
    assert_eq!(report.datasets.created, 100, "{}", report.summary());
    for d in here.snapshot().await.values() {
        let resources = d["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1);
        assert!(resources[0]["storage_key"].is_string());
    }
    // Run again: the first page is unchanged, nothing is withdrawn for the broken one.
    let again = migrate(&here, &format!("{origin}/badjson"), true, limits()).await;
    assert_eq!(again.datasets.unchanged, 100);
    assert_eq!(again.datasets.withdrawn, 0);
}

#[tokio::test]
async fn a_huge_answer_and_redirects_in_a_circle_are_refused() {
    let (origin, _) = hostile().await;
    let here = Side::new().await;
    let small = FetchLimits {
        max_document_bytes: 64 * 1024,
        ..limits()
    };
    let report = migrate(&here, &format!("{origin}/huge"), true, small).await;
    assert!(report.stopped.unwrap().contains("larger than the limit"));
    let report = migrate(&here, &format!("{origin}/circle"), true, limits()).await;
    let stopped = report.stopped.unwrap();
    assert!(stopped.contains("redirect"), "{stopped}");
    assert_eq!(datasets(&here).await, 0);
}

#[tokio::test]
async fn a_file_over_the_limit_stays_a_link_and_leaves_no_scratch_file() {
    let (origin, _) = hostile().await;
    let here = Side::new().await;
    let report = migrate(
        &here,
        &format!("{origin}/bigfile"),
        true,
        FetchLimits {
            max_file_bytes: 1024 * 1024,
            ..limits()
        },
    )
    .await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.contains("larger than the limit")),
        "{}",
        report.summary()
    );
    let snap = here.snapshot().await;
    let r = &snap.values().next().unwrap()["resources"][0];
    assert!(r["url"]
        .as_str()
        .unwrap()
        .ends_with("/bigfile/file/datos.csv"));
    let left = std::fs::read_dir(here.scratch("migrate"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0, "scratch files left behind");
}

#[tokio::test]
async fn loopback_and_private_addresses_are_refused_unless_allowed() {
    let (origin, hits) = hostile().await;
    let here = Side::new().await;
    for url in [
        format!("{origin}/forever"),
        origin.replace("127.0.0.1", "localhost") + "/forever",
    ] {
        // An address written as an IP is refused before the run starts; a name that
        // resolves to loopback, when it is resolved.
        let said = match ceiba_harvest::migrate(
            &here.portal,
            MigrateOptions {
                url: url.clone(),
                api_key: None,
                allow_private: false,
                limits: limits(),
                scratch: here.scratch("m"),
                copy_files: true,
            },
        )
        .await
        {
            Ok(report) => report.stopped.expect("stopped"),
            Err(e) => e.to_string(),
        };
        assert!(said.contains("not public"), "{url}: {said}");
    }
    assert_eq!(
        hits.0.load(Ordering::SeqCst),
        0,
        "no request reached the server"
    );
    assert_eq!(datasets(&here).await, 0);
    // The cloud's metadata address is refused at once, before any connection.
    let err = ceiba_harvest::migrate(
        &here.portal,
        MigrateOptions {
            url: "http://169.254.169.254/latest".into(),
            api_key: None,
            allow_private: false,
            limits: limits(),
            scratch: here.scratch("m"),
            copy_files: true,
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("not public"), "{err}");
}
