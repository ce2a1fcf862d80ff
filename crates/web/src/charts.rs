//! Charts and maps of a resource's table: a small declarative spec read from URL
//! parameters (`type`, `x`, `measure`, `series`, `top`, `sort`, the explorer's `f.…` filters
//! and `q`), turned into an aggregation on the query engine and drawn as SVG by
//! `ceiba-viz`. Anything that cannot be drawn becomes a message where the chart would be.
//!
//! Maps draw areas only from boundary sets: GeoJSON/TopoJSON resources a publisher marked
//! (with the property that holds the code) in the catalog; without one, the department
//! tile grid.

use ceiba_core::{IngestedTable, Lang};
use ceiba_query::{Measure, MeasureFn, TableSpec};
use ceiba_store::PublicBoundarySet;
use ceiba_viz::groups::{self, Combine};
use ceiba_viz::map::{builtin, builtin_for, join_values, render_tile_grid_joined, MapOptions};
use ceiba_viz::territory::{self, Level};
use ceiba_viz::{ChartData, ChartKind, RenderOptions, Series, Unit};
use serde_json::Value;

use ceiba_portal::charts::{chart_query, ChartQuery};
pub use ceiba_portal::charts::{spec_from, ChartSpec};
use ceiba_portal::parse_level;

use crate::SharedState;

/// The territory level a column holds (codes only, when asked), from its name and its most
/// frequent values.
fn column_level(table: &IngestedTable, column: &str, codes_only: bool) -> Option<Level> {
    let c = table.columns.iter().find(|c| c.name == column)?;
    territory::recognise_column(c)
        .filter(|t| !codes_only || t.kind == territory::Kind::Code)
        .map(|t| t.level)
}

/// Draws maps on real boundaries where a table has territories: a map asked for without
/// a column or boundaries is drawn by the first column of municipality codes; a map of
/// municipalities on the first marked municipal set (`sets`, the public ones), else on the
/// built-in one; a map of departments on the built-in departments, unless the link names
/// its areas (`geo=` empty is the tile grid); and a table with municipality codes and no
/// department column starts with that map. A spec naming its boundary set is left as it
/// is, and so is a saved view (its parameters are read by [`spec_from`] alone).
pub fn suggest_boundaries(
    spec: &mut ChartSpec,
    pairs: &[(String, String)],
    table: &IngestedTable,
    sets: &[PublicBoundarySet],
) {
    if spec.geo.is_some() {
        return;
    }
    let municipal = sets.iter().find(|s| s.level == "municipality").map_or_else(
        || builtin_for(Level::Municipality).id.to_owned(),
        |s| s.resource_id.to_string(),
    );
    let given = |k: &str| {
        pairs
            .iter()
            .any(|(key, v)| key == k && !v.trim().is_empty())
    };
    let geo_named = pairs.iter().any(|(k, _)| k == "geo");
    let municipality_codes = || {
        table
            .columns
            .iter()
            .find(|c| column_level(table, &c.name, true) == Some(Level::Municipality))
            .map(|c| c.name.clone())
    };
    match spec.kind {
        None => {
            if !given("x") && !geo_named {
                if let Some(column) = municipality_codes() {
                    spec.x = column;
                }
            }
            match column_level(table, &spec.x, false) {
                Some(Level::Municipality) => spec.geo = Some(municipal),
                Some(Level::Department) if !geo_named => {
                    spec.geo = Some(builtin_for(Level::Department).id.to_owned());
                }
                _ => {}
            }
        }
        Some(_) if !given("type") && !given("x") => {
            let departments = table
                .columns
                .iter()
                .any(|c| column_level(table, &c.name, false) == Some(Level::Department));
            if let (false, Some(column)) = (departments, municipality_codes()) {
                spec.kind = None;
                spec.x = column;
                spec.geo = Some(municipal);
            }
        }
        Some(_) => {}
    }
}

