//! The chart builder on a resource: `…/resource/{rid}/chart` (a page with plain forms that
//! works without JavaScript) and the same chart as `chart.svg`, `chart.png` and
//! `chart.csv`; saved views at `/view/{id}` (embeddable) and on the dataset page.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use ceiba_core::access::Audience;
use ceiba_core::{IngestedTable, Lang};
use ceiba_viz::ChartKind;
use minijinja::context;
use serde::Serialize;

use super::render;
use crate::charts::{
    boundary_choices, draw, may_suggest_boundaries, spec_for, spec_from, suggest_boundaries,
    ChartSpec,
};
use crate::context::PageCtx;
use crate::http::query_pairs;
use crate::http::query_string;
use crate::tables::{locate_for, Located};
use crate::{PageError, SharedState};

pub(crate) async fn located(
    state: &SharedState,
    viewer: &Audience,
    name: &str,
    rid: &str,
) -> Result<Located, PageError> {
    let l = locate_for(state, rid, viewer)
        .await
        .map_err(|_| PageError::not_found("notfound-resource", rid.to_owned()))?;
    if l.dataset.name != name && l.dataset.id.to_string() != name {
        return Err(PageError::not_found("notfound-resource", rid.to_owned()));
    }
    if l.tables.is_empty() {
        return Err(PageError::not_found("notfound-resource", rid.to_owned()));
    }
    Ok(l)
}

pub(crate) fn table_of<'a>(l: &'a Located, pairs: &[(String, String)]) -> &'a IngestedTable {
    let names: Vec<&str> = l.tables.iter().map(|t| t.name.as_str()).collect();
    let i = ceiba_query::table_index(pairs, &names).unwrap_or(0);
    l.table(i).unwrap_or(&l.tables[0])
}

/// The source line under a chart ("Fuente: …" is added by the renderer).
fn source_of(l: &Located, lang: Lang) -> String {
    l.dataset.title.get(lang).to_owned()
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

pub async fn page(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let page = async {
        let l = located(&state, &ctx.visitor.viewer(), &name, &rid).await?;
        let table = table_of(&l, &pairs);
        let sets = boundary_choices(&state).await;
        let mut spec = spec_from(&pairs, table);
        if may_suggest_boundaries(&pairs) {
            suggest_boundaries(&mut spec, &pairs, table, &sets);
        }
        let drawn = draw(&state, table, &spec, ctx.lang, &source_of(&l, ctx.lang)).await;
        let qs = query_string(&spec.to_pairs());
        let base = format!(
            "{}/dataset/{}/resource/{}",
            ctx.base(),
            l.dataset.name,
            l.resource.id
        );
        let lang = ctx.lang;
        let kinds: Vec<Choice> = ChartKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: k.name(lang).into(),
                selected: spec.kind == Some(*k),
            })
            .chain(std::iter::once(Choice {
                value: "map".into(),
                label: if lang == Lang::Es { "Mapa" } else { "Map" }.into(),
                selected: spec.kind.is_none(),
            }))
            .collect();
        let columns = |numeric: bool, selected: &str| -> Vec<Choice> {
            table
                .columns
                .iter()
                .filter(|c| !numeric || c.column_type.is_numeric())
                .map(|c| Choice {
                    value: c.name.clone(),
                    label: super::explore::heading(c),
                    selected: c.name == selected,
                })
                .collect()
        };
        let measure = |value: String| Choice {
            label: crate::charts::measure_label(&value, table, lang),
            selected: spec.measure == value,
            value,
        };
        let mut measures = vec![measure("count".into())];
        // Codes, years and positions are never summed nor averaged.
        for c in table
            .columns
            .iter()
            .filter(|c| ceiba_portal::charts::is_measure(c))
        {
            for f in ["sum", "avg", "max", "min"] {
                measures.push(measure(format!("{f}:{}", c.name)));
            }
        }
        // A measure the link asks for that is not offered stays listed, so the form shows
        // what is drawn.
        if !measures.iter().any(|m| m.selected) {
            measures.push(Choice {
                value: spec.measure.clone(),
                label: crate::charts::measure_label(&spec.measure, table, lang),
                selected: true,
            });
        }
        // The map's areas: the public boundary sets ("dataset — resource"); a resource
        // named that is not one stays listed so the form says what was asked.
        // The built-in sets come first.
        let mut boundaries: Vec<Choice> = ceiba_viz::map::BUILTINS
            .iter()
            .map(|b| Choice {
                value: b.id.to_owned(),
                label: b.name(lang).to_owned(),
                selected: spec.geo.as_deref() == Some(b.id),
            })
            .chain(sets.iter().map(|b| Choice {
                value: b.resource_id.to_string(),
                label: format!("{} — {}", b.dataset_title.get(lang), b.resource_name),
                selected: spec.geo.as_deref() == Some(b.resource_id.to_string().as_str()),
            }))
            .collect();
        if let Some(geo) = spec.geo.as_deref().filter(|g| !g.is_empty()) {
            if !boundaries.iter().any(|b| b.selected) {
                boundaries.push(Choice {
                    value: geo.to_owned(),
                    label: geo.to_owned(),
                    selected: true,
                });
            }
        }
        let table_html = drawn
            .data
            .as_ref()
            .map(|d| ceiba_viz::data_table_html(d, lang))
            .unwrap_or_default();
        Ok::<_, PageError>(context! {
            dataset_name => l.dataset.name,
            dataset_title => l.dataset.title.get(lang),
            resource_name => l.resource.name,
            resource_url => base.clone(),
            chart_url => format!("{base}/chart"),
            svg => drawn.svg,
            title => drawn.title,
            table_html => table_html,
            unmatched => drawn.unmatched,
            kinds => kinds,
            dimensions => columns(false, &spec.x),
            splits => columns(false, spec.series.as_deref().unwrap_or("")),
            measures => measures,
            top => spec.top,
            boundaries => boundaries,
            filters => spec.filters,
            svg_url => format!("{base}/chart.svg?{qs}"),
            png_url => format!("{base}/chart.png?{qs}"),
            csv_url => format!("{base}/chart.csv?{qs}"),
            share_url => format!("{base}/chart?{qs}"),
            may_save => ctx.visitor.may_edit(&l.dataset),
            save_url => format!("{base}/views"),
            params => qs,
        })
    }
    .await;
    render(&state, &ctx, "chart.html", page)
}

