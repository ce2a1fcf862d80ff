//! From a request to DataFusion expressions, validated against the table's schema: which
//! columns exist, which operators fit their types, what a typed value is, how a search
//! folds accents, and what a keyset cursor holds.
//!
//! Every expression is built from `ident`/`lit` values — never by formatting SQL — so a
//! column called `Monto (Q)` or a value holding quotes stays what it is.

use ceiba_core::ColumnType;
use chrono::{NaiveDate, NaiveDateTime};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::SortExpr;
use datafusion::prelude::{ident, lit, Expr};
use serde::{Deserialize, Serialize};

use crate::contains::contains_all;
use crate::text::{self, fold};
use crate::{
    ColumnInfo, Filter, FilterOp, Measure, MeasureFn, Problem, QueryError, Sort, TableSpec,
};

/// Words one search (`q`) may have, each counted once.
pub const MAX_SEARCH_WORDS: usize = 64;
/// Filters one request may have (a CKAN `q` object gives one per word).
pub const MAX_FILTERS: usize = 64;
/// Sort keys one request may have.
pub const MAX_SORT_KEYS: usize = 16;
/// Columns one request may list (`columns`, `fields`, `group_by`).
pub const MAX_COLUMNS: usize = 1_000;
/// Measures one aggregation may have.
pub const MAX_MEASURES: usize = 64;
/// Items of one `in` list.
pub const MAX_LIST_ITEMS: usize = 1_000;
/// Bytes of one parameter's value (a search, a filter's value, a list of columns).
pub const MAX_PARAMETER_BYTES: usize = 64 * 1024;

/// A `TooComplex` error on `parameter`: past `what`'s bound.
pub fn too_many(parameter: &str, bound: usize, what: &str) -> QueryError {
    QueryError::bad(
        parameter,
        Problem::TooComplex,
        format!("at most {bound} {what}"),
    )
}

/// A value of at most [`MAX_PARAMETER_BYTES`], or a `TooComplex` error on `parameter`.
pub fn check_length(parameter: &str, value: &str) -> Result<(), QueryError> {
    if value.len() > MAX_PARAMETER_BYTES {
        return Err(too_many(parameter, MAX_PARAMETER_BYTES, "bytes"));
    }
    Ok(())
}

/// The row-number column every ingested table carries (1-based, never null). It is not in
/// the published schema, but it can be asked for, filtered and sorted by.
pub const ROW_ID: &str = "_id";

/// The column named `name` (exactly, case and accents included), `_id` included.
pub fn find_column(table: &TableSpec, name: &str) -> Option<ColumnInfo> {
    if name == ROW_ID && !table.columns.iter().any(|c| c.name == ROW_ID) {
        return Some(ColumnInfo {
            name: ROW_ID.to_owned(),
            column_type: ColumnType::Integer,
        });
    }
    table
        .columns
        .iter()
        .find(|c| c.name == name)
        .map(|c| ColumnInfo {
            name: c.name.clone(),
            column_type: c.column_type,
        })
}

/// Like [`find_column`], or an `UnknownColumn` error on `parameter`.
pub fn require_column(
    table: &TableSpec,
    name: &str,
    parameter: &str,
) -> Result<ColumnInfo, QueryError> {
    find_column(table, name).ok_or_else(|| {
        QueryError::bad(
            parameter,
            Problem::UnknownColumn,
            format!("\u{201c}{name}\u{201d}"),
        )
    })
}

/// The parameter a filter is written as in a URL: `f.monto.gt`.
pub fn filter_parameter(f: &Filter) -> String {
    format!("f.{}.{}", f.column, f.op.as_str())
}

/// One comparison value, typed by its column.
#[derive(Debug, Clone)]
enum Typed {
    Scalar(ScalarValue),
    /// A date given for a date-time column: the whole day `[start, end)`.
    Day(ScalarValue, ScalarValue),
    /// A value with a fraction given for a whole-number column: (floor, ceil).
    Between(i64, i64),
}

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days() as i32
}

fn ts(us: i64) -> ScalarValue {
    ScalarValue::TimestampMicrosecond(Some(us), None)
}

