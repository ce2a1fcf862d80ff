//! `manifest.json`: what a backup holds, with each file's size and SHA-256. Written last,
//! so a folder without one is a backup still being written (or one that was interrupted).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use super::BackupError;

pub const MANIFEST: &str = "manifest.json";
/// What the `format` field says, so that another program's JSON is not taken for a backup.
pub const FORMAT: &str = "ceiba-backup";
/// Bumped when a restore of this version could not read a newer backup correctly.
pub const FORMAT_VERSION: u32 = 1;
/// A manifest is small (one line an object); anything larger is not one.
const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// When the catalog snapshot was taken (UTC, RFC 3339).
    pub created: String,
    pub ceiba_version: String,
    /// `sqlite` (the catalog is `catalog.sqlite`, made by `VACUUM INTO`) or `postgres`
    /// (the catalog is `catalog/<table>.jsonl`).
    pub database: String,
    /// The newest catalog migration the snapshot had.
    pub schema_version: i64,
    /// Every table of the snapshot and its row count.
    pub tables: Vec<TableEntry>,
    /// The catalog's files in the backup folder.
    pub catalog_files: Vec<FileEntry>,
    /// Every object the catalog references, copied under `files/<key>`.
    pub objects: Vec<ObjectEntry>,
    /// Objects the catalog references that the file store did not have.
    #[serde(default)]
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableEntry {
    pub name: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative to the backup folder, with `/`.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

impl ObjectEntry {
    /// Where the object lives in the backup folder.
    pub fn path(&self) -> String {
        format!("files/{}", self.key)
    }
}

impl Manifest {
    /// Writes the manifest whole or not at all (a temporary file renamed into place).
    pub async fn write(&self, dir: &Path) -> Result<(), BackupError> {
        let path = dir.join(MANIFEST);
        let partial = dir.join(format!("{MANIFEST}.partial"));
        let mut text = serde_json::to_vec_pretty(self).map_err(|e| BackupError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        text.push(b'\n');
        write_synced(&partial, &text).await?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| BackupError::io(&path, e))?;
        sync_dir(dir).await;
        Ok(())
    }

    pub async fn read(dir: &Path) -> Result<Manifest, BackupError> {
        let path = dir.join(MANIFEST);
        let meta = match tokio::fs::metadata(&path).await {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(if tokio::fs::metadata(dir).await.is_ok() {
                    BackupError::NoManifest(dir.to_path_buf())
                } else {
                    BackupError::io(dir, e)
                })
            }
            Err(e) => return Err(BackupError::io(&path, e)),
        };
        let bad = |message: String| BackupError::BadManifest {
            path: path.clone(),
            message,
        };
        if meta.len() > MAX_MANIFEST_BYTES {
            return Err(bad(format!("{} bytes is too large", meta.len())));
        }
        let text = tokio::fs::read(&path)
            .await
            .map_err(|e| BackupError::io(&path, e))?;
        let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
        if manifest.format != FORMAT {
            return Err(bad(format!(
                "its format is '{}', not '{FORMAT}'",
                manifest.format
            )));
        }
        if manifest.format_version > FORMAT_VERSION {
            return Err(bad(format!(
                "it is format version {} (written by Ceiba {}); this Ceiba reads up to \
                 version {FORMAT_VERSION}: restore it with a newer Ceiba",
                manifest.format_version, manifest.ceiba_version
            )));
        }
        if !matches!(manifest.database.as_str(), "sqlite" | "postgres") {
            return Err(bad(format!(
                "unknown database kind '{}'",
                manifest.database
            )));
        }
        for path in manifest
            .catalog_files
            .iter()
            .map(|f| f.path.clone())
            .chain(manifest.objects.iter().map(ObjectEntry::path))
        {
            if !safe_relative(&path) {
                return Err(bad(format!("'{path}' is not a path inside the backup")));
            }
        }
        Ok(manifest)
    }
}

/// A relative path of plain ASCII parts: it cannot leave the folder it is joined to.
pub fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'\\' && b != b':')
        })
}

/// A file's size and SHA-256 (hex), read in pieces.
pub async fn hash_file(path: &Path) -> Result<(u64, String), BackupError> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| BackupError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .await
            .map_err(|e| BackupError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Checks one file of the backup against the manifest.
pub async fn verify_file(
    dir: &Path,
    relative: &str,
    size: u64,
    sha256: &str,
) -> Result<PathBuf, BackupError> {
    let path = dir.join(relative);
    let damaged = |detail: String| BackupError::Damaged {
        path: path.clone(),
        detail,
    };
    let meta = match tokio::fs::metadata(&path).await {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(damaged("the file is missing".into()))
        }
        Err(e) => return Err(BackupError::io(&path, e)),
    };
    if meta.len() != size {
        return Err(damaged(format!(
            "it has {} bytes, the manifest says {size}",
            meta.len()
        )));
    }
    let (_, found) = hash_file(&path).await?;
    if found != sha256 {
        return Err(damaged(format!(
            "its SHA-256 is {found}, the manifest says {sha256}"
        )));
    }
    Ok(path)
}

/// Writes `bytes` to `path` and flushes them to disk.
pub async fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| BackupError::io(path, e))?;
    file.write_all(bytes)
        .await
        .map_err(|e| BackupError::io(path, e))?;
    file.sync_all().await.map_err(|e| BackupError::io(path, e))
}

/// Makes a rename in `dir` durable; best effort (not every system can open a folder).
pub async fn sync_dir(dir: &Path) {
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside() {
        assert!(safe_relative("files/resources/a/b"));
        assert!(safe_relative("catalog/dataset.jsonl"));
        for bad in [
            "",
            "/etc/passwd",
            "a//b",
            "../x",
            "a/../b",
            "a/./b",
            "a\\b",
            "C:x",
            "ñ",
            "a b",
        ] {
            assert!(!safe_relative(bad), "{bad}");
        }
    }
}
