//! Accounts (CKAN users), their roles in organizations, and API tokens.
//!
//! Passwords are kept as argon2id PHC strings (the crate's default parameters, a random
//! salt each); hashing and checking run on tokio's blocking threads, since each takes
//! tens of milliseconds of CPU. API token secrets are kept only as their SHA-256.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use ceiba_core::{validate_name, Account, AccountState, ApiToken, Lookup, Role};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::hashing;
use crate::sql::uuid;
use crate::time::{from_db, to_db};
use crate::{now, Catalog, Result, StoreError};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted, in bytes (longer ones only cost hashing time).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How every API token secret starts, so that one pasted where it should not be is
/// recognised (by people and by secret scanners).
pub const TOKEN_PREFIX: &str = "ceiba_";
/// Random bytes in a token secret.
const TOKEN_BYTES: usize = 32;
/// A token's `last_used` is written at most this often, not on every request.
const LAST_USED_EVERY: chrono::Duration = chrono::Duration::seconds(60);

pub(crate) const ACCOUNT_COLUMNS: &str =
    "a.id, a.name, a.email, a.fullname, a.sysadmin, a.state, a.created";
const TOKEN_COLUMNS: &str = "t.id AS token_id, t.account_id AS token_account_id, \
     t.name AS token_name, t.created AS token_created, t.expires AS token_expires, \
     t.last_used AS token_last_used, t.revoked AS token_revoked";

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        message: message.into(),
    }
}

fn not_found(kind: &'static str, key: impl ToString) -> StoreError {
    StoreError::NotFound {
        kind,
        key: key.to_string(),
    }
}

pub(crate) fn account_from_row(row: &AnyRow) -> Result<Account> {
    let state: String = row.try_get("state")?;
    Ok(Account {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        fullname: row.try_get("fullname")?,
        sysadmin: row.try_get::<i64, _>("sysadmin")? != 0,
        state: AccountState::parse(&state).ok_or(StoreError::Corrupt {
            column: "account.state",
            value: state,
        })?,
        created: from_db("account.created", &row.try_get::<String, _>("created")?)?,
    })
}

fn token_from_row(row: &AnyRow) -> Result<ApiToken> {
    let opt_time = |column: &'static str| -> Result<Option<DateTime<Utc>>> {
        row.try_get::<Option<String>, _>(column)?
            .map(|t| from_db(column, &t))
            .transpose()
    };
    Ok(ApiToken {
        id: uuid(row, "token_id")?,
        account_id: uuid(row, "token_account_id")?,
        name: row.try_get("token_name")?,
        created: from_db(
            "api_token.created",
            &row.try_get::<String, _>("token_created")?,
        )?,
        expires: opt_time("token_expires")?,
        last_used: opt_time("token_last_used")?,
        revoked: row.try_get::<i64, _>("token_revoked")? != 0,
    })
}

fn role_from_row(row: &AnyRow) -> Result<Role> {
    let role: String = row.try_get("role")?;
    Role::parse(&role).ok_or(StoreError::Corrupt {
        column: "membership.role",
        value: role,
    })
}

/// Checks what the database cannot: the name rule, an email address, a short full name.
fn validate(a: &Account) -> Result<()> {
    validate_name(&a.name).map_err(|e| invalid("name", e.to_string()))?;
    let email = a.email.trim();
    if email.is_empty() {
        return Err(invalid("email", "must not be empty"));
    }
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(invalid(
            "email",
            format!("'{email}' is not an email address"),
        ));
    }
    if a.fullname.chars().count() > 200 {
        return Err(invalid("fullname", "must be at most 200 characters long"));
    }
    Ok(())
}

fn validate_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters long (it has {chars})"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(invalid(
            "password",
            format!("must be at most {MAX_PASSWORD_BYTES} bytes long"),
        ));
    }
    Ok(())
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Crypto(format!("no random numbers from the system: {e}")))?;
    Ok(buf)
}

