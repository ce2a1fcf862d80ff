use thiserror::Error;

/// What can go wrong reading or writing the catalog.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{kind} '{key}' not found")]
    NotFound { kind: &'static str, key: String },
    /// Someone else changed the record since the caller read it; nothing was written.
    #[error("{kind} '{key}' was changed by someone else in the meantime")]
    Conflict { kind: &'static str, key: String },
    #[error("{kind} name '{name}' is already in use")]
    NameTaken { kind: &'static str, name: String },
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("catalog database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("catalog migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("file storage: {0}")]
    Files(#[from] object_store::Error),
    #[error("stored value in {column} is not valid: {value:?}")]
    Corrupt { column: &'static str, value: String },
    /// Password hashing or the system's random numbers failed.
    #[error("cryptography: {0}")]
    Crypto(String),
    /// Too many password checks waiting: the caller should answer "busy, try again".
    #[error("the portal is busy checking passwords; try again in a moment")]
    Busy,
}

impl StoreError {
    pub(crate) fn from_insert(kind: &'static str, name: &str, err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::NameTaken {
                kind,
                name: name.to_owned(),
            },
            _ => StoreError::Database(err),
        }
    }
}
