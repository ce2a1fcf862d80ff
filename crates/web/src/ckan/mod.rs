//! CKAN's Action API, `/api/3/action/{name}` (and `/api/action/{name}`), so that `ckanapi`,
//! harvesters and scripts written for CKAN work against Ceiba unchanged.
//!
//! Everything CKAN clients rely on is kept: the `{help, success, result}` envelope, the
//! error object with its `__type` and HTTP status, the bare JSON string of an unknown
//! action, parameters by query string, JSON, form or multipart, dates without a zone.

mod activity;
mod answer;
mod auth;
pub(crate) mod cache;
mod datastore;
pub(crate) mod dicts;
mod params;
mod reads;
mod writes;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::SharedState;
use answer::{Answer, Envelope};
pub use params::Params;

/// The CKAN version Ceiba answers as (`status_show`); clients use it to pick features.
pub const CKAN_VERSION: &str = "2.10.4";

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/3", get(version))
        .route("/api/3/", get(version))
        .route("/api/3/action/{name}", get(action).post(action))
        .route("/api/action/{name}", get(action).post(action))
        .layer(crate::http::cors())
}

/// Actions that change the catalog: POST only.
const WRITES: [&str; 17] = [
    "resource_view_create",
    "resource_view_update",
    "resource_view_delete",
    "package_create",
    "package_update",
    "package_patch",
    "package_delete",
    "dataset_purge",
    "package_resource_reorder",
    "resource_create",
    "resource_update",
    "resource_patch",
    "resource_delete",
    "organization_create",
    "group_create",
    "organization_member_create",
    "member_create",
];

async fn version() -> Response {
    Json(json!({ "version": 3 })).into_response()
}

/// A CKAN error: its `__type`, HTTP status and body.
#[derive(Debug)]
pub enum CkanError {
    NotFound(String),
    Authorization(String),
    /// Field → messages.
    Validation(Map<String, Value>),
    SearchQuery(String),
    /// A malformed request (CKAN answers these with a bare JSON string).
    BadRequest(String),
    Internal(String),
}

impl CkanError {
    pub fn validation(field: &str, message: impl Into<String>) -> CkanError {
        let mut m = Map::new();
        m.insert(field.to_owned(), json!([message.into()]));
        CkanError::Validation(m)
    }

    pub fn missing(field: &str) -> CkanError {
        CkanError::validation(field, "Missing value")
    }
}

impl From<ceiba_store::StoreError> for CkanError {
    fn from(e: ceiba_store::StoreError) -> Self {
        match e {
            ceiba_store::StoreError::Invalid { field, message } => {
                CkanError::validation(field, message)
            }
            ceiba_store::StoreError::NameTaken { .. } => {
                CkanError::validation("name", "That URL is already in use.")
            }
            ceiba_store::StoreError::NotFound { kind, key } => {
                CkanError::NotFound(format!("{kind} not found: {key}"))
            }
            e => CkanError::Internal(e.to_string()),
        }
    }
}

impl CkanError {
    /// A use case's refusal as CKAN says it, with the use case's field names turned into
    /// CKAN's (`code_property` → `boundary_code_property`).
    pub fn from_portal(e: ceiba_portal::Error, call: &Call<'_>) -> CkanError {
        use ceiba_portal::{Error, Thing};
        let who = || {
            call.caller
                .account
                .as_ref()
                .map_or("(anonymous)", |a| a.name.as_str())
                .to_owned()
        };
        match e {
            Error::NotFound(Thing::Dataset) => CkanError::NotFound("Dataset not found".into()),
            Error::NotFound(Thing::Resource) => {
                CkanError::NotFound("Resource was not found.".into())
            }
            Error::NotFound(Thing::View) => CkanError::NotFound("View not found".into()),
            Error::NotFound(Thing::Organization) => {
                CkanError::NotFound("Organization not found".into())
            }
            Error::NotFound(Thing::Category) => CkanError::NotFound("Group not found".into()),
            Error::NotFound(Thing::Account) => CkanError::NotFound("User not found".into()),
            Error::NotFound(Thing::HarvestSource) => {
                CkanError::NotFound("Harvest source not found".into())
            }
            Error::SignInRequired => {
                CkanError::Authorization("This action requires an authenticated user".into())
            }
            Error::Forbidden(
                Thing::Organization | Thing::Category | Thing::Account | Thing::HarvestSource,
            ) => CkanError::Authorization(format!(
                "User {} not authorized to {}",
                who(),
                call.action
            )),
            Error::Forbidden(_) => CkanError::Authorization(format!(
                "User {} not authorized to edit datasets of this organization",
                who()
            )),
            Error::Conflict(thing) => CkanError::validation(
                "modified",
                format!(
                    "This {} was changed by someone else in the meantime",
                    thing.name(ceiba_core::Lang::En)
                ),
            ),
            Error::Invalid { field, reason } => {
                let field = match field {
                    "code_property" => "boundary_code_property",
                    "level" => "boundary_level",
                    f => f,
                };
                CkanError::validation(field, reason.message(ceiba_core::Lang::En))
            }
            Error::Store(e) => e.into(),
            Error::Internal(detail) => CkanError::Internal(detail),
        }
    }
}

