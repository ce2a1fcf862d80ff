//! Charts and maps of a resource's table: a small declarative spec read from URL
//! parameters (`type`, `x`, `measure`, `series`, `top`, `sort`, the explorer's `f.…` filters
//! and `q`), turned into an aggregation on the query engine and drawn as SVG by
//! `ceiba-viz`. Anything that cannot be drawn becomes a message where the chart would be.
//!
//! Maps draw areas only from boundary sets: GeoJSON/TopoJSON resources a publisher marked
//! (with the property that holds the code) in the catalog; without one, the department
//! tile grid.

use ceiba_core::{ColumnType, IngestedTable, Lang};
use ceiba_query::{AggregateRequest, Measure, MeasureFn, RowsRequest};
use ceiba_store::PublicBoundarySet;
use ceiba_viz::groups::{self, Combine};
use ceiba_viz::map::{join_values, render_tile_grid_joined, MapOptions};
use ceiba_viz::territory::{self, Level};
use ceiba_viz::{ChartData, ChartKind, RenderOptions, Series, Unit};
use serde_json::Value;

use crate::tables::spec;
use crate::SharedState;

/// Categories fetched for a chart before "Otros" groups the rest.
const FETCH_GROUPS: u64 = 400;
/// Points of a scatter plot.
const SCATTER_POINTS: u64 = 1_000;

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// A chart kind, or `None` for the department map.
    pub kind: Option<ChartKind>,
    pub x: String,
    /// `count` or `sum:col`, `avg:col`, `min:col`, `max:col`.
    pub measure: String,
    pub series: Option<String>,
    /// Scatter: the second numeric column.
    pub y: Option<String>,
    pub top: usize,
    /// `value` (largest first) or `label`.
    pub sort: String,
    /// The explorer's filters and `q`, as given.
    pub filters: Vec<(String, String)>,
    pub title: Option<String>,
    /// Maps: the boundary set (a marked GeoJSON/TopoJSON resource) to draw areas from,
    /// else the department grid…
    pub geo: Option<String>,
    /// …and, to override its mark, the property of its features that holds the code.
    pub code: Option<String>,
}

impl ChartSpec {
    /// The spec in URL parameters (also what a saved view keeps).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut p = vec![
            (
                "type".to_owned(),
                self.kind.map_or("map", |k| k.code()).to_owned(),
            ),
            ("x".to_owned(), self.x.clone()),
            ("measure".to_owned(), self.measure.clone()),
        ];
        if let Some(s) = &self.series {
            p.push(("series".into(), s.clone()));
        }
        if let Some(y) = &self.y {
            p.push(("y".into(), y.clone()));
        }
        if self.top != 12 {
            p.push(("top".into(), self.top.to_string()));
        }
        if self.sort != "value" {
            p.push(("sort".into(), self.sort.clone()));
        }
        if let Some(t) = &self.title {
            p.push(("title".into(), t.clone()));
        }
        // A map always says which areas (empty: the grid), so that a link to it draws the
        // same map and no other suggestion.
        if self.kind.is_none() || self.geo.is_some() {
            p.push(("geo".into(), self.geo.clone().unwrap_or_default()));
        }
        if let Some(c) = &self.code {
            p.push(("code".into(), c.clone()));
        }
        p.extend(self.filters.iter().cloned());
        p
    }
}

fn is_code_like(name: &str) -> bool {
    let n = ceiba_core::text::fold(name);
    [
        "codigo",
        "cod_",
        "cod ",
        "id",
        "snip",
        "ano",
        "anio",
        "year",
        "_id",
        "ejercicio",
        "periodo",
        "mes",
        "trimestre",
        "numero",
    ]
    .iter()
    .any(|w| n == *w || n.starts_with(w))
}

