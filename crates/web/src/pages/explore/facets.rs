//! Pick-lists: a text column with few distinct values is filtered by choosing one of
//! them, each with how many rows of the current view hold it (as a search's facets).

use ceiba_core::{ColumnType, IngestedTable, Lang};
use ceiba_query::{AggregateRequest, Filter, FilterOp, Measure, MeasureFn, RowsRequest, Sort};
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
    // The whole table's counts of a column whose every value ingest counted are its
    // statistics: the view with no filter and no search costs no query for it.
    let whole_table = req.filters.is_empty() && req.q.as_deref().is_none_or(str::is_empty);
    let known = |c: &ceiba_core::Column| {
        whole_table && !c.stats.top.is_empty() && c.stats.top.len() as u64 >= c.stats.distinct
    };
    let counts = columns.iter().map(|c| {
        if known(c) {
            let mut rows: Vec<Vec<serde_json::Value>> = c
                .stats
                .top
                .iter()
                .map(|t| vec![t.value.clone().into(), t.count.into()])
                .collect();
            rows.sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()));
            let total = rows.len() as u64;
            return futures::future::Either::Left(std::future::ready(Ok(
                ceiba_query::AggregateResponse {
                    columns: Vec::new(),
                    rows,
                    total,
                    capped: None,
                },
            )));
        }
        let filters: Vec<Filter> = req
            .filters
            .iter()
            .filter(|f| !(f.column == c.name && f.op == FilterOp::Eq))
            .cloned()
            .collect();
        let agg = AggregateRequest {
            group_by: vec![c.name.clone()],
            measures: vec![Measure {
                func: MeasureFn::Count,
                column: None,
            }],
            filters,
            q: req.q.clone(),
            sort: vec![Sort {
                column: c.name.clone(),
                descending: false,
            }],
            limit: MAX_VALUES + 1,
        };
        let spec = &spec;
        futures::future::Either::Right(async move { state.engine.aggregate(spec, &agg).await })
    });
    let results = futures::future::join_all(counts).await;
    columns
        .iter()
        .zip(results)
        .filter_map(|(c, res)| {
            let res = res
                .map_err(|e| tracing::warn!(column = %c.name, error = %e, "pick-list"))
                .ok()?;
            if res.total > MAX_VALUES {
                return None;
            }
            let chosen: Vec<&str> = req
                .filters
                .iter()
                .filter(|f| f.column == c.name && f.op == FilterOp::Eq)
                .map(|f| f.value.as_str())
                .collect();
            let mut options: Vec<PickOption> = res
                .rows
                .iter()
                .filter_map(|row| {
                    let value = match row.first()? {
                        serde_json::Value::String(s) => s.clone(),
                        _ => return None,
                    };
                    let count = row.get(1).and_then(serde_json::Value::as_i64).unwrap_or(0);
                    Some(PickOption {
                        text: format!("{value} ({})", format::integer(lang, count)),
                        selected: chosen.contains(&value.as_str()),
                        value,
                    })
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
