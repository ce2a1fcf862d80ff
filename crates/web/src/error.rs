//! Pages that explain what went wrong, in the visitor's language.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ceiba_core::Lang;
use minijinja::context;

use crate::context::PageCtx;
use crate::SharedState;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Nothing here; the message key (and its `name` argument) say what was looked for.
    NotFound {
        message: Option<(&'static str, String)>,
    },
    /// Not allowed; the message key says why (sign in, not an editor, a stale form).
    Forbidden(&'static str),
    /// What was sent cannot be used: why (in the visitor's language), and the page to go
    /// back to.
    Invalid {
        message: String,
        back: String,
    },
    Internal(String),
}

impl From<ceiba_store::StoreError> for PageError {
    fn from(e: ceiba_store::StoreError) -> Self {
        PageError::Internal(e.to_string())
    }
}

impl From<minijinja::Error> for PageError {
    fn from(e: minijinja::Error) -> Self {
        PageError::Internal(format!("template: {e:#}"))
    }
}

impl PageError {
    pub fn not_found(key: &'static str, name: impl Into<String>) -> Self {
        PageError::NotFound {
            message: Some((key, name.into())),
        }
    }

    /// A use case's refusal as a page: `name` is what the visitor asked for (for "not
    /// found"), `back` the page an invalid form returns to.
    pub fn from_portal(e: ceiba_portal::Error, lang: Lang, name: &str, back: &str) -> Self {
        use ceiba_portal::{Error, Thing};
        match e {
            Error::NotFound(thing) => PageError::not_found(
                match thing {
                    Thing::Dataset => "notfound-dataset",
                    Thing::Resource => "notfound-resource",
                    Thing::View => "notfound-view",
                    Thing::Organization => "notfound-organization",
                    Thing::Category => "notfound-group",
                    Thing::Account => "notfound-user",
                    Thing::HarvestSource => "notfound-harvest-source",
                },
                name,
            ),
            Error::SignInRequired => PageError::Forbidden("forbidden-signin"),
            Error::Forbidden(_) => PageError::Forbidden("forbidden-edit"),
            Error::Conflict(_) => PageError::Invalid {
                message: match lang {
                    Lang::Es => "Otra persona cambió esto mientras usted lo editaba; nada se \
                                 guardó. Vuelva a abrir el formulario para ver sus cambios."
                        .into(),
                    Lang::En => "Someone else changed this while you were editing it; nothing \
                                 was saved. Open the form again to see their changes."
                        .into(),
                },
                back: back.to_owned(),
            },
            Error::Invalid { reason, .. } => PageError::Invalid {
                message: reason.message(lang),
                back: back.to_owned(),
            },
            Error::Store(e) => e.into(),
            Error::Internal(detail) => PageError::Internal(detail),
        }
    }

    pub fn render(self, state: &SharedState, ctx: &PageCtx) -> Response {
        let (status, page) = match &self {
            PageError::NotFound { message } => (
                StatusCode::NOT_FOUND,
                context! {
                    status => 404,
                    message_key => message.as_ref().map(|m| m.0),
                    message_name => message.as_ref().map(|m| m.1.clone()),
                },
            ),
            PageError::Forbidden(key) => (
                StatusCode::FORBIDDEN,
                context! { status => 403, message_key => key },
            ),
            PageError::Invalid { message, back } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { status => 422, message => message, back => back },
            ),
            PageError::Internal(detail) => {
                tracing::error!(path = %ctx.path, %detail, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    context! { status => 500 },
                )
            }
        };
        let html = state
            .templates
            .get_template("error.html")
            .and_then(|t| t.render(ctx.template_context(state, page)));
        match html {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, "error").into_response()
            }
        }
    }
}

/// The answer when the catalog cannot be read, for machine-readable outputs (feeds,
/// sitemaps, RDF): logged, and a plain 503.
pub(crate) fn store_unavailable(e: ceiba_store::StoreError) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!(error = %e, "catalog unavailable");
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "catalog unavailable\n",
    )
        .into_response()
}
