//! What changed in a table between two versions: columns added, removed or retyped; rows
//! added, removed and changed — by a key column when both versions have one (a column of
//! the same name and type, unique and never empty in both), else by row content (a
//! changed row is then one removed and one added).

use datafusion::common::JoinType;
use datafusion::logical_expr::{binary_expr, Operator};

use super::*;
use ceiba_core::ColumnType;

/// Most rows of each kind a diff shows.
pub const MAX_DIFF_SAMPLE: usize = 10_000;

/// One kind of changed rows: how many, and the first of them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RowChanges {
    pub count: u64,
    /// Values in the order of [`TableDiff::columns`]; for changed rows, the new values.
    pub sample: Vec<Vec<serde_json::Value>>,
}

/// The differences between an older and a newer version of a table.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TableDiff {
    /// The key rows were matched by, when there is one.
    pub key: Option<String>,
    pub columns_added: Vec<String>,
    pub columns_removed: Vec<String>,
    /// Columns whose type changed: name, old type, new type.
    pub retyped: Vec<(String, ColumnType, ColumnType)>,
    /// The columns compared (in both versions, with the same type).
    pub columns: Vec<String>,
    pub added: RowChanges,
    pub removed: RowChanges,
    /// Rows whose key is in both versions with other values (only with a key).
    pub changed: RowChanges,
    /// For changed rows, the values before, in the same order as `changed.sample`.
    pub changed_before: Vec<Vec<serde_json::Value>>,
}

/// Columns that may identify rows in both versions: same name and type (text or whole
/// number), never empty, and (by the ingestion's estimate) about as many distinct values
/// as rows, in each. [`Engine::unique_in`] confirms one exactly.
fn key_candidates(old: &TableSpec, new: &TableSpec) -> Vec<String> {
    let plausible = |t: &TableSpec, name: &str| {
        t.columns.iter().find(|c| c.name == name).is_some_and(|c| {
            let rows = t.rows.max(0) as f64;
            matches!(c.column_type, ColumnType::Text | ColumnType::Integer)
                && c.stats.nulls == 0
                && t.rows > 0
                && (c.stats.distinct as f64 - rows).abs() <= rows * 0.03
        })
    };
    new.columns
        .iter()
        .filter(|c| {
            old.columns
                .iter()
                .any(|o| o.name == c.name && o.column_type == c.column_type)
                && plausible(old, &c.name)
                && plausible(new, &c.name)
        })
        .map(|c| c.name.clone())
        .take(3)
        .collect()
}

async fn changes(df: DataFrame, sample: usize) -> Result<RowChanges, QueryError> {
    let count = df.clone().count().await.map_err(engine_error)? as u64;
    let batches = df
        .limit(0, Some(sample))
        .map_err(engine_error)?
        .collect()
        .await
        .map_err(engine_error)?;
    Ok(RowChanges {
        count,
        sample: rows_of(&batches, None),
    })
}

/// The rows of `batches` as JSON; with `columns`, only those (by index).
fn rows_of(batches: &[RecordBatch], columns: Option<&[usize]>) -> Vec<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    for b in batches {
        let picked: Vec<usize> = match columns {
            Some(c) => c.to_vec(),
            None => (0..b.num_columns()).collect(),
        };
        for i in 0..b.num_rows() {
            out.push(picked.iter().map(|&c| cell(b.column(c), i)).collect());
        }
    }
    out
}

impl Engine {
    /// Rows added and removed, compared whole (`width` columns `n0…` and `o0…`): each
    /// distinct row counted on both sides, the difference of the counts is what was
    /// added or removed (a row repeated twice and now once was removed once).
    async fn by_content(
        &self,
        n: DataFrame,
        o: DataFrame,
        width: usize,
        sample: usize,
    ) -> Result<(RowChanges, RowChanges), QueryError> {
        use datafusion::functions::expr_fn::coalesce;
        let names =
            |p: &str| -> Vec<Expr> { (0..width).map(|i| ident(format!("{p}{i}"))).collect() };
        let counted =
            |df: DataFrame, p: &str, c: &str| df.aggregate(names(p), vec![count(lit(1)).alias(c)]);
        let nc = counted(n, "n", "cn").map_err(engine_error)?;
        let oc = counted(o, "o", "co").map_err(engine_error)?;
        let on: Vec<Expr> = (0..width)
            .map(|i| {
                binary_expr(
                    ident(format!("n{i}")),
                    Operator::IsNotDistinctFrom,
                    ident(format!("o{i}")),
                )
            })
            .collect();
        let extra = coalesce(vec![ident("cn"), lit(0i64)]) - coalesce(vec![ident("co"), lit(0i64)]);
        let joined = nc
            .join_on(oc, JoinType::Full, on)
            .and_then(|df| {
                let mut cols = names("n");
                cols.extend(names("o"));
                cols.push(extra.alias("extra"));
                df.select(cols)
            })
            .map_err(engine_error)?;
        let side = |more: bool, p: &str| -> Result<(DataFrame, DataFrame), DataFusionError> {
            let picked = joined.clone().filter(if more {
                ident("extra").gt(lit(0i64))
            } else {
                ident("extra").lt(lit(0i64))
            })?;
            let total = picked.clone().aggregate(
                vec![],
                vec![sum(if more {
                    ident("extra")
                } else {
                    lit(0i64) - ident("extra")
                })
                .alias("t")],
            )?;
            Ok((picked.select(names(p))?, total))
        };
        let mut out = Vec::new();
        for (more, p) in [(true, "n"), (false, "o")] {
            let (rows, total) = side(more, p).map_err(engine_error)?;
            let t = total.collect().await.map_err(engine_error)?;
            let count = t
                .first()
                .filter(|b| b.num_rows() == 1)
                .and_then(|b| cell(b.column(0), 0).as_u64())
                .unwrap_or(0);
            let batches = rows
                .limit(0, Some(sample))
                .map_err(engine_error)?
                .collect()
                .await
                .map_err(engine_error)?;
            out.push(RowChanges {
                count,
                sample: rows_of(&batches, None),
            });
        }
        let removed = out.pop().unwrap_or_default();
        let added = out.pop().unwrap_or_default();
        Ok((added, removed))
    }

