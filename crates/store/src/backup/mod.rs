//! Backups of a serving portal, and restoring them into an empty one.
//!
//! A backup is a folder:
//!
//! ```text
//! catalog.sqlite           the catalog, when it is SQLite (made by VACUUM INTO)
//! catalog/<table>.jsonl    the catalog, when it is PostgreSQL (one JSON object a row)
//! files/<key>              every object the catalog references, byte for byte
//! manifest.json            written last: format, times, versions, every file's SHA-256
//! ```
//!
//! **The catalog is one consistent snapshot** taken while the portal keeps writing.
//! SQLite's `VACUUM INTO` copies the database inside one read transaction, and the copy
//! is itself a SQLite file an administrator can open with `sqlite3`. PostgreSQL has no
//! such statement reachable through a client connection, so every table is read inside
//! one `REPEATABLE READ, READ ONLY` transaction and written as JSON lines in primary-key
//! order; `pg_dump` remains the tool for a database-level copy, this one is Ceiba's own
//! and portable: either kind of backup restores into either database.
//!
//! **Files are copied after the snapshot**, and only those the snapshot references
//! (originals of every version, the Parquet tables of every built version): objects
//! written later belong to catalog rows the snapshot does not have, so they are left out.
//! Ceiba never deletes an object the catalog references, so one that is missing was
//! already missing from the file store: the backup still completes (a copy of everything
//! else is worth more than none) but lists it under `missing` in the manifest, and both
//! `backup` and `restore` report it by key. Files go through the `FileStore`'s object
//! store API, never paths of the data folder, so another object store works the same.
//!
//! **Restore** reads the manifest first (a folder without one is a backup still being
//! written, or interrupted, and is refused), checks every file's size and SHA-256, and
//! only then writes: files first (no catalog row points at them yet), then the whole
//! catalog in one transaction (so a failure leaves the target as it was), into a catalog
//! the migrations have already brought up to this version's schema. A catalog that holds
//! anything is not overwritten unless asked (`force`). The search index is not in the
//! backup: restore raises the reindex generation, and the portal rebuilds its index from
//! the catalog at its next start. A backup of an older schema restores into the newer one
//! (columns it lacks take their defaults); a backup of a newer Ceiba is refused.

mod manifest;
mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Row};
use thiserror::Error;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::{Catalog, FileStore, StoreError};
use manifest::{hash_file, safe_relative, sync_dir, verify_file};
pub use manifest::{FileEntry, Manifest, ObjectEntry, TableEntry, FORMAT_VERSION, MANIFEST};
use tables::{insert_rows, quote, row_to_json, Kind, Table, MIGRATIONS_TABLE};

/// The SQLite catalog in a backup.
const SQLITE_FILE: &str = "catalog.sqlite";
/// Rows written to the target per batch during a restore.
const RESTORE_BATCH: usize = 500;

/// What went wrong with a backup or a restore, naming the file, object or table.
#[derive(Debug, Error)]
pub enum BackupError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(
        "{0} is not empty: a backup goes into a new or empty folder, so that it is never \
         mixed with another"
    )]
    NotEmpty(PathBuf),
    #[error(
        "{0} has no {MANIFEST}: it is not a complete Ceiba backup (a backup still being \
         written, or one that was interrupted, has none)"
    )]
    NoManifest(PathBuf),
    #[error("{path} is not a usable backup manifest: {message}")]
    BadManifest { path: PathBuf, message: String },
    #[error("the backup is damaged: {path}: {detail}; nothing was restored")]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the target catalog is not empty ({what}); restore goes into an empty data folder \
         or database (use --force to replace what it holds)"
    )]
    TargetNotEmpty { what: String },
    #[error("object '{key}' of the file store: {source}")]
    Object {
        key: String,
        #[source]
        source: StoreError,
    },
    #[error("catalog table {table}: {message}")]
    Table { table: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BackupError {
    fn io(path: &Path, e: std::io::Error) -> BackupError {
        BackupError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::Database(e))
    }
}