/// The spec a URL asks for; what it leaves out is suggested from the table (the sum of
/// the main amount by department, for example).
pub fn spec_from(pairs: &[(String, String)], table: &IngestedTable) -> ChartSpec {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let columns = &table.columns;
    let text_columns = || {
        columns
            .iter()
            .filter(|c| c.column_type == ColumnType::Text || c.column_type == ColumnType::Date)
    };
    let suggested_x = || {
        text_columns()
            .find(|c| {
                let sample: Vec<&str> = c.stats.top.iter().map(|t| t.value.as_str()).collect();
                territory::recognise(&c.name, &sample).is_some_and(|t| t.level == Level::Department)
            })
            .or_else(|| text_columns().find(|c| (2..=40).contains(&c.stats.distinct)))
            .or_else(|| text_columns().next())
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let suggested_measure = || {
        let numeric = || {
            columns
                .iter()
                .filter(|c| c.column_type.is_numeric() && !is_code_like(&c.name))
        };
        let main = numeric()
            .find(|c| {
                let n = ceiba_core::text::fold(&c.name);
                c.unit.trim() == "Q"
                    || [
                        "monto",
                        "total",
                        "valor",
                        "poblacion",
                        "cantidad",
                        "ejecutado",
                        "devengado",
                        "pagado",
                        "vigente",
                        "asignado",
                        "aprobado",
                        "gasto",
                        "ingreso",
                        "inversion",
                        "hogares",
                        "casos",
                    ]
                    .iter()
                    .any(|w| n.contains(w))
            })
            .or_else(|| numeric().next());
        main.map_or("count".to_owned(), |c| format!("sum:{}", c.name))
    };
    let kind = match get("type").as_deref() {
        Some("map") => None,
        Some(k) => Some(ChartKind::parse(k).unwrap_or(ChartKind::Bar)),
        None => Some(ChartKind::Bar),
    };
    ChartSpec {
        kind,
        x: get("x").unwrap_or_else(suggested_x),
        measure: get("measure").unwrap_or_else(suggested_measure),
        series: get("series"),
        y: get("y"),
        top: get("top")
            .and_then(|t| t.parse().ok())
            .unwrap_or(12usize)
            .clamp(2, 50),
        sort: get("sort")
            .filter(|s| s == "label" || s == "value")
            .unwrap_or_else(|| "value".into()),
        filters: pairs
            .iter()
            .filter(|(k, _)| k.starts_with("f.") || k == "q")
            .cloned()
            .collect(),
        title: get("title"),
        geo: get("geo"),
        code: get("code"),
    }
}

/// The territory level a column holds (codes only, when asked), from its name and its most
/// frequent values.
fn column_level(table: &IngestedTable, column: &str, codes_only: bool) -> Option<Level> {
    let c = table.columns.iter().find(|c| c.name == column)?;
    let sample: Vec<&str> = c.stats.top.iter().map(|t| t.value.as_str()).collect();
    territory::recognise(&c.name, &sample)
        .filter(|t| !codes_only || t.kind == territory::Kind::Code)
        .map(|t| t.level)
}

/// Prefers a marked municipal boundary set (`sets`, the public ones) to the department tile
/// grid when the table has municipalities: a map asked for without a column or boundaries
/// is drawn by the first column of municipality codes; a map of a municipality column,
/// which the grid cannot draw, on that set; and a table with municipality codes and no
/// department column starts with that map. Departments keep the grid (it needs no
/// geometry). A spec naming its boundary set is left as it is, and so is a saved view
/// (its parameters are read by [`spec_from`] alone).
pub fn suggest_boundaries(
    spec: &mut ChartSpec,
    pairs: &[(String, String)],
    table: &IngestedTable,
    sets: &[PublicBoundarySet],
) {
    if spec.geo.is_some() {
        return;
    }
    let Some(set) = sets.iter().find(|s| s.level == "municipality") else {
        return;
    };
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
            if column_level(table, &spec.x, false) == Some(Level::Municipality) {
                spec.geo = Some(set.resource_id.to_string());
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
                spec.geo = Some(set.resource_id.to_string());
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

fn measure_label(measure: &str, table: &IngestedTable, lang: Lang) -> String {
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
    let unit = table
        .columns
        .iter()
        .find(|c| c.name == column)
        .map_or("", |c| c.unit.trim());
    match unit {
        "Q" | "GTQ" | "quetzales" => Unit::quetzal(),
        "US$" | "USD" | "$" => Unit::usd(),
        "%" => Unit {
            prefix: String::new(),
            suffix: "%".into(),
        },
        _ => Unit::none(),
    }
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
    let tspec = spec(table);
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
    match spec_.kind {
        Some(ChartKind::Histogram) => {
            let column = spec_
                .measure
                .split_once(':')
                .map_or(spec_.x.as_str(), |(_, c)| c);
            match state.engine.histogram(&tspec, column, 20).await {
                Ok(bins) => {
                    data.bins = bins
                        .iter()
                        .map(|b| ceiba_viz::Bin {
                            from: b.lower,
                            to: b.upper,
                        })
                        .collect();
                    data.series = vec![Series::new(
                        if lang == Lang::Es { "Filas" } else { "Rows" },
                        bins.iter().map(|b| b.count as f64),
                    )];
                    data.x_label = label_of(table, column, lang);
                    data.unit = unit_of(&format!("sum:{column}"), table);
                }
                Err(e) => return message(&e.message(lang), lang, title),
            }
        }
        Some(ChartKind::Scatter) => {
            let y = spec_.y.clone().unwrap_or_else(|| {
                spec_
                    .measure
                    .split_once(':')
                    .map_or(String::new(), |(_, c)| c.to_owned())
            });
            let mut pairs = spec_.filters.clone();
            pairs.push(("columns".into(), format!("{},{y}", spec_.x)));
            pairs.push(("limit".into(), SCATTER_POINTS.to_string()));
            let req = match RowsRequest::from_query(&pairs, &tspec, &limits) {
                Ok(r) => r,
                Err(e) => return message(&e.message(lang), lang, title),
            };
            match state.engine.rows(&tspec, &req).await {
                Ok(res) => {
                    data.x_values = res
                        .rows
                        .iter()
                        .map(|r| r.first().and_then(Value::as_f64))
                        .collect();
                    data.series = vec![Series::with_gaps(
                        label_of(table, &y, lang),
                        res.rows
                            .iter()
                            .map(|r| r.get(1).and_then(Value::as_f64))
                            .collect(),
                    )];
                    data.y_label = label_of(table, &y, lang);
                    data.unit = unit_of(&format!("sum:{y}"), table);
                }
                Err(e) => return message(&e.message(lang), lang, title),
            }
        }
        _ => {
            let mut pairs = spec_.filters.clone();
            let mut group = spec_.x.clone();
            if let (
                Some(s),
                Some(ChartKind::StackedBar | ChartKind::Line | ChartKind::Area | ChartKind::Bar),
            ) = (&spec_.series, spec_.kind)
            {
                group = format!("{group},{s}");
            }
            pairs.push(("group_by".into(), group));
            pairs.push(("measure".into(), spec_.measure.clone()));
            pairs.push((
                "limit".into(),
                FETCH_GROUPS.min(limits.max_groups).to_string(),
            ));
            let mut req = match AggregateRequest::from_query(&pairs, &tspec, &limits) {
                Ok(r) => r,
                Err(e) => return message(&e.message(lang), lang, title),
            };
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
            let res = match state.engine.aggregate(&tspec, &req).await {
                Ok(r) => r,
                Err(e) => return message(&e.message(lang), lang, title),
            };
            let split = req.group_by.len() == 2;
            let value_at = req.group_by.len();
            let value = |r: &Vec<Value>| r.get(value_at).and_then(Value::as_f64);
            let weight = |r: &Vec<Value>| r.get(value_at + 1).and_then(Value::as_f64);
            let keys =
                |i: usize| -> Vec<String> { res.rows.iter().take(50).map(|r| key(r, i)).collect() };
            let x_level = groups::code_level(&spec_.x, &keys(0));
            if spec_.kind.is_none() {
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
                if let Some(geo) = &spec_.geo {
                    let opts = MapOptions {
                        title: title.clone(),
                        source: Some(source.to_owned()).filter(|s| !s.is_empty()),
                        lang,
                        unit: unit_of(&spec_.measure, table),
                        ..Default::default()
                    };
                    let map = match boundary_map(state, geo, spec_.code.as_deref()).await {
                        Ok(m) => m,
                        Err(svg) => {
                            return Drawn {
                                svg: svg(lang),
                                data: None,
                                unmatched: Vec::new(),
                                title,
                            }
                        }
                    };
                    let joined = join_values(map.level, &rows);
                    let out = ceiba_viz::map::render_choropleth_joined(&map, &joined, &opts);
                    data.categories = names();
                    data.series = vec![Series::new(m_label.clone(), rows.iter().map(|(_, v)| *v))];
                    return Drawn {
                        svg: out.svg,
                        data: Some(data),
                        unmatched: out.unmatched,
                        title,
                    };
                }
                let sample: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).take(50).collect();
                let level = territory::recognise(&spec_.x, &sample).map(|t| t.level);
                if level != Some(Level::Department) {
                    let text = if lang == Lang::Es {
                        format!("La columna «{x_label}» no tiene códigos ni nombres de departamentos; la cuadrícula de departamentos necesita una. Otros territorios se dibujan con un conjunto de límites (elija uno en «Límites del mapa»).")
                    } else {
                        format!("Column “{x_label}” holds no department codes or names; the department grid needs one. Other territories are drawn on a boundary set (choose one under “Map boundaries”).")
                    };
                    return message(&text, lang, title);
                }
                let joined = join_values(Level::Department, &rows);
                let out = render_tile_grid_joined(
                    &joined,
                    &MapOptions {
                        title: title.clone(),
                        source: Some(source.to_owned()).filter(|s| !s.is_empty()),
                        lang,
                        unit: unit_of(&spec_.measure, table),
                        ..Default::default()
                    },
                );
                data.categories = names();
                data.series = vec![Series::new(m_label.clone(), rows.iter().map(|(_, v)| *v))];
                return Drawn {
                    svg: out.svg,
                    data: Some(data),
                    unmatched: out.unmatched,
                    title,
                };
            }
            if split {
                let series_column = spec_.series.as_deref().unwrap_or_default();
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
                let by_label = spec_.sort == "label"
                    || matches!(spec_.kind, Some(ChartKind::Line | ChartKind::Area));
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
                    m_label.clone(),
                    rows.iter().map(|(_, v)| *v).collect(),
                )];
            }
        }
    }
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

/// Largest boundary file read (bytes).
pub(crate) const MAX_BOUNDARY_BYTES: usize = 64 * 1024 * 1024;

/// The file formats (as resources name them) a boundary set may have; the content decides.
pub(crate) fn may_be_boundaries(format: &str) -> bool {
    ["GEOJSON", "TOPOJSON", "JSON"]
        .iter()
        .any(|f| format.trim().eq_ignore_ascii_case(f))
}

/// How a boundary set's mark names a level.
pub(crate) fn level_name(level: Level) -> &'static str {
    match level {
        Level::Department => "department",
        Level::Municipality => "municipality",
    }
}

