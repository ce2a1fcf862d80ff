//! Equal-width histograms of a numeric column.

use super::*;

impl Engine {
    /// Equal-width bins over the column's range (its statistics when present), nulls left
    /// out; the counts add up to the column's non-null values. At most [`MAX_BINS`] bins.
    pub async fn histogram(
        &self,
        table: &TableSpec,
        column: &str,
        bins: usize,
    ) -> Result<Vec<Bin>, QueryError> {
        self.bounded(self.histogram_unbounded(table, column, bins))
            .await
    }

    pub(super) async fn histogram_unbounded(
        &self,
        table: &TableSpec,
        column: &str,
        bins: usize,
    ) -> Result<Vec<Bin>, QueryError> {
        let info = plan::require_column(table, column, "column")?;
        if !info.column_type.is_numeric() {
            return Err(QueryError::bad(
                "column",
                Problem::MeasureNotForType,
                format!("histogram \u{2260} {}", info.column_type.as_str()),
            ));
        }
        if bins == 0 {
            return Err(QueryError::bad("bins", Problem::OutOfRange, "1..1000"));
        }
        let bins = bins.min(MAX_BINS);
        let x = cast(ident(info.name.clone()), DataType::Float64);
        let stats = table.columns.iter().find(|c| c.name == info.name).map(|c| {
            let parse = |s: &Option<String>| s.as_deref().and_then(|v| v.parse::<f64>().ok());
            (parse(&c.stats.min), parse(&c.stats.max))
        });
        let (lo, hi) = match stats {
            Some((Some(lo), Some(hi))) if lo.is_finite() && hi.is_finite() => (lo, hi),
            _ => {
                let batches = self
                    .frame(table)
                    .await?
                    .0
                    .aggregate(
                        vec![],
                        vec![min(x.clone()).alias("lo"), max(x.clone()).alias("hi")],
                    )
                    .map_err(engine_error)?
                    .collect()
                    .await
                    .map_err(engine_error)?;
                match (first_f64(&batches, 0), first_f64(&batches, 1)) {
                    (Some(lo), Some(hi)) => (lo, hi),
                    _ => return Ok(Vec::new()),
                }
            }
        };
        let (bins, width) = if hi > lo {
            (bins, (hi - lo) / bins as f64)
        } else {
            (1, 0.0)
        };
        let index = if width > 0.0 {
            cast(floor((x - lit(lo)) / lit(width)), DataType::Int64)
        } else {
            lit(0i64)
        };
        let batches = self
            .frame(table)
            .await?
            .0
            .filter(ident(info.name.clone()).is_not_null())
            .and_then(|df| {
                df.aggregate(vec![index.alias("bin")], vec![count(lit(1i64)).alias("n")])
            })
            .map_err(engine_error)?
            .collect()
            .await
            .map_err(engine_error)?;
        let mut counts = vec![0u64; bins];
        for b in &batches {
            for i in 0..b.num_rows() {
                let (Some(bin), Some(n)) = (int_at(b.column(0), i), int_at(b.column(1), i)) else {
                    continue;
                };
                // Values on the top edge (or beyond stale statistics) join the edge bins.
                let bin = usize::try_from(bin.max(0)).unwrap_or(0).min(bins - 1);
                counts[bin] += u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| Bin {
                lower: lo + width * i as f64,
                upper: if i + 1 == bins {
                    hi
                } else {
                    lo + width * (i + 1) as f64
                },
                count,
            })
            .collect())
    }
}
