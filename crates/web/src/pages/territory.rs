//! Territorial profiles: `/territorio/{code}` (`/en/territory/{code}`) for the country, a
//! department or a municipality, and `/territorio?q=…`, the home page's "¿Cómo está mi
//! municipio?" box. What the tables say of the place comes from `ceiba_portal::places`;
//! this module only lays it out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ceiba_core::Lang;
use ceiba_portal::places::{find_places, suggest_places, Figures, Place, PlaceSearch};
use ceiba_viz::format::{format_value, NumberStyle, Unit};
use ceiba_viz::map::{builtin_for, render_locator};
use ceiba_viz::territory::Level;
use minijinja::context;
use serde::Serialize;

use super::{param, render, Params};
use crate::context::PageCtx;
use crate::{PageError, SharedState};

/// The locator's size in pixels (scaled to its container by the page).
const LOCATOR: (u32, u32) = (320, 280);

#[derive(Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct FigureView {
    label: String,
    value: String,
    rank: Option<String>,
    compared: Vec<String>,
    spark: Option<String>,
}

#[derive(Serialize)]
struct TableView {
    title: String,
    organization: String,
    dataset_url: String,
    explore_url: String,
    download_url: Option<String>,
    year: Option<i32>,
    figures: Vec<FigureView>,
    unplaced: i64,
}

fn path_of(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "territorio",
        Lang::En => "territory",
    }
}

pub(crate) fn place_url(ctx: &PageCtx, place: Place) -> String {
    place_path(ctx.lang, place)
}

/// A place's profile in `lang`: `/territorio/1301`, `/en/territory/1301`.
pub(crate) fn place_path(lang: Lang, place: Place) -> String {
    format!(
        "{}/{}/{}",
        crate::http::base(lang),
        path_of(lang),
        place.code()
    )
}

fn links(ctx: &PageCtx, places: &[Place]) -> Vec<Link> {
    places
        .iter()
        .map(|p| Link {
            name: p.full_name(ctx.lang),
            url: place_url(ctx, *p),
        })
        .collect()
}

fn show(v: f64, unit: &str, lang: Lang) -> String {
    format_value(v, &Unit::of_column(unit), NumberStyle::for_lang(lang))
}

/// `/territorio?q=…`: one place found goes to its profile; several are listed; none is a
/// 404 suggesting the closest names. Without `q`, the departments.
pub async fn search(State(state): State<SharedState>, ctx: PageCtx, params: Params) -> Response {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(q) = param(&params, "q") else {
        let page = Ok(context! {
            query => "",
            choices => links(&ctx, &Place::Country.children()),
            country => place_url(&ctx, Place::Country),
        });
        return render(&state, &ctx, "territories.html", page);
    };
    match find_places(q) {
        PlaceSearch::One(place) => Redirect::to(&place_url(&ctx, place)).into_response(),
        PlaceSearch::Several(places) => {
            let page = Ok(context! {
                query => q,
                choices => links(&ctx, &places),
                country => place_url(&ctx, Place::Country),
            });
            render(&state, &ctx, "territories.html", page)
        }
        PlaceSearch::None(close) => not_found(&state, &ctx, q, &close),
    }
}

