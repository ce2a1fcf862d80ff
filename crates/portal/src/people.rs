//! People: accounts (made by sysadmins), one's own password and API tokens. Changes to
//! credentials go to the audit log (`ceiba audit`), not the public activity stream.

use ceiba_core::access;
use ceiba_core::{Account, AccountState, ApiToken};
use ceiba_store::{now, AuditEvent, LinkPurpose, MIN_PASSWORD_CHARS};
use uuid::Uuid;

use crate::datasets::refused;
use crate::{Actor, Error, Portal, Reason, Thing};

/// A new account as a sysadmin fills it in.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub name: String,
    pub email: String,
    pub fullname: String,
    /// The first password (the person changes it on their account page); `None`: none,
    /// the account signs in only after a password is set.
    pub password: Option<String>,
    pub sysadmin: bool,
}

/// How long a reset link asked for by e-mail works.
pub const RESET_LINK_HOURS: i64 = 2;
/// How long an invitation works.
pub const INVITE_LINK_DAYS: i64 = 7;

impl Portal {
    /// A one-time link secret for the account named or e-mailed `who`, to send to its
    /// owner; `None` when there is no such active account (the door says the same either
    /// way, so that the answer tells nothing of who has an account).
    pub async fn request_password_reset(
        &self,
        who: &str,
    ) -> Result<Option<(Account, String)>, Error> {
        let who = who.trim();
        if who.is_empty() || who.len() > 254 {
            return Ok(None);
        }
        let found = if who.contains('@') {
            self.catalog().account_by_email(who).await?
        } else {
            self.catalog()
                .account(who)
                .await?
                .filter(Account::is_active)
        };
        let Some(account) = found else {
            return Ok(None);
        };
        let expires = now() + chrono::Duration::hours(RESET_LINK_HOURS);
        let secret = self
            .catalog()
            .create_password_link(account.id, LinkPurpose::Reset, expires)
            .await?;
        self.audit(&Actor::anonymous(), "password_reset_request", &account.name)
            .await;
        Ok(Some((account, secret)))
    }

    /// An invitation for account `name` (which sets its own password through it), made by
    /// a sysadmin; the secret is shown or sent once.
    pub async fn invitation(&self, actor: &Actor, name: &str) -> Result<(Account, String), Error> {
        if !access::may_run_portal(&actor.perms) {
            actor.signed_in()?;
            return Err(Error::Forbidden(Thing::Account));
        }
        let account = self
            .catalog()
            .account(name.trim())
            .await?
            .filter(Account::is_active)
            .ok_or(Error::NotFound(Thing::Account))?;
        let expires = now() + chrono::Duration::days(INVITE_LINK_DAYS);
        let secret = self
            .catalog()
            .create_password_link(account.id, LinkPurpose::Invite, expires)
            .await?;
        self.audit(actor, "invitation_create", &account.name).await;
        Ok((account, secret))
    }

    /// The account a password link opens, if it still works.
    pub async fn password_link(&self, secret: &str) -> Result<Account, Error> {
        self.catalog()
            .password_link_account(secret)
            .await?
            .ok_or_else(|| Error::invalid("link", Reason::LinkExpired))
    }