fn bad_value(parameter: &str, value: &str, t: ColumnType) -> QueryError {
    QueryError::bad(
        parameter,
        Problem::BadValue,
        format!("\u{201c}{value}\u{201d}, {}", t.as_str()),
    )
}

/// Parses one value typed by a person for a column of type `t`.
fn typed_value(value: &str, t: ColumnType, parameter: &str) -> Result<Typed, QueryError> {
    let v = value.trim();
    let bad = || bad_value(parameter, v, t);
    Ok(match t {
        ColumnType::Integer => match text::parse_integer(v) {
            Some(i) => Typed::Scalar(ScalarValue::Int64(Some(i))),
            None => {
                let x = text::parse_number(v).ok_or_else(bad)?;
                if x.abs() >= 9.2e18 {
                    return Err(bad());
                }
                Typed::Between(x.floor() as i64, x.ceil() as i64)
            }
        },
        ColumnType::Decimal => Typed::Scalar(ScalarValue::Float64(Some(
            text::parse_number(v).ok_or_else(bad)?,
        ))),
        ColumnType::Boolean => Typed::Scalar(ScalarValue::Boolean(Some(
            text::parse_bool(v).ok_or_else(bad)?,
        ))),
        ColumnType::Date => Typed::Scalar(ScalarValue::Date32(Some(days(
            text::parse_date(v).ok_or_else(bad)?,
        )))),
        ColumnType::Datetime => {
            let (dt, timed) = text::parse_datetime(v).ok_or_else(bad)?;
            if timed {
                Typed::Scalar(ts(micros(dt)))
            } else {
                let next = dt + chrono::Duration::days(1);
                Typed::Day(ts(micros(dt)), ts(micros(next)))
            }
        }
        ColumnType::Text => Typed::Scalar(ScalarValue::Utf8(Some(v.to_owned()))),
    })
}

fn eq_expr(c: Expr, v: Typed, parameter: &str, value: &str) -> Result<Expr, QueryError> {
    Ok(match v {
        Typed::Scalar(s) => c.eq(lit(s)),
        Typed::Day(a, b) => c.clone().gt_eq(lit(a)).and(c.lt(lit(b))),
        Typed::Between(..) => return Err(bad_value(parameter, value, ColumnType::Integer)),
    })
}

/// The expression of one filter, or `None` when its value is empty (an empty form field
/// filters nothing). Errors name `parameter`.
pub fn filter_expr(
    table: &TableSpec,
    f: &Filter,
    parameter: &str,
) -> Result<Option<Expr>, QueryError> {
    let info = require_column(table, &f.column, parameter)?;
    let t = info.column_type;
    if !f.op.applies_to(t) {
        return Err(QueryError::bad(
            parameter,
            Problem::OperatorNotForType,
            format!("{} \u{2260} {}", f.op.as_str(), t.as_str()),
        ));
    }
    check_length(parameter, &f.value)?;
    let c = ident(info.name);
    let value = f.value.trim();
    match f.op {
        FilterOp::Null => return Ok(Some(c.is_null())),
        FilterOp::NotNull => return Ok(Some(c.is_not_null())),
        _ if value.is_empty() => return Ok(None),
        _ => {}
    }
    let expr = match f.op {
        FilterOp::Contains => contains_all(&[fold(value)], vec![c]),
        FilterOp::In => {
            let items = text::split_list(value);
            if items.is_empty() {
                return Ok(None);
            }
            if items.len() > MAX_LIST_ITEMS {
                return Err(too_many(parameter, MAX_LIST_ITEMS, "items"));
            }
            let mut scalars = Vec::new();
            let mut ranges = Vec::new();
            for item in &items {
                match typed_value(item, t, parameter)? {
                    Typed::Scalar(s) => scalars.push(lit(s)),
                    other => ranges.push(eq_expr(c.clone(), other, parameter, item)?),
                }
            }
            let mut parts = Vec::new();
            if !scalars.is_empty() {
                parts.push(c.in_list(scalars, false));
            }
            parts.extend(ranges);
            any(parts)
        }
        FilterOp::Eq => eq_expr(c, typed_value(value, t, parameter)?, parameter, value)?,
        FilterOp::Ne => match typed_value(value, t, parameter)? {
            Typed::Scalar(s) => c.not_eq(lit(s)),
            Typed::Day(a, b) => c.clone().lt(lit(a)).or(c.gt_eq(lit(b))),
            Typed::Between(..) => return Err(bad_value(parameter, value, t)),
        },
        op => {
            let v = typed_value(value, t, parameter)?;
            match (op, v) {
                (FilterOp::Lt, Typed::Scalar(s)) => c.lt(lit(s)),
                (FilterOp::Lte, Typed::Scalar(s)) => c.lt_eq(lit(s)),
                (FilterOp::Gt, Typed::Scalar(s)) => c.gt(lit(s)),
                (FilterOp::Gte, Typed::Scalar(s)) => c.gt_eq(lit(s)),
                // Before the day, up to its end, after its end, from its start.
                (FilterOp::Lt, Typed::Day(a, _)) => c.lt(lit(a)),
                (FilterOp::Lte, Typed::Day(_, b)) => c.lt(lit(b)),
                (FilterOp::Gt, Typed::Day(_, b)) => c.gt_eq(lit(b)),
                (FilterOp::Gte, Typed::Day(a, _)) => c.gt_eq(lit(a)),
                // 2.5 on whole numbers: < 2.5 is <= 2, > 2.5 is >= 3.
                (FilterOp::Lt | FilterOp::Lte, Typed::Between(lo, _)) => c.lt_eq(lit(lo)),
                (FilterOp::Gt | FilterOp::Gte, Typed::Between(_, hi)) => c.gt_eq(lit(hi)),
                _ => return Err(bad_value(parameter, value, t)),
            }
        }
    };
    Ok(Some(expr))
}

