//! `ceiba user`, `ceiba org` and `ceiba token`: accounts, their roles in organizations and
//! their API tokens, for administrators and scripts.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{anyhow, bail};
use ceiba_core::{Account, AccountState, ApiToken, Organization, Role};
use ceiba_store::{now, Catalog, StoreError, MIN_PASSWORD_CHARS};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use uuid::Uuid;

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin it has no password: it cannot sign in with
    /// one, but may use API tokens (ceiba token create NAME).
    Add(UserAddArgs),
    /// Set a user's password: one line read from standard input (asked for, unseen, on a
    /// terminal). At least 8 characters.
    SetPassword {
        /// The user's name.
        name: String,
        /// Read the password from standard input without asking (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users with their roles.
    List,
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    /// The user's name: 2–100 characters, lowercase letters a–z, digits, '-' and '_'.
    pub name: String,
    /// The user's email address.
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// The name shown for the user.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub fullname: String,
    /// May do anything in every organization.
    #[arg(long)]
    pub sysadmin: bool,
    /// Read a password (one line) from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct OrgArgs {
    #[command(subcommand)]
    pub command: OrgCommand,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Give a user a role in an organization (replacing the role it had there):
    /// member reads its private datasets, editor also edits its datasets, admin also
    /// manages its members.
    AddMember {
        /// The organization's name.
        org: String,
        /// The user's name.
        user: String,
        #[arg(long, value_name = "ROLE", value_parser = parse_role)]
        role: Role,
    },
    /// Take a user out of an organization.
    RemoveMember {
        /// The organization's name.
        org: String,
        /// The user's name.
        user: String,
    },
    /// List an organization's members with their roles.
    Members {
        /// The organization's name.
        org: String,
    },
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Make an API token for a user. Prints only the token, on one line, so that scripts
    /// can capture it; it is not kept and cannot be shown again.
    Create {
        /// The user's name.
        user: String,
        /// A name to tell the token by (several tokens may share one).
        #[arg(long, value_name = "NAME", default_value = "cli")]
        name: String,
        /// The token stops working after this many days. Default: never.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
        expires_days: Option<u32>,
    },
    /// List a user's tokens (never their secrets).
    List {
        /// The user's name.
        user: String,
    },
    /// Revoke a user's token, given by id, or every token of that name.
    Revoke {
        /// The user's name.
        user: String,
        /// The token's name or id.
        name_or_id: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("'{s}' is not a role: use admin, editor or member"))
}

/// Says what is wrong with a user's details in the terms of the command line.
fn user_error(name: &str, e: StoreError) -> anyhow::Error {
    match e {
        StoreError::NameTaken { .. } => anyhow!("there is already a user called '{name}'"),
        StoreError::Invalid { field, message } => match field {
            "name" => anyhow!("user name '{name}' {message}"),
            "password" => anyhow!("the password {message}"),
            other => anyhow!("--{other}: {message}"),
        },
        e => e.into(),
    }
}

async fn find_user(catalog: &Catalog, name: &str) -> anyhow::Result<Account> {
    catalog
        .account(name)
        .await?
        .ok_or_else(|| anyhow!("no user called '{name}'"))
}

async fn find_org(catalog: &Catalog, name: &str) -> anyhow::Result<Organization> {
    catalog
        .organization(name)
        .await?
        .ok_or_else(|| anyhow!("no organization called '{name}'"))
}

/// One line of standard input without its line ending.
fn read_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_owned())
}

/// Turns the terminal's echo off while it lives (through `stty`, where there is one).
struct EchoOff(bool);

impl EchoOff {
    fn new() -> EchoOff {
        let off = std::process::Command::new("stty")
            .arg("-echo")
            .stdin(std::process::Stdio::inherit())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        EchoOff(off)
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if self.0 {
            let _ = std::process::Command::new("stty")
                .arg("echo")
                .stdin(std::process::Stdio::inherit())
                .status();
        }
    }
}

