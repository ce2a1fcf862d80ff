//! Who may write: accounts (CKAN users), their roles in organizations, and API tokens.
//!
//! Secrets never appear here: an account carries no password hash and a token no secret,
//! so these types can be logged and serialised as they are.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whether an account may sign in (CKAN's user `state`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    #[default]
    Active,
    Deleted,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(AccountState::Active),
            "deleted" => Some(AccountState::Deleted),
            _ => None,
        }
    }
}

/// A person or program that signs in (CKAN user). `name` follows CKAN's name rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// The name shown for the account; may be empty.
    pub fullname: String,
    /// May do anything, in every organization.
    pub sysadmin: bool,
    pub state: AccountState,
    pub created: DateTime<Utc>,
}

impl Account {
    pub fn is_active(&self) -> bool {
        self.state == AccountState::Active
    }
}

/// A role in an organization, by CKAN's names. Each role may do what the ones below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the organization's private datasets.
    Member,
    /// Also creates, edits and deletes its datasets and resources.
    Editor,
    /// Also manages its members.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Member => "member",
        }
    }

    /// CKAN's name of a role (`admin`, `editor`, `member`), in any case.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    pub fn can_edit(self) -> bool {
        self >= Role::Editor
    }

    pub fn can_admin(self) -> bool {
        self == Role::Admin
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An API token of an account (its secret is shown once, at creation, and never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub created: DateTime<Utc>,
    /// After this time the token is refused; `None`: never expires.
    pub expires: Option<DateTime<Utc>>,
    /// When the token was last accepted, to the minute.
    pub last_used: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl ApiToken {
    /// Whether the token is accepted at time `now` (not revoked, not expired).
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires.is_none_or(|e| now < e)
    }
}

/// What one account may do: whether it is a sysadmin and its role in each organization.
/// A deleted account, like an anonymous visitor, may do nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    sysadmin: bool,
    roles: BTreeMap<Uuid, Role>,
}

impl Permissions {
    /// The permissions of an anonymous visitor: none.
    pub fn anonymous() -> Permissions {
        Permissions::default()
    }

    /// The permissions of whoever runs the command line on the portal's data folder: they
    /// hold the files already, so they may do anything a sysadmin may.
    pub fn operator() -> Permissions {
        Permissions {
            sysadmin: true,
            roles: BTreeMap::new(),
        }
    }

    /// The permissions of `account` with its `memberships` (organization id, role).
    pub fn new(account: &Account, memberships: &[(Uuid, Role)]) -> Permissions {
        if !account.is_active() {
            return Permissions::anonymous();
        }
        Permissions {
            sysadmin: account.sysadmin,
            roles: memberships.iter().copied().collect(),
        }
    }

    pub fn is_sysadmin(&self) -> bool {
        self.sysadmin
    }

    /// The account's role in organization `org`, if it is a member.
    pub fn role_in(&self, org: Uuid) -> Option<Role> {
        self.roles.get(&org).copied()
    }

    /// The organizations where the account has a role, with the role.
    pub fn organizations(&self) -> impl Iterator<Item = (Uuid, Role)> + '_ {
        self.roles.iter().map(|(id, role)| (*id, *role))
    }

    /// May create, edit and delete the organization's datasets and resources.
    pub fn can_edit(&self, org: Uuid) -> bool {
        self.sysadmin || self.role_in(org).is_some_and(Role::can_edit)
    }

    /// May manage the organization's members and details.
    pub fn can_admin(&self, org: Uuid) -> bool {
        self.sysadmin || self.role_in(org).is_some_and(Role::can_admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(sysadmin: bool, state: AccountState) -> Account {
        Account {
            id: Uuid::new_v4(),
            name: "ana".into(),
            email: "ana@example.gt".into(),
            fullname: String::new(),
            sysadmin,
            state,
            created: Utc::now(),
        }
    }

    #[test]
    fn roles_by_ckan_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Editor "), Some(Role::Editor));
        assert_eq!(Role::parse("owner"), None);
        assert!(Role::Admin > Role::Editor && Role::Editor > Role::Member);
        assert_eq!(
            serde_json::to_string(&Role::Admin).ok().as_deref(),
            Some("\"admin\"")
        );
    }

    #[test]
    fn permissions_follow_roles() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let p = Permissions::new(
            &account(false, AccountState::Active),
            &[(a, Role::Admin), (b, Role::Editor), (c, Role::Member)],
        );
        assert!(p.can_admin(a) && p.can_edit(a));
        assert!(!p.can_admin(b) && p.can_edit(b));
        assert!(!p.can_admin(c) && !p.can_edit(c) && p.role_in(c).is_some());
        let other = Uuid::new_v4();
        assert!(!p.can_admin(other) && !p.can_edit(other) && p.role_in(other).is_none());
        assert_eq!(p.role_in(b), Some(Role::Editor));
        assert_eq!(p.organizations().count(), 3);

        let root = Permissions::new(&account(true, AccountState::Active), &[]);
        assert!(root.is_sysadmin() && root.can_admin(other));

        let gone = Permissions::new(&account(true, AccountState::Deleted), &[(a, Role::Admin)]);
        assert_eq!(gone, Permissions::anonymous());
        assert!(!gone.can_edit(a));
    }

    #[test]
    fn tokens_expire_and_are_revoked() {
        let now = Utc::now();
        let mut t = ApiToken {
            id: Uuid::new_v4(),
            account_id: Uuid::new_v4(),
            name: "ci".into(),
            created: now,
            expires: None,
            last_used: None,
            revoked: false,
        };
        assert!(t.is_usable(now));
        t.expires = Some(now + chrono::Duration::seconds(1));
        assert!(t.is_usable(now));
        assert!(!t.is_usable(now + chrono::Duration::seconds(1)));
        t.expires = None;
        t.revoked = true;
        assert!(!t.is_usable(now));
    }
}
