//! The minijinja environment: templates compiled into the binary, each overridable by a
//! file of the same name in the theme folder's `templates/`.

use std::path::PathBuf;
use std::sync::Arc;

use ceiba_core::Lang;
use fluent_bundle::FluentValue;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State};

use crate::i18n::I18n;
use crate::markdown;

/// Templates shipped in the binary, by name.
const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("datasets.html", include_str!("../templates/datasets.html")),
    ("dataset.html", include_str!("../templates/dataset.html")),
    ("resource.html", include_str!("../templates/resource.html")),
    ("row.html", include_str!("../templates/row.html")),
    ("chart.html", include_str!("../templates/chart.html")),
    ("embed.html", include_str!("../templates/embed.html")),
    ("login.html", include_str!("../templates/login.html")),
    (
        "dataset_form.html",
        include_str!("../templates/dataset_form.html"),
    ),
    (
        "resource_form.html",
        include_str!("../templates/resource_form.html"),
    ),
    ("review.html", include_str!("../templates/review.html")),
    ("activity.html", include_str!("../templates/activity.html")),
    ("changes.html", include_str!("../templates/changes.html")),
    ("trash.html", include_str!("../templates/trash.html")),
    ("harvest.html", include_str!("../templates/harvest.html")),
    ("reset.html", include_str!("../templates/reset.html")),
    (
        "user_account.html",
        include_str!("../templates/user_account.html"),
    ),
    ("members.html", include_str!("../templates/members.html")),
    (
        "admin_new.html",
        include_str!("../templates/admin_new.html"),
    ),
    (
        "organizations.html",
        include_str!("../templates/organizations.html"),
    ),
    (
        "organization.html",
        include_str!("../templates/organization.html"),
    ),
    ("groups.html", include_str!("../templates/groups.html")),
    ("group.html", include_str!("../templates/group.html")),
    ("about.html", include_str!("../templates/about.html")),
    (
        "territory.html",
        include_str!("../templates/territory.html"),
    ),
    (
        "territories.html",
        include_str!("../templates/territories.html"),
    ),
    ("api.html", include_str!("../templates/api.html")),
    ("error.html", include_str!("../templates/error.html")),
];

pub fn environment(theme: Option<PathBuf>, i18n: Arc<I18n>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(move |name| {
        // Only names of built-in templates can be overridden, so a template name can never
        // reach outside the theme folder.
        let Some((_, built_in)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Ok(None);
        };
        if let Some(dir) = &theme {
            let path = dir.join("templates").join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => return Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::TemplateNotFound,
                        format!("cannot read theme template {}: {e}", path.display()),
                    ))
                }
            }
        }
        Ok(Some((*built_in).to_owned()))
    });
    env.set_formatter(html_formatter);
    env.add_function("t", move |state: &State, key: &str, kwargs: Kwargs| {
        let lang = state
            .lookup("lang")
            .and_then(|v| v.as_str().and_then(Lang::parse))
            .unwrap_or_default();
        let mut args: Vec<(String, FluentValue<'static>)> = Vec::new();
        for k in kwargs.args() {
            let v: Value = kwargs.get(k)?;
            let fv = if let Ok(n) = i64::try_from(v.clone()) {
                FluentValue::from(n)
            } else {
                FluentValue::from(v.to_string())
            };
            args.push((k.to_owned(), fv));
        }
        let args: Vec<(&str, FluentValue<'_>)> =
            args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        Ok::<_, Error>(i18n.t(lang, key, &args))
    });
    env.add_filter("number", |state: &State, n: i64| {
        let lang = state
            .lookup("lang")
            .and_then(|v| v.as_str().and_then(Lang::parse))
            .unwrap_or_default();
        crate::format::integer(lang, n)
    });
    env.add_filter("markdown", |s: &str| {
        Value::from_safe_string(markdown::to_html(s))
    });
    env
}

/// Escapes `& < > " '` only: minijinja's default also escapes `/`, which doubles the size
/// of every URL in a page for no gain in safety inside quoted attributes and text.
fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_safe() || !matches!(state.auto_escape(), AutoEscape::Html) {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    let text = value.to_string();
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i]).map_err(Error::from)?;
        out.write_str(rep).map_err(Error::from)?;
        last = i + 1;
    }
    out.write_str(&text[last..]).map_err(Error::from)
}
