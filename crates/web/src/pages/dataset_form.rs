//! Publishing datasets from the browser, at CKAN's addresses: `/dataset/new`,
//! `/dataset/edit/{name}` and `/dataset/delete/{name}`. The form is read into a dataset
//! and handed to the same use cases as CKAN's `package_create`, `package_update` and
//! `package_delete`: who may publish, what a valid dataset is and what a stale form is
//! are decided there, not here.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::access;
use ceiba_core::territory::{municipalities_of, DEPARTMENTS};
use ceiba_core::{Dataset, DatasetState, Frequency, Lang, Licence};
use ceiba_portal::Error;
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::context;
use minijinja::value::Value;

use super::render;
use super::saved_views::form_ok;
use crate::context::PageCtx;
use crate::{PageError, SharedState};

/// A posted form, its fields in order (categories and coverage repeat).
pub(crate) struct Posted(pub(crate) Vec<(String, String)>);

impl Posted {
    pub(crate) fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    fn checked(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }

    /// Whether a checkbox `key` was ticked.
    pub(crate) fn checked_field(&self, key: &str) -> bool {
        self.checked(key)
    }

    /// The fields as a map, for the checks every form passes (`form_ok`).
    pub(crate) fn map(&self) -> std::collections::HashMap<String, String> {
        self.0
            .iter()
            .rev()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// A form of the staff pages, checked as every one is before it is read further (a
/// signed-in visitor, a post from this site with the session's CSRF token); refused, the
/// answer is the error page.
pub(crate) struct StaffForm(pub(crate) Posted);

impl axum::extract::FromRequest<SharedState> for StaffForm {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &SharedState,
    ) -> Result<Self, Response> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let Ok(ctx) = PageCtx::from_request_parts(&mut parts, state).await;
        let headers = parts.headers.clone();
        let req = axum::extract::Request::from_parts(parts, body);
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = Posted(fields);
        form_ok(state, &ctx, &headers, &form.map()).map_err(|e| e.render(state, &ctx))?;
        Ok(StaffForm(form))
    }
}

/// A field the form refuses, and why (in the visitor's language).
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A use case's refusal next to its field, or `None` when it is not about one.
    pub(crate) fn from_portal(e: &Error, lang: Lang) -> Option<FieldError> {
        let es = lang == Lang::Es;
        match e {
            Error::Invalid { field, reason } => Some(FieldError::new(field, reason.message(lang))),
            Error::Conflict(_) => Some(FieldError::new(
                "form",
                if es {
                    "Otra persona guardó cambios mientras usted editaba: no se guardó nada. \
                     Abra el formulario de nuevo para ver la versión actual."
                } else {
                    "Someone else saved changes while you were editing: nothing was saved. \
                     Open the form again to see the current version."
                },
            )),
            Error::Forbidden(_) => Some(FieldError::new(
                "owner_org",
                if es {
                    "No puede publicar en esa organización."
                } else {
                    "You may not publish in that organization."
                },
            )),
            _ => None,
        }
    }
}

impl FieldError {
    /// The same error, named by the dataset form's input.
    fn on_dataset_form(mut self) -> FieldError {
        self.field = dataset_field(&self.field).to_owned();
        self
    }
}

/// The dataset form's input for a field a use case names.
fn dataset_field(field: &str) -> &str {
    match field {
        "title" => "title_es",
        "notes" => "description_es",
        "notes_en" => "description_en",
        "groups" => "categories",
        "license_id" => "licence",
        "temporal" => "temporal_end",
        "url" => "source_url",
        "maintainer" => "contact_name",
        "maintainer_email" => "contact_email",
        f => f,
    }
}