/// The objects a catalog references: every version's original and every built table.
const REFERENCED_KEYS: &str =
    "SELECT storage_key AS k FROM resource WHERE storage_key IS NOT NULL \
     UNION SELECT storage_key FROM resource_version \
     UNION SELECT parquet_key FROM ingest_table \
     ORDER BY 1";

impl Catalog {
    /// Writes a consistent backup of the catalog and of every object it references into
    /// `dir` (new or empty) and returns its manifest. Safe while the portal serves.
    pub async fn backup(&self, files: &FileStore, dir: &Path) -> Result<Manifest, BackupError> {
        prepare_empty(dir).await?;
        let created = crate::time::to_db(crate::now());
        let kind = self.kind();
        let snapshot = match kind {
            Kind::Sqlite => self.snapshot_sqlite(dir).await?,
            Kind::Postgres => self.snapshot_postgres(dir).await?,
        };
        let mut catalog_files = Vec::new();
        for relative in &snapshot.files {
            let path = dir.join(relative);
            let (size, sha256) = hash_file(&path).await?;
            catalog_files.push(FileEntry {
                path: relative.clone(),
                size,
                sha256,
            });
        }
        let mut objects = Vec::new();
        let mut missing = Vec::new();
        for key in snapshot.keys {
            match copy_object(files, &key, dir).await? {
                Some(entry) => objects.push(entry),
                None => {
                    tracing::warn!(
                        key,
                        "the catalog references an object the file store does not have"
                    );
                    missing.push(key);
                }
            }
        }
        sync_dir(dir).await;
        let manifest = Manifest {
            format: manifest::FORMAT.into(),
            format_version: FORMAT_VERSION,
            created,
            ceiba_version: env!("CARGO_PKG_VERSION").into(),
            database: match kind {
                Kind::Sqlite => "sqlite",
                Kind::Postgres => "postgres",
            }
            .into(),
            schema_version: snapshot.schema_version,
            tables: snapshot.tables,
            catalog_files,
            objects,
            missing,
        };
        manifest.write(dir).await?;
        Ok(manifest)
    }