/// `parts` joined by `join` as a balanced tree: as deep as the logarithm of their
/// number, where a fold would be as deep as the number (and every walk of the tree
/// recursive that deep).
fn balanced(mut parts: Vec<Expr>, join: fn(Expr, Expr) -> Expr) -> Option<Expr> {
    while parts.len() > 1 {
        let mut next = Vec::with_capacity(parts.len().div_ceil(2));
        let mut items = parts.into_iter();
        while let Some(a) = items.next() {
            next.push(match items.next() {
                Some(b) => join(a, b),
                None => a,
            });
        }
        parts = next;
    }
    parts.pop()
}

fn any(parts: Vec<Expr>) -> Expr {
    balanced(parts, Expr::or).unwrap_or_else(|| lit(false))
}

fn all(parts: Vec<Expr>) -> Option<Expr> {
    balanced(parts, Expr::and)
}

/// The words of a search, folded, each once (in the order given).
pub fn search_words(q: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for w in q.split_whitespace() {
        let w = fold(w.trim_matches(|c: char| c == '"' || c == '\''));
        if !w.is_empty() && seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}

/// A search of at most [`MAX_PARAMETER_BYTES`] and [`MAX_SEARCH_WORDS`] different
/// words, or a `TooComplex` error on `parameter`.
pub fn check_search(q: &str, parameter: &str) -> Result<(), QueryError> {
    check_length(parameter, q)?;
    if search_words(q).len() > MAX_SEARCH_WORDS {
        return Err(too_many(parameter, MAX_SEARCH_WORDS, "words"));
    }
    Ok(())
}

/// Every word in some text column (AND of ORs); `None` for an empty search.
pub fn search_expr(table: &TableSpec, q: &str) -> Option<Expr> {
    let words = search_words(q);
    if words.is_empty() {
        return None;
    }
    let texts: Vec<Expr> = table
        .columns
        .iter()
        .filter(|c| c.column_type == ColumnType::Text)
        .map(|c| ident(c.name.clone()))
        .collect();
    if texts.is_empty() {
        return Some(lit(false));
    }
    Some(contains_all(&words, texts))
}

/// The predicate of filters and search (what `total` counts), `None` when all rows match.
pub fn predicate(
    table: &TableSpec,
    filters: &[Filter],
    q: Option<&str>,
) -> Result<Option<Expr>, QueryError> {
    if let Some(f) = filters.get(MAX_FILTERS) {
        return Err(too_many(&filter_parameter(f), MAX_FILTERS, "filters"));
    }
    if let Some(q) = q {
        check_search(q, "q")?;
    }
    let mut parts = Vec::new();
    for f in filters {
        if let Some(e) = filter_expr(table, f, &filter_parameter(f))? {
            parts.push(e);
        }
    }
    if let Some(e) = q.and_then(|q| search_expr(table, q)) {
        parts.push(e);
    }
    Ok(all(parts))
}

/// A sort key: the column, its type and direction. Nulls always sort last.
#[derive(Debug, Clone)]
pub struct Key {
    pub column: ColumnInfo,
    pub descending: bool,
}

impl Key {
    pub fn sort_expr(&self) -> SortExpr {
        ident(self.column.name.clone()).sort(!self.descending, false)
    }
}

/// The sort keys of a request, always ending with `_id` (the tie-breaker that makes
/// paging stable). Errors name `parameter`.
pub fn sort_keys(
    table: &TableSpec,
    sort: &[Sort],
    parameter: &str,
) -> Result<Vec<Key>, QueryError> {
    if sort.len() > MAX_SORT_KEYS {
        return Err(too_many(parameter, MAX_SORT_KEYS, "sort keys"));
    }
    let mut keys: Vec<Key> = Vec::new();
    for s in sort {
        let column = require_column(table, &s.column, parameter)?;
        if keys.iter().any(|k| k.column.name == column.name) {
            continue;
        }
        let last = column.name == ROW_ID;
        keys.push(Key {
            column,
            descending: s.descending,
        });
        if last {
            // Rows are unique by `_id`: keys after it never decide anything.
            return Ok(keys);
        }
    }
    keys.push(Key {
        column: ColumnInfo {
            name: ROW_ID.to_owned(),
            column_type: ColumnType::Integer,
        },
        descending: false,
    });
    Ok(keys)
}

/// What a keyset cursor holds: a hash of the query it belongs to and the last row's key
/// values (ending with its `_id`), typed as the JSON of [`key_json`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "h")]
    pub hash: String,
    #[serde(rename = "k")]
    pub keys: Vec<serde_json::Value>,
}