/// Asks for a password on the terminal (twice, unseen where possible).
fn ask_password(user: &str) -> anyhow::Result<String> {
    let echo = EchoOff::new();
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let line = read_line()?;
        if echo.0 {
            eprintln!();
        }
        Ok(line)
    };
    let first = ask(&format!("New password for '{user}': "))?;
    let second = ask("The same password again: ")?;
    drop(echo);
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

/// A password from standard input (asked for when it is a terminal and `from_stdin` was
/// not given), checked for length before anything is written.
fn password(user: &str, from_stdin: bool) -> anyhow::Result<String> {
    let p = if !from_stdin && std::io::stdin().is_terminal() {
        ask_password(user)?
    } else {
        read_line()?
    };
    if p.is_empty() {
        bail!("no password on standard input (give it as one line, e.g. from a file or a pipe)");
    }
    let chars = p.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        bail!("the password must be at least {MIN_PASSWORD_CHARS} characters long (it has {chars}); nothing was changed");
    }
    Ok(p)
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Prints rows as columns aligned under `header`.
fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

pub async fn user(catalog: &Catalog, args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add(a) => {
            let pw = if a.password_stdin {
                Some(password(&a.name, true)?)
            } else {
                None
            };
            let account = Account {
                id: Uuid::new_v4(),
                name: a.name.clone(),
                email: a.email,
                fullname: a.fullname,
                sysadmin: a.sysadmin,
                state: AccountState::Active,
                created: now(),
            };
            catalog
                .create_account(&account, pw.as_deref())
                .await
                .map_err(|e| user_error(&a.name, e))?;
            let what = if a.sysadmin { "sysadmin" } else { "user" };
            let how = if pw.is_some() {
                "with a password"
            } else {
                "without a password (API tokens only)"
            };
            println!(
                "Added {what} '{}' <{}> {how}.",
                account.name,
                account.email.trim()
            );
        }
        UserCommand::SetPassword {
            name,
            password_stdin,
        } => {
            let account = find_user(catalog, &name).await?;
            let pw = password(&name, password_stdin)?;
            catalog
                .set_password(&account.id.to_string(), &pw)
                .await
                .map_err(|e| user_error(&name, e))?;
            println!("Set the password of user '{name}'.");
        }
        UserCommand::List => {
            let accounts = catalog.accounts().await?;
            if accounts.is_empty() {
                println!("No users yet; add one with: ceiba user add NAME --email EMAIL");
                return Ok(());
            }
            let orgs: HashMap<Uuid, String> = catalog
                .organizations()
                .await?
                .into_iter()
                .map(|o| (o.item.id, o.item.name))
                .collect();
            let mut rows = Vec::with_capacity(accounts.len());
            for a in accounts {
                let mut roles: Vec<String> = Vec::new();
                if a.sysadmin {
                    roles.push("sysadmin".into());
                }
                for (org, role) in catalog.memberships_of(a.id).await? {
                    let org = orgs.get(&org).cloned().unwrap_or_else(|| org.to_string());
                    roles.push(format!("{org}:{role}"));
                }
                rows.push(vec![
                    a.name,
                    a.email,
                    a.fullname,
                    a.state.as_str().to_owned(),
                    roles.join(", "),
                ]);
            }
            print_table(&["NAME", "EMAIL", "FULL NAME", "STATE", "ROLES"], &rows);
        }
    }
    Ok(())
}

/// Who names what a command acts on: the organization, the user.
fn not_found<'a>(
    org: &'a str,
    user: &'a str,
) -> impl Fn(ceiba_portal::Error) -> anyhow::Error + 'a {
    move |e| match e {
        ceiba_portal::Error::NotFound(ceiba_portal::Thing::Organization) => {
            anyhow!("no organization called '{org}'")
        }
        ceiba_portal::Error::NotFound(ceiba_portal::Thing::Account) => {
            anyhow!("no user called '{user}'")
        }
        ceiba_portal::Error::Invalid { reason, .. } => {
            anyhow!("user '{user}': {}", reason.message(ceiba_core::Lang::En))
        }
        e => anyhow!("{e}"),
    }
}