    /// Whether column `name` of `table` has a distinct value in every row.
    async fn unique_in(&self, table: &TableSpec, name: &str) -> Result<bool, QueryError> {
        let batches = self
            .parquet_frame(table)
            .await?
            .aggregate(
                vec![],
                vec![
                    count_distinct(ident(name)).alias("d"),
                    count(lit(1)).alias("n"),
                ],
            )
            .map_err(engine_error)?
            .collect()
            .await
            .map_err(engine_error)?;
        let value = |col: usize| {
            batches
                .first()
                .filter(|b| b.num_rows() == 1)
                .map(|b| cell(b.column(col), 0))
        };
        Ok(matches!((value(0), value(1)), (Some(d), Some(n)) if d == n))
    }

    /// What changed from `old` to `new` (two versions of one table), with at most `sample`
    /// rows of each kind; under the query time limit.
    pub async fn diff(
        &self,
        old: &TableSpec,
        new: &TableSpec,
        sample: usize,
    ) -> Result<TableDiff, QueryError> {
        self.bounded(self.diff_unbounded(old, new, sample.min(MAX_DIFF_SAMPLE)))
            .await
    }

    async fn diff_unbounded(
        &self,
        old: &TableSpec,
        new: &TableSpec,
        sample: usize,
    ) -> Result<TableDiff, QueryError> {
        let mut diff = TableDiff::default();
        for c in &new.columns {
            match old.columns.iter().find(|o| o.name == c.name) {
                None => diff.columns_added.push(c.name.clone()),
                Some(o) if o.column_type != c.column_type => {
                    diff.retyped
                        .push((c.name.clone(), o.column_type, c.column_type))
                }
                Some(_) => diff.columns.push(c.name.clone()),
            }
        }
        diff.columns_removed = old
            .columns
            .iter()
            .filter(|o| !new.columns.iter().any(|c| c.name == o.name))
            .map(|o| o.name.clone())
            .collect();
        if diff.columns.is_empty() {
            return Ok(diff);
        }
        // Both sides under neutral names (n0…, o0…): columns may be called anything.
        let side = |prefix: &'static str| -> Vec<Expr> {
            diff.columns
                .iter()
                .enumerate()
                .map(|(i, c)| ident(c).alias(format!("{prefix}{i}")))
                .collect()
        };
        let n = self
            .parquet_frame(new)
            .await?
            .select(side("n"))
            .map_err(engine_error)?;
        let o = self
            .parquet_frame(old)
            .await?
            .select(side("o"))
            .map_err(engine_error)?;
        for candidate in key_candidates(old, new) {
            if self.unique_in(old, &candidate).await? && self.unique_in(new, &candidate).await? {
                diff.key = Some(candidate);
                break;
            }
        }
        let Some(key) = &diff.key else {
            let width = diff.columns.len();
            let (added, removed) = self.by_content(n, o, width, sample).await?;
            diff.added = added;
            diff.removed = removed;
            return Ok(diff);
        };
        let k = diff.columns.iter().position(|c| c == key).unwrap_or(0);
        let (nk, ok) = (format!("n{k}"), format!("o{k}"));
        diff.added = changes(
            n.clone()
                .join(o.clone(), JoinType::LeftAnti, &[&nk], &[&ok], None)
                .map_err(engine_error)?,
            sample,
        )
        .await?;
        let removed = o
            .clone()
            .join(n.clone(), JoinType::LeftAnti, &[&ok], &[&nk], None)
            .map_err(engine_error)?;
        diff.removed = changes(removed, sample).await?;
        let differs = (0..diff.columns.len())
            .filter(|&i| i != k)
            .map(|i| {
                binary_expr(
                    ident(format!("n{i}")),
                    Operator::IsDistinctFrom,
                    ident(format!("o{i}")),
                )
            })
            .reduce(Expr::or);
        let Some(differs) = differs else {
            return Ok(diff);
        };
        let joined = n
            .join(o, JoinType::Inner, &[&nk], &[&ok], None)
            .and_then(|df| df.filter(differs))
            .map_err(engine_error)?;
        let count = joined.clone().count().await.map_err(engine_error)? as u64;
        let batches = joined
            .limit(0, Some(sample))
            .map_err(engine_error)?
            .collect()
            .await
            .map_err(engine_error)?;
        let width = diff.columns.len();
        let new_cols: Vec<usize> = (0..width).collect();
        let old_cols: Vec<usize> = (width..2 * width).collect();
        diff.changed = RowChanges {
            count,
            sample: rows_of(&batches, Some(&new_cols)),
        };
        diff.changed_before = rows_of(&batches, Some(&old_cols));
        Ok(diff)
    }
}