    /// Restores the backup in `dir` into this catalog and `files`. Refuses a catalog that
    /// holds anything unless `force`; checks every file before writing anything.
    pub async fn restore(
        &self,
        files: &FileStore,
        dir: &Path,
        force: bool,
    ) -> Result<Manifest, BackupError> {
        let manifest = Manifest::read(dir).await?;
        for f in &manifest.catalog_files {
            verify_file(dir, &f.path, f.size, &f.sha256).await?;
        }
        for o in &manifest.objects {
            verify_file(dir, &o.path(), o.size, &o.sha256).await?;
        }

        let kind = self.kind();
        let mut conn = self.pool.acquire().await?;
        let target_version = schema_version(&mut conn).await?;
        if manifest.schema_version > target_version {
            return Err(BackupError::BadManifest {
                path: dir.join(MANIFEST),
                message: format!(
                    "it was written by Ceiba {} with catalog schema {}, newer than this \
                     Ceiba's ({target_version}): restore it with that version or a newer one",
                    manifest.ceiba_version, manifest.schema_version
                ),
            });
        }
        let target_tables = tables::tables(&mut conn, kind).await?;
        let mut held = Vec::new();
        for t in &target_tables {
            if t.name == "catalog_counter" {
                continue;
            }
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quote(&t.name)))
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
            if n > 0 {
                held.push(format!("{}: {n} rows", t.name));
            }
        }
        drop(conn);
        if !held.is_empty() && !force {
            return Err(BackupError::TargetNotEmpty {
                what: held.join(", "),
            });
        }
        let in_backup: BTreeMap<&str, u64> = manifest
            .tables
            .iter()
            .map(|t| (t.name.as_str(), t.rows))
            .collect();
        for name in in_backup.keys() {
            if !target_tables.iter().any(|t| t.name == *name) {
                return Err(BackupError::Table {
                    table: (*name).to_owned(),
                    message: "this Ceiba's catalog has no such table: restore the backup \
                              with the Ceiba version that wrote it, or a newer one"
                        .into(),
                });
            }
        }
        let restored: Vec<&Table> = target_tables
            .iter()
            .filter(|t| in_backup.contains_key(t.name.as_str()))
            .collect();

        // Files first: nothing points at them until the catalog commits.
        for o in &manifest.objects {
            let path = dir.join(o.path());
            let stored =
                files
                    .put_copy(&o.key, &path)
                    .await
                    .map_err(|source| BackupError::Object {
                        key: o.key.clone(),
                        source,
                    })?;
            if stored.sha256 != o.sha256 {
                return Err(BackupError::Damaged {
                    path,
                    detail: "it changed while it was being restored".into(),
                });
            }
        }

        let source = Source::open(dir, &manifest).await?;
        let mut tx = self.begin_write().await?;
        let generation = counter(&mut tx, "index_generation").await?;
        for t in restored.iter().rev() {
            sqlx::query(&format!("DELETE FROM {}", quote(&t.name)))
                .execute(&mut *tx)
                .await?;
        }
        for t in &restored {
            let written = source.copy_into(&mut tx, t).await?;
            let expected = in_backup.get(t.name.as_str()).copied().unwrap_or(0);
            if written != expected {
                return Err(BackupError::Table {
                    table: t.name.clone(),
                    message: format!(
                        "the backup holds {written} rows, its manifest says {expected}"
                    ),
                });
            }
        }
        // A new reindex generation, above both the old target's and the backup's: every
        // portal on this catalog rebuilds its search index from what was restored.
        let restored_generation = counter(&mut tx, "index_generation").await?;
        sqlx::query("UPDATE catalog_counter SET value = $1 WHERE name = 'index_generation'")
            .bind(generation.max(restored_generation) + 1)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        source.close().await;
        Ok(manifest)
    }

    /// Every table's rows as JSON objects ordered by primary key (sqlx's record of
    /// migrations aside), read in one transaction: what two catalogs are compared by, e.g.
    /// after a restore.
    pub async fn dump_tables(
        &self,
    ) -> Result<BTreeMap<String, Vec<serde_json::Map<String, serde_json::Value>>>, BackupError>
    {
        // One transaction, so that the tables agree with each other while others write.
        let mut conn = match self.kind() {
            Kind::Sqlite => self.pool.begin().await?,
            Kind::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        };
        let mut out = BTreeMap::new();
        for t in tables::tables(&mut conn, self.kind()).await? {
            let rows = sqlx::query(&t.select_all()).fetch_all(&mut *conn).await?;
            let mut rows: Vec<_> = rows.iter().map(row_to_json).collect::<Result<_, _>>()?;
            // Sorted here too: the databases' text collations differ.
            rows.sort_by_cached_key(|r| {
                t.primary_key
                    .iter()
                    .map(|c| r.get(c).map(ToString::to_string).unwrap_or_default())
                    .collect::<Vec<_>>()
            });
            out.insert(t.name, rows);
        }
        conn.rollback().await?;
        Ok(out)
    }

    fn kind(&self) -> Kind {
        if self.is_sqlite() {
            Kind::Sqlite
        } else {
            Kind::Postgres
        }
    }

    async fn snapshot_sqlite(&self, dir: &Path) -> Result<Snapshot, BackupError> {
        let path = dir.join(SQLITE_FILE);
        let target = path.to_str().ok_or_else(|| BackupError::Io {
            path: path.clone(),
            message: "SQLite needs a path that is valid UTF-8".into(),
        })?;
        // One read transaction on the live database: writers carry on (in WAL mode) or
        // wait for it (in rollback-journal mode, for as long as the copy takes).
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        if let Ok(f) = tokio::fs::File::open(&path).await {
            f.sync_all().await.map_err(|e| BackupError::io(&path, e))?;
        }
        let copy = open_sqlite_read_only(&path).await?;
        let mut conn = copy.acquire().await?;
        let mut tables_out = Vec::new();
        for t in tables::tables(&mut conn, Kind::Sqlite).await? {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quote(&t.name)))
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
            tables_out.push(TableEntry {
                name: t.name,
                rows: n.max(0) as u64,
            });
        }
        let snapshot = Snapshot {
            schema_version: schema_version(&mut conn).await?,
            keys: referenced_keys(&mut conn).await?,
            tables: tables_out,
            files: vec![SQLITE_FILE.into()],
        };
        drop(conn);
        copy.close().await;
        Ok(snapshot)
    }

    async fn snapshot_postgres(&self, dir: &Path) -> Result<Snapshot, BackupError> {
        let folder = dir.join("catalog");
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(|e| BackupError::io(&folder, e))?;
        // Every read below sees the same snapshot of the database.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
        let all = tables::tables(&mut tx, Kind::Postgres).await?;
        let mut tables_out = Vec::new();
        let mut files = Vec::new();
        for t in all {
            let relative = format!("catalog/{}.jsonl", t.name);
            if !safe_relative(&relative) {
                return Err(BackupError::Table {
                    table: t.name,
                    message: "its name cannot be a file name".into(),
                });
            }
            let path = dir.join(&relative);
            let file = tokio::fs::File::create(&path)
                .await
                .map_err(|e| BackupError::io(&path, e))?;
            let mut out = tokio::io::BufWriter::new(file);
            let sql = t.select_all();
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            let mut n = 0u64;
            while let Some(row) = rows.try_next().await? {
                let mut line =
                    serde_json::to_vec(&row_to_json(&row)?).map_err(|e| BackupError::Table {
                        table: t.name.clone(),
                        message: e.to_string(),
                    })?;
                line.push(b'\n');
                out.write_all(&line)
                    .await
                    .map_err(|e| BackupError::io(&path, e))?;
                n += 1;
            }
            drop(rows);
            out.flush().await.map_err(|e| BackupError::io(&path, e))?;
            out.get_ref()
                .sync_all()
                .await
                .map_err(|e| BackupError::io(&path, e))?;
            tables_out.push(TableEntry {
                name: t.name,
                rows: n,
            });
            files.push(relative);
        }
        let snapshot = Snapshot {
            schema_version: schema_version(&mut tx).await?,
            keys: referenced_keys(&mut tx).await?,
            tables: tables_out,
            files,
        };
        tx.rollback().await?;
        sync_dir(&folder).await;
        Ok(snapshot)
    }
}