async fn drawn_for(
    state: &SharedState,
    viewer: &Audience,
    lang: Lang,
    name: &str,
    rid: &str,
    pairs: &[(String, String)],
) -> Result<(crate::charts::Drawn, ChartSpec), Response> {
    let l = located(state, viewer, name, rid)
        .await
        .map_err(|_| StatusCode::NOT_FOUND.into_response())?;
    let table = table_of(&l, pairs);
    let spec = spec_for(state, pairs, table).await;
    let drawn = draw(state, table, &spec, lang, &source_of(&l, lang)).await;
    Ok((drawn, spec))
}

fn lang_of(pairs: &[(String, String)]) -> Lang {
    pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
        .unwrap_or_default()
}

/// `chart.svg`, `chart.png` or `chart.csv`.
pub async fn file(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid, file)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let lang = lang_of(&pairs);
    let viewer = ctx.visitor.viewer();
    let (drawn, _) = match drawn_for(&state, &viewer, lang, &name, &rid, &pairs).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    match file.as_str() {
        "chart.svg" => (
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            drawn.svg,
        )
            .into_response(),
        "chart.png" => match ceiba_viz::png::svg_to_png(&drawn.svg, 2.0) {
            Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        },
        "chart.csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"grafico.csv\"",
                ),
            ],
            drawn
                .data
                .as_ref()
                .map(ceiba_viz::data_csv)
                .unwrap_or_default(),
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A saved view drawn over its resource's current table; a message when the table or a
/// column it needs is gone (a new version may have removed it).
pub async fn draw_saved(
    state: &SharedState,
    view: &ceiba_store::SavedView,
    lang: Lang,
    viewer: &Audience,
) -> Result<(crate::charts::Drawn, String), PageError> {
    let l = match locate_for(state, &view.resource_id.to_string(), viewer).await {
        Ok(l) if !l.tables.is_empty() => l,
        _ => {
            let text = if lang == Lang::Es {
                "El recurso de este gráfico ya no tiene una tabla publicada."
            } else {
                "This chart's resource no longer has a published table."
            };
            return Ok((
                crate::charts::Drawn {
                    svg: ceiba_viz::render_message_svg(text, &ceiba_viz::RenderOptions::new(lang)),
                    data: None,
                    unmatched: Vec::new(),
                    title: view.title.clone(),
                },
                String::new(),
            ));
        }
    };
    let pairs = saved_pairs(view);
    let table = table_of(&l, &pairs);
    let mut spec = spec_from(&pairs, table);
    if spec.title.is_none() {
        spec.title = Some(view.title.clone());
    }
    let missing: Vec<&str> = [
        Some(spec.x.as_str()),
        spec.measure.split_once(':').map(|(_, c)| c),
        spec.series.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|c| !table.columns.iter().any(|col| col.name == *c))
    .collect();
    let url = format!(
        "{}/dataset/{}/resource/{}/chart?{}",
        crate::http::base(lang),
        l.dataset.name,
        l.resource.id,
        query_string(&spec.to_pairs())
    );
    if let Some(c) = missing.first() {
        let text = if lang == Lang::Es {
            format!("La columna «{c}» ya no existe en la versión actual de los datos; este gráfico no se puede dibujar.")
        } else {
            format!("Column “{c}” no longer exists in the current version of the data; this chart cannot be drawn.")
        };
        return Ok((
            crate::charts::Drawn {
                svg: ceiba_viz::render_message_svg(&text, &ceiba_viz::RenderOptions::new(lang)),
                data: None,
                unmatched: Vec::new(),
                title: view.title.clone(),
            },
            url,
        ));
    }
    let drawn = draw(state, table, &spec, lang, &source_of(&l, lang)).await;
    Ok((drawn, url))
}

