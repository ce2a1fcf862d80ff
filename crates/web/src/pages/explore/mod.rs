//! The explorer on a resource page: the typed table, paged, sorted, filtered and searched
//! through links and a plain form (every view is a URL), with downloads of that view.

use ceiba_core::{ColumnType, IngestedTable, Lang};
use ceiba_portal::places::Place;
use ceiba_query::{Bin, FilterOp, RowsRequest, RowsResponse};
use ceiba_viz::territory::{self, Kind, Level};
use minijinja::context;
use minijinja::value::Value;
use serde::Serialize;

use crate::format;
use crate::http::percent_encode;
use crate::SharedState;

mod facets;
pub mod row;

const PAGE_ROWS: u64 = 25;
/// Longer texts are cut in the table; the row's page shows them whole.
const CELL_CHARS: usize = 120;

/// A URL with the current view's parameters, some replaced or removed.
pub fn view_url(
    base: &str,
    pairs: &[(String, String)],
    set: &[(&str, String)],
    remove: &[&str],
) -> String {
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            !remove.contains(&k.as_str()) && !set.iter().any(|(s, _)| s == k) && !v.is_empty()
        })
        .cloned()
        .collect();
    for (k, v) in set {
        if !v.is_empty() {
            out.push(((*k).to_owned(), v.clone()));
        }
    }
    if out.is_empty() {
        return base.to_owned();
    }
    let query: Vec<String> = out
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// A query error as the explorer's reader understands it: a filter named by its column's
/// label and what it asks ("«Monto» (desde)"), not by its parameter (`f.monto.gte`),
/// which the API's messages keep for those who write them.
fn explain(e: &ceiba_query::QueryError, table: &IngestedTable, lang: Lang) -> String {
    let message = e.message(lang);
    let ceiba_query::QueryError::BadParameter { parameter, .. } = e else {
        return message;
    };
    let Some((column, op)) = filter_key(parameter) else {
        return message;
    };
    let label = heading_of(table, column);
    let asks = op.map(|op| asks(op, lang));
    let named = match (lang, asks) {
        (Lang::Es, Some(a)) => format!("«{label}» ({a})"),
        (Lang::En, Some(a)) => format!("“{label}” ({a})"),
        (Lang::Es, None) => format!("«{label}»"),
        (Lang::En, None) => format!("“{label}”"),
    };
    message
        .strip_prefix(parameter.as_str())
        .map_or(message.clone(), |tail| format!("{named}{tail}"))
}

/// What a filter asks, in words ("desde", "contiene").
fn asks(op: FilterOp, lang: Lang) -> &'static str {
    match (op, lang) {
        (FilterOp::Eq, Lang::Es) => "igual a",
        (FilterOp::Eq, Lang::En) => "equal to",
        (FilterOp::Ne, Lang::Es) => "distinto de",
        (FilterOp::Ne, Lang::En) => "other than",
        (FilterOp::Lt, Lang::Es) => "menor que",
        (FilterOp::Lt, Lang::En) => "less than",
        (FilterOp::Lte, Lang::Es) => "hasta",
        (FilterOp::Lte, Lang::En) => "up to",
        (FilterOp::Gt, Lang::Es) => "mayor que",
        (FilterOp::Gt, Lang::En) => "more than",
        (FilterOp::Gte, Lang::Es) => "desde",
        (FilterOp::Gte, Lang::En) => "from",
        (FilterOp::In, Lang::Es) => "uno de",
        (FilterOp::In, Lang::En) => "one of",
        (FilterOp::Contains, Lang::Es) => "contiene",
        (FilterOp::Contains, Lang::En) => "contains",
        (FilterOp::Null, Lang::Es) => "vacío",
        (FilterOp::Null, Lang::En) => "empty",
        (FilterOp::NotNull, Lang::Es) => "no vacío",
        (FilterOp::NotNull, Lang::En) => "not empty",
    }
}

