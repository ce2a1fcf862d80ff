//! Uploaded files, kept byte for byte in an object store (a local folder by default).
//!
//! Keys are ASCII and made by the portal (`resources/<uuid>/<uuid>`), never from a user's
//! file name: DataFusion cannot read non-ASCII keys, and user input must not reach paths.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Result, StoreError};

/// Where an uploaded file went and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub size: i64,
    pub sha256: String,
}

/// The portal's file storage.
#[derive(Clone, Debug)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// The folder of a local store, where files can be read and placed without copying.
    local_root: Option<PathBuf>,
}

impl FileStore {
    /// A store in a local folder, created if missing.
    pub fn local(root: &Path) -> Result<FileStore> {
        std::fs::create_dir_all(root).map_err(|e| {
            StoreError::Files(object_store::Error::Generic {
                store: "local",
                source: format!("cannot create {}: {e}", root.display()).into(),
            })
        })?;
        let root = root.canonicalize().map_err(|e| {
            StoreError::Files(object_store::Error::Generic {
                store: "local",
                source: format!("cannot open {}: {e}", root.display()).into(),
            })
        })?;
        Ok(FileStore {
            store: Arc::new(LocalFileSystem::new_with_prefix(&root)?),
            local_root: Some(root),
        })
    }

    pub fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// A fresh key for an original file of `resource`.
    pub fn new_original_key(resource: Uuid) -> String {
        format!("resources/{resource}/{}", Uuid::new_v4())
    }

    /// Removes the object under `key` (nothing when there is none): an upload whose
    /// catalog write failed is not kept unreferenced.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores `bytes` under `key`, whole or not at all.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<StoredFile> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as i64;
        self.store
            .put(&ObjectPath::from(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(StoredFile {
            key: key.to_owned(),
            size,
            sha256,
        })
    }

    /// The file's size and a stream of its bytes.
    pub async fn get(&self, key: &str) -> Result<(u64, BoxStream<'static, Result<Bytes>>)> {
        let got = self.store.get(&ObjectPath::from(key)).await?;
        let size = got.meta.size;
        Ok((
            size,
            got.into_stream()
                .map(|r| r.map_err(StoreError::from))
                .boxed(),
        ))
    }

    /// Where a key lives on disk, for a local store: read it in place instead of copying.
    /// Keys are made by the portal (ASCII, no `..`), so the path stays inside the root.
    pub fn local_path(&self, key: &str) -> Option<PathBuf> {
        let root = self.local_root.as_ref()?;
        let safe = !key.is_empty()
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != ".." && part.is_ascii());
        safe.then(|| root.join(key))
    }

    /// Moves a finished local file into the store under `key` (renamed in place for a
    /// local store on the same disk, else streamed in parts). Whole or not at all.
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<u64> {
        let size = tokio::fs::metadata(path).await.map_err(io_error)?.len();
        if let Some(target) = self.local_path(key) {
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(io_error)?;
            }
            if tokio::fs::rename(path, &target).await.is_ok() {
                return Ok(size);
            }
        }
        let mut upload = object_store::WriteMultipart::new(
            self.store.put_multipart(&ObjectPath::from(key)).await?,
        );
        let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
        let mut buf = vec![0u8; 4 * 1024 * 1024];
        loop {
            use tokio::io::AsyncReadExt;
            let n = file.read(&mut buf).await.map_err(io_error)?;
            if n == 0 {
                break;
            }
            upload.write(&buf[..n]);
        }
        upload.finish().await?;
        Ok(size)
    }

    /// Stores a local file under `key`, copying it (the source is left in place), and
    /// returns its size and SHA-256.
    pub async fn put_copy(&self, key: &str, path: &Path) -> Result<StoredFile> {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut upload = object_store::WriteMultipart::new(
            self.store.put_multipart(&ObjectPath::from(key)).await?,
        );
        let mut buf = vec![0u8; 4 * 1024 * 1024];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).await.map_err(io_error)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            upload.write(&buf[..n]);
            size += n as u64;
        }
        upload.finish().await?;
        Ok(StoredFile {
            key: key.to_owned(),
            size: size as i64,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Writes the object under `key` to a local file.
    pub async fn download_to(&self, key: &str, path: &Path) -> Result<()> {
        use tokio::io::AsyncWriteExt;
        let (_, mut stream) = self.get(key).await?;
        let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        Ok(())
    }

    /// The whole file in memory; for small files and tests.
    pub async fn read(&self, key: &str) -> Result<Bytes> {
        Ok(self
            .store
            .get(&ObjectPath::from(key))
            .await?
            .bytes()
            .await?)
    }
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Files(object_store::Error::Generic {
        store: "local",
        source: Box::new(e),
    })
}
