//! Pick-lists: a text column with few distinct values is filtered by choosing one of
//! them, each with how many rows of the current view hold it (as a search's facets).

use ceiba_core::{ColumnType, IngestedTable, Lang};
use ceiba_query::{AggregateRequest, FilterOp, Measure, MeasureFn, RowsRequest, Sort};
use serde::Serialize;

use crate::format;
use crate::SharedState;

/// Columns with at most this many distinct values get a pick-list.
pub const MAX_VALUES: u64 = 40;
/// At most this many pick-lists per table (each is one grouped count).
const MAX_LISTS: usize = 6;

#[derive(Serialize)]
pub struct PickOption {
    pub value: String,
    /// "Huehuetenango (32)".
    pub text: String,
    pub selected: bool,
}

/// Whether column `c` of a table of `rows` rows is filtered by a pick-list (from its
/// ingest statistics): few values, each held by two rows or more on average (a column
/// of names or identifiers, all different, keeps its text filter).
pub fn picks(c: &ceiba_core::Column, rows: i64) -> bool {
    c.column_type == ColumnType::Text
        && (2..=MAX_VALUES).contains(&c.stats.distinct)
        && u64::try_from(rows).is_ok_and(|rows| rows >= 2 * c.stats.distinct)
}

/// The pick-lists' options, per column name: each value with its count among the rows the
/// other filters and the search leave (a column's own choice is left out of its counts,
/// so the other values stay on offer). A list whose count fails is not offered (the
/// column keeps its text filter).
pub async fn pick_lists(
    state: &SharedState,
    table: &IngestedTable,
    req: &RowsRequest,
    lang: Lang,
) -> Vec<(String, Vec<PickOption>)> {
    let spec = ceiba_query::TableSpec::from(table);
    let columns: Vec<&ceiba_core::Column> = table
        .columns
        .iter()
        .filter(|c| picks(c, table.rows))
        .take(MAX_LISTS)
        .collect();
    let results =
        futures::future::join_all(columns.iter().map(|c| counts(state, &spec, c, req))).await;
    columns
        .iter()
        .zip(results)
        .filter_map(|(c, counts)| {
            let counts = counts
                .map_err(|e| tracing::warn!(column = %c.name, error = %e, "pick-list"))
                .ok()??;
            let chosen: Vec<&str> = req
                .filters
                .iter()
                .filter(|f| f.column == c.name && f.op == FilterOp::Eq)
                .map(|f| f.value.as_str())
                .collect();
            let mut options: Vec<PickOption> = counts
                .into_iter()
                .map(|(value, count)| PickOption {
                    text: format!("{value} ({})", format::integer(lang, count)),
                    selected: chosen.contains(&value.as_str()),
                    value,
                })
                .collect();
            // A choice the view no longer holds stays listed, so the form shows it.
            for value in chosen {
                if !options.iter().any(|o| o.value == value) {
                    options.push(PickOption {
                        text: format!("{value} (0)"),
                        selected: true,
                        value: value.to_owned(),
                    });
                }
            }
            Some((c.name.clone(), options))
        })
        .collect()
}

/// Whether the view is the whole table: no filter, no search.
fn whole_table(req: &RowsRequest) -> bool {
    req.filters.is_empty() && req.q.as_deref().is_none_or(str::is_empty)
}

/// Column `c`'s values and how many rows of the view hold each, in value order; `None`
/// past [`MAX_VALUES`]. The whole table's counts of a column whose every value ingest
/// counted are its statistics (no query); otherwise one grouped count over the other
/// filters and the search.
async fn counts(
    state: &SharedState,
    spec: &ceiba_query::TableSpec,
    c: &ceiba_core::Column,
    req: &RowsRequest,
) -> Result<Option<Vec<(String, i64)>>, ceiba_query::QueryError> {
    let top = &c.stats.top;
    if whole_table(req) && !top.is_empty() && top.len() as u64 >= c.stats.distinct {
        let mut known: Vec<(String, i64)> = top
            .iter()
            .map(|t| (t.value.clone(), i64::try_from(t.count).unwrap_or(i64::MAX)))
            .collect();
        known.sort();
        return Ok(Some(known));
    }
    let agg = AggregateRequest {
        group_by: vec![c.name.clone()],
        measures: vec![Measure {
            func: MeasureFn::Count,
            column: None,
        }],
        filters: req
            .filters
            .iter()
            .filter(|f| !(f.column == c.name && f.op == FilterOp::Eq))
            .cloned()
            .collect(),
        q: req.q.clone(),
        sort: vec![Sort {
            column: c.name.clone(),
            descending: false,
        }],
        limit: MAX_VALUES + 1,
    };
    let res = state.engine.aggregate(spec, &agg).await?;
    if res.total > MAX_VALUES {
        return Ok(None);
    }
    Ok(Some(
        res.rows
            .iter()
            .filter_map(|row| {
                let serde_json::Value::String(value) = row.first()? else {
                    return None;
                };
                Some((value.clone(), row.get(1)?.as_i64()?))
            })
            .collect(),
    ))
}