fn date(field: &str, s: &str, lang: Lang) -> Result<Option<NaiveDate>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            FieldError::new(
                field,
                match lang {
                    Lang::Es => "Escriba la fecha como AAAA-MM-DD.",
                    Lang::En => "Write the date as YYYY-MM-DD.",
                },
            )
        })
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Reads the form into `d` (the fields it shows; the others stay as they are).
fn read(f: &Posted, d: &mut Dataset, lang: Lang) -> Result<(), FieldError> {
    let es = lang == Lang::Es;
    d.title.es = f.get("title_es").trim().to_owned();
    d.title.en = some(f.get("title_en"));
    d.name = match f.get("name").trim() {
        "" => ceiba_core::name_from_title(&d.title.es),
        n => n.to_owned(),
    };
    d.description.es = f.get("description_es").trim().to_owned();
    d.description.en = some(f.get("description_en"));
    if let Ok(org) = uuid::Uuid::parse_str(f.get("owner_org").trim()) {
        d.organization_id = org;
    } else if d.organization_id.is_nil() {
        return Err(FieldError::new(
            "owner_org",
            if es {
                "Elija la organización que publica."
            } else {
                "Choose the publishing organization."
            },
        ));
    }
    d.categories = f.all("categories");
    d.tags = f
        .get("tags")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    d.tags.dedup();
    let licence = f.get("licence").trim();
    d.licence_id = Licence::find(licence)
        .map(|l| l.id.to_owned())
        .ok_or_else(|| {
            FieldError::new(
                "licence",
                if es {
                    "Elija una licencia."
                } else {
                    "Choose a licence."
                },
            )
        })?;
    d.temporal.start = date("temporal_start", f.get("temporal_start"), lang)?;
    d.temporal.end = date("temporal_end", f.get("temporal_end"), lang)?;
    d.spatial = f.all("spatial");
    d.frequency = match f.get("frequency").trim() {
        "" => None,
        code => Some(Frequency::parse(code).ok_or_else(|| {
            FieldError::new(
                "frequency",
                if es {
                    "Frecuencia desconocida."
                } else {
                    "Unknown frequency."
                },
            )
        })?),
    };
    d.contact.name = some(f.get("contact_name"));
    d.contact.email = some(f.get("contact_email"));
    d.source_url = some(f.get("source_url"));
    d.version = some(f.get("version"));
    d.extras = BTreeMap::new();
    for (i, line) in f.get("extras").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(FieldError::new(
                "extras",
                if es {
                    format!("Línea {}: escriba «clave = valor».", i + 1)
                } else {
                    format!("Line {}: write “key = value”.", i + 1)
                },
            ));
        };
        d.extras.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    d.private = f.checked("private");
    // Only admins see the box: for others, featuring stays as it is.
    if f.checked("featured_shown") {
        d.featured = f.checked("featured");
    }
    d.state = if f.get("publish") == "draft" {
        DatasetState::Draft
    } else {
        DatasetState::Active
    };
    Ok(())
}

/// What the form shows of a dataset.
fn values(d: &Dataset) -> Value {
    context! {
        name => &d.name,
        title_es => &d.title.es,
        title_en => d.title.en.as_deref().unwrap_or(""),
        description_es => &d.description.es,
        description_en => d.description.en.as_deref().unwrap_or(""),
        owner_org => if d.organization_id.is_nil() { String::new() } else { d.organization_id.to_string() },
        categories => &d.categories,
        tags => d.tags.join(", "),
        licence => &d.licence_id,
        temporal_start => d.temporal.start.map(|t| t.to_string()).unwrap_or_default(),
        temporal_end => d.temporal.end.map(|t| t.to_string()).unwrap_or_default(),
        spatial => &d.spatial,
        frequency => d.frequency.map(|f| f.code()).unwrap_or(""),
        contact_name => d.contact.name.as_deref().unwrap_or(""),
        contact_email => d.contact.email.as_deref().unwrap_or(""),
        source_url => d.source_url.as_deref().unwrap_or(""),
        version => d.version.as_deref().unwrap_or(""),
        extras => d.extras.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join("\n"),
        private => d.private,
        featured => d.featured,
        draft => d.state == DatasetState::Draft,
    }
}

