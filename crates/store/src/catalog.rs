//! Opening the catalog database and keeping its schema current.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Transaction};

use crate::Result;

/// The schema's migrations, compiled into the binary. Append; never edit a released one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "catalog", include_str!("../migrations/0001_catalog.sql")),
    (
        2,
        "versions",
        include_str!("../migrations/0002_versions.sql"),
    ),
    (3, "search", include_str!("../migrations/0003_search.sql")),
    (
        4,
        "accounts",
        include_str!("../migrations/0004_accounts.sql"),
    ),
    (5, "views", include_str!("../migrations/0005_views.sql")),
    (
        6,
        "sessions",
        include_str!("../migrations/0006_sessions.sql"),
    ),
    (
        7,
        "boundary sets",
        include_str!("../migrations/0007_boundary_sets.sql"),
    ),
    (8, "audit", include_str!("../migrations/0008_audit.sql")),
    (
        9,
        "activity",
        include_str!("../migrations/0009_activity.sql"),
    ),
    (
        10,
        "password links",
        include_str!("../migrations/0010_password_links.sql"),
    ),
    (
        11,
        "harvest",
        include_str!("../migrations/0011_harvest.sql"),
    ),
    (
        12,
        "link checks",
        include_str!("../migrations/0012_link_checks.sql"),
    ),
    (13, "places", include_str!("../migrations/0013_places.sql")),
];

/// The SQL catalog of organizations, categories, datasets and resources.
#[derive(Clone, Debug)]
pub struct Catalog {
    pub(crate) pool: AnyPool,
    sqlite: bool,
}

impl Catalog {
    /// Opens (creating if needed) the SQLite catalog file at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Catalog> {
        let escaped = path
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3F")
            .replace('#', "%23");
        Catalog::open(&format!("sqlite://{escaped}?mode=rwc")).await
    }

    /// Opens the catalog at a database URL (`sqlite://…` or `postgres://…`) and brings its
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Catalog> {
        sqlx::any::install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            // SQLite serialises writers anyway; a few readers suffice for one node.
            .max_connections(if is_sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let catalog = Catalog {
            pool,
            sqlite: is_sqlite,
        };
        catalog.migrate().await?;
        Ok(catalog)
    }

    async fn migrate(&self) -> Result<()> {
        let migrations: Vec<Migration> = MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Begins a transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting for another writer to finish: a transaction that read
    /// first would instead fail at its first write ("database is locked") whenever another
    /// connection held the lock, without waiting.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(if self.sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool.begin().await?
        })
    }

    /// Whether the catalog is a SQLite database (else PostgreSQL).
    pub(crate) fn is_sqlite(&self) -> bool {
        self.sqlite
    }

    /// Whether the database answers; used by the health check.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