/// A filter parameter (`f.monto.gte`) as its column and operation, when it is one.
fn filter_key(key: &str) -> Option<(&str, Option<FilterOp>)> {
    let rest = key.strip_prefix("f.")?;
    Some(match rest.rsplit_once('.') {
        Some((c, o)) if FilterOp::parse(o).is_some() => (c, FilterOp::parse(o)),
        _ => (rest, None),
    })
}

/// A column's heading: its label, with its unit ("Monto (Q)").
pub(crate) fn heading(c: &ceiba_core::Column) -> String {
    let label = if c.label.trim().is_empty() {
        c.name.as_str()
    } else {
        c.label.as_str()
    };
    match c.unit.trim() {
        "" => label.to_owned(),
        unit => format!("{label} ({unit})"),
    }
}

/// The heading of `table`'s column `name`, or the name when there is no such column.
fn heading_of(table: &IngestedTable, name: &str) -> String {
    table
        .columns
        .iter()
        .find(|c| c.name == name)
        .map_or_else(|| name.to_owned(), heading)
}

/// A value as a person reads it in `lang`.
fn show(lang: Lang, t: ColumnType, v: &serde_json::Value) -> String {
    match (t, v) {
        (_, serde_json::Value::Null) => String::new(),
        (ColumnType::Integer, serde_json::Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| n.to_string(), |i| format::integer(lang, i)),
        (ColumnType::Decimal, serde_json::Value::Number(n)) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |x| format::decimal(lang, x)),
        (ColumnType::Boolean, serde_json::Value::Bool(b)) => match (lang, b) {
            (Lang::Es, true) => "sí".into(),
            (Lang::Es, false) => "no".into(),
            (Lang::En, true) => "yes".into(),
            (Lang::En, false) => "no".into(),
        },
        (ColumnType::Date, serde_json::Value::String(s)) => format::iso_date_short(s),
        (ColumnType::Datetime, serde_json::Value::String(s)) => format::iso_datetime_short(s),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A cell as shown, with the profile of the place it names.
#[derive(Serialize)]
pub(crate) struct CellView {
    text: String,
    url: Option<String>,
    /// The text was cut (the row's page has it whole).
    cut: bool,
}

/// A row of the explorer's table, with the number and link of its own page.
#[derive(Serialize)]
struct RowView {
    number: String,
    url: String,
    cells: Vec<CellView>,
}

/// How cells are written: years as years, numbers in the reader's format, place codes
/// and department names linked to the place's profile.
pub(crate) struct Cells<'a> {
    lang: Lang,
    types: std::collections::HashMap<&'a str, ColumnType>,
    places: std::collections::HashMap<&'a str, (Level, Kind)>,
}

impl<'a> Cells<'a> {
    pub(crate) fn of(table: &'a IngestedTable, lang: Lang) -> Self {
        // Years are written as years ("2021", not "2 021"): as text.
        let types = table
            .columns
            .iter()
            .map(|c| {
                let shown = if c.is_year() {
                    ColumnType::Text
                } else {
                    c.column_type
                };
                (c.name.as_str(), shown)
            })
            .collect();
        let places = table
            .columns
            .iter()
            .filter_map(|c| {
                territory::recognise_column(c)
                    // Municipality names repeat across departments: only codes are linked.
                    .filter(|t| !(t.level == Level::Municipality && t.kind == Kind::Name))
                    .map(|t| (c.name.as_str(), (t.level, t.kind)))
            })
            .collect();
        Cells {
            lang,
            types,
            places,
        }
    }

    /// The value of column `name` as shown, cut to `max` characters if asked.
    pub(crate) fn cell(
        &self,
        name: &str,
        column_type: ColumnType,
        v: &serde_json::Value,
        max: Option<usize>,
    ) -> CellView {
        let mut text = show(self.lang, *self.types.get(name).unwrap_or(&column_type), v);
        let mut cut = false;
        if let Some(max) = max {
            if let Some((at, _)) = text.char_indices().nth(max) {
                text.truncate(at);
                text.push('…');
                cut = true;
            }
        }
        let url = self.places.get(name).and_then(|(level, kind)| {
            let raw = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let code = territory::normalise(*level, *kind, &raw, None)?;
            let place = match level {
                Level::Department => Place::Department(code),
                Level::Municipality => Place::Municipality(code),
            };
            Some(super::territory::place_path(self.lang, place))
        });
        CellView { text, url, cut }
    }
}

