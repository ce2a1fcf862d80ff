//! URL query parameters into requests, and back; CKAN DataStore parameters into requests.
//!
//! The page and API syntax (pairs already percent-decoded):
//!
//! - `f.<column>.<op>=<value>`: a filter; the column may contain dots (the operator is
//!   after the last one); `op` is `eq ne lt lte gt gte in contains null notnull`; an empty
//!   value is ignored (an empty form field filters nothing), except for `null`/`notnull`;
//!   `in` takes a comma-separated list, items in double quotes may hold commas.
//! - `q=<words>`: every word in some text column, ignoring case and accents.
//! - `sort=<column>` / `sort=-<column>` (also `column:desc`, `column desc`), repeated or
//!   comma-separated, first is main.
//! - `columns=<a>,<b>` or repeated: which columns, in order (`_id` only when asked).
//! - `limit` (default 25), `offset` (default 0), `cursor` (from `next_cursor`).
//! - Aggregations: `group_by` (repeated/comma-separated), `measure` repeated as `count`,
//!   `sum:col`, `avg:col`, `min:col`, `max:col`, `count_distinct:col` (default `count`),
//!   plus filters, `q`, `sort` (group columns or measure aliases) and `limit` (default 100).
//!
//! Anything else (`lang`, `page`, `tab`, …) is ignored.

use std::collections::HashSet;

use crate::plan::{
    self, check_length, find_column, too_many, MAX_COLUMNS, MAX_FILTERS, MAX_MEASURES,
    MAX_SORT_KEYS,
};
use crate::text::{join_list, split_list};
use crate::{
    AggregateRequest, Filter, FilterOp, Measure, MeasureFn, Problem, QueryError, QueryLimits,
    RowsRequest, Sort, TableSpec,
};

/// Rows a page shows when the URL does not say.
pub const DEFAULT_PAGE_ROWS: u64 = 25;
/// Groups an aggregation shows when the URL does not say.
pub const DEFAULT_GROUPS: u64 = 100;
/// Rows of a CKAN `datastore_search` when `limit` is absent (CKAN's own default).
pub const CKAN_DEFAULT_LIMIT: u64 = 100;

fn malformed(parameter: &str, detail: impl Into<String>) -> QueryError {
    QueryError::bad(parameter, Problem::Malformed, detail)
}

fn parse_count(parameter: &str, value: &str) -> Result<Option<u64>, QueryError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u64>().map(Some).map_err(|_| {
        malformed(
            parameter,
            format!("\u{201c}{v}\u{201d}: a whole number, 0 or more"),
        )
    })
}

/// A filter from `f.<column>.<op>` and its value, validated; `None` when the value is
/// empty and the operator needs one.
fn parse_filter(key: &str, value: &str, table: &TableSpec) -> Result<Option<Filter>, QueryError> {
    let rest = &key[2..];
    let Some((column, op)) = rest.rsplit_once('.') else {
        return Err(malformed(key, "f.<column>.<op>"));
    };
    let op = FilterOp::parse(op).ok_or_else(|| {
        QueryError::bad(
            key,
            Problem::UnknownOperator,
            format!("\u{201c}{op}\u{201d}"),
        )
    })?;
    let filter = Filter {
        column: column.to_owned(),
        op,
        value: value.trim().to_owned(),
    };
    if filter.value.is_empty() && !matches!(op, FilterOp::Null | FilterOp::NotNull) {
        // Still say when the column does not exist: a typo should not pass silently.
        plan::require_column(table, column, key)?;
        return Ok(None);
    }
    plan::filter_expr(table, &filter, key)?;
    Ok(Some(filter))
}

