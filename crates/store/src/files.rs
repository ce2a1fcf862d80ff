//! Uploaded files, kept byte for byte in an object store (a local folder by default).
//!
//! Keys are ASCII and made by the portal (`resources/<uuid>/<uuid>`), never from a user's
//! file name: DataFusion cannot read non-ASCII keys, and user input must not reach paths.

use std::path::Path;
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
        Ok(FileStore {
            store: Arc::new(LocalFileSystem::new_with_prefix(root)?),
        })
    }

    pub fn object_store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// A fresh key for an original file of `resource`.
    pub fn new_original_key(resource: Uuid) -> String {
        format!("resources/{resource}/{}", Uuid::new_v4())
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
