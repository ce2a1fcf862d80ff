//! The audit log (sign-ins, accounts, roles, tokens, publishers, deletions) and the
//! browsers each account is known to sign in from.

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{random_bytes, token_hash};
use crate::time::{from_db, to_db};
use crate::{now, Catalog, Result};

/// Longest text kept in a field of the log (a name typed at sign-in can be anything).
const MAX_FIELD_CHARS: usize = 200;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The account name, or the name typed for a failed sign-in.
    pub actor: Option<String>,
    pub address: Option<String>,
    /// What happened, e.g. `sign_in`, `sign_in_failed`, `token_create`.
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

impl AuditEvent {
    /// An event happening now.
    pub fn new(action: &str) -> AuditEvent {
        AuditEvent {
            at: now(),
            actor_id: None,
            actor: None,
            address: None,
            action: action.to_owned(),
            target: None,
            detail: None,
        }
    }

    pub fn by(mut self, id: Option<Uuid>, name: Option<&str>) -> Self {
        self.actor_id = id;
        self.actor = name.map(clip);
        self
    }

    pub fn from_address(mut self, address: Option<&str>) -> Self {
        self.address = address.map(clip);
        self
    }

    pub fn on(mut self, target: &str) -> Self {
        self.target = Some(clip(target));
        self
    }

    pub fn saying(mut self, detail: &str) -> Self {
        self.detail = Some(clip(detail));
        self
    }
}

fn clip(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_FIELD_CHARS)
        .collect()
}

/// Random bytes in a known-browser secret.
const BROWSER_SECRET_BYTES: usize = 32;

impl Catalog {
    /// Appends an event to the audit log.
    pub async fn audit(&self, e: &AuditEvent) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_event (id, at, actor_id, actor, address, action, target, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(to_db(e.at))
        .bind(e.actor_id.map(|id| id.to_string()))
        .bind(e.actor.clone())
        .bind(e.address.clone())
        .bind(e.action.clone())
        .bind(e.target.clone())
        .bind(e.detail.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The latest `limit` events, newest first.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT at, actor_id, actor, address, action, target, detail FROM audit_event \
             ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit.clamp(0, 100_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let actor_id: Option<String> = row.try_get("actor_id")?;
                Ok(AuditEvent {
                    at: from_db("at", &row.try_get::<String, _>("at")?)?,
                    actor_id: actor_id.and_then(|s| Uuid::parse_str(&s).ok()),
                    actor: row.try_get("actor")?,
                    address: row.try_get("address")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Remembers a browser an account signed in from; returns the secret for its cookie
    /// (not kept: only its SHA-256 is).
    pub async fn remember_browser(&self, account_id: Uuid) -> Result<String> {
        let secret = hex::encode(random_bytes::<BROWSER_SECRET_BYTES>()?);
        let t = to_db(now());
        sqlx::query(
            "INSERT INTO known_browser (secret_hash, account_id, created, last_used) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash(&secret))
        .bind(account_id.to_string())
        .bind(t)
        .execute(&self.pool)
        .await?;
        // The most recent few per account are enough to recognise its owner's browsers.
        sqlx::query(
            "DELETE FROM known_browser WHERE account_id = $1 AND secret_hash NOT IN \
             (SELECT secret_hash FROM known_browser WHERE account_id = $1 \
              ORDER BY last_used DESC LIMIT 20)",
        )
        .bind(account_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(secret)
    }

    /// Whether the browser holding `secret` has signed in to account `name` before.
    pub async fn is_known_browser(&self, name: &str, secret: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT 1 FROM known_browser b JOIN account a ON a.id = b.account_id \
             WHERE b.secret_hash = $1 AND a.name = $2",
        )
        .bind(token_hash(secret))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }
}