/// A 404 that suggests the closest places.
fn not_found(state: &SharedState, ctx: &PageCtx, asked: &str, close: &[Place]) -> Response {
    let page = Ok(context! {
        query => asked,
        missing => true,
        choices => links(ctx, close),
        country => place_url(ctx, Place::Country),
    });
    let mut response = render(state, ctx, "territories.html", page);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// `/territorio/{code}`: the profile.
pub async fn profile(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Response {
    let code: String = code.chars().take(120).collect();
    let Some(place) = Place::from_code(&code) else {
        return match find_places(&code) {
            PlaceSearch::One(place) => Redirect::permanent(&place_url(&ctx, place)).into_response(),
            PlaceSearch::Several(places) => not_found(&state, &ctx, &code, &places),
            PlaceSearch::None(_) => not_found(&state, &ctx, &code, &suggest_places(&code, 6)),
        };
    };
    // One address per place: `101` and `GT0101` lead to `0101`.
    if code != place.code() {
        return Redirect::permanent(&place_url(&ctx, place)).into_response();
    }
    let page = async {
        let profile = state
            .portal
            .place_profile(&state.engine, place)
            .await
            .map_err(|e| PageError::from_portal(e, ctx.lang, "", ctx.base()))?;
        let lang = ctx.lang;
        let tables: Vec<TableView> = profile
            .tables
            .iter()
            .map(|t| table_view(&ctx, t, lang))
            .collect();
        let locator = locator(&state, place, lang).await;
        Ok::<_, PageError>(context! {
            name => place.name(lang),
            kind => place.kind(lang),
            code => place.code(),
            parent => place.parent().map(|p| Link { name: p.full_name(lang), url: place_url(&ctx, p) }),
            children => links(&ctx, &place.children()),
            locator => locator,
            tables => tables,
            search_url => format!("{}/{}", ctx.base(), path_of(lang)),
        })
    }
    .await;
    render(&state, &ctx, "territory.html", page)
}

fn table_view(ctx: &PageCtx, t: &ceiba_portal::places::ProfileTable, lang: Lang) -> TableView {
    let dataset_url = format!("{}/dataset/{}", ctx.base(), t.dataset_name);
    let resource_url = format!("{dataset_url}/resource/{}", t.resource_id);
    let query: Vec<String> = t
        .figures
        .filter
        .iter()
        .map(|(c, v)| {
            format!(
                "f.{}.eq={}",
                crate::http::percent_encode(c),
                crate::http::percent_encode(v)
            )
        })
        .collect();
    let explore_url = if query.is_empty() {
        resource_url.clone()
    } else {
        format!("{resource_url}?{}#explorar", query.join("&"))
    };
    let download_url = (!query.is_empty()).then(|| {
        format!(
            "/datastore/dump/{}?format=csv&{}",
            t.resource_id,
            query.join("&")
        )
    });
    let mut title = t.dataset_title.get(lang).to_owned();
    if let Some(sheet) = &t.table_name {
        title = format!("{title} — {sheet}");
    }
    TableView {
        title,
        organization: t.organization_title.get(lang).to_owned(),
        dataset_url,
        explore_url,
        download_url,
        year: t.figures.year,
        figures: figures_view(&t.figures, &t.compared, lang),
        unplaced: t.unplaced_rows,
    }
}

fn figures_view(figures: &Figures, compared: &[(Place, Figures)], lang: Lang) -> Vec<FigureView> {
    figures
        .measures
        .iter()
        .filter_map(|m| {
            let value = m.value?;
            let label = if m.column.is_empty() {
                match lang {
                    Lang::Es => "Número de registros".to_owned(),
                    Lang::En => "Number of records".to_owned(),
                }
            } else {
                m.label.clone()
            };
            let rank = m.rank.map(|r| match lang {
                Lang::Es => format!("puesto {r} de {} (de mayor a menor)", m.peers),
                Lang::En => format!("rank {r} of {} (largest first)", m.peers),
            });
            let compared = compared
                .iter()
                .filter_map(|(p, f)| {
                    let other = f.measures.iter().find(|o| o.column == m.column)?;
                    let v = other.value?;
                    let mean = m.averaged || figures.kind == "indicator";
                    let what = match (p, mean, lang) {
                        (Place::Country, true, Lang::Es) => "promedio nacional".to_owned(),
                        (Place::Country, true, Lang::En) => "national average".to_owned(),
                        (Place::Country, false, Lang::Es) => "total nacional".to_owned(),
                        (Place::Country, false, Lang::En) => "national total".to_owned(),
                        (_, true, Lang::Es) => format!("promedio de {}", p.name(lang)),
                        (_, true, Lang::En) => format!("{} average", p.name(lang)),
                        (_, false, Lang::Es) => format!("total de {}", p.name(lang)),
                        (_, false, Lang::En) => format!("{} total", p.name(lang)),
                    };
                    Some(format!("{what}: {}", show(v, &m.unit, lang)))
                })
                .collect();
            let spark = (m.series.len() >= 2).then(|| {
                let label = match lang {
                    Lang::Es => format!("{label}, por año"),
                    Lang::En => format!("{label}, by year"),
                };
                ceiba_viz::spark::sparkline(&m.series, &label, |v| show(v, &m.unit, lang))
            });
            Some(FigureView {
                value: show(value, &m.unit, lang),
                label,
                rank,
                compared,
                spark,
            })
        })
        .collect()
}

/// Where the place is: a department among the country's, a municipality among its
/// department's; the country on its departments.
async fn locator(state: &SharedState, place: Place, lang: Lang) -> Option<String> {
    let (set, key, within): (_, String, Option<&'static str>) = match place {
        Place::Country | Place::Department(_) => (
            builtin_for(Level::Department),
            "locator:departments".into(),
            None,
        ),
        Place::Municipality(code) => {
            let dep = code.get(..2)?;
            (
                builtin_for(Level::Municipality),
                format!("locator:municipalities:{dep}"),
                Some(dep),
            )
        }
    };
    let map = match state.maps.get(&key) {
        Some(m) => m,
        None => {
            let (w, h) = LOCATOR;
            let prepared = tokio::task::spawn_blocking(move || {
                set.read().ok().map(|mut b| {
                    if let Some(dep) = within {
                        b.features.retain(|a| a.code.starts_with(dep));
                    }
                    ceiba_viz::map::prepare(&b, w, h)
                })
            })
            .await
            .ok()
            .flatten()?;
            state.maps.insert(&key, prepared)
        }
    };
    let highlight: Vec<&str> = match place {
        Place::Country => map.areas().iter().map(|a| a.code.as_str()).collect(),
        Place::Department(c) | Place::Municipality(c) => vec![c],
    };
    let label = match lang {
        Lang::Es => format!("Ubicación de {}", place.name(lang)),
        Lang::En => format!("Where {} is", place.name(lang)),
    };
    Some(render_locator(&map, &highlight, &label, set.credit(lang)))
}