/// Why a resource's stored file cannot be read as boundaries.
pub(crate) enum NotBoundaryFile {
    /// Not an uploaded GeoJSON/TopoJSON (by format or file name).
    NotGeo,
    /// Larger than [`MAX_BOUNDARY_BYTES`].
    TooLarge,
    Store(ceiba_store::StoreError),
}

/// The bytes of a resource's uploaded GeoJSON/TopoJSON file (the content decides
/// whether they hold boundaries); shared by the pages and the CKAN API that mark
/// boundary sets.
pub(crate) async fn stored_boundary_bytes(
    state: &SharedState,
    r: &ceiba_core::Resource,
) -> Result<Vec<u8>, NotBoundaryFile> {
    let key = r
        .storage_key
        .as_deref()
        .filter(|_| may_be_boundary_file(r))
        .ok_or(NotBoundaryFile::NotGeo)?;
    if r.size.unwrap_or(0) > MAX_BOUNDARY_BYTES as i64 {
        return Err(NotBoundaryFile::TooLarge);
    }
    let bytes = state
        .files
        .read(key)
        .await
        .map_err(NotBoundaryFile::Store)?;
    Ok(Vec::from(bytes))
}

/// Whether a resource could be a boundary set (an upload named GeoJSON/TopoJSON).
pub(crate) fn may_be_boundary_file(r: &ceiba_core::Resource) -> bool {
    let by_name = r
        .original_filename
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .is_some_and(|(_, ext)| may_be_boundaries(ext));
    r.is_upload() && (may_be_boundaries(&r.format) || by_name)
}

/// The level a boundary set's mark declares.
pub(crate) fn level_of(mark: &str) -> Option<Level> {
    match mark {
        "department" => Some(Level::Department),
        "municipality" => Some(Level::Municipality),
        _ => None,
    }
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
        _ => (mark.code_property.clone(), level_of(&mark.level)),
    };
    let cache_key = format!(
        "{}:{}:{code}:{level:?}",
        r.id,
        r.sha256.as_deref().unwrap_or("")
    );
    if let Some(map) = state.maps.get(&cache_key) {
        return Ok(map);
    }
    if r.size.unwrap_or(0) as usize > MAX_BOUNDARY_BYTES {
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
    match parsed {
        Ok(Ok(map)) => Ok(state.maps.insert(&cache_key, map)),
        Ok(Err(e)) => Err(Box::new(move |lang: Lang| {
            ceiba_viz::map::render_boundary_error(&e, lang, w, h)
        })),
        Err(_) => Err(unusable(
            "No se pudo preparar el mapa.",
            "The map could not be prepared.",
        )),
    }
}
