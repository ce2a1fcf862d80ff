//! People in the browser: one's account (`/user/edit/{name}`: password and API tokens),
//! an organization's members (`/organization/members/{name}`, for its admins), and what
//! sysadmins create (`/organization/new`, `/group/new`, `/user/new`). Every form calls the
//! portal's use cases, as CKAN's actions and the command line do.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::{Category, Lang, Localized, Organization, Role};
use ceiba_portal::{AccountInput, Actor};
use minijinja::context;
use minijinja::value::Value;
use uuid::Uuid;

use super::dataset_form::{sign_in_first, FieldError, Posted, StaffForm};
use super::render;
use crate::context::PageCtx;
use crate::{PageError, SharedState};

fn with_status(mut r: Response, error: bool) -> Response {
    if error && r.status() == StatusCode::OK {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

fn refused(e: ceiba_portal::Error, ctx: &PageCtx, name: &str) -> Result<FieldError, PageError> {
    FieldError::from_portal(&e, ctx.lang)
        .filter(|_| !matches!(e, ceiba_portal::Error::Forbidden(_)))
        .ok_or_else(|| PageError::from_portal(e, ctx.lang, name, ctx.base()))
}

// ---- One's account ----------------------------------------------------------------

async fn account_page(
    state: &SharedState,
    ctx: &PageCtx,
    name: &str,
    new_token: Option<String>,
    error: Option<FieldError>,
) -> Response {
    let page = async {
        let actor = ctx.visitor.actor();
        let portal = &state.portal;
        let account = portal
            .manageable_account(&actor, name)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, name, ctx.base()))?;
        let own = ctx.visitor.account().is_some_and(|a| a.id == account.id);
        let now = chrono::Utc::now();
        let tokens: Vec<Value> = portal
            .tokens(&actor, name)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, name, ctx.base()))?
            .into_iter()
            .filter(|t| t.is_usable(now))
            .map(|t| {
                context! {
                    id => t.id.to_string(),
                    name => t.name,
                    created => crate::format::datetime(ctx.lang, t.created),
                    last_used => t.last_used.map(|u| crate::format::datetime(ctx.lang, u)),
                }
            })
            .collect();
        Ok(context! {
            person => context! { name => &account.name, fullname => &account.fullname, email => &account.email, sysadmin => account.sysadmin },
            own,
            may_grant => !own && ceiba_core::access::may_run_portal(&actor.perms),
            tokens,
            new_token,
            base_url => format!("{}/user/edit/{}", ctx.base(), account.name),
            error_field => error.as_ref().map(|e| e.field.clone()),
            error_message => error.as_ref().map(|e| e.message.clone()),
        })
    }
    .await;
    with_status(
        render(state, ctx, "user_account.html", page),
        error.is_some(),
    )
}

/// `GET /user/edit/{name}`: one's account (or, for a sysadmin, anyone's).
pub async fn account(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    account_page(&state, &ctx, &name, None, None).await
}

