//! kill -9 at random points of ingestion and of catalog writes, then restart: nothing
//! committed is lost, nothing half-written is visible, and the server starts every time.
//!
//! A client creates datasets and uploads tables through the CKAN API as fast as the
//! portal takes them while the server is killed (SIGKILL) after a random delay; the
//! delays come from a seed (`CEIBA_FAULT_SEED`, printed) so a failure can be replayed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use ceiba_demo::random::Rng;
use common::{action, admin_token, get, read_action, serve, upload};
use serde_json::{Map, Value};

const ROUNDS: usize = 5;

/// A CSV of `rows` rows (municipality codes keep their leading zero).
fn csv(rows: u64, salt: u64) -> Vec<u8> {
    let mut out = String::from("municipio,codigo,valor\n");
    for i in 0..rows {
        out.push_str(&format!(
            "Municipio {i},{:04},{}.{}\n",
            (i + salt) % 2300,
            (i * 7 + salt) % 10_000,
            i % 10
        ));
    }
    out.into_bytes()
}

/// What the client was told was done: datasets by name, and uploads (resource id →
/// rows).
#[derive(Default)]
struct Committed {
    datasets: Vec<String>,
    uploads: BTreeMap<String, u64>,
}

/// Creates datasets and uploads tables until the server stops answering.
fn client(addr: String, token: String, round: usize, seed: u64) -> Committed {
    let mut rng = Rng::from_seed(seed);
    let mut done = Committed::default();
    for n in 0.. {
        let name = format!("r{round}-d{n}");
        let params = serde_json::json!({
            "name": name,
            "owner_org": "pruebas",
            "title": format!("Ronda {round}, conjunto {n}"),
            "tags": [{"name": "falla"}, {"name": format!("ronda-{round}")}],
            "extras": [{"key": "ronda", "value": round.to_string()}],
        });
        let dataset = match action(&addr, &token, "package_create", &params) {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => panic!("package_create {name}: {e}"),
            Err(_) => return done,
        };
        done.datasets.push(name.clone());
        let rows = rng.int(500, 25_000) as u64;
        let id = dataset["id"].as_str().unwrap();
        match upload(&addr, &token, id, "datos.csv", &csv(rows, n)) {
            Ok(Ok(r)) => {
                done.uploads
                    .insert(r["id"].as_str().unwrap().to_owned(), rows);
            }
            Ok(Err(e)) => panic!("resource_create in {name}: {e}"),
            Err(_) => return done,
        }
    }
    done
}

type Rows = Vec<Map<String, Value>>;

fn catalog_rows(data: &Path) -> BTreeMap<String, Rows> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let catalog = ceiba_store::Catalog::open_sqlite(&data.join("catalog.db"))
            .await
            .unwrap();
        let out = catalog.dump_tables().await.unwrap();
        catalog.close().await;
        out
    })
}

fn text<'a>(row: &'a Map<String, Value>, column: &str) -> &'a str {
    row[column].as_str().unwrap_or("")
}