/// An applied filter or search, with the view without it.
#[derive(Serialize)]
struct ChipView {
    text: String,
    remove_url: String,
}

#[derive(Serialize)]
struct HeaderView {
    name: String,
    label: String,
    description: String,
    type_label: &'static str,
    numeric: bool,
    sort_url: String,
    sorted: Option<&'static str>,
}

#[derive(Serialize)]
struct FilterView {
    name: String,
    label: String,
    kind: &'static str,
    /// Input names and current values.
    from: (String, String),
    to: (String, String),
    /// A pick-list's values with their counts (`kind` "pick").
    options: Vec<facets::PickOption>,
}

#[derive(Serialize)]
struct DownloadView {
    format: &'static str,
    url: String,
}

/// Most bytes of a view's parameters the explorer keeps. Every link of the page (sorting,
/// paging, each chip, each row) carries them, so a longer query would multiply into
/// megabytes of HTML; a view that long is no link anyone shares.
const MAX_VIEW_BYTES: usize = 2 * 1024;

/// The parameters of a view the explorer understands (the sheet, search, filters, sort,
/// columns and page), at most [`MAX_VIEW_BYTES`] of them and [`ceiba_query::plan::MAX_FILTERS`]
/// filters; and whether any was left out.
pub(crate) fn view_pairs(pairs: &[(String, String)]) -> (Vec<(String, String)>, bool) {
    let mut kept = Vec::new();
    let (mut bytes, mut filters, mut cut) = (0usize, 0usize, false);
    for (k, v) in pairs {
        let known = k.starts_with("f.")
            || matches!(
                k.as_str(),
                "table" | "q" | "sort" | "fields" | "columns" | "limit" | "offset" | "cursor"
            );
        if !known || v.is_empty() {
            continue;
        }
        bytes += k.len() + v.len() + 2;
        filters += usize::from(k.starts_with("f."));
        if bytes > MAX_VIEW_BYTES || filters > ceiba_query::plan::MAX_FILTERS {
            cut = true;
            break;
        }
        kept.push((k.clone(), v.clone()));
    }
    (kept, cut)
}