/// Whether [`suggest_boundaries`] may change the spec the URL asks for (so the boundary
/// sets are worth reading).
pub fn may_suggest_boundaries(pairs: &[(String, String)]) -> bool {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    get("geo").is_none() && matches!(get("type"), None | Some("map"))
}

/// The spec a URL asks for, with a marked boundary set suggested where it helps (see
/// [`suggest_boundaries`]).
pub async fn spec_for(
    state: &SharedState,
    pairs: &[(String, String)],
    table: &IngestedTable,
) -> ChartSpec {
    let mut spec = spec_from(pairs, table);
    if may_suggest_boundaries(pairs) {
        suggest_boundaries(&mut spec, pairs, table, &boundary_choices(state).await);
    }
    spec
}

/// The boundary sets of public datasets (none when the catalog cannot say: the grid still
/// draws).
pub async fn boundary_choices(state: &SharedState) -> Vec<PublicBoundarySet> {
    match state.catalog.public_boundary_sets().await {
        Ok(sets) => sets,
        Err(e) => {
            tracing::warn!(error = %e, "boundary sets unavailable");
            Vec::new()
        }
    }
}

pub(crate) fn measure_label(measure: &str, table: &IngestedTable, lang: Lang) -> String {
    let (func, column) = measure.split_once(':').unwrap_or((measure, ""));
    let label = table
        .columns
        .iter()
        .find(|c| c.name == column)
        .map_or(column, |c| c.label.as_str());
    let es = lang == Lang::Es;
    match func {
        "sum" => format!("{} {label}", if es { "Suma de" } else { "Sum of" }),
        "avg" => format!("{} {label}", if es { "Promedio de" } else { "Average" }),
        "min" => format!("{} {label}", if es { "Mínimo de" } else { "Minimum" }),
        "max" => format!("{} {label}", if es { "Máximo de" } else { "Maximum" }),
        _ => (if es {
            "Número de filas"
        } else {
            "Number of rows"
        })
        .to_owned(),
    }
}

fn unit_of(measure: &str, table: &IngestedTable) -> Unit {
    let column = measure.split_once(':').map_or("", |(_, c)| c);
    table
        .columns
        .iter()
        .find(|c| c.name == column)
        .map_or_else(Unit::none, |c| Unit::of_column(&c.unit))
}

/// How a column is named on a chart. A column of department or municipality codes is
/// drawn as names, so it is headed by what they are ("Departamento", "Municipio").
fn label_of(table: &IngestedTable, column: &str, lang: Lang) -> String {
    let Some(c) = table.columns.iter().find(|c| c.name == column) else {
        return column.to_owned();
    };
    let sample: Vec<&str> = c.stats.top.iter().map(|t| t.value.as_str()).collect();
    let es = lang == Lang::Es;
    match groups::code_level(&c.name, &sample) {
        Some(Level::Department) => if es { "Departamento" } else { "Department" }.into(),
        Some(Level::Municipality) => if es { "Municipio" } else { "Municipality" }.into(),
        None => c.label.clone(),
    }
}