/// The hash a cursor must carry: the table version, filters, search and sort.
pub fn query_hash(table: &TableSpec, filters: &[Filter], q: Option<&str>, keys: &[Key]) -> String {
    let sort: Vec<(&str, bool)> = keys
        .iter()
        .map(|k| (k.column.name.as_str(), k.descending))
        .collect();
    let q = q.map(search_words);
    let filters: Vec<(&str, &str, &str)> = filters
        .iter()
        .map(|f| (f.column.as_str(), f.op.as_str(), f.value.trim()))
        .filter(|(_, op, v)| !v.is_empty() || *op == "null" || *op == "notnull")
        .collect();
    let canonical = serde_json::json!([table.parquet_key, filters, q, sort]);
    text::short_hash(canonical.to_string().as_bytes())
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        text::base64url_encode(&json)
    }

    /// Reads a cursor made for the query with `hash`, its values typed by `keys`.
    pub fn decode(s: &str, hash: &str, keys: &[Key]) -> Result<Vec<ScalarValue>, QueryError> {
        let refuse = |detail: &str| QueryError::bad("cursor", Problem::BadCursor, detail);
        let bytes = text::base64url_decode(s.trim()).ok_or_else(|| refuse("not base64url"))?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| refuse("not a cursor"))?;
        if cursor.hash != hash {
            return Err(refuse("made for other filters or another sort"));
        }
        if cursor.keys.len() != keys.len() {
            return Err(refuse("made for another sort"));
        }
        keys.iter()
            .zip(&cursor.keys)
            .map(|(k, v)| key_scalar(v, k.column.column_type).ok_or_else(|| refuse("bad key")))
            .collect()
    }
}

