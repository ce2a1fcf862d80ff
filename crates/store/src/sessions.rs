//! Web sign-in sessions: a random secret in a cookie, kept here only as its SHA-256, with
//! the session's CSRF token and its end.

use ceiba_core::Account;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{account_from_row, random_bytes, token_hash, ACCOUNT_COLUMNS};
use crate::time::{from_db, to_db};
use crate::{now, Catalog, Result};

/// Random bytes in a session secret and in a CSRF token.
const SECRET_BYTES: usize = 32;

/// A signed-in browser: whose it is, the token its forms must send back, and its end.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub id: Uuid,
    pub account: Account,
    pub csrf: String,
    pub expires: DateTime<Utc>,
}

impl Catalog {
    /// Opens a session for an active account, lasting `lifetime`. Returns it with the
    /// secret for the cookie (not kept: this is the one time it is known). Expired
    /// sessions of every account are cleared on the way.
    pub async fn create_session(
        &self,
        account: &Account,
        lifetime: chrono::Duration,
    ) -> Result<(WebSession, String)> {
        let secret = hex::encode(random_bytes::<SECRET_BYTES>()?);
        let created = now();
        let session = WebSession {
            id: Uuid::new_v4(),
            account: account.clone(),
            csrf: hex::encode(random_bytes::<SECRET_BYTES>()?),
            // Stored as text to the microsecond: read back equal to what is returned.
            expires: from_db("expires", &to_db(created + lifetime))?,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM web_session WHERE expires <= $1")
            .bind(to_db(created))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO web_session (id, account_id, secret_hash, csrf, created, expires) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id.to_string())
        .bind(account.id.to_string())
        .bind(token_hash(&secret))
        .bind(&session.csrf)
        .bind(to_db(created))
        .bind(to_db(session.expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((session, secret))
    }

    /// The live session behind a cookie's secret: `None` when it is unknown, has ended, or
    /// its account is deleted.
    pub async fn session(&self, secret: &str) -> Result<Option<WebSession>> {
        let secret = secret.trim();
        if secret.len() != SECRET_BYTES * 2 {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, s.id AS session_id, s.csrf, s.expires \
             FROM web_session s JOIN account a ON a.id = s.account_id \
             WHERE s.secret_hash = $1"
        ))
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account = account_from_row(&row)?;
        let expires = from_db("web_session.expires", &row.try_get::<String, _>("expires")?)?;
        if !account.is_active() || expires <= now() {
            return Ok(None);
        }
        Ok(Some(WebSession {
            id: crate::sql::uuid(&row, "session_id")?,
            account,
            csrf: row.try_get("csrf")?,
            expires,
        }))
    }

    /// Ends the session behind a cookie's secret (signing out); ending one that is gone is
    /// no error.
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM web_session WHERE secret_hash = $1")
            .bind(token_hash(secret.trim()))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
