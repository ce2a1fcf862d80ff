//! Who acts.

use ceiba_core::access::{self, Audience};
use ceiba_core::{Account, Dataset, Permissions};

use crate::{Error, Thing};

/// An account with its permissions, or nobody (anonymous: no permissions).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub account: Option<Account>,
    pub perms: Permissions,
}

impl Actor {
    /// Nobody: sees what is public, changes nothing.
    pub fn anonymous() -> Actor {
        Actor::default()
    }

    /// `account`, with its permissions.
    pub fn account(account: Account, perms: Permissions) -> Actor {
        Actor {
            account: Some(account),
            perms,
        }
    }

    /// Whoever runs the command line on the portal's data folder: no account, a
    /// sysadmin's rights (they hold the files already).
    pub fn operator() -> Actor {
        Actor {
            account: None,
            perms: Permissions::operator(),
        }
    }

    /// Fails unless someone acts: an account, or the operator.
    pub fn identified(&self) -> Result<(), Error> {
        if self.account.is_some() || self.perms.is_sysadmin() {
            Ok(())
        } else {
            Err(Error::SignInRequired)
        }
    }

    /// What the actor finds in lists and searches.
    pub fn audience(&self) -> Audience {
        Audience::of(&self.perms)
    }

    pub fn may_see(&self, d: &Dataset) -> bool {
        access::may_see(&self.perms, d)
    }

    pub fn may_edit(&self, d: &Dataset) -> bool {
        access::may_edit(&self.perms, d)
    }

    /// The account, or [`Error::SignInRequired`].
    pub fn signed_in(&self) -> Result<&Account, Error> {
        self.account.as_ref().ok_or(Error::SignInRequired)
    }

    /// Fails unless the actor may change `d` (signed in first: an anonymous caller is told
    /// to sign in, not that it is forbidden).
    pub fn require_edit(&self, d: &Dataset, what: Thing) -> Result<(), Error> {
        self.identified()?;
        if self.may_edit(d) {
            Ok(())
        } else {
            Err(Error::Forbidden(what))
        }
    }
}