/// An argon2id PHC string of `password` with a fresh random salt (CPU-bound: call it on
/// a blocking thread).
fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| StoreError::Crypto(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Crypto(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`. The comparison is constant-time;
/// the parameters are those recorded in the hash.
fn password_matches(password: &str, hash: &str) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(|_| StoreError::Corrupt {
        column: "account.password_hash",
        value: hash.chars().take(30).collect(),
    })?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// A hash checked when there is no account (or no password) to check against, so that
/// the time an answer takes does not tell whether an account exists.
async fn dummy_hash() -> Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let secret = hex::encode(random_bytes::<16>()?);
    let hash = hashing::run(move || hash_password(&secret)).await?;
    Ok(DUMMY.get_or_init(|| hash))
}

/// The SHA-256 (hex) under which a token secret is stored and looked up.
///
/// A fast hash is enough here, unlike for passwords: the secret is 256 random bits, so
/// there is nothing to guess by trying candidates, and a stolen table of hashes cannot be
/// turned back into secrets. It also lets a request find its token by an indexed lookup.
pub(crate) fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Why a one-time password link is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Asked for by the account's owner ("forgot my password").
    Reset,
    /// Made for a new account by whoever created it.
    Invite,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Reset => "reset",
            LinkPurpose::Invite => "invite",
        }
    }
}

impl Catalog {
    /// Makes a one-time link secret that sets account `account_id`'s password until
    /// `expires`; only its SHA-256 is kept, so this is the one time it is known.
    pub async fn create_password_link(
        &self,
        account_id: Uuid,
        purpose: LinkPurpose,
        expires: DateTime<Utc>,
    ) -> Result<String> {
        let secret = hex::encode(random_bytes::<32>()?);
        sqlx::query(
            "INSERT INTO password_link (secret_hash, account_id, purpose, created, expires) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&secret))
        .bind(account_id.to_string())
        .bind(purpose.as_str())
        .bind(to_db(crate::now()))
        .bind(to_db(expires))
        .execute(&self.pool)
        .await?;
        Ok(secret)
    }

    /// The active account with this e-mail address (compared without case), if any.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account a WHERE LOWER(a.email) = LOWER($1) \
             AND a.state = $2 ORDER BY a.created LIMIT 1"
        ))
        .bind(email.trim())
        .bind(AccountState::Active.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// The active account a password link opens, if the link is unused and unexpired.
    pub async fn password_link_account(&self, secret: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM password_link l JOIN account a ON a.id = l.account_id \
             WHERE l.secret_hash = $1 AND l.used IS NULL AND l.expires > $2"
        ))
        .bind(token_hash(secret.trim()))
        .bind(to_db(crate::now()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .as_ref()
            .map(account_from_row)
            .transpose()?
            .filter(Account::is_active))
    }

    /// Sets the password through a link, once: the link is used up, and every other link
    /// and session of the account ends. `None` when the link is unknown, used or expired.
    pub async fn use_password_link(&self, secret: &str, password: &str) -> Result<Option<Account>> {
        validate_password(password)?;
        let Some(account) = self.password_link_account(secret).await? else {
            return Ok(None);
        };
        let p = password.to_owned();
        let hash = hashing::run(move || hash_password(&p)).await?;
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query(
            "UPDATE password_link SET used = $2 WHERE secret_hash = $1 AND used IS NULL",
        )
        .bind(token_hash(secret.trim()))
        .bind(to_db(crate::now()))
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(None);
        }
        let id = account.id.to_string();
        sqlx::query("UPDATE account SET password_hash = $2 WHERE id = $1")
            .bind(&id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        for sql in [
            "DELETE FROM web_session WHERE account_id = $1",
            "DELETE FROM password_link WHERE account_id = $1 AND used IS NULL",
        ] {
            sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Some(account))
    }

    /// Adds an account, with a password or without one (an account without a password
    /// cannot sign in with one, but may use API tokens). The name follows CKAN's rule and
    /// must be free; the email must look like an address.
    pub async fn create_account(&self, account: &Account, password: Option<&str>) -> Result<()> {
        validate(account)?;
        let hash = match password {
            Some(p) => {
                validate_password(p)?;
                let p = p.to_owned();
                Some(hashing::run(move || hash_password(&p)).await?)
            }
            None => None,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO account (id, name, email, fullname, password_hash, sysadmin, state, \
             created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(account.id.to_string())
        .bind(&account.name)
        .bind(account.email.trim())
        .bind(account.fullname.trim())
        .bind(hash)
        .bind(i64::from(account.sysadmin))
        .bind(account.state.as_str())
        .bind(to_db(account.created))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("account", &account.name, e))?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes an account's name, email, full name and sysadmin flag (found by id). Its
    /// state changes only through [`Catalog::delete_account`].
    pub async fn update_account(&self, account: &Account) -> Result<()> {
        validate(account)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE account SET name = $2, email = $3, fullname = $4, sysadmin = $5 WHERE id = $1",
        )
        .bind(account.id.to_string())
        .bind(&account.name)
        .bind(account.email.trim())
        .bind(account.fullname.trim())
        .bind(i64::from(account.sysadmin))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_insert("account", &account.name, e))?;
        if done.rows_affected() == 0 {
            return Err(not_found("account", account.id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks an account deleted (CKAN's semantics: it keeps its name), removes its
    /// memberships and revokes its tokens, all at once.
    pub async fn delete_account(&self, name_or_id: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (column, value) = Lookup::parse(name_or_id).column_and_value();
        let row = sqlx::query(&format!("SELECT id FROM account WHERE {column} = $1"))
            .bind(value)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(not_found("account", name_or_id));
        };
        let id: String = row.try_get("id")?;
        sqlx::query("UPDATE account SET state = 'deleted' WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM membership WHERE account_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE api_token SET revoked = 1 WHERE account_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets (replaces) an account's password.
    pub async fn set_password(&self, name_or_id: &str, password: &str) -> Result<()> {
        validate_password(password)?;
        let p = password.to_owned();
        let hash = hashing::run(move || hash_password(&p)).await?;
        let (column, value) = Lookup::parse(name_or_id).column_and_value();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&format!(
            "UPDATE account SET password_hash = $2 WHERE {column} = $1"
        ))
        .bind(&value)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found("account", name_or_id));
        }
        // A new password signs the account out everywhere.
        sqlx::query(&format!(
            "DELETE FROM web_session WHERE account_id IN \
             (SELECT id FROM account WHERE {column} = $1)"
        ))
        .bind(&value)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds an account by name or id (an id when the text is a UUID, else a name; never
    /// both), whatever its state.
    pub async fn account(&self, name_or_id: &str) -> Result<Option<Account>> {
        let (column, value) = Lookup::parse(name_or_id).column_and_value();
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account a WHERE a.{column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Every account, deleted ones included, by name.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account a ORDER BY a.name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// The active account called `name` if `password` is its password; `None` for a
    /// wrong password, an unknown or deleted account, or one without a password. Every
    /// answer costs one password check, so its time does not tell which case it was.
    pub async fn verify_password(&self, name: &str, password: &str) -> Result<Option<Account>> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, a.password_hash FROM account a WHERE a.name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        let found = match &row {
            Some(row) => {
                let account = account_from_row(row)?;
                let hash: Option<String> = row.try_get("password_hash")?;
                hash.filter(|_| account.is_active()).map(|h| (account, h))
            }
            None => None,
        };
        let (account, hash) = match found {
            Some((account, hash)) => (Some(account), hash),
            None => (None, dummy_hash().await?.to_owned()),
        };
        let p = password.to_owned();
        let matches = hashing::run(move || password_matches(&p, &hash)).await?;
        Ok(account.filter(|_| matches))
    }

    /// Gives an account a role in an organization, replacing the role it had there.
    pub async fn set_membership(&self, account_id: Uuid, org_id: Uuid, role: Role) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT name, state FROM account WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(not_found("account", account_id));
        };
        if row.try_get::<String, _>("state")? != AccountState::Active.as_str() {
            let name: String = row.try_get("name")?;
            return Err(invalid("username", format!("account '{name}' is deleted")));
        }
        let org = sqlx::query("SELECT 1 FROM organization WHERE id = $1")
            .bind(org_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if org.is_none() {
            return Err(not_found("organization", org_id));
        }
        sqlx::query(
            "INSERT INTO membership (account_id, organization_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id, organization_id) DO UPDATE SET role = excluded.role",
        )
        .bind(account_id.to_string())
        .bind(org_id.to_string())
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an account out of an organization; returns whether it was a member.
    pub async fn remove_membership(&self, account_id: Uuid, org_id: Uuid) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("DELETE FROM membership WHERE account_id = $1 AND organization_id = $2")
                .bind(account_id.to_string())
                .bind(org_id.to_string())
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// The organizations where an account has a role (by organization name), with the role.
    pub async fn memberships_of(&self, account_id: Uuid) -> Result<Vec<(Uuid, Role)>> {
        let rows = sqlx::query(
            "SELECT m.organization_id, m.role FROM membership m JOIN organization o \
             ON o.id = m.organization_id WHERE m.account_id = $1 ORDER BY o.name",
        )
        .bind(account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((uuid(row, "organization_id")?, role_from_row(row)?)))
            .collect()
    }

    /// The members of an organization with their roles, by account name.
    pub async fn members_of(&self, org_id: Uuid) -> Result<Vec<(Account, Role)>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, m.role FROM membership m JOIN account a \
             ON a.id = m.account_id WHERE m.organization_id = $1 ORDER BY a.name"
        ))
        .bind(org_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((account_from_row(row)?, role_from_row(row)?)))
            .collect()
    }

    /// Makes an API token for an active account. Returns the token and its secret: the
    /// secret is not kept (only its SHA-256 is), so this is the one time it is known.
    /// `expires`, when given, must be in the future.
    pub async fn create_token(
        &self,
        account_id: Uuid,
        name: &str,
        expires: Option<DateTime<Utc>>,
    ) -> Result<(ApiToken, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid("name", "must be 1–200 characters long"));
        }
        let created = now();
        if let Some(e) = expires {
            if e <= created {
                return Err(invalid("expires", "must be in the future"));
            }
        }
        let secret = format!(
            "{TOKEN_PREFIX}{}",
            hex::encode(random_bytes::<TOKEN_BYTES>()?)
        );
        let token = ApiToken {
            id: Uuid::new_v4(),
            account_id,
            name: name.to_owned(),
            created,
            // Stored as text to the microsecond: read back equal to what is returned.
            expires: expires.map(|e| from_db("expires", &to_db(e))).transpose()?,
            last_used: None,
            revoked: false,
        };
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT name, state FROM account WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(not_found("account", account_id));
        };
        if row.try_get::<String, _>("state")? != AccountState::Active.as_str() {
            let name: String = row.try_get("name")?;
            return Err(invalid("user", format!("account '{name}' is deleted")));
        }
        sqlx::query(
            "INSERT INTO api_token (id, account_id, name, token_hash, created, expires, \
             last_used, revoked) VALUES ($1, $2, $3, $4, $5, $6, NULL, 0)",
        )
        .bind(token.id.to_string())
        .bind(account_id.to_string())
        .bind(&token.name)
        .bind(token_hash(&secret))
        .bind(to_db(token.created))
        .bind(token.expires.map(to_db))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// An account's tokens, revoked and expired ones included, oldest first.
    pub async fn tokens_of(&self, account_id: Uuid) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token t WHERE t.account_id = $1 \
             ORDER BY t.created, t.name, t.id"
        ))
        .bind(account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// A token by id, whatever its state.
    pub async fn token(&self, id: Uuid) -> Result<Option<ApiToken>> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token t WHERE t.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Revokes an account's token given by id, or every token of the account with that
    /// name (names need not be unique). Returns the tokens revoked (revoking one already
    /// revoked is no error); `NotFound` when the account has no such token.
    pub async fn revoke_token(&self, account_id: Uuid, name_or_id: &str) -> Result<Vec<ApiToken>> {
        // An id revokes that token only; a name, every token of that name.
        let (column, value) = Lookup::parse(name_or_id).column_and_value();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&format!(
            "UPDATE api_token SET revoked = 1 WHERE account_id = $1 AND {column} = $2"
        ))
        .bind(account_id.to_string())
        .bind(&value)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found("token", name_or_id));
        }
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token t WHERE t.account_id = $1 \
             AND t.{column} = $2 ORDER BY t.created, t.id"
        ))
        .bind(account_id.to_string())
        .bind(&value)
        .fetch_all(&mut *tx)
        .await?;
        let revoked = rows
            .iter()
            .map(token_from_row)
            .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// The active account an API token secret belongs to, with the token; `None` when the
    /// secret is unknown, revoked or expired, or its account deleted. Records when the
    /// token was used, at most once a minute (so not every request writes).
    pub async fn account_by_token(&self, secret: &str) -> Result<Option<(Account, ApiToken)>> {
        let secret = secret.trim();
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        // Found by an indexed equality on the hash: what a lookup's timing could reveal
        // is how a SHA-256 compares, which says nothing about any secret.
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS}, {TOKEN_COLUMNS} FROM api_token t JOIN account a \
             ON a.id = t.account_id WHERE t.token_hash = $1"
        ))
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account = account_from_row(&row)?;
        let mut token = token_from_row(&row)?;
        let t = now();
        if !account.is_active() || !token.is_usable(t) {
            return Ok(None);
        }
        if token.last_used.is_none_or(|u| t - u >= LAST_USED_EVERY) {
            // Best effort: a request is not refused because its time could not be noted.
            match self.note_token_use(token.id, t).await {
                Ok(true) => token.last_used = Some(t),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, token = %token.id, "could not record token use")
                }
            }
        }
        Ok(Some((account, token)))
    }

    /// Sets a token's `last_used` to `t` unless another request did so within the
    /// minute; returns whether it wrote.
    async fn note_token_use(&self, id: Uuid, t: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_token SET last_used = $2 WHERE id = $1 \
             AND (last_used IS NULL OR last_used <= $3)",
        )
        .bind(id.to_string())
        .bind(to_db(t))
        .bind(to_db(t - LAST_USED_EVERY))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_as_argon2id_with_salt() {
        let a = hash_password("correct horse").expect("hash");
        let b = hash_password("correct horse").expect("hash");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a salt of its own each");
        assert!(password_matches("correct horse", &a).expect("check"));
        assert!(!password_matches("correct horsE", &a).expect("check"));
        assert!(matches!(
            password_matches("x", "not a hash"),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        let h = token_hash("ceiba_00");
        assert_eq!(h.len(), 64);
        assert_eq!(h, token_hash("ceiba_00"));
        assert_ne!(h, token_hash("ceiba_01"));
    }
}
