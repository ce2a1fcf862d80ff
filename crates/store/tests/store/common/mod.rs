//! What the store's test files share: one catalog per backend, and sample records.
//! Every test runs on SQLite, and on PostgreSQL as well when `CEIBA_TEST_DATABASE_URL`
//! names a server (each test gets a database of its own).
#![allow(dead_code)]

use std::collections::BTreeMap;

use ceiba_core::{
    Category, Contact, Dataset, DatasetState, Frequency, Localized, Organization, Temporal,
};
use ceiba_store::{now, Catalog};
use uuid::Uuid;

/// An empty database on one backend, not yet opened as a catalog.
pub struct EmptyDb {
    pub name: &'static str,
    /// The URL `Catalog::open` takes.
    pub url: String,
    /// The SQLite file, opened through `Catalog::open_sqlite`.
    path: Option<std::path::PathBuf>,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl EmptyDb {
    pub async fn open(self) -> Backend {
        let catalog = match &self.path {
            Some(path) => Catalog::open_sqlite(path).await.unwrap(),
            None => Catalog::open(&self.url).await.unwrap(),
        };
        Backend {
            name: self.name,
            catalog,
            _dir: self.dir,
            pg: self.pg,
        }
    }
}

/// A catalog on one backend; `cleanup` removes its PostgreSQL database.
pub struct Backend {
    pub name: &'static str,
    pub catalog: Catalog,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Backend {
    pub async fn cleanup(self) {
        self.catalog.close().await;
        if let Some((admin_url, db)) = self.pg {
            let admin = admin_pool(&admin_url).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .execute(&admin)
                .await;
        }
    }
}

pub async fn admin_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("connect to CEIBA_TEST_DATABASE_URL")
}

/// A fresh, empty database per backend.
pub async fn empty_databases() -> Vec<EmptyDb> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog ñ.db");
    let escaped = path
        .to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    let mut out = vec![EmptyDb {
        name: "sqlite",
        url: format!("sqlite://{escaped}?mode=rwc"),
        path: Some(path),
        dir: Some(dir),
        pg: None,
    }];
    if let Ok(url) = std::env::var("CEIBA_TEST_DATABASE_URL") {
        if !url.trim().is_empty() {
            let db = format!("ceiba_test_{}", Uuid::new_v4().simple());
            let admin = admin_pool(&url).await;
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&admin)
                .await
                .unwrap();
            admin.close().await;
            let (base, _) = url.rsplit_once('/').expect("database URL with a path");
            out.push(EmptyDb {
                name: "postgres",
                url: format!("{base}/{db}"),
                path: None,
                dir: None,
                pg: Some((url, db)),
            });
        }
    }
    out
}

/// A fresh catalog per backend.
pub async fn backends() -> Vec<Backend> {
    let mut out = Vec::new();
    for db in empty_databases().await {
        out.push(db.open().await);
    }
    out
}

pub fn org(name: &str) -> Organization {
    Organization {
        id: Uuid::new_v4(),
        name: name.into(),
        title: Localized::new(format!("Secretaría {name}"), format!("Secretariat {name}")),
        description: Localized::es("Descripción"),
        image_url: None,
        email: Some("datos@example.gt".into()),
        website: Some("https://example.gt".into()),
        created: now(),
    }
}

pub fn category(name: &str, title: &str) -> Category {
    Category {
        id: Uuid::new_v4(),
        name: name.into(),
        title: Localized::es(title),
        description: Localized::default(),
        icon: Some("map".into()),
        created: now(),
    }
}

pub fn dataset(name: &str, org: &Organization) -> Dataset {
    let t = now();
    Dataset {
        id: Uuid::new_v4(),
        name: name.into(),
        title: Localized::new(format!("Título {name}"), format!("Title {name}")),
        description: Localized::new("**Población** por municipio", "Population"),
        organization_id: org.id,
        categories: vec![],
        tags: vec!["población".into(), "censo".into()],
        licence_id: "CC-BY-4.0".into(),
        temporal: Temporal {
            start: chrono::NaiveDate::from_ymd_opt(2018, 1, 1),
            end: chrono::NaiveDate::from_ymd_opt(2018, 12, 31),
        },
        spatial: vec!["GT".into(), "101".into(), "GT13".into()],
        frequency: Some(Frequency::Annual),
        contact: Contact {
            name: Some("Unidad de datos".into()),
            email: Some("datos@example.gt".into()),
        },
        source_url: Some("https://example.gt/fuente".into()),
        version: Some("1.0".into()),
        state: DatasetState::Active,
        private: false,
        featured: false,
        created: t,
        modified: t,
        extras: BTreeMap::from([("programa".to_string(), "SNIP".to_string())]),
    }
}

/// An uploaded resource of dataset `dataset_id` (a CSV; change `format` and
/// `original_filename` for another kind).
pub fn upload(dataset_id: Uuid, name: &str) -> ceiba_core::Resource {
    let t = ceiba_store::now();
    ceiba_core::Resource {
        id: Uuid::new_v4(),
        dataset_id,
        name: name.into(),
        description: String::new(),
        format: "CSV".into(),
        media_type: Some("text/csv".into()),
        size: Some(10),
        sha256: Some("00".repeat(32)),
        original_filename: Some(format!("{name}.csv")),
        url: None,
        storage_key: Some(format!("originals/{name}")),
        position: 0,
        current_version_id: None,
        created: t,
        modified: t,
    }
}
