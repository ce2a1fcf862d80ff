//! Adding, changing and deleting a dataset's files and links from the browser, at CKAN's
//! addresses: `/dataset/{name}/resource/new`, `…/resource/{id}/edit` and
//! `…/resource/{id}/delete`. The upload streams to disk (`crate::uploads`, as CKAN's
//! `resource_create` does) and the portal's resource use cases decide the rest.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::{Dataset, Lang, Resource};
use ceiba_portal::{MarkRequest, NewFile, ResourceInput};
use minijinja::context;

use super::dataset_form::{FieldError, Posted, StaffForm};
use super::render;
use super::saved_views::form_ok;
use crate::context::PageCtx;
use crate::uploads::{read_multipart, FormError};
use crate::{PageError, SharedState};

/// What the form shows and where it posts.
struct FormPage<'a> {
    dataset: &'a Dataset,
    /// The resource being changed; `None` for a new one.
    resource: Option<&'a Resource>,
    input: ResourceInput,
    error: Option<FieldError>,
}

fn mb(bytes: u64) -> String {
    format!("{:.0}", bytes as f64 / (1024.0 * 1024.0))
}

async fn show(state: &SharedState, ctx: &PageCtx, page: FormPage<'_>) -> Response {
    let d = page.dataset;
    let action = match page.resource {
        Some(r) => format!("{}/dataset/{}/resource/{}/edit", ctx.base(), d.name, r.id),
        None => format!("{}/dataset/{}/resource/new", ctx.base(), d.name),
    };
    let limit = state.portal.ingestor().limits().max_file_bytes;
    let values = context! {
        dataset => context! { name => &d.name, title => d.title.get(ctx.lang) },
        resource => page.resource.map(|r| context! {
            id => r.id.to_string(),
            name => &r.name,
            is_upload => r.is_upload(),
            filename => r.original_filename.as_deref().unwrap_or(""),
        }),
        r => context! {
            name => &page.input.name,
            description => &page.input.description,
            format => &page.input.format,
            url => page.input.url.as_deref().unwrap_or(""),
        },
        action,
        limit_mb => mb(limit),
        limit_bytes => limit,
        error_field => page.error.as_ref().map(|e| e.field.clone()),
        error_message => page.error.as_ref().map(|e| e.message.clone()),
    };
    let mut response = render(state, ctx, "resource_form.html", Ok(values));
    if page.error.is_some() && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

fn too_large(limit: u64, lang: Lang) -> FieldError {
    FieldError {
        field: "upload".into(),
        message: match lang {
            Lang::Es => format!(
                "El archivo es más grande de lo que el portal acepta ({} MB).",
                mb(limit)
            ),
            Lang::En => format!(
                "The file is larger than the portal accepts ({} MB).",
                mb(limit)
            ),
        },
    }
}

/// The form's fields as the use case's input.
fn input_of(form: &Posted) -> ResourceInput {
    ResourceInput {
        name: form.get("name").trim().to_owned(),
        description: form.get("description").trim().to_owned(),
        format: form.get("format").trim().to_owned(),
        media_type: None,
        url: Some(form.get("url").trim().to_owned()).filter(|u| !u.is_empty()),
    }
}

/// Reads a posted resource form and passes the checks every form passes; a refusal is
/// the page to answer with.
async fn read_form(
    state: &SharedState,
    ctx: &PageCtx,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Posted, Option<crate::uploads::Upload>), Result<FieldError, PageError>> {
    let read = read_multipart(state, headers, body, "upload")
        .await
        .map_err(|e| match e {
            FormError::FileTooLarge { limit } => Ok(too_large(limit, ctx.lang)),
            FormError::Malformed(m) => Err(PageError::Invalid {
                message: m,
                back: ctx.url_in(ctx.lang),
            }),
            FormError::Internal(m) => Err(PageError::Internal(m)),
        })?;
    let form = Posted(read.fields);
    form_ok(state, ctx, headers, &form.map()).map_err(Err)?;
    Ok((form, read.upload))
}

/// `GET /dataset/{name}/resource/new`.
pub async fn new_form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Response {
    if let Some(to) = super::dataset_form::sign_in_first(&ctx) {
        return to;
    }
    match state
        .portal
        .editable_dataset(&ctx.visitor.actor(), &name)
        .await
    {
        Ok(d) => {
            let page = FormPage {
                dataset: &d,
                resource: None,
                input: ResourceInput::default(),
                error: None,
            };
            show(&state, &ctx, page).await
        }
        Err(e) => PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx),
    }
}

/// `POST /dataset/{name}/resource/new` (multipart): a file or a link; a file goes on to
/// its ingestion review.
pub async fn create(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Body,
) -> Response {
    let actor = ctx.visitor.actor();
    let d = match state.portal.editable_dataset(&actor, &name).await {
        Ok(d) => d,
        Err(e) => {
            return PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx)
        }
    };
    let refused = |input: ResourceInput, error: FieldError| FormPage {
        dataset: &d,
        resource: None,
        input,
        error: Some(error),
    };
    let (form, upload) = match read_form(&state, &ctx, &headers, body).await {
        Ok(read) => read,
        Err(Ok(fe)) => return show(&state, &ctx, refused(ResourceInput::default(), fe)).await,
        Err(Err(e)) => return e.render(&state, &ctx),
    };
    let input = input_of(&form);
    let file = upload.as_ref().map(|u| NewFile::new(&u.path, &u.filename));
    match state
        .portal
        .add_resource(&actor, &name, input.clone(), file, MarkRequest::Keep)
        .await
    {
        Ok(r) => {
            let to = if r.is_upload() {
                format!("{}/dataset/{}/resource/{}/review", ctx.base(), d.name, r.id)
            } else {
                format!("{}/dataset/{}", ctx.base(), d.name)
            };
            Redirect::to(&to).into_response()
        }
        Err(e) => match FieldError::from_portal(&e, ctx.lang) {
            Some(fe) => show(&state, &ctx, refused(input, fe)).await,
            None => PageError::from_portal(e, ctx.lang, &name, ctx.base()).render(&state, &ctx),
        },
    }
}