/// One sort item: `col`, `-col`, `+col`, `col:desc`, `col desc` (and `asc`).
fn parse_sort_item(item: &str, known: &dyn Fn(&str) -> bool) -> Option<Sort> {
    let item = item.trim();
    let sort = |column: &str, descending: bool| {
        let column = column.trim();
        let column = column
            .strip_prefix('"')
            .and_then(|c| c.strip_suffix('"'))
            .unwrap_or(column);
        known(column).then(|| Sort {
            column: column.to_owned(),
            descending,
        })
    };
    if let Some(s) = sort(item, false) {
        return Some(s);
    }
    if let Some(rest) = item.strip_prefix('-') {
        if let Some(s) = sort(rest, true) {
            return Some(s);
        }
    }
    if let Some(rest) = item.strip_prefix('+') {
        if let Some(s) = sort(rest, false) {
            return Some(s);
        }
    }
    let split = item
        .rsplit_once(':')
        .or_else(|| item.rsplit_once(char::is_whitespace));
    if let Some((column, dir)) = split {
        match dir.trim().to_ascii_lowercase().as_str() {
            "desc" | "descending" => return sort(column, true),
            "asc" | "ascending" => return sort(column, false),
            _ => {}
        }
    }
    None
}

/// A `sort` value: one item, or comma-separated items. Errors name `parameter`.
fn parse_sort_value(
    value: &str,
    known: &dyn Fn(&str) -> bool,
    parameter: &str,
) -> Result<Vec<Sort>, QueryError> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    check_length(parameter, value)?;
    if let Some(s) = parse_sort_item(value, known) {
        return Ok(vec![s]);
    }
    let mut out = Vec::new();
    for item in value.split(',') {
        if item.trim().is_empty() {
            continue;
        }
        if out.len() == MAX_SORT_KEYS {
            return Err(too_many(parameter, MAX_SORT_KEYS, "sort keys"));
        }
        match parse_sort_item(item, known) {
            Some(s) => out.push(s),
            None => {
                return Err(QueryError::bad(
                    parameter,
                    Problem::UnknownColumn,
                    format!("\u{201c}{}\u{201d}", item.trim()),
                ))
            }
        }
    }
    Ok(out)
}

/// A `columns` (or `group_by`, `fields`) value: one exact column name, or a
/// comma-separated list (items in double quotes may hold commas). Errors name `parameter`.
fn parse_columns_value(
    value: &str,
    table: &TableSpec,
    parameter: &str,
) -> Result<Vec<String>, QueryError> {
    let whole = value.trim();
    if whole.is_empty() {
        return Ok(Vec::new());
    }
    check_length(parameter, whole)?;
    if find_column(table, whole).is_some() {
        return Ok(vec![whole.to_owned()]);
    }
    let items = split_list(whole);
    if items.len() > MAX_COLUMNS {
        return Err(too_many(parameter, MAX_COLUMNS, "columns"));
    }
    items
        .into_iter()
        .map(|c| plan::require_column(table, &c, parameter).map(|info| info.name))
        .collect()
}

/// Adds the items not yet in `list` (at most [`MAX_COLUMNS`] in all, or an error on
/// `parameter`).
fn push_unique(
    list: &mut Vec<String>,
    items: Vec<String>,
    parameter: &str,
) -> Result<(), QueryError> {
    let mut seen: HashSet<String> = list.iter().cloned().collect();
    for i in items {
        if seen.insert(i.clone()) {
            if list.len() == MAX_COLUMNS {
                return Err(too_many(parameter, MAX_COLUMNS, "columns"));
            }
            list.push(i);
        }
    }
    Ok(())
}

/// A measure: `count`, `sum:col`, `count_distinct:col`, also `sum(col)`.
fn parse_measure(item: &str, table: &TableSpec, parameter: &str) -> Result<Measure, QueryError> {
    let item = item.trim();
    let (func, column) = if let Some((f, c)) = item.split_once(':') {
        (f, Some(c.trim()))
    } else if let Some((f, c)) = item.strip_suffix(')').and_then(|i| i.split_once('(')) {
        (f, Some(c.trim()).filter(|c| !c.is_empty() && *c != "*"))
    } else {
        (item, None)
    };
    let func = MeasureFn::parse(&func.trim().to_ascii_lowercase()).ok_or_else(|| {
        QueryError::bad(
            parameter,
            Problem::UnknownMeasure,
            format!("\u{201c}{item}\u{201d}"),
        )
    })?;
    let m = Measure {
        func,
        column: column.map(str::to_owned),
    };
    plan::check_measure(table, &m, parameter)?;
    Ok(m)
}

