//! Groups and measures.

use super::*;

pub(super) fn measure_expr(m: &Measure) -> Expr {
    let column = m.column.as_ref().map(|c| ident(c.clone()));
    let e = match (m.func, column) {
        (MeasureFn::Count, Some(c)) => count(c),
        (MeasureFn::CountDistinct, Some(c)) => count_distinct(c),
        (MeasureFn::Sum, Some(c)) => sum(c),
        (MeasureFn::Avg, Some(c)) => avg(c),
        (MeasureFn::Min, Some(c)) => min(c),
        (MeasureFn::Max, Some(c)) => max(c),
        // Only `count` has no column (`plan::check_measure` refuses the others).
        (_, None) => count(lit(1i64)),
    };
    e.alias(m.alias())
}

pub(super) fn count_measure() -> Measure {
    Measure {
        func: MeasureFn::Count,
        column: None,
    }
}

pub(super) fn first_f64(batches: &[RecordBatch], column: usize) -> Option<f64> {
    let b = batches.iter().find(|b| b.num_rows() > 0)?;
    let a = b.column(column);
    if a.is_null(0) {
        return None;
    }
    match a.data_type() {
        DataType::Float64 => Some(a.as_primitive::<Float64Type>().value(0)),
        _ => None,
    }
}

pub(super) fn int_at(a: &ArrayRef, i: usize) -> Option<i64> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Int64 => Some(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt64 => i64::try_from(a.as_primitive::<UInt64Type>().value(i)).ok(),
        _ => None,
    }
}

impl Engine {
    /// Groups and measures: result columns are the group columns then the measure aliases
    /// (`count`, `sum_monto`); sorted as asked (default: first measure descending), at
    /// most `limits.max_groups`; `total` is the number of groups.
    pub async fn aggregate(
        &self,
        table: &TableSpec,
        req: &AggregateRequest,
    ) -> Result<AggregateResponse, QueryError> {
        self.bounded(self.aggregate_unbounded(table, req)).await
    }

    pub(super) async fn aggregate_unbounded(
        &self,
        table: &TableSpec,
        req: &AggregateRequest,
    ) -> Result<AggregateResponse, QueryError> {
        let mut columns: Vec<ColumnInfo> = Vec::new();
        for g in &req.group_by {
            let c = plan::require_column(table, g, "group_by")?;
            if !columns.iter().any(|o| o.name == c.name) {
                columns.push(c);
            }
        }
        let n_groups = columns.len();
        let mut measures: Vec<Measure> = Vec::new();
        for m in &req.measures {
            if !measures.contains(m) {
                measures.push(m.clone());
            }
        }
        if measures.is_empty() {
            measures.push(count_measure());
        }
        for m in &measures {
            let info = plan::check_measure(table, m, "measure")?;
            if columns.iter().any(|c| c.name == info.name) {
                return Err(QueryError::bad(
                    "measure",
                    Problem::Malformed,
                    format!("\u{201c}{}\u{201d} is also a grouped column", info.name),
                ));
            }
            columns.push(info);
        }
        let predicate = plan::predicate(table, &req.filters, req.q.as_deref())?;

        let mut order: Vec<SortExpr> = Vec::new();
        let mut sorted: Vec<&str> = Vec::new();
        for s in &req.sort {
            let Some(c) = columns.iter().find(|c| c.name == s.column) else {
                return Err(QueryError::bad(
                    "sort",
                    Problem::UnknownColumn,
                    format!(
                        "\u{201c}{}\u{201d}: a grouped column or a measure",
                        s.column
                    ),
                ));
            };
            if !sorted.contains(&c.name.as_str()) {
                sorted.push(&c.name);
                order.push(ident(c.name.clone()).sort(!s.descending, false));
            }
        }
        if order.is_empty() {
            if let Some(first) = columns.get(n_groups) {
                sorted.push(&first.name);
                order.push(ident(first.name.clone()).sort(false, false));
            }
        }
        // Ties in a stable order: by the group columns.
        for g in &columns[..n_groups] {
            if !sorted.contains(&g.name.as_str()) {
                order.push(ident(g.name.clone()).sort(true, false));
            }
        }

        let max = self.inner.limits.max_groups;
        let (limit, capped) = if req.limit == 0 {
            (max, None)
        } else if req.limit > max {
            (max, Some(format!("limit lowered to {max} groups")))
        } else {
            (req.limit, None)
        };

        let (mut df, _) = self.frame(table).await?;
        if let Some(p) = predicate {
            df = df.filter(p).map_err(engine_error)?;
        }
        let group_exprs: Vec<Expr> = columns[..n_groups]
            .iter()
            .map(|c| ident(c.name.clone()))
            .collect();
        let aggr_exprs: Vec<Expr> = measures.iter().map(measure_expr).collect();
        let df = df
            .aggregate(group_exprs, aggr_exprs)
            .and_then(|df| df.sort(order))
            .and_then(|df| {
                df.select(
                    columns
                        .iter()
                        .map(|c| ident(c.name.clone()))
                        .collect::<Vec<_>>(),
                )
            })
            .map_err(engine_error)?;
        let mut stream = df.execute_stream().await.map_err(engine_error)?;
        let want = usize_of(limit);
        let mut rows = Vec::new();
        let mut total = 0u64;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(engine_error)?;
            for i in 0..batch.num_rows() {
                if rows.len() >= want {
                    break;
                }
                rows.push(
                    (0..columns.len())
                        .map(|c| cell(batch.column(c), i))
                        .collect(),
                );
            }
            total += batch.num_rows() as u64;
        }
        Ok(AggregateResponse {
            columns,
            rows,
            total,
            capped,
        })
    }
}
