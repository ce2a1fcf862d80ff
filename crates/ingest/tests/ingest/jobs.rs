//! Ingestion as the portal runs it: versions, failures that keep the previous version in
//! service, rebuilds with publisher overrides, and jobs that survive a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ceiba_core::{ColumnType, Dataset, DatasetState, Localized, Organization, VersionStatus};
use ceiba_ingest::{IngestOptions, Ingestor, Limits};
use ceiba_store::{now, Catalog, FileStore};
use uuid::Uuid;

struct Setup {
    ingestor: Ingestor,
    catalog: Catalog,
    files: FileStore,
    dataset: Dataset,
    dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::open_sqlite(&dir.path().join("catalog.db"))
        .await
        .unwrap();
    let files = FileStore::local(&dir.path().join("files")).unwrap();
    let ingestor = Ingestor::new(
        catalog.clone(),
        files.clone(),
        dir.path().join("tmp"),
        Limits::default(),
    );
    let org = Organization {
        id: Uuid::new_v4(),
        name: "segeplan".into(),
        title: Localized::es("SEGEPLAN"),
        description: Localized::default(),
        image_url: None,
        email: None,
        website: None,
        created: now(),
    };
    catalog.create_organization(&org).await.unwrap();
    let dataset = Dataset {
        id: Uuid::new_v4(),
        name: "ranking".into(),
        title: Localized::es("Ranking"),
        description: Localized::default(),
        organization_id: org.id,
        categories: vec![],
        tags: vec![],
        licence_id: "CC-BY-4.0".into(),
        temporal: Default::default(),
        spatial: vec![],
        frequency: None,
        contact: Default::default(),
        source_url: None,
        version: None,
        state: DatasetState::Active,
        private: false,
        featured: false,
        created: now(),
        modified: now(),
        extras: Default::default(),
    };
    catalog.create_dataset(&dataset).await.unwrap();
    Setup {
        ingestor,
        catalog,
        files,
        dataset,
        dir,
    }
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const V1: &[u8] = b"codigo,municipio,indice\n0101,Guatemala,0.59\n1301,Huehuetenango,0.41\n";
const V3: &[u8] =
    b"codigo,municipio,indice\n0101,Guatemala,0.61\n1301,Huehuetenango,0.44\n2217,Quesada,0.38\n";

#[tokio::test]
async fn versions_fail_safely_and_old_ones_stay() {
    let s = setup().await;
    let file = write(&s.dir, "Ranking 2018.csv", V1);
    let (resource, v1, _) = s
        .ingestor
        .add_upload(
            &s.dataset,
            "Ranking",
            "",
            &file,
            "Ranking 2018.csv",
            &IngestOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(v1.number, 1);
    // Queued, not yet in service: nothing half-built is visible.
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, None);
    assert!(s.catalog.tables_of(v1.id).await.unwrap().is_empty());

    let done = s.ingestor.run_queue().await.unwrap();
    assert_eq!(done.len(), 1);
    assert!(done[0].succeeded);
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, Some(v1.id));
    let tables = s.catalog.tables_of(v1.id).await.unwrap();
    assert_eq!(tables[0].rows, 2);
    assert!(s
        .files
        .read(&tables[0].parquet_key)
        .await
        .unwrap()
        .starts_with(b"PAR1"));

    // A broken new file: the version fails, the resource keeps serving version 1.
    let bad = write(&s.dir, "Ranking 2019.csv", b"");
    let (v2, _) = s
        .ingestor
        .upload_version(&r, &bad, "Ranking 2019.csv", &IngestOptions::default())
        .await
        .unwrap();
    let out = s.ingestor.run_queue().await.unwrap();
    assert!(!out[0].succeeded);
    let v2 = s.catalog.version(v2.id).await.unwrap().unwrap();
    assert_eq!((v2.number, v2.status), (2, VersionStatus::Failed));
    assert!(v2.report.unwrap()["errors"][0]["code"] == "empty_file");
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, Some(v1.id));
    assert_eq!(
        s.files
            .read(r.storage_key.as_deref().unwrap())
            .await
            .unwrap(),
        V1
    );

    // A good new file replaces it; every original stays downloadable.
    let good = write(&s.dir, "Ranking 2020.csv", V3);
    let (v3, _) = s
        .ingestor
        .upload_version(&r, &good, "Ranking 2020.csv", &IngestOptions::default())
        .await
        .unwrap();
    s.ingestor.run_queue().await.unwrap();
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, Some(v3.id));
    assert_eq!(r.original_filename.as_deref(), Some("Ranking 2020.csv"));
    assert_eq!(s.catalog.tables_of(v3.id).await.unwrap()[0].rows, 3);
    let versions = s.catalog.versions_of(resource.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(s.files.read(&versions[2].storage_key).await.unwrap(), V1);
    assert_eq!(
        s.catalog.tables_of(v1.id).await.unwrap()[0].rows,
        2,
        "old tables are kept"
    );
}