/// `GET /dataset/{name}/resource/{id}/edit`.
pub async fn edit_form(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
) -> Response {
    if let Some(to) = super::dataset_form::sign_in_first(&ctx) {
        return to;
    }
    match state
        .portal
        .editable_resource(&ctx.visitor.actor(), Some(&name), &rid)
        .await
    {
        Ok((r, d)) => {
            let input = ResourceInput {
                name: r.name.clone(),
                description: r.description.clone(),
                format: r.format.clone(),
                media_type: r.media_type.clone(),
                url: r.url.clone(),
            };
            let page = FormPage {
                dataset: &d,
                resource: Some(&r),
                input,
                error: None,
            };
            show(&state, &ctx, page).await
        }
        Err(e) => PageError::from_portal(e, ctx.lang, &rid, ctx.base()).render(&state, &ctx),
    }
}

/// `POST /dataset/{name}/resource/{id}/edit` (multipart): new fields and, with a file, a
/// new version (the current one serves until it is ingested; every version stays
/// downloadable).
pub async fn update(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((name, rid)): Path<(String, String)>,
    body: Body,
) -> Response {
    let actor = ctx.visitor.actor();
    let (old, d) = match state
        .portal
        .editable_resource(&actor, Some(&name), &rid)
        .await
    {
        Ok(found) => found,
        Err(e) => {
            return PageError::from_portal(e, ctx.lang, &rid, ctx.base()).render(&state, &ctx)
        }
    };
    let refused = |input: ResourceInput, error: FieldError| FormPage {
        dataset: &d,
        resource: Some(&old),
        input,
        error: Some(error),
    };
    let (form, upload) = match read_form(&state, &ctx, &headers, body).await {
        Ok(read) => read,
        Err(Ok(fe)) => return show(&state, &ctx, refused(ResourceInput::default(), fe)).await,
        Err(Err(e)) => return e.render(&state, &ctx),
    };
    let input = input_of(&form);
    let changed = Resource {
        name: input.name.clone(),
        description: input.description.clone(),
        format: if input.format.is_empty() {
            old.format.clone()
        } else {
            input.format.clone()
        },
        url: input.url.clone(),
        ..old.clone()
    };
    let file = upload.as_ref().map(|u| NewFile::new(&u.path, &u.filename));
    let new_file = file.is_some();
    match state
        .portal
        .change_resource(&actor, changed, file, MarkRequest::Keep)
        .await
    {
        Ok(r) => {
            let to = if new_file {
                format!("{}/dataset/{}/resource/{}/review", ctx.base(), d.name, r.id)
            } else {
                format!("{}/dataset/{}/resource/{}", ctx.base(), d.name, r.id)
            };
            Redirect::to(&to).into_response()
        }
        Err(e) => match FieldError::from_portal(&e, ctx.lang) {
            Some(fe) => show(&state, &ctx, refused(input, fe)).await,
            None => PageError::from_portal(e, ctx.lang, &rid, ctx.base()).render(&state, &ctx),
        },
    }
}

/// `POST /dataset/{name}/resource/{id}/delete`.
pub async fn delete(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
    _: StaffForm,
) -> Response {
    match state
        .portal
        .delete_resource(&ctx.visitor.actor(), Some(&name), &rid)
        .await
    {
        Ok(_) => Redirect::to(&format!("{}/dataset/{name}", ctx.base())).into_response(),
        Err(e) => PageError::from_portal(e, ctx.lang, &rid, ctx.base()).render(&state, &ctx),
    }
}

/// `POST /dataset/{name}/resource_reorder`: moves resource `move` one place `up` or
/// `down` in the dataset's list (the page's buttons; CKAN's `package_resource_reorder`
/// takes the whole order).
pub async fn reorder(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(name): Path<String>,
    StaffForm(form): StaffForm,
) -> Response {
    let actor = ctx.visitor.actor();
    let done = async {
        let d = state
            .portal
            .editable_dataset(&actor, &name)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        let mut order: Vec<uuid::Uuid> = state
            .catalog
            .resources_of(d.id)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let moved = uuid::Uuid::parse_str(form.get("move").trim())
            .ok()
            .and_then(|id| order.iter().position(|r| *r == id))
            .ok_or_else(|| {
                PageError::not_found("notfound-resource", form.get("move").to_owned())
            })?;
        match form.get("direction") {
            "up" if moved > 0 => order.swap(moved, moved - 1),
            "down" if moved + 1 < order.len() => order.swap(moved, moved + 1),
            _ => {}
        }
        state
            .portal
            .reorder_resources(&actor, &name, &order)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, &name, ctx.base()))?;
        Ok::<_, PageError>(format!("{}/dataset/{}#resources", ctx.base(), d.name))
    }
    .await;
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.render(&state, &ctx),
    }
}