/// A key value in a cursor: numbers as JSON integers (decimals by their bits, so they
/// come back exactly), dates as days, date-times as microseconds, text as text.
pub fn key_json(v: &ScalarValue) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        ScalarValue::Int64(Some(i)) => J::from(*i),
        ScalarValue::Float64(Some(x)) => J::from(x.to_bits()),
        ScalarValue::Boolean(Some(b)) => J::from(*b),
        ScalarValue::Date32(Some(d)) => J::from(*d),
        ScalarValue::TimestampMicrosecond(Some(t), _) => J::from(*t),
        ScalarValue::Utf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
        | ScalarValue::LargeUtf8(Some(s)) => J::from(s.as_str()),
        ScalarValue::Dictionary(_, inner) => key_json(inner),
        _ => J::Null,
    }
}

fn key_scalar(v: &serde_json::Value, t: ColumnType) -> Option<ScalarValue> {
    use serde_json::Value as J;
    Some(match (t, v) {
        (ColumnType::Integer, J::Null) => ScalarValue::Int64(None),
        (ColumnType::Integer, J::Number(n)) => ScalarValue::Int64(Some(n.as_i64()?)),
        (ColumnType::Decimal, J::Null) => ScalarValue::Float64(None),
        (ColumnType::Decimal, J::Number(n)) => {
            ScalarValue::Float64(Some(f64::from_bits(n.as_u64()?)))
        }
        (ColumnType::Boolean, J::Null) => ScalarValue::Boolean(None),
        (ColumnType::Boolean, J::Bool(b)) => ScalarValue::Boolean(Some(*b)),
        (ColumnType::Date, J::Null) => ScalarValue::Date32(None),
        (ColumnType::Date, J::Number(n)) => {
            ScalarValue::Date32(Some(i32::try_from(n.as_i64()?).ok()?))
        }
        (ColumnType::Datetime, J::Null) => ScalarValue::TimestampMicrosecond(None, None),
        (ColumnType::Datetime, J::Number(n)) => ts(n.as_i64()?),
        (ColumnType::Text, J::Null) => ScalarValue::Utf8(None),
        (ColumnType::Text, J::String(s)) => ScalarValue::Utf8(Some(s.clone())),
        _ => return None,
    })
}

/// Rows after the cursor's row in the order of `keys` (nulls last in both directions):
/// `k0 after v0 OR (k0 = v0 AND (k1 after v1 OR (…)))`, plus a looser bound on the first
/// key alone that Parquet statistics can use to skip row groups.
pub fn after_expr(keys: &[Key], values: &[ScalarValue]) -> Expr {
    let mut acc: Option<Expr> = None;
    for (k, v) in keys.iter().zip(values).rev() {
        let c = ident(k.column.name.clone());
        let (after, equal) = if v.is_null() {
            // Nothing sorts after a null (nulls are last); equal means null too.
            (None, c.is_null())
        } else {
            let beyond = if k.descending {
                c.clone().lt(lit(v.clone()))
            } else {
                c.clone().gt(lit(v.clone()))
            };
            (Some(beyond.or(c.clone().is_null())), c.eq(lit(v.clone())))
        };
        acc = Some(match (after, acc) {
            (Some(a), None) => a,
            (None, None) => lit(false),
            (Some(a), Some(rest)) => a.or(equal.and(rest)),
            (None, Some(rest)) => equal.and(rest),
        });
    }
    let exact = acc.unwrap_or_else(|| lit(true));
    match (keys.first(), values.first()) {
        (Some(k), Some(v)) if keys.len() > 1 => {
            let c = ident(k.column.name.clone());
            let bound = if v.is_null() {
                c.is_null()
            } else if k.descending {
                c.clone().lt_eq(lit(v.clone())).or(c.is_null())
            } else {
                c.clone().gt_eq(lit(v.clone())).or(c.is_null())
            };
            bound.and(exact)
        }
        _ => exact,
    }
}

/// Ranges a lookup by `_id` is split into for Parquet statistics (each costs two
/// comparisons per candidate row: few).
const ID_RANGES: usize = 4;