impl From<ceiba_search::SearchError> for CkanError {
    fn from(e: ceiba_search::SearchError) -> Self {
        CkanError::Internal(e.to_string())
    }
}

/// What an action handler gets: the shared state, the parameters, and who is asking.
pub struct Call<'a> {
    pub state: &'a SharedState,
    pub params: Params,
    /// The portal's address, for absolute URLs (`http://host`).
    pub site: String,
    pub caller: auth::Caller,
    /// What the caller may see (from `caller`).
    pub viewer: ceiba_core::access::Audience,
    /// The action's name (`package_create`…), for CKAN's messages.
    pub action: String,
}

async fn action(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let site = crate::http::site_url(&state, &headers);
    let help = format!(
        "{site}/api/3/action/help_show?name={}",
        crate::http::percent_encode(&name)
    );
    let params = match params::read(&method, &headers, query.as_deref(), body, &state).await {
        Ok(p) => p,
        Err(e) => return error_response(&help, e),
    };
    let caller = match auth::caller(&state, &headers).await {
        Ok(c) => c,
        Err(e) => return error_response(&help, e),
    };
    let writes = method == Method::POST && WRITES.contains(&name.as_str());
    if WRITES.contains(&name.as_str()) && !writes {
        return error_response(
            &help,
            CkanError::BadRequest(format!("{name} needs a POST request")),
        );
    }
    let actor = caller.account.as_ref().map(|a| (a.id, a.name.clone()));
    let target = ["id", "name", "package_id", "resource_id"]
        .iter()
        .find_map(|k| params.str(k));
    let call = Call {
        state: &state,
        params,
        site,
        viewer: caller.viewer(),
        caller,
        action: name.clone(),
    };
    let result: Result<Answer, CkanError> = match name.as_str() {
        // Answers that share package dicts with the cache.
        "package_search" => reads::package_search(&call).await,
        "package_show" => reads::package_show(&call).await,
        other => match value_action(&call, other).await {
            Some(r) => r.map(Answer::from),
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(Value::String(format!(
                        "Bad request - Action name not known: {name}"
                    ))),
                )
                    .into_response()
            }
        },
    };
    if writes {
        // Every write through the API, and every refused one, goes to the audit log.
        let outcome = match &result {
            Ok(_) => None,
            Err(CkanError::Authorization(_)) => Some("refused"),
            Err(_) => Some("failed"),
        };
        let written_id = result.as_ref().ok().and_then(Answer::id).map(str::to_owned);
        let address = crate::session::client_address(&state, &headers, &extensions);
        let mut event = ceiba_store::AuditEvent::new(&name)
            .by(
                actor.as_ref().map(|a| a.0),
                actor.as_ref().map(|a| a.1.as_str()),
            )
            .from_address(address.map(|a| a.to_string()).as_deref());
        if let Some(t) = written_id.or(target) {
            event = event.on(&t);
        }
        if let Some(o) = outcome {
            event = event.saying(o);
        }
        if let Err(e) = state.catalog.audit(&event).await {
            tracing::warn!(error = %e, "could not write the audit log");
        }
    }
    match result {
        Ok(result) => Json(Envelope {
            help: &help,
            result: &result,
            success: true,
        })
        .into_response(),
        Err(e) => error_response(&help, e),
    }
}

