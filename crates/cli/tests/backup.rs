//! `ceiba backup` while the portal serves and writes, `ceiba restore` into a fresh data
//! folder, and the restored portal compared with the original: through the CKAN API, row
//! for row in the catalog, and byte for byte in the files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{action, admin_token, files_under, read_action, run, run_ok, serve};

/// The catalog's rows, opened directly (the backup's own copy is opened from a copy,
/// so that checking it does not change it).
fn dump(
    path: &std::path::Path,
) -> std::collections::BTreeMap<String, Vec<serde_json::Map<String, serde_json::Value>>> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let catalog = ceiba_store::Catalog::open_sqlite(path).await.unwrap();
        let mut out = catalog.dump_tables().await.unwrap();
        catalog.close().await;
        if let Some(rows) = out.get_mut("catalog_counter") {
            rows.retain(|r| r["name"] != "index_generation");
        }
        out
    })
}

#[test]
fn a_backup_taken_while_serving_restores_the_same_portal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("portal");
    run_ok(&data, &["demo"]);
    let token = admin_token(&data);
    let original = serve(&data, &[]);

    // Writes go on during the backup.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writer = {
        let (addr, token, stop) = (original.addr.clone(), token.clone(), stop.clone());
        let written = written.clone();
        std::thread::spawn(move || {
            let mut created = 0;
            while !stop.load(Ordering::Relaxed) {
                let params = serde_json::json!({
                    "name": format!("durante-{created}"),
                    "owner_org": "segeplan",
                    "title": "Escrito durante la copia",
                    "tags": [{"name": "copia"}],
                });
                action(&addr, &token, "package_create", &params)
                    .unwrap()
                    .unwrap();
                created += 1;
                written.store(created, Ordering::Relaxed);
            }
            created
        })
    };
    // The backup starts once writes are going on (a loaded machine is slow to start them).
    for _ in 0..600 {
        if written.load(Ordering::Relaxed) >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let backup = dir.path().join("copia");
    let out = run_ok(&data, &["backup", backup.to_str().unwrap()]);
    stop.store(true, Ordering::Relaxed);
    let created = writer.join().unwrap();
    assert!(created > 0, "the portal wrote while the backup ran");
    assert!(out.starts_with("Backed up"), "{out}");
    assert!(backup.join("manifest.json").is_file());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["database"], "sqlite");
    assert_eq!(manifest["missing"], serde_json::json!([]));
    let objects = manifest["objects"].as_array().unwrap();
    assert!(objects.len() > 10, "{manifest}");

    // Restored into a fresh data folder.
    let restored = dir.path().join("restaurado");
    let out = run_ok(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(out.starts_with("Restored the backup of"), "{out}");

    // The catalog, row for row, is the snapshot's.
    let snapshot = dir.path().join("snapshot.db");
    std::fs::copy(backup.join("catalog.sqlite"), &snapshot).unwrap();
    let expected = dump(&snapshot);
    let got = dump(&restored.join("catalog.db"));
    assert_eq!(got, expected);
    assert!(expected["dataset"].len() >= 10);
    assert!(!expected["account"].is_empty() && !expected["api_token"].is_empty());
    // …and a consistent one: every created dataset it has is whole (its tag too).
    let during = expected["dataset"]
        .iter()
        .filter(|d| d["name"].as_str().unwrap().starts_with("durante-"))
        .count();
    let tags = expected["dataset_tag"]
        .iter()
        .filter(|t| t["tag"] == "copia")
        .count();
    assert_eq!(during, tags);
    assert!(
        during < created,
        "datasets written after the snapshot are not in it"
    );

    // Every referenced file, byte for byte, and nothing else.
    for o in objects {
        let key = o["key"].as_str().unwrap();
        assert_eq!(
            std::fs::read(restored.join("files").join(key)).unwrap(),
            std::fs::read(data.join("files").join(key)).unwrap(),
            "{key}"
        );
    }
    assert_eq!(files_under(&restored.join("files")).len(), objects.len());

    // Served from the restored folder, the CKAN API answers as the original did.
    let copy = serve(&restored, &[]);
    let names = read_action(&copy.addr, "package_list").unwrap();
    let names = names.as_array().unwrap();
    assert_eq!(
        names
            .iter()
            .filter(|n| n.as_str().unwrap().starts_with("durante-"))
            .count(),
        during
    );
    assert!(names.iter().any(|n| n == "ranking-gestion-municipal"));
    let mut tables = 0;
    for name in names {
        let name = name.as_str().unwrap();
        let a = read_action(&original.addr, &format!("package_show?id={name}")).unwrap();
        let b = read_action(&copy.addr, &format!("package_show?id={name}")).unwrap();
        let b = serde_json::from_str::<serde_json::Value>(
            &b.to_string().replace(&copy.addr, &original.addr),
        )
        .unwrap();
        assert_eq!(a, b, "package_show {name}");
        for r in a["resources"].as_array().unwrap() {
            if r["datastore_active"] != true {
                continue;
            }
            let q = format!(
                "datastore_search?resource_id={}&limit=50&sort=_id%20desc",
                r["id"].as_str().unwrap()
            );
            assert_eq!(
                read_action(&original.addr, &q).unwrap().to_string(),
                read_action(&copy.addr, &q)
                    .unwrap()
                    .to_string()
                    .replace(&copy.addr, &original.addr),
                "datastore_search of {name}"
            );
            tables += 1;
        }
    }
    assert!(tables >= 5, "{tables} tables compared");
    let (status, _) = common::get(&copy.addr, "/dataset?q=municipal");
    assert_eq!(status, 200, "the search index was rebuilt at start");
    drop(copy);

    // Into a catalog that holds anything: refused, naming what it holds.
    let (ok, _, err) = run(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("not empty") && err.contains("dataset:") && err.contains("--force"),
        "{err}"
    );
    // Into the folder a portal is serving: refused.
    let (ok, _, err) = run(&data, &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(!ok);
    assert!(err.contains("a portal is serving"), "{err}");
    // Into a folder that holds anything: a backup refuses too.
    let (ok, _, err) = run(&data, &["backup", backup.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("is not empty"), "{err}");
}

#[test]
fn a_damaged_or_unfinished_backup_is_refused_and_nothing_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("portal");
    run_ok(&data, &["demo"]);
    let backup = dir.path().join("copia");
    run_ok(&data, &["backup", backup.to_str().unwrap()]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    let key = manifest["objects"][3]["key"].as_str().unwrap();

    // One byte of one file changed.
    let damaged = backup.join("files").join(key);
    let mut bytes = std::fs::read(&damaged).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    std::fs::write(&damaged, &bytes).unwrap();
    let target = dir.path().join("destino");
    let (ok, _, err) = run(&target, &["restore", backup.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains(&format!("files/{key}")) && err.contains("damaged"),
        "{err}"
    );
    assert!(
        files_under(&target.join("files")).is_empty(),
        "no file was restored"
    );
    assert!(dump(&target.join("catalog.db"))["dataset"].is_empty());
    bytes[last] ^= 0x20;
    std::fs::write(&damaged, &bytes).unwrap();

    // Without its manifest (still being written, or interrupted).
    std::fs::rename(backup.join("manifest.json"), dir.path().join("m.json")).unwrap();
    let (ok, _, err) = run(&target, &["restore", backup.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("manifest.json") && err.contains("not a complete Ceiba backup"),
        "{err}"
    );
    std::fs::rename(dir.path().join("m.json"), backup.join("manifest.json")).unwrap();
    run_ok(&target, &["restore", backup.to_str().unwrap()]);
}