#[tokio::test]
async fn a_rebuild_applies_overrides_without_uploading_again() {
    let s = setup().await;
    let file = write(&s.dir, "r.csv", V1);
    let (resource, _, _) = s
        .ingestor
        .add_upload(
            &s.dataset,
            "Ranking",
            "",
            &file,
            "r.csv",
            &IngestOptions::default(),
        )
        .await
        .unwrap();
    s.ingestor.run_queue().await.unwrap();
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    // The publisher documents a column; the rebuild keeps it.
    let v1_id = r.current_version_id.unwrap();
    let mut columns = s.catalog.tables_of(v1_id).await.unwrap()[0].columns.clone();
    columns[2].label = "Índice de gestión".into();
    columns[2].unit = "puntos".into();
    columns[2].description = "De 0 a 1.".into();
    s.catalog
        .update_table_columns(v1_id, 0, &columns)
        .await
        .unwrap();
    let mut opts = IngestOptions::default();
    opts.column_types.insert(
        "r".into(),
        [("indice".to_string(), ColumnType::Text)].into(),
    );
    let (v2, _) = s.ingestor.rebuild(&r, &opts).await.unwrap();
    s.ingestor.run_queue().await.unwrap();
    let tables = s.catalog.tables_of(v2.id).await.unwrap();
    assert_eq!(tables[0].columns[2].column_type, ColumnType::Text);
    assert!(tables[0].columns[2].type_overridden);
    assert_eq!(
        (
            tables[0].columns[2].label.as_str(),
            tables[0].columns[2].unit.as_str(),
            tables[0].columns[2].description.as_str()
        ),
        ("Índice de gestión", "puntos", "De 0 a 1.")
    );
    let v1 = s
        .catalog
        .versions_of(resource.id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(v2.storage_key, v1.storage_key, "the same original");
}

#[tokio::test]
async fn a_job_interrupted_by_a_stop_is_run_again() {
    let s = setup().await;
    let file = write(&s.dir, "r.csv", V1);
    let (resource, v1, job) = s
        .ingestor
        .add_upload(
            &s.dataset,
            "Ranking",
            "",
            &file,
            "r.csv",
            &IngestOptions::default(),
        )
        .await
        .unwrap();
    // A worker claims the job and the portal stops before it finishes.
    let claimed = s.catalog.claim_job().await.unwrap().unwrap();
    assert_eq!(claimed.id, job.id);
    assert!(
        s.catalog.claim_job().await.unwrap().is_none(),
        "claimed once"
    );
    assert!(
        s.ingestor.run_queue().await.unwrap().is_empty(),
        "a running job is not taken twice"
    );

    // On the next start the job goes back to the queue and completes.
    assert_eq!(s.ingestor.recover_interrupted().await.unwrap(), 1);
    let done = s.ingestor.run_queue().await.unwrap();
    assert!(done[0].succeeded);
    let job = s.catalog.job(job.id).await.unwrap().unwrap();
    assert_eq!(job.attempts, 2);
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, Some(v1.id));
}