/// Everything the explorer shows for table `index` of a resource.
pub async fn explorer(
    state: &SharedState,
    lang: Lang,
    page_url: &str,
    resource_id: &str,
    tables: &[IngestedTable],
    pairs: &[(String, String)],
) -> Value {
    let (pairs, cut) = view_pairs(pairs);
    let pairs = pairs.as_slice();
    let index = ceiba_query::table_index(
        pairs,
        &tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
    )
    .unwrap_or(0);
    let Some(table) = tables.get(index) else {
        return Value::UNDEFINED;
    };
    let spec = ceiba_query::TableSpec::from(table);
    let limits = *state.engine.limits();
    let mut error = cut.then(|| match lang {
        Lang::Es => "La dirección pide más filtros o más texto de lo que el explorador lee; se aplicaron los primeros.".to_owned(),
        Lang::En => "The address asks for more filters or more text than the explorer reads; the first ones were applied.".to_owned(),
    });
    let mut req = match RowsRequest::from_query(pairs, &spec, &limits) {
        Ok(r) => r,
        Err(e) => {
            error.get_or_insert(explain(&e, table, lang));
            RowsRequest::default()
        }
    };
    if !pairs.iter().any(|(k, _)| k == "limit") {
        req.limit = PAGE_ROWS;
    }
    let result: Option<RowsResponse> = match state.engine.rows(&spec, &req).await {
        Ok(r) => Some(r),
        Err(e) => {
            error.get_or_insert(explain(&e, table, lang));
            let plain = RowsRequest {
                limit: PAGE_ROWS,
                ..Default::default()
            };
            state.engine.rows(&spec, &plain).await.ok()
        }
    };
    let headers: Vec<HeaderView> = table
        .columns
        .iter()
        .filter(|c| {
            result
                .as_ref()
                .is_none_or(|r| r.columns.iter().any(|rc| rc.name == c.name))
        })
        .map(|c| {
            let sorted = req.sort.first().filter(|s| s.column == c.name).map(|s| {
                if s.descending {
                    "descending"
                } else {
                    "ascending"
                }
            });
            let next = if sorted == Some("ascending") {
                format!("-{}", c.name)
            } else {
                c.name.clone()
            };
            HeaderView {
                name: c.name.clone(),
                label: heading(c),
                description: c.description.trim().to_owned(),
                type_label: c.column_type.label(lang),
                numeric: c.column_type.is_numeric(),
                sort_url: view_url(page_url, pairs, &[("sort", next)], &["offset", "cursor"]),
                sorted,
            }
        })
        .collect();
    let cells = Cells::of(table, lang);
    // Each row's number leads to its page, within this view (filters, search, sort).
    let row_pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "offset" | "cursor" | "limit"))
        .cloned()
        .collect();
    let first = result.as_ref().map_or(0, |r| r.offset);
    let rows: Vec<RowView> = result
        .as_ref()
        .map(|r| {
            r.rows
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let n = first + i as u64 + 1;
                    RowView {
                        number: format::integer(lang, n as i64),
                        url: view_url(&format!("{page_url}/row/{n}"), &row_pairs, &[], &[]),
                        cells: row
                            .iter()
                            .zip(&r.columns)
                            .map(|(v, c)| cells.cell(&c.name, c.column_type, v, Some(CELL_CHARS)))
                            .collect(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let total = result.as_ref().map_or(0, |r| r.total);
    let offset = result.as_ref().map_or(0, |r| r.offset);
    let shown = rows.len() as u64;
    let limit = req.limit.max(1);
    let previous = (offset > 0).then(|| {
        view_url(
            page_url,
            pairs,
            &[("offset", offset.saturating_sub(limit).to_string())],
            &["offset", "cursor"],
        )
    });
    let next = (offset + shown < total).then(|| {
        view_url(
            page_url,
            pairs,
            &[("offset", (offset + limit).to_string())],
            &["offset", "cursor"],
        )
    });

    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut picks = facets::pick_lists(state, table, &req, lang).await;
    let filters: Vec<FilterView> = table
        .columns
        .iter()
        .map(|c| {
            let key = |op: FilterOp| format!("f.{}.{}", c.name, op.as_str());
            let options = picks
                .iter()
                .position(|(name, _)| *name == c.name)
                .map(|i| picks.swap_remove(i).1)
                .unwrap_or_default();
            let (kind, a, b) = match c.column_type {
                _ if !options.is_empty() => ("pick", key(FilterOp::Eq), String::new()),
                ColumnType::Integer | ColumnType::Decimal => {
                    ("range", key(FilterOp::Gte), key(FilterOp::Lte))
                }
                ColumnType::Date | ColumnType::Datetime => {
                    ("dates", key(FilterOp::Gte), key(FilterOp::Lte))
                }
                ColumnType::Boolean => ("boolean", key(FilterOp::Eq), String::new()),
                ColumnType::Text => ("text", key(FilterOp::Contains), String::new()),
            };
            FilterView {
                name: c.name.clone(),
                label: heading(c),
                kind,
                from: (a.clone(), get(&a)),
                to: (
                    b.clone(),
                    if b.is_empty() { String::new() } else { get(&b) },
                ),
                options,
            }
        })
        .collect();
    // The filters and search applied, each removable on its own.
    let chips: Vec<ChipView> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, v)| {
            let text = if k == "q" {
                match lang {
                    Lang::Es => format!("Búsqueda: «{v}»"),
                    Lang::En => format!("Search: “{v}”"),
                }
            } else {
                let (column, op) = filter_key(k)?;
                let label = heading_of(table, column);
                match op {
                    Some(FilterOp::Null | FilterOp::NotNull) => {
                        format!("{label}: {}", asks(op?, lang))
                    }
                    Some(FilterOp::Eq) => format!("{label}: {v}"),
                    Some(op) => format!("{label} {} {v}", asks(op, lang)),
                    None => format!("{label}: {v}"),
                }
            };
            let remove_url = format!(
                "{}#results",
                view_url(page_url, pairs, &[], &[k.as_str(), "offset", "cursor"])
            );
            Some(ChipView { text, remove_url })
        })
        .collect();
    let filtered = pairs
        .iter()
        .any(|(k, v)| (k.starts_with("f.") || k == "q") && !v.is_empty());

    // Downloads of exactly this view (filters, search, sort, columns) and of the whole table.
    let mut download_pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| (k.starts_with("f.") || k == "q" || k == "table") && !v.is_empty())
        .cloned()
        .collect();
    if let Some(s) = req.sort.first() {
        download_pairs.push((
            "sort".into(),
            format!("{} {}", s.column, if s.descending { "desc" } else { "asc" }),
        ));
    }
    if let Some(cols) = &req.columns {
        download_pairs.push(("fields".into(), cols.join(",")));
    }
    let dump = format!("/datastore/dump/{resource_id}");
    let formats = ["csv", "xlsx", "json", "parquet"];
    let downloads = |pairs: &[(String, String)]| -> Vec<DownloadView> {
        formats
            .iter()
            .map(|f| DownloadView {
                format: f,
                url: view_url(&dump, pairs, &[("format", (*f).to_string())], &[]),
            })
            .collect()
    };
    let whole: Vec<(String, String)> = if index > 0 {
        vec![("table".into(), index.to_string())]
    } else {
        Vec::new()
    };

    context! {
        index => index,
        tabs => tables.iter().enumerate().map(|(i, t)| context! {
            name => t.name.clone(),
            url => view_url(page_url, &[], &[("table", i.to_string())], &[]),
            current => i == index,
        }).collect::<Vec<_>>(),
        table_name => table.name.clone(),
        headers => headers,
        rows => rows,
        total => format::integer(lang, total as i64),
        total_raw => total,
        from => format::integer(lang, if shown == 0 { 0 } else { offset as i64 + 1 }),
        to => format::integer(lang, (offset + shown) as i64),
        previous_url => previous,
        next_url => next,
        q => get("q"),
        filters => filters,
        chips => chips,
        filtered => filtered,
        clear_url => view_url(page_url, &[], &[("table", if index > 0 { index.to_string() } else { String::new() })], &[]),
        error => error,
        capped => result.as_ref().and_then(|r| r.capped.clone()),
        downloads_view => downloads(&download_pairs),
        downloads_all => downloads(&whole),
        api_url => view_url(&format!("/api/v1/resources/{resource_id}/rows"), pairs, &[], &["offset"]),
    }
}

/// A small bar chart of a column's histogram, as inline SVG; its tooltips write numbers
/// as the table does.
pub fn histogram_svg(bins: &[Bin], column: &ceiba_core::Column, lang: Lang) -> String {
    let label = heading(column);
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let w = 120.0;
    let h = 28.0;
    let bw = w / bins.len().max(1) as f64;
    let mut bars = String::new();
    for (i, b) in bins.iter().enumerate() {
        let bh = (b.count as f64 / max * h).max(if b.count > 0 { 1.0 } else { 0.0 });
        bars.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} – {}: {}</title></rect>",
            i as f64 * bw + 0.5,
            h - bh,
            (bw - 1.0).max(0.5),
            bh,
            format::number_of(lang, column, b.lower),
            format::number_of(lang, column, b.upper),
            format::integer(lang, b.count as i64)
        ));
    }
    format!(
        "<svg class=\"hist\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">{bars}</svg>",
        ceiba_viz::svg::escape(&label)
    )
}
