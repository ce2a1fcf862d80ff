//! What a chart asks of a table: the declarative spec read from URL parameters (`type`,
//! `x`, `measure`, `series`, `top`, `sort`, the explorer's `f.…` filters and `q`), with
//! what it leaves out suggested from the table, and the query it becomes. Drawing it is
//! the web layer's; saving it as a view checks it here, the same way.

use ceiba_core::{ColumnType, IngestedTable};
use ceiba_query::{AggregateRequest, Problem, QueryError, QueryLimits, RowsRequest, TableSpec};
use ceiba_viz::territory::{self, Level};
use ceiba_viz::ChartKind;

/// Categories fetched for a chart before "Otros" groups the rest.
pub const FETCH_GROUPS: u64 = 400;
/// Points of a scatter plot.
pub const SCATTER_POINTS: u64 = 1_000;

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

/// Whether the builder offers sums and averages of column `c`: a figure (not a code, a
/// year or a position, see [`ceiba_core::Column::is_figure`]) that holds no territory codes.
pub fn is_measure(c: &ceiba_core::Column) -> bool {
    c.is_figure() && territory::recognise_column(c).is_none()
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
            .find(|c| territory::recognise_column(c).is_some_and(|t| t.level == Level::Department))
            .or_else(|| text_columns().find(|c| (2..=40).contains(&c.stats.distinct)))
            .or_else(|| text_columns().next())
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let suggested_measure = || {
        let numeric = || columns.iter().filter(|c| is_measure(c));
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

/// The query a chart spec asks of its table.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartQuery {
    /// A histogram of this numeric column.
    Histogram { column: String },
    /// A scatter plot's points: the x and y columns of the first rows.
    Points { y: String, request: RowsRequest },
    /// Groups and their measure (every other kind, and maps).
    Groups(AggregateRequest),
}

/// The query `spec` asks of `table`, checked against its columns and types; the error
/// names the parameter.
pub fn chart_query(
    spec: &ChartSpec,
    table: &TableSpec,
    limits: &QueryLimits,
) -> Result<ChartQuery, QueryError> {
    match spec.kind {
        Some(ChartKind::Histogram) => {
            let column = spec
                .measure
                .split_once(':')
                .map_or(spec.x.as_str(), |(_, c)| c);
            // As the engine checks a histogram: a numeric column of the table.
            let info = ceiba_query::plan::require_column(table, column, "measure")?;
            if !info.column_type.is_numeric() {
                return Err(QueryError::bad(
                    "measure",
                    Problem::MeasureNotForType,
                    format!("histogram \u{2260} {}", info.column_type.as_str()),
                ));
            }
            Ok(ChartQuery::Histogram {
                column: column.to_owned(),
            })
        }
        Some(ChartKind::Scatter) => {
            let y = spec.y.clone().unwrap_or_else(|| {
                spec.measure
                    .split_once(':')
                    .map_or(String::new(), |(_, c)| c.to_owned())
            });
            let mut pairs = spec.filters.clone();
            pairs.push(("columns".into(), format!("{},{y}", spec.x)));
            pairs.push(("limit".into(), SCATTER_POINTS.to_string()));
            let request = RowsRequest::from_query(&pairs, table, limits)?;
            Ok(ChartQuery::Points { y, request })
        }
        _ => {
            let mut pairs = spec.filters.clone();
            let mut group = spec.x.clone();
            if let (
                Some(s),
                Some(ChartKind::StackedBar | ChartKind::Line | ChartKind::Area | ChartKind::Bar),
            ) = (&spec.series, spec.kind)
            {
                group = format!("{group},{s}");
            }
            pairs.push(("group_by".into(), group));
            pairs.push(("measure".into(), spec.measure.clone()));
            pairs.push((
                "limit".into(),
                FETCH_GROUPS.min(limits.max_groups).to_string(),
            ));
            // The grouping is the chart's `x` (and `series`): errors name those, not the
            // query's own `group_by` the person never wrote.
            AggregateRequest::from_query(&pairs, table, limits)
                .map(ChartQuery::Groups)
                .map_err(|e| match e {
                    QueryError::BadParameter {
                        parameter,
                        problem,
                        detail,
                    } if parameter == "group_by" => QueryError::BadParameter {
                        parameter: if detail.contains(&format!("\u{201c}{}\u{201d}", spec.x)) {
                            "x".into()
                        } else {
                            "series".into()
                        },
                        problem,
                        detail,
                    },
                    e => e,
                })
        }
    }
}
