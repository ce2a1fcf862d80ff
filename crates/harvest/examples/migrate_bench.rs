//! Migration benchmark: a source Ceiba serving a generated catalog (metadata: N datasets
//! from `ceiba_demo::bulk`, whose files do not exist: migrated with `--links-only`) and the demo catalog (files: every upload downloaded and stored),
//! migrated into an empty portal over loopback, then migrated again (nothing to write).
//! Prints one JSON line per measurement.
//!   scripts/bench-migrate [--datasets 2000]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ceiba_harvest::{FetchLimits, MigrateOptions};
use serde_json::json;

struct Side {
    portal: ceiba_portal::Portal,
    dir: tempfile::TempDir,
}

async fn side() -> Side {
    let dir = tempfile::tempdir().unwrap();
    let catalog = ceiba_store::Catalog::open_sqlite(&dir.path().join("catalog.db"))
        .await
        .unwrap();
    let files = ceiba_store::FileStore::local(&dir.path().join("files")).unwrap();
    let ingestor = ceiba_ingest::Ingestor::new(
        catalog,
        files,
        dir.path().join("tmp"),
        ceiba_ingest::Limits::default(),
    );
    let portal = ceiba_portal::Portal::new(ingestor, Default::default());
    Side { portal, dir }
}

async fn serve(s: &Side) -> String {
    let state =
        ceiba_web::AppState::new(s.portal.clone(), ceiba_web::WebConfig::default()).unwrap();
    state.indexer.catch_up().await.unwrap();
    let app = ceiba_web::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

/// Peak resident memory of this process so far, in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| (kb / 1024.0 * 10.0).round() / 10.0)
}

async fn migrate(
    here: &Side,
    url: &str,
    key: &str,
    copy_files: bool,
) -> (ceiba_harvest::Report, f64) {
    let started = Instant::now();
    let report = ceiba_harvest::migrate(
        &here.portal,
        MigrateOptions {
            url: url.into(),
            api_key: Some(key.into()),
            allow_private: true,
            limits: FetchLimits {
                retries: 0,
                request_timeout: Duration::from_secs(120),
                ..FetchLimits::default()
            },
            scratch: here.dir.path().join("tmp/migrate"),
            copy_files,
        },
    )
    .await
    .unwrap();
    (report, started.elapsed().as_secs_f64())
}

async fn key(s: &Side) -> String {
    let account = ceiba_core::Account {
        id: uuid::Uuid::new_v4(),
        name: "bench".into(),
        email: "bench@example.gt".into(),
        fullname: String::new(),
        sysadmin: true,
        state: ceiba_core::AccountState::Active,
        created: ceiba_store::now(),
    };
    s.portal
        .catalog()
        .create_account(&account, None)
        .await
        .unwrap();
    s.portal
        .catalog()
        .create_token(account.id, "bench", None)
        .await
        .unwrap()
        .1
}

fn line(what: &str, report: &ceiba_harvest::Report, seconds: f64) {
    let d = &report.datasets;
    println!(
        "{}",
        json!({
            "measure": what,
            "seconds": (seconds * 100.0).round() / 100.0,
            "datasets_read": d.read,
            "written": report.written(),
            "datasets_per_second": ((d.read as f64 / seconds) * 10.0).round() / 10.0,
            "files_copied": report.files_copied,
            "mb_copied": (report.bytes_copied as f64 / 1048576.0 * 10.0).round() / 10.0,
            "problems": report.problems_total,
            "peak_rss_mb": peak_mb(),
        })
    );
}

#[tokio::main]
async fn main() {
    let mut n = 2000;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--datasets") {
        n = args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(n);
    }

    // Metadata: a generated catalog.
    let there = side().await;
    ceiba_demo::bulk::generate(there.portal.catalog(), n, 7)
        .await
        .unwrap();
    let k = key(&there).await;
    let url = serve(&there).await;
    let here = side().await;
    let (report, s) = migrate(&here, &url, &k, false).await;
    line("metadata: first run", &report, s);
    let (report, s) = migrate(&here, &url, &k, false).await;
    line("metadata: second run", &report, s);

    // Files: the demo catalog.
    let there = side().await;
    ceiba_demo::load(there.portal.ingestor()).await.unwrap();
    there.portal.ingestor().run_queue().await.unwrap();
    let k = key(&there).await;
    let url = serve(&there).await;
    let here = side().await;
    let (report, s) = migrate(&here, &url, &k, true).await;
    line("files: first run", &report, s);
    let (report, s) = migrate(&here, &url, &k, true).await;
    line("files: second run", &report, s);
}
