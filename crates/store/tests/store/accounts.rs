//! Accounts, memberships and API tokens. Every test runs on SQLite, and on PostgreSQL as
//! well when `CEIBA_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{backends, org};
use ceiba_core::{Account, AccountState, Permissions, Role};
use ceiba_store::{now, Catalog, StoreError, TOKEN_PREFIX};
use chrono::Duration;
use uuid::Uuid;

fn account(name: &str) -> Account {
    Account {
        id: Uuid::new_v4(),
        name: name.into(),
        email: format!("{name}@example.gt"),
        fullname: format!("Persona {name}"),
        sysadmin: false,
        state: AccountState::Active,
        created: now(),
    }
}

async fn add(c: &Catalog, name: &str) -> Account {
    let a = account(name);
    c.create_account(&a, None).await.unwrap();
    a
}

#[tokio::test]
async fn accounts_round_trip_and_names_are_checked() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let mut ana = account("ana");
        ana.sysadmin = true;
        ana.fullname = "  Ana Pérez ".into();
        c.create_account(&ana, None).await.unwrap();
        let got = c.account("ana").await.unwrap().unwrap();
        ana.fullname = "Ana Pérez".into();
        assert_eq!(got, ana, "{n}");
        assert_eq!(
            c.account(&ana.id.to_string()).await.unwrap().as_ref(),
            Some(&ana),
            "{n}: by id"
        );
        assert!(c.account("nadie").await.unwrap().is_none(), "{n}");

        let err = c.create_account(&account("ana"), None).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::NameTaken { kind: "account", name } if name == "ana"),
            "{n}: {err}"
        );
        let err = c.create_account(&account("Ana"), None).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "name", .. }),
            "{n}: {err}"
        );
        for email in ["", "  ", "ana.example.gt", "ana @example.gt"] {
            let mut bad = account("beto");
            bad.email = email.into();
            let err = c.create_account(&bad, None).await.unwrap_err();
            assert!(
                matches!(err, StoreError::Invalid { field: "email", .. }),
                "{n}: {email:?}: {err}"
            );
        }
        let err = c
            .create_account(&account("beto"), Some("corta"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: "password", message } if message.contains("at least 8")),
            "{n}: {err}"
        );
        assert!(
            c.account("beto").await.unwrap().is_none(),
            "{n}: nothing left"
        );

        let zoe = add(c, "zoe").await;
        let beto = add(c, "beto").await;
        let names: Vec<String> = c
            .accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["ana", "beto", "zoe"], "{n}");

        // Updates: new email and name; a taken name is refused.
        let mut z = zoe.clone();
        z.name = "zoe-m".into();
        z.email = "zoe@otro.gt".into();
        z.sysadmin = true;
        c.update_account(&z).await.unwrap();
        assert_eq!(c.account("zoe-m").await.unwrap().unwrap(), z, "{n}");
        z.name = "beto".into();
        let err = c.update_account(&z).await.unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{n}: {err}");
        let err = c.update_account(&account("ghost")).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{n}: {err}");

        // Deleting keeps the name taken and the record readable.
        c.delete_account("beto").await.unwrap();
        let gone = c.account("beto").await.unwrap().unwrap();
        assert_eq!(gone.state, AccountState::Deleted, "{n}");
        assert_eq!(gone.id, beto.id, "{n}");
        assert!(
            c.create_account(&account("beto"), None).await.is_err(),
            "{n}"
        );
        let err = c.delete_account("nadie").await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "account",
                    ..
                }
            ),
            "{n}: {err}"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn passwords_are_checked_and_replaced() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let ana = account("ana");
        c.create_account(&ana, Some("contraseña segura"))
            .await
            .unwrap();
        let ok = c.verify_password("ana", "contraseña segura").await.unwrap();
        assert_eq!(ok.as_ref(), Some(&ana), "{n}");
        assert!(
            c.verify_password("ana", "contraseña Segura")
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );
        assert!(
            c.verify_password("nadie", "contraseña segura")
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );
        assert!(
            c.verify_password("ana", &"x".repeat(5000))
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );

        // Without a password no password signs in.
        add(c, "api-only").await;
        assert!(
            c.verify_password("api-only", "").await.unwrap().is_none(),
            "{n}"
        );
        assert!(
            c.verify_password("api-only", "cualquier-cosa")
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );

        c.set_password("ana", "otra contraseña").await.unwrap();
        assert!(
            c.verify_password("ana", "contraseña segura")
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );
        assert!(
            c.verify_password("ana", "otra contraseña")
                .await
                .unwrap()
                .is_some(),
            "{n}"
        );
        // By id too; a short one is refused and changes nothing.
        let err = c
            .set_password(&ana.id.to_string(), "1234567")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "password",
                    ..
                }
            ),
            "{n}: {err}"
        );
        let err = c
            .set_password("nadie", "suficientemente larga")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "account",
                    ..
                }
            ),
            "{n}: {err}"
        );

        // A deleted account no longer signs in.
        c.delete_account("ana").await.unwrap();
        assert!(
            c.verify_password("ana", "otra contraseña")
                .await
                .unwrap()
                .is_none(),
            "{n}"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn memberships_are_upserted_and_listed() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let (ine, seg) = (org("ine"), org("segeplan"));
        c.create_organization(&ine).await.unwrap();
        c.create_organization(&seg).await.unwrap();
        let ana = add(c, "ana").await;
        let beto = add(c, "beto").await;

        c.set_membership(ana.id, seg.id, Role::Member)
            .await
            .unwrap();
        c.set_membership(ana.id, ine.id, Role::Editor)
            .await
            .unwrap();
        c.set_membership(beto.id, seg.id, Role::Admin)
            .await
            .unwrap();
        assert_eq!(
            c.memberships_of(ana.id).await.unwrap(),
            [(ine.id, Role::Editor), (seg.id, Role::Member)],
            "{n}: by organization name"
        );
        // Setting again replaces the role.
        c.set_membership(ana.id, seg.id, Role::Admin).await.unwrap();
        assert_eq!(
            c.memberships_of(ana.id).await.unwrap(),
            [(ine.id, Role::Editor), (seg.id, Role::Admin)],
            "{n}"
        );
        let members = c.members_of(seg.id).await.unwrap();
        assert_eq!(
            members,
            [(ana.clone(), Role::Admin), (beto.clone(), Role::Admin)],
            "{n}"
        );

        let perms = Permissions::new(&ana, &c.memberships_of(ana.id).await.unwrap());
        assert!(perms.can_admin(seg.id) && perms.can_edit(ine.id), "{n}");
        assert!(!perms.can_admin(ine.id), "{n}");

        let err = c
            .set_membership(Uuid::new_v4(), seg.id, Role::Member)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "account",
                    ..
                }
            ),
            "{n}: {err}"
        );
        let err = c
            .set_membership(ana.id, Uuid::new_v4(), Role::Member)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "organization",
                    ..
                }
            ),
            "{n}: {err}"
        );

        assert!(c.remove_membership(ana.id, seg.id).await.unwrap(), "{n}");
        assert!(
            !c.remove_membership(ana.id, seg.id).await.unwrap(),
            "{n}: already out"
        );
        assert_eq!(
            c.memberships_of(ana.id).await.unwrap(),
            [(ine.id, Role::Editor)],
            "{n}"
        );

        // Deleting an account takes it out of every organization, and it cannot rejoin.
        c.delete_account("ana").await.unwrap();
        assert!(c.memberships_of(ana.id).await.unwrap().is_empty(), "{n}");
        assert_eq!(
            c.members_of(seg.id).await.unwrap(),
            [(beto, Role::Admin)],
            "{n}"
        );
        let err = c
            .set_membership(ana.id, seg.id, Role::Member)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{n}: {err}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn tokens_find_their_account_until_revoked_or_expired() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let ana = add(c, "ana").await;
        let (token, secret) = c.create_token(ana.id, " ci ", None).await.unwrap();
        assert_eq!(token.name, "ci", "{n}");
        assert!(secret.starts_with(TOKEN_PREFIX), "{n}: {secret}");
        assert_eq!(
            secret.len(),
            TOKEN_PREFIX.len() + 64,
            "{n}: 32 bytes in hex"
        );
        let (other, other_secret) = c.create_token(ana.id, "ci", None).await.unwrap();
        assert_ne!(secret, other_secret, "{n}");

        let (who, used) = c.account_by_token(&secret).await.unwrap().unwrap();
        assert_eq!(who, ana, "{n}");
        assert_eq!(used.id, token.id, "{n}");
        let first_use = used.last_used.expect("last_used recorded");
        // Within the minute the time is not written again.
        let (_, again) = c.account_by_token(&secret).await.unwrap().unwrap();
        assert_eq!(again.last_used, Some(first_use), "{n}");
        let listed = c.tokens_of(ana.id).await.unwrap();
        assert_eq!(listed.len(), 2, "{n}");
        assert_eq!(listed[0].id, token.id, "{n}: oldest first");
        assert_eq!(listed[0].last_used, Some(first_use), "{n}");
        assert_eq!(c.token(token.id).await.unwrap().unwrap(), listed[0], "{n}");
        assert!(c.token(Uuid::new_v4()).await.unwrap().is_none(), "{n}");

        for wrong in [
            "",
            "ceiba_",
            "nope",
            &secret[..secret.len() - 1],
            &format!("{secret}0"),
        ] {
            assert!(
                c.account_by_token(wrong).await.unwrap().is_none(),
                "{n}: {wrong:?}"
            );
        }

        // Revoking by id leaves the other token of the same name working.
        let revoked = c.revoke_token(ana.id, &token.id.to_string()).await.unwrap();
        assert_eq!(revoked.len(), 1, "{n}");
        assert!(revoked[0].revoked, "{n}");
        assert!(
            c.account_by_token(&secret).await.unwrap().is_none(),
            "{n}: revoked"
        );
        assert!(
            c.account_by_token(&other_secret).await.unwrap().is_some(),
            "{n}"
        );
        // By name: every token of that name.
        let revoked = c.revoke_token(ana.id, "ci").await.unwrap();
        assert_eq!(revoked.len(), 2, "{n}");
        assert!(
            c.account_by_token(&other_secret).await.unwrap().is_none(),
            "{n}"
        );
        assert!(
            c.tokens_of(ana.id).await.unwrap().iter().all(|t| t.revoked),
            "{n}"
        );
        assert_eq!(
            c.token(other.id).await.unwrap().map(|t| t.revoked),
            Some(true),
            "{n}"
        );
        let err = c.revoke_token(ana.id, "otro").await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound { kind: "token", .. }),
            "{n}: {err}"
        );
        // Another account cannot revoke ana's token.
        let beto = add(c, "beto").await;
        let (_, beto_secret) = c.create_token(beto.id, "x", None).await.unwrap();
        let err = c.revoke_token(ana.id, "x").await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{n}: {err}");
        assert!(
            c.account_by_token(&beto_secret).await.unwrap().is_some(),
            "{n}"
        );

        // Expiry: in the future it works; a past expiry cannot be set.
        let soon = now() + Duration::milliseconds(1500);
        let (short, short_secret) = c.create_token(ana.id, "short", Some(soon)).await.unwrap();
        assert_eq!(short.expires, Some(soon), "{n}");
        assert_eq!(
            c.token(short.id).await.unwrap().unwrap().expires,
            Some(soon),
            "{n}"
        );
        assert!(
            c.account_by_token(&short_secret).await.unwrap().is_some(),
            "{n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
        assert!(
            c.account_by_token(&short_secret).await.unwrap().is_none(),
            "{n}: expired"
        );
        let err = c
            .create_token(ana.id, "late", Some(now() - Duration::seconds(1)))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "expires",
                    ..
                }
            ),
            "{n}: {err}"
        );
        let err = c.create_token(ana.id, "  ", None).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid { field: "name", .. }),
            "{n}: {err}"
        );
        let err = c.create_token(Uuid::new_v4(), "x", None).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    kind: "account",
                    ..
                }
            ),
            "{n}: {err}"
        );

        // A deleted account's tokens stop working and it gets no new ones.
        let (_, live) = c.create_token(ana.id, "live", None).await.unwrap();
        c.delete_account("ana").await.unwrap();
        assert!(c.account_by_token(&live).await.unwrap().is_none(), "{n}");
        assert!(c.create_token(ana.id, "more", None).await.is_err(), "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn the_state_changes_only_by_deleting() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let ana = add(c, "ana").await;
        let (_, secret) = c.create_token(ana.id, "ci", None).await.unwrap();
        let mut deleted = ana.clone();
        deleted.state = AccountState::Deleted;
        c.update_account(&deleted).await.unwrap();
        assert_eq!(
            c.account("ana").await.unwrap().unwrap().state,
            AccountState::Active,
            "{n}"
        );
        assert!(c.account_by_token(&secret).await.unwrap().is_some(), "{n}");
        c.delete_account(&ana.id.to_string()).await.unwrap();
        assert!(c.account_by_token(&secret).await.unwrap().is_none(), "{n}");
        b.cleanup().await;
    }
}