/// The `i`th value of a result row as text.
fn key(row: &[Value], i: usize) -> String {
    row.get(i).map_or_else(String::new, text)
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A drawn chart: the SVG, and its data for the table alternative and downloads.
pub struct Drawn {
    pub svg: String,
    pub data: Option<ChartData>,
    /// Rows whose territory was not recognised (maps).
    pub unmatched: Vec<String>,
    pub title: String,
}

fn message(text: &str, lang: Lang, title: String) -> Drawn {
    Drawn {
        svg: ceiba_viz::render_message_svg(text, &RenderOptions::new(lang)),
        data: None,
        unmatched: Vec::new(),
        title,
    }
}

/// Draws `spec` over `table`, or a message saying why it cannot be drawn.
pub async fn draw(
    state: &SharedState,
    table: &IngestedTable,
    spec_: &ChartSpec,
    lang: Lang,
    source: &str,
) -> Drawn {
    let tspec = TableSpec::from(table);
    let m_label = measure_label(&spec_.measure, table, lang);
    let x_label = label_of(table, &spec_.x, lang);
    let title = spec_.title.clone().unwrap_or_else(|| {
        format!(
            "{m_label} {} {x_label}",
            if lang == Lang::Es { "por" } else { "by" }
        )
    });
    let limits = *state.engine.limits();
    let mut data = ChartData {
        title: title.clone(),
        source: source.to_owned(),
        x_label: x_label.clone(),
        y_label: m_label.clone(),
        unit: unit_of(&spec_.measure, table),
        ..Default::default()
    };
    let query = match chart_query(spec_, &tspec, &limits) {
        Ok(q) => q,
        Err(e) => return message(&e.message(lang), lang, title),
    };
    let d = Drawing {
        state,
        table,
        tspec,
        spec: spec_,
        lang,
        source,
        title,
        m_label,
        x_label,
    };
    let drawn = match query {
        ChartQuery::Histogram { column } => histogram(&d, &column, &mut data).await,
        ChartQuery::Points { y, request } => points(&d, &y, &request, &mut data).await,
        ChartQuery::Groups(request) => grouped(&d, request, &mut data).await,
    };
    if let Err(done) = drawn {
        return done;
    }
    let title = d.title;
    let kind = spec_.kind.unwrap_or(ChartKind::Bar);
    let opts = RenderOptions {
        max_categories: spec_.top,
        ..RenderOptions::new(lang)
    };
    Drawn {
        svg: ceiba_viz::render_svg_or_message(kind, &data, &opts),
        data: Some(data),
        unmatched: Vec::new(),
        title,
    }
}

/// What every kind of chart is drawn from.
struct Drawing<'a> {
    state: &'a SharedState,
    table: &'a IngestedTable,
    tspec: ceiba_query::TableSpec,
    spec: &'a ChartSpec,
    lang: Lang,
    source: &'a str,
    title: String,
    m_label: String,
    x_label: String,
}

/// A histogram's bins into `data`; `Err`: what is drawn instead (a message).
async fn histogram(d: &Drawing<'_>, column: &str, data: &mut ChartData) -> Result<(), Drawn> {
    match d.state.engine.histogram(&d.tspec, column, 20).await {
        Ok(bins) => {
            data.bins = bins
                .iter()
                .map(|b| ceiba_viz::Bin {
                    from: b.lower,
                    to: b.upper,
                })
                .collect();
            data.series = vec![Series::new(
                if d.lang == Lang::Es { "Filas" } else { "Rows" },
                bins.iter().map(|b| b.count as f64),
            )];
            data.x_label = label_of(d.table, column, d.lang);
            data.unit = unit_of(&format!("sum:{column}"), d.table);
        }
        Err(e) => return Err(message(&e.message(d.lang), d.lang, d.title.clone())),
    }
    Ok(())
}

/// A scatter plot's points into `data`; `Err`: what is drawn instead (a message).
async fn points(
    d: &Drawing<'_>,
    y: &str,
    req: &ceiba_query::RowsRequest,
    data: &mut ChartData,
) -> Result<(), Drawn> {
    match d.state.engine.rows(&d.tspec, req).await {
        Ok(res) => {
            data.x_values = res
                .rows
                .iter()
                .map(|r| r.first().and_then(Value::as_f64))
                .collect();
            data.series = vec![Series::with_gaps(
                label_of(d.table, y, d.lang),
                res.rows
                    .iter()
                    .map(|r| r.get(1).and_then(Value::as_f64))
                    .collect(),
            )];
            data.y_label = label_of(d.table, y, d.lang);
            data.unit = unit_of(&format!("sum:{y}"), d.table);
        }
        Err(e) => return Err(message(&e.message(d.lang), d.lang, d.title.clone())),
    }
    Ok(())
}