/// The URL parameters a saved view keeps (`{"params": [[k, v], …]}`).
pub fn saved_pairs(view: &ceiba_store::SavedView) -> Vec<(String, String)> {
    serde_json::from_str::<serde_json::Value>(&view.spec)
        .ok()
        .and_then(|v| v.get("params").cloned())
        .and_then(|p| serde_json::from_value::<Vec<(String, String)>>(p).ok())
        .unwrap_or_default()
}

/// A saved view of a public dataset, with that dataset.
async fn public_view(
    state: &SharedState,
    id: &str,
) -> Result<(ceiba_store::SavedView, ceiba_core::Dataset), PageError> {
    let not_found = || PageError::not_found("notfound-resource", id.to_owned());
    let uuid = uuid::Uuid::parse_str(id.trim_end_matches(".svg")).map_err(|_| not_found())?;
    let view = state.catalog.view(uuid).await?.ok_or_else(not_found)?;
    let dataset = super::datasets::visible_dataset(state, &view.dataset_id.to_string()).await?;
    Ok((view, dataset))
}

/// `/view/{id}`: a saved view alone, for `<iframe>`s; `/view/{id}.svg` its SVG.
pub async fn embed(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    if id.ends_with(".svg") {
        return match public_view(&state, &id).await {
            Ok((view, _)) => match draw_saved(&state, &view, ctx.lang, &Audience::Public).await {
                Ok((drawn, _)) => (
                    [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
                    drawn.svg,
                )
                    .into_response(),
                Err(e) => e.render(&state, &ctx),
            },
            Err(e) => e.render(&state, &ctx),
        };
    }
    let site = crate::http::site_url(&state, &headers);
    let page = async {
        let (view, dataset) = public_view(&state, &id).await?;
        let (drawn, explore_url) = draw_saved(&state, &view, ctx.lang, &Audience::Public).await?;
        // Where the chart comes from, so it can be cited and checked wherever it is
        // embedded: dataset, publisher, licence and date.
        let org = state
            .catalog
            .organization(&dataset.organization_id.to_string())
            .await?;
        let about = crate::view_models::DatasetView::new(ctx.lang, &dataset, org.as_ref(), &[], &[]);
        let table_html = drawn
            .data
            .as_ref()
            .map(|d| ceiba_viz::data_table_html(d, ctx.lang))
            .unwrap_or_default();
        let embed_url = format!("{site}{}/view/{}", ctx.base(), view.id);
        Ok::<_, PageError>(context! {
            title => view.title,
            description => view.description,
            svg => drawn.svg,
            table_html => table_html,
            explore_url => explore_url,
            dataset_url => format!("{}/dataset/{}", ctx.base(), dataset.name),
            dataset => about,
            updated => crate::format::date(ctx.lang, dataset.modified.date_naive()),
            embed_code => format!("<iframe src=\"{embed_url}\" width=\"680\" height=\"520\" style=\"border:0\" title=\"{}\" loading=\"lazy\"></iframe>", ceiba_viz::svg::escape(&view.title)),
        })
    }
    .await;
    let mut response = render(&state, &ctx, "embed.html", page);
    // Other sites may frame this page (and only this one).
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors *",
        ),
    );
    response
}