/// Checks the restarted portal: every committed dataset and upload is there; every
/// uploaded resource is either in service with its files and a table that answers, or
/// waiting for (or failed in) ingestion with its original kept. Returns how many
/// resources are in service and how many still wait.
fn check(addr: &str, data: &Path, committed: &Committed, round: usize) -> (usize, usize) {
    let (status, body) = get(addr, "/healthz");
    assert_eq!((status, body.trim()), (200, "ok"), "round {round}");
    let t = catalog_rows(data);
    for name in &committed.datasets {
        let d = read_action(addr, &format!("package_show?id={name}"))
            .unwrap_or_else(|e| panic!("round {round}: committed dataset {name} is lost: {e}"));
        assert_eq!(d["tags"].as_array().unwrap().len(), 2, "{name}");
        assert_eq!(d["extras"].as_array().unwrap().len(), 1, "{name}");
    }
    for id in committed.uploads.keys() {
        assert!(
            t["resource"].iter().any(|r| text(r, "id") == id),
            "round {round}: committed resource {id} is lost"
        );
    }
    let file = |key: &str| data.join("files").join(key);
    let (mut serving, mut waiting) = (0, 0);
    for r in &t["resource"] {
        let id = text(r, "id");
        if r["storage_key"].is_null() {
            continue;
        }
        let original = text(r, "storage_key");
        assert!(
            file(original).is_file(),
            "round {round}: resource {id}'s original {original} is missing"
        );
        let versions: Vec<&Map<String, Value>> = t["resource_version"]
            .iter()
            .filter(|v| text(v, "resource_id") == id)
            .collect();
        // An upload's resource, first version and job are one transaction.
        assert!(
            !versions.is_empty(),
            "round {round}: resource {id} was left without a version by the kill"
        );
        for v in &versions {
            let key = text(v, "storage_key");
            assert_eq!(
                std::fs::metadata(file(key)).map(|m| m.len() as i64).ok(),
                v["size"].as_i64(),
                "round {round}: version {}'s original {key}",
                text(v, "id")
            );
        }
        match r["current_version_id"].as_str() {
            Some(current) => {
                let tables: Vec<_> = t["ingest_table"]
                    .iter()
                    .filter(|x| text(x, "version_id") == current)
                    .collect();
                assert!(
                    !tables.is_empty(),
                    "round {round}: {id} serves a version without tables"
                );
                for x in tables {
                    let key = text(x, "parquet_key");
                    assert!(
                        std::fs::metadata(file(key)).is_ok_and(|m| m.len() > 0),
                        "round {round}: {id} points at a missing Parquet file {key}"
                    );
                }
                let found =
                    read_action(addr, &format!("datastore_search?resource_id={id}&limit=2"))
                        .unwrap_or_else(|e| panic!("round {round}: the table of {id} errors: {e}"));
                let total = found["total"].as_u64().unwrap();
                if let Some(rows) = committed.uploads.get(id) {
                    assert_eq!(total, *rows, "round {round}: rows of {id}");
                }
                assert_eq!(found["records"].as_array().unwrap().len(), 2);
                serving += 1;
            }
            None => {
                let newest = versions
                    .iter()
                    .max_by_key(|v| v["number"].as_i64())
                    .unwrap();
                let job = t["ingest_job"]
                    .iter()
                    .find(|j| text(j, "version_id") == text(newest, "id"))
                    .unwrap_or_else(|| panic!("round {round}: version of {id} has no job"));
                assert!(
                    matches!(text(job, "state"), "queued" | "running" | "failed"),
                    "round {round}: {id} has a {} job but no version in service",
                    text(job, "state")
                );
                // The restarted worker may put it in service meanwhile: then it is whole.
                if let Ok(found) =
                    read_action(addr, &format!("datastore_search?resource_id={id}&limit=1"))
                {
                    if let Some(rows) = committed.uploads.get(id) {
                        assert_eq!(found["total"].as_u64(), Some(*rows), "round {round}: {id}");
                    }
                }
                waiting += 1;
            }
        }
    }
    (serving, waiting)
}

#[test]
fn kill_9_during_writes_and_ingestion_loses_nothing_committed() {
    let seed = std::env::var("CEIBA_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x00C3_1BA0_2026_u64);
    eprintln!("CEIBA_FAULT_SEED={seed}");
    let mut rng = Rng::from_seed(seed);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("portal");
    let token = admin_token(&data);
    let mut committed = Committed::default();
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut server = serve(&data, &[]);
        if round == 0 {
            let org = serde_json::json!({"name": "pruebas", "title": "Pruebas de fallas"});
            action(&server.addr, &token, "organization_create", &org)
                .unwrap()
                .unwrap();
        }
        let (serving, waiting) = check(&server.addr, &data, &committed, round);
        eprintln!(
            "round {round}: {} datasets, {} uploads committed; {serving} in service, {waiting} waiting",
            committed.datasets.len(),
            committed.uploads.len()
        );
        let worker = {
            let (addr, token, seed) = (server.addr.clone(), token.clone(), rng.next_u64());
            std::thread::spawn(move || client(addr, token, round, seed))
        };
        std::thread::sleep(Duration::from_millis(rng.int(300, 3_000) as u64));
        server.kill();
        let done = worker.join().unwrap();
        committed.datasets.extend(done.datasets);
        committed.uploads.extend(done.uploads);
    }

    // A last start: interrupted jobs run again, and every committed upload ends in service.
    let server = serve(&data, &[]);
    check(&server.addr, &data, &committed, ROUNDS);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let t = catalog_rows(&data);
        let pending = t["ingest_job"]
            .iter()
            .filter(|j| matches!(text(j, "state"), "queued" | "running"))
            .count();
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} jobs still pending");
        std::thread::sleep(Duration::from_millis(300));
    }
    let (serving, waiting) = check(&server.addr, &data, &committed, ROUNDS);
    assert_eq!(waiting, 0, "every interrupted job ran again");
    assert!(serving >= committed.uploads.len());
    assert!(
        committed.uploads.len() >= ROUNDS,
        "the rounds were long enough to upload: {}",
        committed.uploads.len()
    );
    eprintln!(
        "{ROUNDS} kills in {:.1} s: {} datasets and {} uploads committed, none lost",
        started.elapsed().as_secs_f64(),
        committed.datasets.len(),
        committed.uploads.len()
    );
}
