//! Who is calling: an API token in the `Authorization` header (raw, as CKAN sends it, or
//! `Bearer …`) or CKAN's older `X-CKAN-API-Key`.

use axum::http::{header, HeaderMap};
use ceiba_core::access::Audience;
use ceiba_core::{Account, Permissions};

use super::CkanError;
use crate::SharedState;

/// The caller of an action.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub account: Option<Account>,
    pub perms: Permissions,
}

impl Caller {
    /// The caller as the use cases know it.
    pub fn actor(&self) -> ceiba_portal::Actor {
        ceiba_portal::Actor {
            account: self.account.clone(),
            perms: self.perms.clone(),
        }
    }

    /// What the caller may see in searches.
    pub fn viewer(&self) -> Audience {
        Audience::of(&self.perms)
    }

    /// The account, or CKAN's error for an action that needs one.
    pub fn require(&self, action: &str) -> Result<&Account, CkanError> {
        self.account.as_ref().ok_or_else(|| {
            CkanError::Authorization(format!("Action {action} requires an authenticated user"))
        })
    }
}

fn token(headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .or_else(|| headers.get("x-ckan-api-key"))?
        .to_str()
        .ok()?
        .trim();
    let raw = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(raw)
        .trim();
    (!raw.is_empty()).then(|| raw.to_owned())
}

/// The caller behind the request's token; anonymous without one. A token that is unknown,
/// revoked or expired is refused rather than ignored, so a script learns at once.
pub async fn caller(state: &SharedState, headers: &HeaderMap) -> Result<Caller, CkanError> {
    let Some(secret) = token(headers) else {
        return Ok(Caller::default());
    };
    let Some((account, _)) = state.catalog.account_by_token(&secret).await? else {
        return Err(CkanError::Authorization(
            "the API token is not valid (unknown, revoked or expired)".into(),
        ));
    };
    let memberships = state.catalog.memberships_of(account.id).await?;
    let perms = Permissions::new(&account, &memberships);
    Ok(Caller {
        account: Some(account),
        perms,
    })
}
