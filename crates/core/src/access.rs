//! Who may see, change and administer what: the one rule every door asks (pages, CKAN's
//! API, the native API, downloads, charts, saved views, search, the command line).
//!
//! A dataset is seen by anyone when it is public and active; by the members of its
//! organization (any role) and sysadmins when it is private or a draft; by sysadmins only
//! when it is deleted. It is changed by the editors and admins of its organization and by
//! sysadmins, unless it is deleted. An organization is administered by its admins and by
//! sysadmins. Lists and searches use the same rule as a set ([`Audience`]); the catalog's
//! SQL form of it is `ceiba_store::access`, derived from [`Audience`].

use uuid::Uuid;

use crate::{Dataset, DatasetState, Permissions};

/// What a viewer may find in lists and searches: the datasets [`may_see`] lets them see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Audience {
    /// Public active datasets only (an anonymous visitor, or an account with no role).
    #[default]
    Public,
    /// Also the private datasets and drafts of these organizations.
    Members { organizations: Vec<Uuid> },
    /// Everything, deleted datasets too.
    Sysadmin,
}

impl Audience {
    /// The audience of an account with these permissions (anonymous: none).
    pub fn of(perms: &Permissions) -> Audience {
        if perms.is_sysadmin() {
            return Audience::Sysadmin;
        }
        let organizations: Vec<Uuid> = perms.organizations().map(|(org, _)| org).collect();
        if organizations.is_empty() {
            Audience::Public
        } else {
            Audience::Members { organizations }
        }
    }

    /// Whether this audience sees a dataset of organization `org` in `state`.
    pub fn sees(&self, state: DatasetState, private: bool, org: Uuid) -> bool {
        let member = match self {
            Audience::Public => false,
            Audience::Members { organizations } => organizations.contains(&org),
            Audience::Sysadmin => true,
        };
        rule(state, private, matches!(self, Audience::Sysadmin), member)
    }

    /// Whether this audience sees the dataset.
    pub fn may_see(&self, d: &Dataset) -> bool {
        self.sees(d.state, d.private, d.organization_id)
    }

    /// The organizations whose private datasets and drafts this audience sees besides the
    /// public ones; `None` for a sysadmin, who sees everything.
    pub fn organizations(&self) -> Option<&[Uuid]> {
        match self {
            Audience::Public => Some(&[]),
            Audience::Members { organizations } => Some(organizations),
            Audience::Sysadmin => None,
        }
    }
}

/// The rule itself: public active datasets for anyone, private ones and drafts for the
/// members of the organization, deleted ones for sysadmins only.
fn rule(state: DatasetState, private: bool, sysadmin: bool, member: bool) -> bool {
    match state {
        _ if sysadmin => true,
        DatasetState::Deleted => false,
        DatasetState::Active if !private => true,
        _ => member,
    }
}

/// Whether an account with these permissions may see the dataset (without building its
/// [`Audience`]: this is asked for every dataset of a list).
pub fn may_see(perms: &Permissions, d: &Dataset) -> bool {
    let member = perms.role_in(d.organization_id).is_some();
    rule(d.state, d.private, perms.is_sysadmin(), member)
}

/// Whether it may change the dataset: its metadata, resources, uploads and saved views.
pub fn may_edit(perms: &Permissions, d: &Dataset) -> bool {
    d.state != DatasetState::Deleted && perms.can_edit(d.organization_id)
}

/// Whether it may create datasets in organization `org`.
pub fn may_publish_in(perms: &Permissions, org: Uuid) -> bool {
    perms.can_edit(org)
}

/// Whether it may feature the dataset on the home page (or stop featuring it): a choice
/// for the publisher's admins, not for every editor.
pub fn may_feature(perms: &Permissions, d: &Dataset) -> bool {
    may_edit(perms, d) && perms.can_admin(d.organization_id)
}

/// Whether it may create organizations and categories (CKAN's groups), and restore or
/// purge deleted datasets.
pub fn may_run_portal(perms: &Permissions) -> bool {
    perms.is_sysadmin()
}

/// Whether it may manage organization `org`: its details and members.
pub fn may_admin(perms: &Permissions, org: Uuid) -> bool {
    perms.can_admin(org)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, AccountState, Role};
    use chrono::Utc;

    fn perms(sysadmin: bool, role: Option<Role>, org: Uuid) -> Permissions {
        let account = Account {
            id: Uuid::new_v4(),
            name: "ana".into(),
            email: "ana@example.gt".into(),
            fullname: String::new(),
            sysadmin,
            state: AccountState::Active,
            created: Utc::now(),
        };
        let memberships: Vec<(Uuid, Role)> = role.map(|r| (org, r)).into_iter().collect();
        Permissions::new(&account, &memberships)
    }

    /// Every state × private × role, with what the rule says; the other organization's
    /// members are outsiders.
    #[test]
    fn every_state_privacy_and_role() {
        let org = Uuid::new_v4();
        let other = Uuid::new_v4();
        #[derive(Debug, Clone, Copy)]
        enum Who {
            Anonymous,
            Outsider,
            Member,
            Editor,
            Admin,
            Sysadmin,
        }
        let who_all = [
            Who::Anonymous,
            Who::Outsider,
            Who::Member,
            Who::Editor,
            Who::Admin,
            Who::Sysadmin,
        ];
        for state in [
            DatasetState::Draft,
            DatasetState::Active,
            DatasetState::Deleted,
        ] {
            for private in [false, true] {
                for who in who_all {
                    let p = match who {
                        Who::Anonymous => Permissions::anonymous(),
                        Who::Outsider => perms(false, Some(Role::Admin), other),
                        Who::Member => perms(false, Some(Role::Member), org),
                        Who::Editor => perms(false, Some(Role::Editor), org),
                        Who::Admin => perms(false, Some(Role::Admin), org),
                        Who::Sysadmin => perms(true, None, other),
                    };
                    let insider = matches!(who, Who::Member | Who::Editor | Who::Admin);
                    let see = match state {
                        DatasetState::Deleted => matches!(who, Who::Sysadmin),
                        DatasetState::Active if !private => true,
                        _ => insider || matches!(who, Who::Sysadmin),
                    };
                    let edit = state != DatasetState::Deleted
                        && matches!(who, Who::Editor | Who::Admin | Who::Sysadmin);
                    let d = Dataset {
                        state,
                        private,
                        organization_id: org,
                        ..Dataset::default()
                    };
                    let case = format!("{state:?} private={private} {who:?}");
                    assert_eq!(may_see(&p, &d), see, "see: {case}");
                    assert_eq!(may_edit(&p, &d), edit, "edit: {case}");
                    assert_eq!(
                        may_admin(&p, org),
                        matches!(who, Who::Admin | Who::Sysadmin),
                        "admin: {case}"
                    );
                    // An editor who may see a dataset may also edit it, never the reverse.
                    assert!(!edit || see, "edit without see: {case}");
                }
            }
        }
    }

    #[test]
    fn audiences_from_permissions() {
        let org = Uuid::new_v4();
        assert_eq!(Audience::of(&Permissions::anonymous()), Audience::Public);
        assert_eq!(
            Audience::of(&perms(false, Some(Role::Member), org)),
            Audience::Members {
                organizations: vec![org]
            }
        );
        assert_eq!(Audience::of(&perms(true, None, org)), Audience::Sysadmin);
        assert_eq!(Audience::Public.organizations(), Some(&[][..]));
        assert_eq!(Audience::Sysadmin.organizations(), None);
    }
}