#[tokio::test]
async fn a_job_that_stopped_the_portal_three_times_fails_with_a_report_and_the_old_version_stays() {
    let s = setup().await;
    let file = write(&s.dir, "r.csv", V1);
    let (resource, v1, _) = s
        .ingestor
        .add_upload(
            &s.dataset,
            "Ranking",
            "",
            &file,
            "r.csv",
            &IngestOptions::default(),
        )
        .await
        .unwrap();
    assert!(s.ingestor.run_queue().await.unwrap()[0].succeeded);
    let file = write(&s.dir, "r2.csv", V1);
    let (v2, job) = s
        .ingestor
        .upload_version(&resource, &file, "r2.csv", &IngestOptions::default())
        .await
        .unwrap();

    // The file stops the portal each time it is read: the job is claimed, then the
    // process dies, and the next start finds it still running.
    for attempt in 1..=ceiba_ingest::jobs::MAX_ATTEMPTS {
        let claimed = s.catalog.claim_job().await.unwrap().unwrap();
        assert_eq!((claimed.id, claimed.attempts), (job.id, attempt));
        let requeued = s.ingestor.recover_interrupted().await.unwrap();
        let expected = u64::from(attempt < ceiba_ingest::jobs::MAX_ATTEMPTS);
        assert_eq!(requeued, expected, "attempt {attempt}");
    }

    // After the third stop the job is not run again: it failed, with a report.
    assert!(s.catalog.claim_job().await.unwrap().is_none());
    assert!(s.ingestor.run_queue().await.unwrap().is_empty());
    let job = s.catalog.job(job.id).await.unwrap().unwrap();
    assert_eq!(job.state, ceiba_core::JobState::Failed);
    assert!(job.error.unwrap().contains("stopped 3 times"));
    let v2 = s.catalog.version(v2.id).await.unwrap().unwrap();
    assert_eq!(v2.status, VersionStatus::Failed);
    let report: ceiba_ingest::FileReport = serde_json::from_value(v2.report.unwrap()).unwrap();
    assert!(!report.succeeded());
    assert_eq!(report.file, "r2.csv");
    let message = report.errors[0].message(ceiba_ingest::Lang::Es);
    assert!(
        message.starts_with("el portal se detuvo 3 veces mientras leía este archivo"),
        "{message}"
    );
    // The version in service is still the first one.
    let r = s
        .catalog
        .resource(&resource.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.current_version_id, Some(v1.id));
    // And the worker starts.
    let worker = s.ingestor.clone().start_worker().await.unwrap();
    worker.abort();
}

#[tokio::test]
async fn the_worker_picks_up_uploads_in_the_background() {
    let s = setup().await;
    let worker = s.ingestor.clone().start_worker().await.unwrap();
    let file = write(&s.dir, "r.csv", V1);
    let (resource, v1, _) = s
        .ingestor
        .add_upload(
            &s.dataset,
            "Ranking",
            "",
            &file,
            "r.csv",
            &IngestOptions::default(),
        )
        .await
        .unwrap();
    let mut current = None;
    for _ in 0..100 {
        current = s
            .catalog
            .resource(&resource.id.to_string())
            .await
            .unwrap()
            .unwrap()
            .current_version_id;
        if current.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    worker.abort();
    assert_eq!(current, Some(v1.id));
}

/// Issue 13: an upload the catalog refuses (here a name over the bound) leaves nothing
/// behind, neither a record nor the stored original; a marked upload is written with its
/// mark at once.
#[tokio::test]
async fn a_refused_upload_leaves_no_file_and_a_mark_is_written_with_its_upload() {
    let s = setup().await;
    let path = write(&s.dir, "datos.csv", b"codigo,valor\n0101,1\n");
    let long = "n".repeat(ceiba_core::bounds::MAX_TITLE_CHARS + 1);
    let refused = s
        .ingestor
        .add_upload(
            &s.dataset,
            &long,
            "",
            &path,
            "datos.csv",
            &IngestOptions::default(),
        )
        .await;
    assert!(refused.is_err());
    assert!(s
        .catalog
        .resources_of(s.dataset.id)
        .await
        .unwrap()
        .is_empty());
    let stored: Vec<_> = walk(&s.dir.path().join("files"));
    assert!(
        stored.is_empty(),
        "the refused original was kept: {stored:?}"
    );

    let geo = write(
        &s.dir,
        "d.geojson",
        br#"{"type":"FeatureCollection","features":[]}"#,
    );
    let mark = ceiba_store::BoundarySet {
        resource_id: Uuid::nil(),
        code_property: "codigo".into(),
        level: "department".into(),
        name_property: None,
        created: now(),
    };
    let (r, _, _) = s
        .ingestor
        .add_marked_upload(&s.dataset, "Departamentos", "", &geo, "d.geojson", &mark)
        .await
        .unwrap();
    let set = s.catalog.boundary_set(r.id).await.unwrap().unwrap();
    assert_eq!(
        (set.resource_id, set.code_property.as_str()),
        (r.id, "codigo")
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