    /// Sets a password through a link, once; every session and other link of the account
    /// ends.
    pub async fn set_password_with_link(&self, secret: &str, new: &str) -> Result<Account, Error> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::invalid(
                "password",
                Reason::ShortPassword {
                    min: MIN_PASSWORD_CHARS,
                },
            ));
        }
        let account = self
            .catalog()
            .use_password_link(secret, new)
            .await
            .map_err(|e| refused(e, Thing::Account))?
            .ok_or_else(|| Error::invalid("link", Reason::LinkExpired))?;
        let who = Actor::account(account.clone(), Default::default());
        self.audit(&who, "password_set_by_link", &account.name)
            .await;
        Ok(account)
    }

    async fn audit(&self, actor: &Actor, action: &str, target: &str) {
        let e = AuditEvent::new(action)
            .by(
                actor.account.as_ref().map(|a| a.id),
                actor.account.as_ref().map(|a| a.name.as_str()),
            )
            .on(target);
        if let Err(err) = self.catalog().audit(&e).await {
            tracing::warn!(action, error = %err, "could not write the audit log");
        }
    }

    /// Account `name_or_id`, if the actor may manage it: itself, or any for a sysadmin.
    pub async fn manageable_account(
        &self,
        actor: &Actor,
        name_or_id: &str,
    ) -> Result<Account, Error> {
        actor.identified()?;
        let account = self
            .catalog()
            .account(name_or_id.trim())
            .await?
            .filter(Account::is_active)
            .ok_or(Error::NotFound(Thing::Account))?;
        let own = actor.account.as_ref().is_some_and(|a| a.id == account.id);
        if own || access::may_run_portal(&actor.perms) {
            Ok(account)
        } else {
            Err(Error::Forbidden(Thing::Account))
        }
    }

    /// Creates an account (sysadmins and the command line only).
    pub async fn create_account(
        &self,
        actor: &Actor,
        input: AccountInput,
    ) -> Result<Account, Error> {
        if !access::may_run_portal(&actor.perms) {
            actor.signed_in()?;
            return Err(Error::Forbidden(Thing::Account));
        }
        ceiba_core::validate_name(input.name.trim())
            .map_err(|e| Error::invalid("name", Reason::BadName(e)))?;
        let account = Account {
            id: Uuid::new_v4(),
            name: input.name.trim().to_owned(),
            email: input.email.trim().to_owned(),
            fullname: input.fullname.trim().to_owned(),
            sysadmin: input.sysadmin,
            state: AccountState::Active,
            created: now(),
        };
        self.catalog()
            .create_account(
                &account,
                input.password.as_deref().filter(|p| !p.is_empty()),
            )
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        self.audit(actor, "user_create", &account.name).await;
        Ok(account)
    }

    /// Changes account `name`'s full name and e-mail (its owner, or a sysadmin) and, for a
    /// sysadmin changing someone else's, whether it is a sysadmin.
    pub async fn update_profile(
        &self,
        actor: &Actor,
        name: &str,
        fullname: &str,
        email: &str,
        sysadmin: Option<bool>,
    ) -> Result<Account, Error> {
        let mut account = self.manageable_account(actor, name).await?;
        let own = actor.account.as_ref().is_some_and(|a| a.id == account.id);
        account.fullname = fullname.trim().to_owned();
        account.email = email.trim().to_owned();
        if let Some(s) = sysadmin {
            // Nobody raises or lowers their own rights.
            if !own && access::may_run_portal(&actor.perms) {
                account.sysadmin = s;
            }
        }
        self.catalog()
            .update_account(&account)
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        self.audit(actor, "user_update", &account.name).await;
        Ok(account)
    }

    /// Changes account `name`'s password: its owner gives the current one; a sysadmin
    /// setting another's does not.
    pub async fn change_password(
        &self,
        actor: &Actor,
        name: &str,
        current: &str,
        new: &str,
    ) -> Result<(), Error> {
        let account = self.manageable_account(actor, name).await?;
        let own = actor.account.as_ref().is_some_and(|a| a.id == account.id);
        if own
            && self
                .catalog()
                .verify_password(&account.name, current)
                .await?
                .is_none()
        {
            return Err(Error::invalid("current", Reason::WrongPassword));
        }
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::invalid(
                "password",
                Reason::ShortPassword {
                    min: MIN_PASSWORD_CHARS,
                },
            ));
        }
        self.catalog()
            .set_password(&account.name, new)
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        self.audit(actor, "password_change", &account.name).await;
        Ok(())
    }

    /// Account `name`'s tokens (never their secrets).
    pub async fn tokens(&self, actor: &Actor, name: &str) -> Result<Vec<ApiToken>, Error> {
        let account = self.manageable_account(actor, name).await?;
        Ok(self.catalog().tokens_of(account.id).await?)
    }

    /// Makes a token for account `name`; returns it with its secret, shown this once.
    pub async fn create_token(
        &self,
        actor: &Actor,
        name: &str,
        token_name: &str,
        expires: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<(ApiToken, String), Error> {
        let account = self.manageable_account(actor, name).await?;
        let made = self
            .catalog()
            .create_token(account.id, token_name, expires)
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        self.audit(
            actor,
            "token_create",
            &format!("{}/{}", account.name, made.0.name),
        )
        .await;
        Ok(made)
    }

    /// Revokes account `name`'s token `id`.
    pub async fn revoke_token(&self, actor: &Actor, name: &str, id: &str) -> Result<(), Error> {
        let account = self.manageable_account(actor, name).await?;
        let id = Uuid::parse_str(id.trim()).map_err(|_| Error::NotFound(Thing::Account))?;
        let gone = self
            .catalog()
            .revoke_token(account.id, &id.to_string())
            .await
            .map_err(|e| refused(e, Thing::Account))?;
        if gone.is_empty() {
            return Err(Error::NotFound(Thing::Account));
        }
        self.audit(actor, "token_revoke", &format!("{}/{id}", account.name))
            .await;
        Ok(())
    }
}