/// A `measure` value: one measure, or comma-separated measures.
fn parse_measures_value(
    value: &str,
    table: &TableSpec,
    parameter: &str,
) -> Result<Vec<Measure>, QueryError> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    check_length(parameter, value)?;
    match parse_measure(value, table, parameter) {
        Ok(m) => Ok(vec![m]),
        Err(first) => {
            if !value.contains(',') {
                return Err(first);
            }
            let items: Vec<&str> = value.split(',').filter(|i| !i.trim().is_empty()).collect();
            if items.len() > MAX_MEASURES {
                return Err(too_many(parameter, MAX_MEASURES, "measures"));
            }
            items
                .into_iter()
                .map(|i| parse_measure(i, table, parameter))
                .collect()
        }
    }
}

/// What rows requests and aggregations share: filters, search, sort, limit.
#[derive(Default)]
struct Common {
    filters: Vec<Filter>,
    q: Vec<String>,
    sort_values: Vec<String>,
    limit: Option<u64>,
}

impl Common {
    /// Takes the pair if it is a shared parameter; `Ok(false)` if not.
    fn take(&mut self, key: &str, value: &str, table: &TableSpec) -> Result<bool, QueryError> {
        match key {
            "q" => {
                let v = value.trim();
                if !v.is_empty() {
                    plan::check_search(v, "q")?;
                    self.q.push(v.to_owned());
                }
            }
            "sort" => {
                if self.sort_values.len() == MAX_SORT_KEYS {
                    return Err(too_many("sort", MAX_SORT_KEYS, "sort keys"));
                }
                self.sort_values.push(value.to_owned())
            }
            "limit" => {
                if let Some(n) = parse_count("limit", value)? {
                    self.limit = Some(n);
                }
            }
            k if k.starts_with("f.") => {
                if self.filters.len() == MAX_FILTERS {
                    return Err(too_many(k, MAX_FILTERS, "filters"));
                }
                if let Some(f) = parse_filter(k, value, table)? {
                    self.filters.push(f);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The searches joined, within the bounds of one.
    fn q(&self) -> Result<Option<String>, QueryError> {
        if self.q.is_empty() {
            return Ok(None);
        }
        let q = self.q.join(" ");
        plan::check_search(&q, "q")?;
        Ok(Some(q))
    }

    fn sort(&self, known: &dyn Fn(&str) -> bool) -> Result<Vec<Sort>, QueryError> {
        let mut out: Vec<Sort> = Vec::new();
        for v in &self.sort_values {
            for s in parse_sort_value(v, known, "sort")? {
                if !out.iter().any(|o| o.column == s.column) {
                    if out.len() == MAX_SORT_KEYS {
                        return Err(too_many("sort", MAX_SORT_KEYS, "sort keys"));
                    }
                    out.push(s);
                }
            }
        }
        Ok(out)
    }
}

impl RowsRequest {
    /// A rows request from a URL's query pairs, validated against `table`: every column
    /// exists, every operator fits its column's type, every value parses. A `limit` above
    /// `limits.max_page_rows` is kept (the engine lowers it and says so in `capped`).
    pub fn from_query(
        pairs: &[(String, String)],
        table: &TableSpec,
        limits: &QueryLimits,
    ) -> Result<RowsRequest, QueryError> {
        let mut common = Common::default();
        let mut columns: Vec<String> = Vec::new();
        let mut offset = 0u64;
        let mut cursor = None;
        for (key, value) in pairs {
            if common.take(key, value, table)? {
                continue;
            }
            match key.as_str() {
                "columns" => push_unique(
                    &mut columns,
                    parse_columns_value(value, table, "columns")?,
                    "columns",
                )?,
                "offset" => offset = parse_count("offset", value)?.unwrap_or(0),
                "cursor" => {
                    let v = value.trim();
                    if !v.is_empty() {
                        cursor = Some(v.to_owned());
                    }
                }
                _ => {}
            }
        }
        let known = |c: &str| find_column(table, c).is_some();
        Ok(RowsRequest {
            sort: common.sort(&known)?,
            q: common.q()?,
            filters: common.filters,
            columns: (!columns.is_empty()).then_some(columns),
            limit: common
                .limit
                .unwrap_or(DEFAULT_PAGE_ROWS.min(limits.max_page_rows)),
            offset,
            cursor,
        })
    }
}

impl AggregateRequest {
    /// An aggregation from a URL's query pairs, validated against `table`.
    pub fn from_query(
        pairs: &[(String, String)],
        table: &TableSpec,
        limits: &QueryLimits,
    ) -> Result<AggregateRequest, QueryError> {
        let mut common = Common::default();
        let mut group_by: Vec<String> = Vec::new();
        let mut measures: Vec<Measure> = Vec::new();
        for (key, value) in pairs {
            if common.take(key, value, table)? {
                continue;
            }
            match key.as_str() {
                "group_by" => push_unique(
                    &mut group_by,
                    parse_columns_value(value, table, "group_by")?,
                    "group_by",
                )?,
                "measure" => {
                    for m in parse_measures_value(value, table, "measure")? {
                        if !measures.contains(&m) {
                            if measures.len() == MAX_MEASURES {
                                return Err(too_many("measure", MAX_MEASURES, "measures"));
                            }
                            measures.push(m);
                        }
                    }
                }
                _ => {}
            }
        }
        if measures.is_empty() {
            measures.push(Measure {
                func: MeasureFn::Count,
                column: None,
            });
        }
        let aliases: Vec<String> = measures.iter().map(Measure::alias).collect();
        if let Some(a) = aliases.iter().find(|a| group_by.contains(a)) {
            return Err(malformed(
                "measure",
                format!("\u{201c}{a}\u{201d} is also a grouped column"),
            ));
        }
        let known = |c: &str| group_by.iter().any(|g| g == c) || aliases.iter().any(|a| a == c);
        Ok(AggregateRequest {
            sort: common.sort(&known)?,
            q: common.q()?,
            filters: common.filters,
            group_by,
            measures,
            limit: common
                .limit
                .unwrap_or(DEFAULT_GROUPS.min(limits.max_groups)),
        })
    }
}

/// The query pairs of a rows request (the inverse of [`RowsRequest::from_query`]), for
/// links that keep the current view: add or replace a pair and re-encode.
pub fn to_query(req: &RowsRequest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &req.filters {
        out.push((format!("f.{}.{}", f.column, f.op.as_str()), f.value.clone()));
    }
    if let Some(q) = req.q.as_ref().filter(|q| !q.trim().is_empty()) {
        out.push(("q".to_owned(), q.clone()));
    }
    for s in &req.sort {
        let v = if s.descending {
            format!("-{}", s.column)
        } else {
            s.column.clone()
        };
        out.push(("sort".to_owned(), v));
    }
    if let Some(cols) = &req.columns {
        for c in cols {
            out.push(("columns".to_owned(), c.clone()));
        }
    }
    out.push(("limit".to_owned(), req.limit.to_string()));
    if req.offset > 0 {
        out.push(("offset".to_owned(), req.offset.to_string()));
    }
    if let Some(c) = &req.cursor {
        out.push(("cursor".to_owned(), c.clone()));
    }
    out
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A rows request from CKAN DataStore parameters (`datastore_search`, `/datastore/dump`):
///
/// - `q`: words to find (or a JSON object `{"column": "words"}`: each column contains
///   them);
/// - `filters`: a JSON object `{"column": "value" | ["a", "b"] | null}` — equal, one of,
///   empty;
/// - `sort`: `"column desc, other"` (names may be in double quotes);
/// - `fields`: comma-separated columns (`_id` included only when named);
/// - `limit` (absent = [`CKAN_DEFAULT_LIMIT`]; for a dump of everything pass `Some(0)` and
///   use `Engine::stream`, where 0 means all), `offset`.
///
/// Errors name `q`, `filters`, `sort` or `fields`.
pub fn ckan_request(
    q: Option<&str>,
    filters_json: Option<&str>,
    sort: Option<&str>,
    fields: Option<&str>,
    limit: Option<u64>,
    offset: Option<u64>,
    table: &TableSpec,
) -> Result<RowsRequest, QueryError> {
    let mut req = RowsRequest {
        limit: limit.unwrap_or(CKAN_DEFAULT_LIMIT),
        offset: offset.unwrap_or(0),
        ..RowsRequest::default()
    };
    for (parameter, value) in [
        ("q", q),
        ("filters", filters_json),
        ("sort", sort),
        ("fields", fields),
    ] {
        check_length(parameter, value.unwrap_or_default())?;
    }
    let mut add_filter = |f: Filter, parameter: &str| -> Result<(), QueryError> {
        if req.filters.len() == MAX_FILTERS {
            let what = if parameter == "q" { "words" } else { "filters" };
            return Err(too_many(parameter, MAX_FILTERS, what));
        }
        if plan::filter_expr(table, &f, parameter)?.is_some() {
            req.filters.push(f);
        }
        Ok(())
    };
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        if q.starts_with('{') {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(q).map_err(|e| malformed("q", format!("JSON: {e}")))?;
            for (column, v) in map {
                let value = json_text(&v)
                    .ok_or_else(|| malformed("q", format!("\u{201c}{column}\u{201d}: text")))?;
                let info = plan::require_column(table, &column, "q")?;
                let op = if info.column_type == ceiba_core::ColumnType::Text {
                    FilterOp::Contains
                } else {
                    FilterOp::Eq
                };
                if op == FilterOp::Contains {
                    // Every word, like a search on that column alone (each once).
                    let mut seen = HashSet::new();
                    for w in value.split_whitespace().filter(|w| seen.insert(*w)) {
                        add_filter(
                            Filter {
                                column: column.clone(),
                                op,
                                value: w.to_owned(),
                            },
                            "q",
                        )?;
                    }
                } else {
                    add_filter(Filter { column, op, value }, "q")?;
                }
            }
        } else {
            plan::check_search(q, "q")?;
            req.q = Some(q.to_owned());
        }
    }
    if let Some(fj) = filters_json.map(str::trim).filter(|f| !f.is_empty()) {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fj)
            .map_err(|e| malformed("filters", format!("JSON object: {e}")))?;
        for (column, v) in map {
            plan::require_column(table, &column, "filters")?;
            let bad = || malformed("filters", format!("\u{201c}{column}\u{201d}"));
            let (op, value) = match &v {
                serde_json::Value::Null => (FilterOp::Null, String::new()),
                serde_json::Value::Array(items) => {
                    let texts: Option<Vec<String>> = items.iter().map(json_text).collect();
                    (FilterOp::In, join_list(&texts.ok_or_else(bad)?))
                }
                other => (FilterOp::Eq, json_text(other).ok_or_else(bad)?),
            };
            add_filter(Filter { column, op, value }, "filters")?;
        }
    }
    if let Some(s) = sort.map(str::trim).filter(|s| !s.is_empty()) {
        let known = |c: &str| find_column(table, c).is_some();
        req.sort = parse_sort_value(s, &known, "sort")?;
    }
    if let Some(f) = fields.map(str::trim).filter(|f| !f.is_empty()) {
        let mut cols = Vec::new();
        push_unique(
            &mut cols,
            parse_columns_value(f, table, "fields")?,
            "fields",
        )?;
        req.columns = Some(cols);
    }
    Ok(req)
}

/// Which table of the resource: `table` as its index or its name (a sheet's).
pub fn table_index(pairs: &[(String, String)], names: &[&str]) -> Result<usize, QueryError> {
    match pairs.iter().find(|(k, _)| k == "table") {
        None => Ok(0),
        Some((_, v)) => v
            .parse::<usize>()
            .ok()
            .filter(|i| *i < names.len())
            .or_else(|| names.iter().position(|n| n == v))
            .ok_or_else(|| QueryError::bad("table", Problem::OutOfRange, v.clone())),
    }
}