/// What a catalog snapshot holds, besides its rows.
struct Snapshot {
    schema_version: i64,
    keys: Vec<String>,
    tables: Vec<TableEntry>,
    /// The catalog's files, relative to the backup folder.
    files: Vec<String>,
}

/// Makes `dir` if needed; refuses one that holds anything.
async fn prepare_empty(dir: &Path) -> Result<(), BackupError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| BackupError::io(dir, e))?;
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .map_err(|e| BackupError::io(dir, e))?;
    if entries
        .next_entry()
        .await
        .map_err(|e| BackupError::io(dir, e))?
        .is_some()
    {
        return Err(BackupError::NotEmpty(dir.to_path_buf()));
    }
    Ok(())
}

async fn schema_version(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX(version), 0) AS v FROM {MIGRATIONS_TABLE} WHERE success"
    ))
    .fetch_one(conn)
    .await?;
    row.try_get("v")
}

async fn referenced_keys(conn: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query(REFERENCED_KEYS)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("k"))
        .collect()
}

async fn counter(conn: &mut AnyConnection, name: &str) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query("SELECT value FROM catalog_counter WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?
            .map(|r| r.try_get::<i64, _>("value"))
            .transpose()?
            .unwrap_or(0),
    )
}

async fn open_sqlite_read_only(path: &Path) -> Result<AnyPool, BackupError> {
    sqlx::any::install_default_drivers();
    let escaped = path
        .to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{escaped}?mode=ro"))
        .await
        .map_err(|e| BackupError::Io {
            path: path.to_path_buf(),
            message: format!("cannot open the catalog copy: {e}"),
        })
}