/// The actions whose answer is JSON built for it, by name; `None` for a name CKAN does
/// not know.
async fn value_action(call: &Call<'_>, name: &str) -> Option<Result<Value, CkanError>> {
    Some(match name {
        "status_show" => reads::status_show(call).await,
        "site_read" => Ok(Value::Bool(true)),
        "package_list" => reads::package_list(call).await,
        "current_package_list_with_resources" => {
            reads::current_package_list_with_resources(call).await
        }
        "package_activity_list" => activity::package_activity_list(call).await,
        "organization_activity_list" => activity::organization_activity_list(call).await,
        "user_activity_list" => activity::user_activity_list(call).await,
        "recently_changed_packages_activity_stream" => {
            activity::recently_changed_packages_activity_stream(call).await
        }
        "resource_show" => reads::resource_show(call).await,
        "organization_list" => reads::group_list(call, reads::Kind::Organization).await,
        "organization_show" => reads::group_show(call, reads::Kind::Organization).await,
        "group_list" => reads::group_list(call, reads::Kind::Group).await,
        "group_show" => reads::group_show(call, reads::Kind::Group).await,
        "tag_list" => reads::tag_list(call).await,
        "user_list" => reads::user_list(call).await,
        "license_list" => Ok(reads::license_list()),
        "datastore_search" => datastore::search(call).await,
        "datastore_search_sql" => datastore::search_sql(call).await,
        "package_create" => writes::package_create(call).await,
        "package_update" => writes::package_update(call, false).await,
        "package_patch" => writes::package_update(call, true).await,
        "package_delete" => writes::package_delete(call).await,
        "dataset_purge" => writes::dataset_purge(call).await,
        "package_resource_reorder" => writes::package_resource_reorder(call).await,
        "resource_create" => writes::resource_create(call).await,
        "resource_update" => writes::resource_update(call, false).await,
        "resource_patch" => writes::resource_update(call, true).await,
        "resource_delete" => writes::resource_delete(call).await,
        "organization_create" => writes::organization_create(call).await,
        "group_create" => writes::group_create(call).await,
        "organization_member_create" => writes::organization_member_create(call).await,
        "member_create" => writes::member_create(call).await,
        "resource_view_create" => writes::resource_view_create(call).await,
        "resource_view_update" => writes::resource_view_update(call).await,
        "resource_view_delete" => writes::resource_view_delete(call).await,
        "resource_view_list" => reads::resource_view_list(call).await,
        "resource_view_show" => reads::resource_view_show(call).await,
        _ => return None,
    })
}

fn error_response(help: &str, e: CkanError) -> Response {
    let (status, error) = match e {
        CkanError::NotFound(message) => (
            StatusCode::NOT_FOUND,
            json!({ "__type": "Not Found Error", "message": format!("Not found: {message}") }),
        ),
        CkanError::Authorization(message) => (
            StatusCode::FORBIDDEN,
            json!({ "__type": "Authorization Error", "message": format!("Access denied: {message}") }),
        ),
        CkanError::Validation(fields) => {
            let mut error = fields;
            error.insert("__type".into(), json!("Validation Error"));
            (StatusCode::CONFLICT, Value::Object(error))
        }
        CkanError::SearchQuery(message) => (
            StatusCode::BAD_REQUEST,
            json!({ "__type": "Search Query Error", "message": format!("Search Query is invalid: {message}") }),
        ),
        CkanError::BadRequest(message) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(Value::String(format!("Bad request - {message}"))),
            )
                .into_response()
        }
        CkanError::Internal(message) => {
            tracing::error!(%message, "CKAN action failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "__type": "Internal Server Error", "message": "Internal Server Error" }),
            )
        }
    };
    (
        status,
        Json(json!({ "help": help, "success": false, "error": error })),
    )
        .into_response()
}