#[tokio::test]
async fn sessions_open_end_expire_and_close_with_a_new_password() {
    for b in backends().await {
        let (c, n) = (&b.catalog, b.name);
        let ana = account("ana");
        c.create_account(&ana, Some("contraseña larga"))
            .await
            .unwrap();
        let (s, secret) = c.create_session(&ana, Duration::days(14)).await.unwrap();
        assert_eq!(secret.len(), 64, "{n}");
        assert_eq!(s.csrf.len(), 64, "{n}");
        assert_ne!(s.csrf, secret, "{n}");
        let got = c.session(&secret).await.unwrap().expect("live session");
        assert_eq!(got.id, s.id, "{n}");
        assert_eq!(got.account, ana, "{n}");
        assert_eq!(got.csrf, s.csrf, "{n}");
        assert_eq!(got.expires, s.expires, "{n}");
        // Unknown, malformed and tampered secrets find nothing.
        let mut other = secret.clone();
        other.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        for bad in ["", "x", other.as_str(), &"a".repeat(5000)] {
            assert!(c.session(bad).await.unwrap().is_none(), "{n}: {bad:.10}");
        }
        // Signing out ends it, and twice is no error.
        c.end_session(&secret).await.unwrap();
        c.end_session(&secret).await.unwrap();
        assert!(c.session(&secret).await.unwrap().is_none(), "{n}");

        // One that has ended is refused.
        let (_, old) = c
            .create_session(&ana, Duration::milliseconds(1))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert!(c.session(&old).await.unwrap().is_none(), "{n}: expired");

        // A new password ends every session of the account, not another's.
        let beto = account("beto");
        c.create_account(&beto, Some("otra contraseña"))
            .await
            .unwrap();
        let (_, a1) = c.create_session(&ana, Duration::days(1)).await.unwrap();
        let (_, a2) = c.create_session(&ana, Duration::days(1)).await.unwrap();
        let (_, b1) = c.create_session(&beto, Duration::days(1)).await.unwrap();
        c.set_password("ana", "nueva contraseña").await.unwrap();
        assert!(c.session(&a1).await.unwrap().is_none(), "{n}");
        assert!(c.session(&a2).await.unwrap().is_none(), "{n}");
        assert!(c.session(&b1).await.unwrap().is_some(), "{n}");

        // A deleted account's sessions stop working.
        c.delete_account("beto").await.unwrap();
        assert!(c.session(&b1).await.unwrap().is_none(), "{n}: deleted");
    }
}