pub async fn org(portal: &ceiba_portal::Portal, args: OrgArgs) -> anyhow::Result<()> {
    let catalog = portal.catalog();
    let operator = ceiba_portal::Actor::operator();
    match args.command {
        OrgCommand::AddMember { org, user, role } => {
            let (o, a) = portal
                .set_member(&operator, &org, &user, role)
                .await
                .map_err(not_found(&org, &user))?;
            println!(
                "User '{}' is now {role} of organization '{}'.",
                a.name, o.name
            );
        }
        OrgCommand::RemoveMember { org, user } => {
            let (o, a, was) = portal
                .remove_member(&operator, &org, &user)
                .await
                .map_err(not_found(&org, &user))?;
            if !was {
                bail!(
                    "user '{}' is not a member of organization '{}'",
                    a.name,
                    o.name
                );
            }
            println!(
                "User '{}' is no longer a member of organization '{}'.",
                a.name, o.name
            );
        }
        OrgCommand::Members { org } => {
            let o = find_org(catalog, &org).await?;
            let members = catalog.members_of(o.id).await?;
            if members.is_empty() {
                println!(
                    "Organization '{}' has no members; add one with: ceiba org add-member {} USER --role editor",
                    o.name, o.name
                );
                return Ok(());
            }
            let rows: Vec<Vec<String>> = members
                .into_iter()
                .map(|(a, role)| vec![a.name, role.to_string(), a.email])
                .collect();
            print_table(&["NAME", "ROLE", "EMAIL"], &rows);
        }
    }
    Ok(())
}

fn token_state(t: &ApiToken, at: DateTime<Utc>) -> &'static str {
    if t.revoked {
        "revoked"
    } else if t.is_usable(at) {
        "active"
    } else {
        "expired"
    }
}

pub async fn token(catalog: &Catalog, args: TokenArgs) -> anyhow::Result<()> {
    match args.command {
        TokenCommand::Create {
            user,
            name,
            expires_days,
        } => {
            let a = find_user(catalog, &user).await?;
            let expires = expires_days.map(|d| now() + chrono::Duration::days(i64::from(d)));
            let (token, secret) =
                catalog
                    .create_token(a.id, &name, expires)
                    .await
                    .map_err(|e| match e {
                        StoreError::Invalid {
                            field: "name",
                            message,
                        } => {
                            anyhow!("--name: {message}")
                        }
                        StoreError::Invalid { message, .. } => anyhow!("user '{user}': {message}"),
                        e => e.into(),
                    })?;
            let until = match token.expires {
                Some(e) => format!("it works until {}", time(e)),
                None => "it never expires".into(),
            };
            eprintln!(
                "Created token '{}' (id {}) for user '{}'; {until}. It is shown only this \
                 once.",
                token.name, token.id, a.name
            );
            println!("{secret}");
        }
        TokenCommand::List { user } => {
            let a = find_user(catalog, &user).await?;
            let tokens = catalog.tokens_of(a.id).await?;
            if tokens.is_empty() {
                println!(
                    "User '{}' has no tokens; make one with: ceiba token create {}",
                    a.name, a.name
                );
                return Ok(());
            }
            let at = now();
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        token_state(t, at).to_owned(),
                        time(t.created),
                        t.expires.map(time).unwrap_or_else(|| "never".into()),
                        t.last_used.map(time).unwrap_or_else(|| "never".into()),
                    ]
                })
                .collect();
            print_table(
                &["ID", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED"],
                &rows,
            );
        }
        TokenCommand::Revoke { user, name_or_id } => {
            let a = find_user(catalog, &user).await?;
            let revoked = catalog
                .revoke_token(a.id, &name_or_id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => anyhow!(
                        "user '{}' has no token with the name or id '{name_or_id}'",
                        a.name
                    ),
                    e => e.into(),
                })?;
            for t in revoked {
                println!(
                    "Revoked token '{}' (id {}) of user '{}'.",
                    t.name, t.id, a.name
                );
            }
        }
    }
    Ok(())
}