/// Copies one object into `dir/files/<key>`, hashing it on the way; `None` when the
/// file store does not have it.
async fn copy_object(
    files: &FileStore,
    key: &str,
    dir: &Path,
) -> Result<Option<ObjectEntry>, BackupError> {
    let object_error = |source: StoreError| BackupError::Object {
        key: key.to_owned(),
        source,
    };
    let relative = format!("files/{key}");
    if !safe_relative(&relative) {
        return Err(object_error(StoreError::Invalid {
            field: "key",
            message: "the key cannot be a path in the backup folder".into(),
        }));
    }
    let (_, mut stream) = match files.get(key).await {
        Ok(got) => got,
        Err(StoreError::Files(object_store::Error::NotFound { .. })) => return Ok(None),
        Err(e) => return Err(object_error(e)),
    };
    let path = dir.join(&relative);
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| BackupError::io(parent, e))?;
    }
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| BackupError::io(&path, e))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(object_error)?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        file.write_all(&chunk)
            .await
            .map_err(|e| BackupError::io(&path, e))?;
    }
    file.sync_all()
        .await
        .map_err(|e| BackupError::io(&path, e))?;
    Ok(Some(ObjectEntry {
        key: key.to_owned(),
        size,
        sha256: hex::encode(hasher.finalize()),
    }))
}

/// Where a restore reads the catalog's rows from.
enum Source {
    Sqlite(AnyPool),
    JsonLines(PathBuf),
}

impl Source {
    async fn open(dir: &Path, manifest: &Manifest) -> Result<Source, BackupError> {
        Ok(match manifest.database.as_str() {
            "sqlite" => Source::Sqlite(open_sqlite_read_only(&dir.join(SQLITE_FILE)).await?),
            _ => Source::JsonLines(dir.join("catalog")),
        })
    }

    /// Writes every row of `table` from the backup into `target`; returns how many.
    async fn copy_into(
        &self,
        target: &mut AnyConnection,
        table: &Table,
    ) -> Result<u64, BackupError> {
        let mut batch = Vec::with_capacity(RESTORE_BATCH);
        let mut written = 0u64;
        match self {
            Source::Sqlite(pool) => {
                let sql = format!("SELECT * FROM {}", quote(&table.name));
                let mut rows = sqlx::query(&sql).fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    batch.push(row_to_json(&row)?);
                    if batch.len() == RESTORE_BATCH {
                        insert_rows(target, table, &batch, written + 1).await?;
                        written += batch.len() as u64;
                        batch.clear();
                    }
                }
            }
            Source::JsonLines(folder) => {
                let path = folder.join(format!("{}.jsonl", table.name));
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| BackupError::io(&path, e))?;
                let mut lines = tokio::io::BufReader::new(file).lines();
                let mut line_no = 0u64;
                while let Some(line) = lines
                    .next_line()
                    .await
                    .map_err(|e| BackupError::io(&path, e))?
                {
                    line_no += 1;
                    let row = serde_json::from_str(&line).map_err(|e| BackupError::Io {
                        path: path.clone(),
                        message: format!("line {line_no} is not a JSON object: {e}"),
                    })?;
                    batch.push(row);
                    if batch.len() == RESTORE_BATCH {
                        insert_rows(target, table, &batch, written + 1).await?;
                        written += batch.len() as u64;
                        batch.clear();
                    }
                }
            }
        }
        insert_rows(target, table, &batch, written + 1).await?;
        written += batch.len() as u64;
        Ok(written)
    }

    async fn close(self) {
        if let Source::Sqlite(pool) = self {
            pool.close().await;
        }
    }
}