/// Rows with these `_id`s: `_id IN (…)`, and the ids as ranges (DataFusion does not prune
/// with an `IN` list of more than 20 values) so that only the row groups and pages
/// holding them are read. Ranges are half-open so that a single id does not become an
/// equality the optimizer would fold back into an `IN` list.
pub fn ids_expr(ids: &[i64]) -> Expr {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(i64, i64)> = sorted.iter().map(|&i| (i, i)).collect();
    if ranges.len() > ID_RANGES {
        // Merge across the smallest gaps until few ranges are left.
        let mut gaps: Vec<(i64, usize)> = ranges
            .windows(2)
            .enumerate()
            .map(|(i, w)| (w[1].0 - w[0].1, i))
            .collect();
        gaps.sort_unstable();
        let mut joined = vec![false; ranges.len()];
        for (_, i) in gaps.iter().take(ranges.len() - ID_RANGES) {
            joined[*i] = true;
        }
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(ID_RANGES);
        let mut start = ranges[0].0;
        for (i, r) in ranges.iter().enumerate() {
            if !joined[i] {
                merged.push((start, r.1));
                if let Some(next) = ranges.get(i + 1) {
                    start = next.0;
                }
            }
        }
        ranges = merged;
    }
    let id = || ident(ROW_ID);
    let within = any(ranges
        .into_iter()
        .map(|(lo, hi)| id().gt_eq(lit(lo)).and(id().lt(lit(hi.saturating_add(1)))))
        .collect());
    let exact = id().in_list(sorted.into_iter().map(lit).collect(), false);
    within.and(exact)
}

/// The date `YYYY-MM-DD` of a Date32 day number.
pub fn date_string(days_since_epoch: i32) -> Option<String> {
    NaiveDate::from_num_days_from_ce_opt(days_since_epoch.checked_add(719_163)?)
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The date-time `YYYY-MM-DDTHH:MM:SS` of microseconds since the epoch.
pub fn datetime_string(us: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string())
}

/// The columns to return: those asked for (each once, in order), or all published ones.
/// Errors name `parameter`.
pub fn output_columns(
    table: &TableSpec,
    asked: Option<&[String]>,
    parameter: &str,
) -> Result<Vec<ColumnInfo>, QueryError> {
    match asked {
        Some(names) if !names.is_empty() => {
            if names.len() > MAX_COLUMNS {
                return Err(too_many(parameter, MAX_COLUMNS, "columns"));
            }
            let mut seen = std::collections::HashSet::new();
            let mut out: Vec<ColumnInfo> = Vec::new();
            for n in names {
                let c = require_column(table, n, parameter)?;
                if seen.insert(c.name.clone()) {
                    out.push(c);
                }
            }
            Ok(out)
        }
        _ => Ok(table
            .columns
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                column_type: c.column_type,
            })
            .collect()),
    }
}

/// Checks a measure against the table and returns its result column (alias and type).
/// Errors name `parameter`.
pub fn check_measure(
    table: &TableSpec,
    m: &Measure,
    parameter: &str,
) -> Result<ColumnInfo, QueryError> {
    let alias = m.alias();
    let Some(name) = &m.column else {
        return if m.func == MeasureFn::Count {
            Ok(ColumnInfo {
                name: alias,
                column_type: ColumnType::Integer,
            })
        } else {
            Err(QueryError::bad(
                parameter,
                Problem::Malformed,
                format!(
                    "{} needs a column: {}:<column>",
                    m.func.as_str(),
                    m.func.as_str()
                ),
            ))
        };
    };
    let c = require_column(table, name, parameter)?;
    let t = c.column_type;
    let (fits, result) = match m.func {
        MeasureFn::Count | MeasureFn::CountDistinct => (true, ColumnType::Integer),
        MeasureFn::Sum => (t.is_numeric(), t),
        MeasureFn::Avg => (t.is_numeric(), ColumnType::Decimal),
        MeasureFn::Min | MeasureFn::Max => (t != ColumnType::Boolean, t),
    };
    if !fits {
        return Err(QueryError::bad(
            parameter,
            Problem::MeasureNotForType,
            format!("{}: {} \u{2260} {}", alias, m.func.as_str(), t.as_str()),
        ));
    }
    Ok(ColumnInfo {
        name: alias,
        column_type: result,
    })
}