/// The choices the form offers: the organizations the visitor publishes in, categories,
/// licences, frequencies, territories, tags in use.
async fn choices(state: &SharedState, ctx: &PageCtx) -> Result<Value, PageError> {
    let lang = ctx.lang;
    let perms = &ctx.visitor.actor().perms;
    let organizations: Vec<Value> = state
        .catalog
        .organizations()
        .await?
        .into_iter()
        .filter(|o| access::may_publish_in(perms, o.item.id))
        .map(|o| context! { id => o.item.id.to_string(), title => o.item.title.get(lang) })
        .collect();
    let categories: Vec<Value> = state
        .catalog
        .categories()
        .await?
        .into_iter()
        .map(|c| context! { name => c.item.name, title => c.item.title.get(lang) })
        .collect();
    let licences: Vec<Value> = ceiba_core::licence::LICENCES
        .iter()
        .map(|l| context! { id => l.id, title => l.title(lang), open => l.open, url => l.url })
        .collect();
    let frequencies: Vec<Value> = Frequency::ALL
        .iter()
        .map(|f| context! { code => f.code(), label => f.label(lang) })
        .collect();
    let departments: Vec<Value> = DEPARTMENTS
        .iter()
        .map(|(code, name)| {
            let municipalities: Vec<Value> = municipalities_of(code)
                .map(|(c, n)| context! { code => c, name => n })
                .collect();
            context! { code => code, name => name, municipalities => municipalities }
        })
        .collect();
    let tags: Vec<String> = state
        .catalog
        .tag_counts(500)
        .await?
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    Ok(context! {
        organizations, categories, licences, frequencies, departments, tags,
    })
}

/// Which form: a new dataset, or dataset `name` (read at `since`).
enum Mode<'a> {
    New,
    Edit { name: &'a str, since: DateTime<Utc> },
}

async fn form_page(
    state: &SharedState,
    ctx: &PageCtx,
    d: &Dataset,
    mode: Mode<'_>,
    error: Option<FieldError>,
) -> Response {
    let page = async {
        let (action, since, editing) = match &mode {
            Mode::New => (format!("{}/dataset/new", ctx.base()), String::new(), None),
            Mode::Edit { name, since } => (
                format!("{}/dataset/edit/{name}", ctx.base()),
                since.to_rfc3339(),
                Some(*name),
            ),
        };
        Ok(context! {
            d => values(d),
            choices => choices(state, ctx).await?,
            action,
            since,
            editing,
            may_feature => editing.is_some() && access::may_feature(&ctx.visitor.actor().perms, d)
                || editing.is_none() && access::may_admin(&ctx.visitor.actor().perms, d.organization_id),
            error_field => error.as_ref().map(|e| e.field.clone()),
            error_message => error.as_ref().map(|e| e.message.clone()),
        })
    }
    .await;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(state, ctx, "dataset_form.html", page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Sends a visitor who is not signed in to the sign-in page, back here afterwards.
pub(crate) fn sign_in_first(ctx: &PageCtx) -> Option<Response> {
    if ctx.visitor.account().is_some() {
        return None;
    }
    let back = ctx.url_in(ctx.lang);
    Some(
        Redirect::to(&format!(
            "{}/user/login?came_from={}",
            ctx.base(),
            crate::http::percent_encode(&back)
        ))
        .into_response(),
    )
}

/// `GET /dataset/new`: an empty form (the organization preselected with
/// `?organization=`, or when the visitor publishes in one only).
pub async fn new_form(State(state): State<SharedState>, ctx: PageCtx) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    let mut d = Dataset {
        licence_id: "CC-BY-4.0".into(),
        state: DatasetState::Draft,
        ..Dataset::default()
    };
    let wanted = crate::http::query_pairs(ctx.query.as_deref())
        .into_iter()
        .find(|(k, _)| k == "organization")
        .map(|(_, v)| v);
    if let Some(o) = wanted {
        if let Ok(Some(org)) = state.catalog.organization(&o).await {
            d.organization_id = org.id;
        }
    } else if let [only] = ctx
        .visitor
        .actor()
        .perms
        .organizations()
        .collect::<Vec<_>>()[..]
    {
        d.organization_id = only.0;
    }
    form_page(&state, &ctx, &d, Mode::New, None).await
}

/// `POST /dataset/new`: creates the dataset, then asks for its first file.
pub async fn create(
    State(state): State<SharedState>,
    ctx: PageCtx,
    StaffForm(form): StaffForm,
) -> Response {
    let mut d = Dataset::default();
    if let Err(e) = read(&form, &mut d, ctx.lang) {
        return form_page(&state, &ctx, &d, Mode::New, Some(e)).await;
    }
    match state
        .portal
        .create_dataset(&ctx.visitor.actor(), d.clone(), Vec::new())
        .await
    {
        Ok(d) => {
            Redirect::to(&format!("{}/dataset/{}/resource/new", ctx.base(), d.name)).into_response()
        }
        Err(e) => match FieldError::from_portal(&e, ctx.lang) {
            Some(fe) => form_page(&state, &ctx, &d, Mode::New, Some(fe.on_dataset_form())).await,
            None => PageError::from_portal(e, ctx.lang, &d.name, ctx.base()).render(&state, &ctx),
        },
    }
}

/// `GET /dataset/edit/{name}`: the dataset's form, for those who may change it.
pub async fn edit_form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = sign_in_first(&ctx) {
        return to;
    }
    match state
        .portal
        .editable_dataset(&ctx.visitor.actor(), &name)
        .await
    {
        Ok(d) => {
            let since = d.modified;
            form_page(
                &state,
                &ctx,
                &d,
                Mode::Edit {
                    name: &d.name,
                    since,
                },
                None,
            )
            .await
        }
        Err(e) => PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx),
    }
}