/// Groups and their measure into `data`; `Err`: what is drawn instead (a map, or a
/// message).
async fn grouped(
    d: &Drawing<'_>,
    mut req: ceiba_query::AggregateRequest,
    data: &mut ChartData,
) -> Result<(), Drawn> {
    // Groups drawn as one (the spellings of a territory's code) merge their values;
    // averages merge weighted by how many values each averaged.
    let combine = match req.measures.first().map(|m| m.func) {
        Some(MeasureFn::Min) => Combine::Min,
        Some(MeasureFn::Max) => Combine::Max,
        Some(MeasureFn::Avg) => Combine::Mean,
        _ => Combine::Add,
    };
    if combine == Combine::Mean {
        let column = req.measures.first().and_then(|m| m.column.clone());
        req.measures.push(Measure {
            func: MeasureFn::Count,
            column,
        });
    }
    let res = match d.state.engine.aggregate(&d.tspec, &req).await {
        Ok(r) => r,
        Err(e) => return Err(message(&e.message(d.lang), d.lang, d.title.clone())),
    };
    let split = req.group_by.len() == 2;
    let value_at = req.group_by.len();
    let value = |r: &Vec<Value>| r.get(value_at).and_then(Value::as_f64);
    let weight = |r: &Vec<Value>| r.get(value_at + 1).and_then(Value::as_f64);
    let keys = |i: usize| -> Vec<String> { res.rows.iter().take(50).map(|r| key(r, i)).collect() };
    let x_level = groups::code_level(&d.spec.x, &keys(0));
    if d.spec.kind.is_none() {
        // The department map: one value per department.
        let rows: Vec<(String, f64)> = groups::merge(
            res.rows
                .iter()
                .map(|r| (groups::canonical(x_level, &key(r, 0)), value(r), weight(r))),
            combine,
        )
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
        let names = || {
            rows.iter()
                .map(|(k, _)| groups::display(x_level, k))
                .collect()
        };
        if let Some(geo) = d.spec.geo.as_deref().filter(|g| !g.is_empty()) {
            let opts = MapOptions {
                title: d.title.clone().clone(),
                source: Some(d.source.to_owned()).filter(|s| !s.is_empty()),
                lang: d.lang,
                unit: unit_of(&d.spec.measure, d.table),
                boundaries_credit: builtin(geo).map(|b| b.credit(d.lang).to_owned()),
                ..Default::default()
            };
            let map = match boundary_map(d.state, geo, d.spec.code.as_deref()).await {
                Ok(m) => m,
                Err(svg) => {
                    return Err(Drawn {
                        svg: svg(d.lang),
                        data: None,
                        unmatched: Vec::new(),
                        title: d.title.clone(),
                    })
                }
            };
            let joined = join_values(map.level, &rows);
            let out = ceiba_viz::map::render_choropleth_joined(&map, &joined, &opts);
            data.categories = names();
            data.series = vec![Series::new(d.m_label.clone(), rows.iter().map(|(_, v)| *v))];
            return Err(Drawn {
                svg: out.svg,
                data: Some(std::mem::take(data)),
                unmatched: out.unmatched,
                title: d.title.clone(),
            });
        }
        let sample: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).take(50).collect();
        let level = territory::recognise(&d.spec.x, &sample).map(|t| t.level);
        if level != Some(Level::Department) {
            let text = if d.lang == Lang::Es {
                format!("La columna «{}» no tiene códigos ni nombres de departamentos; la cuadrícula de departamentos necesita una. Otros territorios se dibujan con un conjunto de límites (elija uno en «Límites del mapa»).", d.x_label)
            } else {
                format!("Column “{}” holds no department codes or names; the department grid needs one. Other territories are drawn on a boundary set (choose one under “Map boundaries”).", d.x_label)
            };
            return Err(message(&text, d.lang, d.title.clone()));
        }
        let joined = join_values(Level::Department, &rows);
        let out = render_tile_grid_joined(
            &joined,
            &MapOptions {
                title: d.title.clone().clone(),
                source: Some(d.source.to_owned()).filter(|s| !s.is_empty()),
                lang: d.lang,
                unit: unit_of(&d.spec.measure, d.table),
                ..Default::default()
            },
        );
        data.categories = names();
        data.series = vec![Series::new(d.m_label.clone(), rows.iter().map(|(_, v)| *v))];
        return Err(Drawn {
            svg: out.svg,
            data: Some(std::mem::take(data)),
            unmatched: out.unmatched,
            title: d.title.clone(),
        });
    }
    if split {
        let series_column = d.spec.series.as_deref().unwrap_or_default();
        let s_level = groups::code_level(series_column, &keys(1));
        let merged = groups::merge(
            res.rows.iter().map(|r| {
                let c = groups::display(x_level, &key(r, 0));
                let s = groups::display(s_level, &key(r, 1));
                ((c, s), value(r), weight(r))
            }),
            combine,
        );
        let mut cats: Vec<&str> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for ((c, s), _) in &merged {
            if !cats.contains(&c.as_str()) {
                cats.push(c);
            }
            if !names.contains(&s.as_str()) && names.len() < 8 {
                names.push(s);
            }
        }
        let mut series: Vec<Series> = names
            .iter()
            .map(|n| Series::with_gaps(*n, vec![None; cats.len()]))
            .collect();
        for ((c, s), v) in &merged {
            if let (Some(ci), Some(si)) = (
                cats.iter().position(|x| x == c),
                names.iter().position(|x| x == s),
            ) {
                series[si].values[ci] = *v;
            }
        }
        data.categories = cats.into_iter().map(str::to_owned).collect();
        data.series = series;
    } else {
        // Codes of departments or municipalities read better as their names; every
        // spelling of a code is one bar.
        let mut rows: Vec<(String, Option<f64>)> = groups::merge(
            res.rows
                .iter()
                .map(|r| (groups::display(x_level, &key(r, 0)), value(r), weight(r))),
            combine,
        );
        let by_label = d.spec.sort == "label"
            || matches!(d.spec.kind, Some(ChartKind::Line | ChartKind::Area));
        if by_label {
            rows.sort_by(|a, b| a.0.cmp(&b.0));
        } else {
            rows.sort_by(|a, b| {
                b.1.unwrap_or(f64::MIN)
                    .partial_cmp(&a.1.unwrap_or(f64::MIN))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        }
        data.categories = rows.iter().map(|(c, _)| c.clone()).collect();
        data.series = vec![Series::with_gaps(
            d.m_label.clone(),
            rows.iter().map(|(_, v)| *v).collect(),
        )];
    }
    Ok(())
}

type MessageSvg = Box<dyn Fn(Lang) -> String + Send>;

/// The prepared areas of a public boundary set (a GeoJSON/TopoJSON resource marked in the
/// catalog), read by the property its mark names (or `code`, an override), simplified and
/// projected once per file version and property, then kept in memory.
async fn boundary_map(
    state: &SharedState,
    rid: &str,
    code: Option<&str>,
) -> Result<std::sync::Arc<ceiba_viz::map::PreparedMap>, MessageSvg> {
    let (w, h) = (640, 560);
    let unusable = |es: &'static str, en: &'static str| -> MessageSvg {
        Box::new(move |lang: Lang| {
            let (title, text) = match lang {
                Lang::Es => ("No se puede dibujar el mapa", es),
                Lang::En => ("The map cannot be drawn", en),
            };
            ceiba_viz::map::render_message(w, h, title, text)
        })
    };
    if let Some(set) = builtin(rid) {
        // Built into the binary: read and prepared once, then kept like any other.
        let cache_key = format!("builtin:{}", set.id);
        if let Some(map) = state.maps.get(&cache_key) {
            return Ok(map);
        }
        let prepared = tokio::task::spawn_blocking(move || {
            set.read().map(|b| ceiba_viz::map::prepare(&b, w, h))
        })
        .await;
        return kept(state, &cache_key, prepared, (w, h));
    }
    let located = match crate::tables::locate(state, rid).await {
        Ok(l) => l,
        Err(_) => {
            return Err(unusable(
                "No hay un recurso público con ese identificador para los límites del mapa.",
                "There is no public resource with that id for the map's boundaries.",
            ))
        }
    };
    let r = located.resource;
    let mark = match state.catalog.boundary_set(r.id).await {
        Ok(Some(mark)) => mark,
        Ok(None) => {
            return Err(unusable(
                "Ese recurso no está marcado como conjunto de límites: los mapas se dibujan solo con los límites que quien publica marca como tales (con la propiedad que tiene el código). Elija uno de la lista.",
                "That resource is not marked as a boundary set: maps are drawn only from boundaries their publisher marked as such (with the property that holds the code). Choose one from the list.",
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "boundary set");
            return Err(unusable(
                "No se pudo consultar el catálogo para los límites del mapa.",
                "The catalog could not be read for the map's boundaries.",
            ));
        }
    };
    let Some(key) = r.storage_key.clone() else {
        return Err(unusable(
            "Los límites del mapa deben ser un archivo subido al portal (GeoJSON o TopoJSON).",
            "The map's boundaries must be a file uploaded to the portal (GeoJSON or TopoJSON).",
        ));
    };
    // The mark's level holds for its own property; an override is read at any level.
    let (code, level) = match code {
        Some(c) if c != mark.code_property => (c.to_owned(), None),
        _ => (
            mark.code_property.clone(),
            parse_level(&mark.level).ok().flatten(),
        ),
    };
    let cache_key = format!(
        "{}:{}:{code}:{level:?}",
        r.id,
        r.sha256.as_deref().unwrap_or("")
    );
    if let Some(map) = state.maps.get(&cache_key) {
        return Ok(map);
    }
    if r.size.unwrap_or(0) as usize > ceiba_portal::MAX_BOUNDARY_BYTES {
        return Err(unusable(
            "El archivo de límites es demasiado grande para dibujarlo.",
            "The boundary file is too large to draw.",
        ));
    }
    let bytes = match state.files.read(&key).await {
        Ok(b) => b,
        Err(_) => {
            return Err(unusable(
                "No se pudo leer el archivo de límites.",
                "The boundary file could not be read.",
            ))
        }
    };
    let parsed = tokio::task::spawn_blocking(move || {
        ceiba_viz::map::parse_boundaries(
            &bytes,
            &ceiba_viz::map::BoundaryOptions {
                code_property: Some(&code),
                level,
                ..Default::default()
            },
        )
        .map(|set| ceiba_viz::map::prepare(&set, w, h))
    })
    .await;
    kept(state, &cache_key, parsed, (w, h))
}

/// A map prepared on a blocking thread, kept in `state.maps`; or the message drawn
/// where it would be.
fn kept(
    state: &SharedState,
    cache_key: &str,
    prepared: Result<
        Result<ceiba_viz::map::PreparedMap, ceiba_viz::map::BoundaryError>,
        tokio::task::JoinError,
    >,
    (w, h): (u32, u32),
) -> Result<std::sync::Arc<ceiba_viz::map::PreparedMap>, MessageSvg> {
    match prepared {
        Ok(Ok(map)) => Ok(state.maps.insert(cache_key, map)),
        Ok(Err(e)) => Err(Box::new(move |lang: Lang| {
            ceiba_viz::map::render_boundary_error(&e, lang, w, h)
        })),
        Err(_) => Err(Box::new(move |lang: Lang| {
            let (title, text) = match lang {
                Lang::Es => (
                    "No se puede dibujar el mapa",
                    "No se pudo preparar el mapa.",
                ),
                Lang::En => ("The map cannot be drawn", "The map could not be prepared."),
            };
            ceiba_viz::map::render_message(w, h, title, text)
        })),
    }
}