/// `POST /user/edit/{name}/password`.
pub async fn password(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    if form.get("password") != form.get("password_again") {
        let fe = FieldError {
            field: "password_again".into(),
            message: match ctx.lang {
                Lang::Es => "Las dos contraseñas nuevas no coinciden.".into(),
                Lang::En => "The two new passwords differ.".into(),
            },
        };
        return account_page(&state, &ctx, &name, None, Some(fe)).await;
    }
    let done = state
        .portal
        .change_password(
            &ctx.visitor.actor(),
            &name,
            form.get("current"),
            form.get("password"),
        )
        .await;
    match done {
        // A new password signs the account out everywhere, this browser too: it signs in
        // again with the new one.
        Ok(()) => Redirect::to(&format!(
            "{}/user/login?changed=1&came_from={}",
            ctx.base(),
            crate::http::percent_encode(&format!("{}/user/edit/{name}", ctx.base()))
        ))
        .into_response(),
        Err(e) => match refused(e, &ctx, &name) {
            Ok(fe) => account_page(&state, &ctx, &name, None, Some(fe)).await,
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

/// `POST /user/edit/{name}/tokens`: a new token, shown on the answer this once.
pub async fn create_token(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let made = state
        .portal
        .create_token(&ctx.visitor.actor(), &name, form.get("token_name"), None)
        .await;
    match made {
        Ok((_, secret)) => {
            let mut r = account_page(&state, &ctx, &name, Some(secret), None).await;
            // The secret is on this page only: never stored by a cache or the browser.
            r.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            r
        }
        Err(e) => match refused(e, &ctx, &name) {
            Ok(mut fe) => {
                fe.field = "token_name".into();
                account_page(&state, &ctx, &name, None, Some(fe)).await
            }
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

/// `POST /user/edit/{name}/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, id)): Path<(String, String)>,
    _: StaffForm,
) -> Response {
    match state
        .portal
        .revoke_token(&ctx.visitor.actor(), &name, &id)
        .await
    {
        Ok(()) => Redirect::to(&format!("{}/user/edit/{name}", ctx.base())).into_response(),
        Err(e) => PageError::from_portal(e, ctx.lang, &id, ctx.base()).render(&state, &ctx),
    }
}

// ---- An organization's members ---------------------------------------------------------

async fn members_page(
    state: &SharedState,
    ctx: &PageCtx,
    name: &str,
    error: Option<FieldError>,
) -> Response {
    let page = async {
        // Who may see the members is the portal's rule (CKAN's include_users asks it too).
        let (org, members) = state
            .portal
            .members(&ctx.visitor.actor(), name)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, name, ctx.base()))?;
        let members: Vec<Value> = members
            .into_iter()
            .map(|(a, role)| {
                context! {
                    name => a.name,
                    fullname => a.fullname,
                    role => role.as_str(),
                    url => format!("{}/user/{}", ctx.base(), a.name),
                }
            })
            .collect();
        Ok(context! {
            organization => context! { name => &org.name, title => org.title.get(ctx.lang) },
            members,
            roles => ["member", "editor", "admin"],
            action => format!("{}/organization/members/{}", ctx.base(), org.name),
            error_field => error.as_ref().map(|e| e.field.clone()),
            error_message => error.as_ref().map(|e| e.message.clone()),
        })
    }
    .await;
    with_status(render(state, ctx, "members.html", page), error.is_some())
}

/// `GET /organization/members/{name}`: the members and their roles, for the
/// organization's admins.
pub async fn members(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    members_page(&state, &ctx, &name, None).await
}

/// `POST /organization/members/{name}`: `action` = `set` (a `username` and a `role`) or
/// `remove` (a `username`).
pub async fn change_member(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let user = form.get("username").trim().to_owned();
    let done = match form.get("action") {
        "remove" => state
            .portal
            .remove_member(&actor, &name, &user)
            .await
            .map(|_| ()),
        _ => match Role::parse(form.get("role")) {
            Some(role) => state
                .portal
                .set_member(&actor, &name, &user, role)
                .await
                .map(|_| ()),
            None => Err(ceiba_portal::Error::Invalid {
                field: "role",
                reason: ceiba_portal::Reason::Missing,
            }),
        },
    };
    match done {
        Ok(()) => {
            Redirect::to(&format!("{}/organization/members/{name}", ctx.base())).into_response()
        }
        Err(ceiba_portal::Error::NotFound(ceiba_portal::Thing::Account)) => {
            let fe = FieldError {
                field: "username".into(),
                message: match ctx.lang {
                    Lang::Es => format!("No hay ningún usuario llamado «{user}»."),
                    Lang::En => format!("There is no user called “{user}”."),
                },
            };
            members_page(&state, &ctx, &name, Some(fe)).await
        }
        Err(e) => match refused(e, &ctx, &name) {
            Ok(fe) => members_page(&state, &ctx, &name, Some(fe)).await,
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

// ---- What sysadmins create -------------------------------------------------------------

/// Which record a creation form makes.
#[derive(Clone, Copy)]
pub enum Kind {
    Organization,
    Category,
    Account,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Organization => "/organization/new",
            Kind::Category => "/group/new",
            Kind::Account => "/user/new",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Kind::Organization => "new-organization",
            Kind::Category => "new-group",
            Kind::Account => "new-user",
        }
    }
}

fn creation_page(
    state: &SharedState,
    ctx: &PageCtx,
    kind: Kind,
    form: Option<&Posted>,
    error: Option<FieldError>,
) -> Response {
    let value = |k: &str| form.map(|f| f.get(k).to_owned()).unwrap_or_default();
    record_page(state, ctx, kind, None, &value, error)
}

/// The form of a new record, or of record `editing` (its values from `value`).
fn record_page(
    state: &SharedState,
    ctx: &PageCtx,
    kind: Kind,
    editing: Option<&str>,
    value: &dyn Fn(&str) -> String,
    error: Option<FieldError>,
) -> Response {
    let (action, title_key) = match (editing, kind) {
        (Some(name), Kind::Organization) => (
            format!("{}/organization/edit/{name}", ctx.base()),
            "edit-organization",
        ),
        (Some(name), Kind::Category) => (format!("{}/group/edit/{name}", ctx.base()), "edit-group"),
        _ => (format!("{}{}", ctx.base(), kind.path()), kind.title_key()),
    };
    let page = Ok(context! {
        kind => match kind { Kind::Organization => "organization", Kind::Category => "group", Kind::Account => "user" },
        title_key,
        editing,
        action,
        v => context! {
            name => value("name"), title => value("title"), title_en => value("title_en"),
            description => value("description"), email => value("email"), fullname => value("fullname"),
            website => value("website"),
        },
        error_field => error.as_ref().map(|e| e.field.clone()),
        error_message => error.as_ref().map(|e| e.message.clone()),
    });
    with_status(render(state, ctx, "admin_new.html", page), error.is_some())
}

fn may_create(actor: &Actor) -> Result<(), PageError> {
    if ceiba_core::access::may_run_portal(&actor.perms) {
        Ok(())
    } else {
        Err(PageError::Forbidden("forbidden-sysadmin"))
    }
}

/// An account made without a password gets an invitation: mailed when the portal sends
/// mail, else shown once for the sysadmin to hand over.
async fn invite(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    actor: &Actor,
    name: &str,
) -> Response {
    let (account, secret) = match state.portal.invitation(actor, name).await {
        Ok(made) => made,
        Err(e) => return PageError::from_portal(e, ctx.lang, name, ctx.base()).render(state, ctx),
    };
    let link = super::reset::link_url(state, headers, ctx, &secret);
    let mailed = match &state.mailer {
        Some(m) => {
            let (subject, body) = super::reset::link_mail(
                ctx.lang,
                &state.config.site_name,
                &account.name,
                &link,
                true,
            );
            match m.send(&account.email, &subject, body).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "could not send an invitation; showing the link");
                    false
                }
            }
        }
        None => false,
    };
    let mut r = render(
        state,
        ctx,
        "reset.html",
        Ok(context! {
            mode => "link",
            mailed,
            name => &account.name,
            email => &account.email,
            link => (!mailed).then_some(link),
            days => ceiba_portal::INVITE_LINK_DAYS,
        }),
    );
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

macro_rules! creation_routes {
    ($($get:ident, $post:ident => $kind:expr;)*) => {$(
        pub async fn $get(state: State<SharedState>, ctx: PageCtx) -> Response {
            new_form(state, ctx, $kind).await
        }
        pub async fn $post(
            state: State<SharedState>,
            ctx: PageCtx,
            headers: HeaderMap,
            form: StaffForm,
        ) -> Response {
            create(state, ctx, headers, $kind, form).await
        }
    )*};
}

creation_routes! {
    new_organization, create_organization => Kind::Organization;
    new_group, create_group => Kind::Category;
    new_user, create_user => Kind::Account;
}

/// `GET /organization/new`, `/group/new`, `/user/new`.
async fn new_form(state: State<SharedState>, ctx: PageCtx, kind: Kind) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    if let Err(e) = may_create(&ctx.visitor.actor()) {
        return e.render(&state, &ctx);
    }
    creation_page(&state, &ctx, kind, None, None)
}

/// `POST /organization/new`, `/group/new`, `/user/new`.
async fn create(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    kind: Kind,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let some = |k: &str| Some(form.get(k).trim().to_owned()).filter(|s| !s.is_empty());
    let titles = || {
        (
            Localized::new(form.get("title").trim(), form.get("title_en").trim()),
            Localized::new(form.get("description").trim(), ""),
        )
    };
    let portal = &state.portal;
    let made = match kind {
        Kind::Organization => {
            let (title, description) = titles();
            let org = Organization {
                id: Uuid::nil(),
                name: form.get("name").trim().to_owned(),
                title,
                description,
                image_url: None,
                email: some("email"),
                website: some("website"),
                created: chrono::Utc::now(),
            };
            portal
                .create_organization(&actor, org)
                .await
                .map(|o| format!("/organization/{}", o.name))
        }
        Kind::Category => {
            let (title, description) = titles();
            let cat = Category {
                id: Uuid::nil(),
                name: form.get("name").trim().to_owned(),
                title,
                description,
                icon: None,
                created: chrono::Utc::now(),
            };
            portal
                .create_category(&actor, cat)
                .await
                .map(|c| format!("/group/{}", c.name))
        }
        Kind::Account => {
            let input = AccountInput {
                name: form.get("name").to_owned(),
                email: form.get("email").to_owned(),
                fullname: form.get("fullname").to_owned(),
                password: some("password"),
                sysadmin: false,
            };
            match portal.create_account(&actor, input).await {
                Ok(a) if some("password").is_none() => {
                    return invite(&state, &ctx, &headers, &actor, &a.name).await;
                }
                made => made.map(|a| format!("/user/{}", a.name)),
            }
        }
    };
    match made {
        Ok(to) => Redirect::to(&format!("{}{to}", ctx.base())).into_response(),
        Err(e) => match refused(e, &ctx, "") {
            Ok(fe) => creation_page(&state, &ctx, kind, Some(&form), Some(fe)),
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

// ---- The trash ---------------------------------------------------------------------

fn trash_page(
    state: &SharedState,
    ctx: &PageCtx,
    list: &[ceiba_core::Dataset],
    done: Option<(&'static str, String)>,
) -> Response {
    let items: Vec<Value> = list
        .iter()
        .map(|d| {
            context! {
                id => d.id.to_string(),
                name => &d.name,
                title => d.title.get(ctx.lang),
                deleted => crate::format::datetime(ctx.lang, d.modified),
            }
        })
        .collect();
    render(
        state,
        ctx,
        "trash.html",
        Ok(context! {
            items,
            action => format!("{}/ckan-admin/trash", ctx.base()),
            done => done.as_ref().map(|(k, n)| context! { key => k, name => n }),
        }),
    )
}

/// `GET /ckan-admin/trash`: deleted datasets, for sysadmins.
pub async fn trash(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    match state.portal.trash(&ctx.visitor.actor()).await {
        Ok(list) => trash_page(&state, &ctx, &list, None),
        Err(ceiba_portal::Error::Forbidden(_)) => {
            PageError::Forbidden("forbidden-sysadmin").render(&state, &ctx)
        }
        Err(e) => PageError::from_portal(e, ctx.lang, "", ctx.base()).render(&state, &ctx),
    }
}

/// `POST /ckan-admin/trash`: `action` = `restore` or `purge`, `id` the dataset.
pub async fn trash_action(
    State(state): State<SharedState>,
    ctx: PageCtx,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let id = form.get("id").to_owned();
    let done = match form.get("action") {
        "restore" => state
            .portal
            .restore_dataset(&actor, &id)
            .await
            .map(|d| ("trash-restored", d.name)),
        "purge" => state
            .portal
            .purge_dataset(&actor, &id)
            .await
            .map(|_| ("trash-purged", id.clone())),
        _ => return PageError::Forbidden("forbidden-action").render(&state, &ctx),
    };
    match done {
        Ok(done) => match state.portal.trash(&actor).await {
            Ok(list) => trash_page(&state, &ctx, &list, Some(done)),
            Err(e) => PageError::from_portal(e, ctx.lang, "", ctx.base()).render(&state, &ctx),
        },
        Err(ceiba_portal::Error::Forbidden(_)) => {
            PageError::Forbidden("forbidden-sysadmin").render(&state, &ctx)
        }
        Err(e) => PageError::from_portal(e, ctx.lang, &id, ctx.base()).render(&state, &ctx),
    }
}

// ---- Editing organizations and categories ------------------------------------------------

fn org_value(o: &Organization) -> impl Fn(&str) -> String + '_ {
    move |k| match k {
        "name" => o.name.clone(),
        "title" => o.title.es.clone(),
        "title_en" => o.title.en.clone().unwrap_or_default(),
        "description" => o.description.es.clone(),
        "email" => o.email.clone().unwrap_or_default(),
        "website" => o.website.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn cat_value(c: &Category) -> impl Fn(&str) -> String + '_ {
    move |k| match k {
        "name" => c.name.clone(),
        "title" => c.title.es.clone(),
        "title_en" => c.title.en.clone().unwrap_or_default(),
        "description" => c.description.es.clone(),
        _ => String::new(),
    }
}

/// `GET /organization/edit/{name}`: its admins and sysadmins.
pub async fn edit_organization(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    let org = match state.catalog.organization(&name).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return PageError::not_found("notfound-organization", name).render(&state, &ctx)
        }
        Err(e) => return PageError::from(e).render(&state, &ctx),
    };
    if !ceiba_core::access::may_admin(&ctx.visitor.actor().perms, org.id) {
        return PageError::Forbidden("forbidden-edit").render(&state, &ctx);
    }
    let value = org_value(&org);
    record_page(
        &state,
        &ctx,
        Kind::Organization,
        Some(&org.name),
        &value,
        None,
    )
}

/// `POST /organization/edit/{name}`.
pub async fn update_organization(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let old = match state.catalog.organization(&name).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return PageError::not_found("notfound-organization", name).render(&state, &ctx)
        }
        Err(e) => return PageError::from(e).render(&state, &ctx),
    };
    let some = |k: &str| Some(form.get(k).trim().to_owned()).filter(|s| !s.is_empty());
    let org = Organization {
        name: form.get("name").trim().to_owned(),
        title: Localized::new(form.get("title").trim(), form.get("title_en").trim()),
        description: Localized {
            es: form.get("description").trim().to_owned(),
            en: old.description.en.clone(),
        },
        email: some("email"),
        website: some("website"),
        ..old.clone()
    };
    match state
        .portal
        .update_organization(&ctx.visitor.actor(), org)
        .await
    {
        Ok(o) => Redirect::to(&format!("{}/organization/{}", ctx.base(), o.name)).into_response(),
        Err(e) => match refused(e, &ctx, &name) {
            Ok(fe) => record_page(
                &state,
                &ctx,
                Kind::Organization,
                Some(&old.name),
                &|k| form.get(k).to_owned(),
                Some(fe),
            ),
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

/// `GET /group/edit/{name}`: sysadmins.
pub async fn edit_group(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    if let Err(e) = may_create(&ctx.visitor.actor()) {
        return e.render(&state, &ctx);
    }
    match state.catalog.category(&name).await {
        Ok(Some(c)) => record_page(
            &state,
            &ctx,
            Kind::Category,
            Some(&c.name),
            &cat_value(&c),
            None,
        ),
        Ok(None) => PageError::not_found("notfound-group", name).render(&state, &ctx),
        Err(e) => PageError::from(e).render(&state, &ctx),
    }
}

/// `POST /group/edit/{name}`.
pub async fn update_group(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let old = match state.catalog.category(&name).await {
        Ok(Some(c)) => c,
        Ok(None) => return PageError::not_found("notfound-group", name).render(&state, &ctx),
        Err(e) => return PageError::from(e).render(&state, &ctx),
    };
    let cat = Category {
        name: form.get("name").trim().to_owned(),
        title: Localized::new(form.get("title").trim(), form.get("title_en").trim()),
        description: Localized {
            es: form.get("description").trim().to_owned(),
            en: old.description.en.clone(),
        },
        ..old.clone()
    };
    match state
        .portal
        .update_category(&ctx.visitor.actor(), cat)
        .await
    {
        Ok(c) => Redirect::to(&format!("{}/group/{}", ctx.base(), c.name)).into_response(),
        Err(ceiba_portal::Error::Forbidden(_)) => {
            PageError::Forbidden("forbidden-sysadmin").render(&state, &ctx)
        }
        Err(e) => match refused(e, &ctx, &name) {
            Ok(fe) => record_page(
                &state,
                &ctx,
                Kind::Category,
                Some(&old.name),
                &|k| form.get(k).to_owned(),
                Some(fe),
            ),
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}

/// `POST /user/edit/{name}/profile`: full name and e-mail (and, for a sysadmin editing
/// someone else, whether they are a sysadmin).
pub async fn profile(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let sysadmin = form
        .checked_field("sysadmin_shown")
        .then(|| form.checked_field("sysadmin"));
    match state
        .portal
        .update_profile(
            &ctx.visitor.actor(),
            &name,
            form.get("fullname"),
            form.get("email"),
            sysadmin,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("{}/user/edit/{name}", ctx.base())).into_response(),
        Err(e) => match refused(e, &ctx, &name) {
            Ok(fe) => account_page(&state, &ctx, &name, None, Some(fe)).await,
            Err(pe) => pe.render(&state, &ctx),
        },
    }
}