/// `POST /dataset/edit/{name}`: saves the form over the dataset, unless someone else
/// changed it since the form was opened.
pub async fn update(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let old = match state.portal.editable_dataset(&actor, &name).await {
        Ok(d) => d,
        Err(e) => {
            return PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx)
        }
    };
    let since = DateTime::parse_from_rfc3339(form.get("since").trim())
        .map(|t| t.with_timezone(&Utc))
        .ok();
    let mut d = old.clone();
    let mode = |since| Mode::Edit {
        name: &old.name,
        since,
    };
    if let Err(e) = read(&form, &mut d, ctx.lang) {
        return form_page(
            &state,
            &ctx,
            &d,
            mode(since.unwrap_or(old.modified)),
            Some(e),
        )
        .await;
    }
    // Without the time the form was read, the dataset's own: the check still runs.
    let read_at = since.unwrap_or(old.modified);
    match state
        .portal
        .update_dataset(&actor, d.clone(), Some(read_at))
        .await
    {
        Ok(d) => Redirect::to(&format!("{}/dataset/{}", ctx.base(), d.name)).into_response(),
        Err(e) => match FieldError::from_portal(&e, ctx.lang) {
            Some(fe) => {
                form_page(&state, &ctx, &d, mode(read_at), Some(fe.on_dataset_form())).await
            }
            None => PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx),
        },
    }
}

/// `POST /dataset/delete/{name}`: moves the dataset to the trash.
pub async fn delete(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    _: StaffForm,
) -> Response {
    match state
        .portal
        .delete_dataset(&ctx.visitor.actor(), &name)
        .await
    {
        Ok(d) => {
            let org = state
                .catalog
                .organization(&d.organization_id.to_string())
                .await
                .ok()
                .flatten()
                .map_or_else(String::new, |o| format!("/organization/{}", o.name));
            Redirect::to(&format!("{}{org}", ctx.base())).into_response()
        }
        Err(e) => PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx),
    }
}

/// `POST /markdown/preview`: a description as its page will show it (the same Markdown
/// rules), for the form's preview. Signed-in staff only, with the session's token.
pub async fn preview(StaffForm(form): StaffForm) -> Response {
    let text = form.get("text");
    if text.len() > ceiba_core::bounds::MAX_DESCRIPTION_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    (
        [(axum::http::header::CACHE_CONTROL, "private, no-store")],
        axum::response::Html(crate::markdown::to_html(text)),
    )
        .into_response()
}