#[tokio::test]
async fn the_audit_log_keeps_events_and_known_browsers_are_recognised() {
    for b in crate::common::backends().await {
        let (c, n) = (&b.catalog, b.name);
        let ana = account("ana");
        c.create_account(&ana, None).await.unwrap();
        let e = ceiba_store::AuditEvent::new("sign_in_failed")
            .by(None, Some("ana\u{0}\nforged line"))
            .from_address(Some("203.0.113.9"));
        c.audit(&e).await.unwrap();
        let e2 = ceiba_store::AuditEvent::new("sign_in")
            .by(Some(ana.id), Some("ana"))
            .on("web");
        c.audit(&e2).await.unwrap();
        let log = c.audit_events(10).await.unwrap();
        assert_eq!(log.len(), 2, "{n}");
        let failed = log.iter().find(|e| e.action == "sign_in_failed").unwrap();
        assert_eq!(
            failed.actor.as_deref(),
            Some("anaforged line"),
            "{n}: control characters dropped"
        );
        assert_eq!(failed.address.as_deref(), Some("203.0.113.9"), "{n}");
        let ok = log.iter().find(|e| e.action == "sign_in").unwrap();
        assert_eq!(ok.actor_id, Some(ana.id), "{n}");

        let secret = c.remember_browser(ana.id).await.unwrap();
        assert!(c.is_known_browser("ana", &secret).await.unwrap(), "{n}");
        assert!(!c.is_known_browser("beto", &secret).await.unwrap(), "{n}");
        assert!(!c.is_known_browser("ana", "00ff").await.unwrap(), "{n}");
        for _ in 0..25 {
            c.remember_browser(ana.id).await.unwrap();
        }
        assert!(
            !c.is_known_browser("ana", &secret).await.unwrap(),
            "{n}: only the latest 20 are kept"
        );
    }
}
