//! The data directory: the SQLite catalog and the file store live here.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ceiba_store::{Catalog, FileStore};

pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// Creates the directory if needed and checks that it can be written.
    pub fn prepare(root: &Path) -> anyhow::Result<DataDir> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create the data directory {}", root.display()))?;
        let probe = root.join(".ceiba-write-test");
        std::fs::write(&probe, b"ok")
            .with_context(|| format!("cannot write in the data directory {}", root.display()))?;
        let _ = std::fs::remove_file(&probe);
        Ok(DataDir {
            root: root.to_path_buf(),
        })
    }

    /// Opens the catalog: the given database URL, or `catalog.db` in the directory.
    pub async fn catalog(&self, database_url: Option<&str>) -> anyhow::Result<Catalog> {
        match database_url {
            Some(url) => Catalog::open(url)
                .await
                .with_context(|| format!("cannot open the catalog database {}", redact(url))),
            None => {
                let path = self.root.join("catalog.db");
                Catalog::open_sqlite(&path)
                    .await
                    .with_context(|| format!("cannot open the catalog {}", path.display()))
            }
        }
    }

    /// Scratch space for ingestion jobs, inside the data directory so that results move
    /// into the file store by rename.
    /// The search index: rebuilt from the catalog whenever it is missing or stale.
    pub fn search_dir(&self) -> PathBuf {
        self.root.join("search")
    }

    pub fn work_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn files(&self) -> anyhow::Result<FileStore> {
        let path = self.root.join("files");
        FileStore::local(&path)
            .with_context(|| format!("cannot open the file store {}", path.display()))
    }
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
