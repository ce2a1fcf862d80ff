//! Reviewing an ingested table: its columns' labels, descriptions and units are changed in
//! place; a changed type or header row rebuilds the table from the stored original (a new
//! version, without uploading again). The ingest review page and `ceiba rebuild|column`
//! call these.

use ceiba_core::{ColumnType, ResourceVersion};
use ceiba_ingest::IngestOptions;

use serde_json::json;

use crate::activity::on_dataset;
use crate::{Actor, Error, Portal, Reason};

/// Longest label, description and unit kept, in characters.
pub const MAX_LABEL: usize = 200;
pub const MAX_COLUMN_DESCRIPTION: usize = 2_000;
pub const MAX_UNIT: usize = 50;
/// Longest date format a column may be given (`%d de %B de %Y` is 14).
pub const MAX_DATE_FORMAT: usize = 40;

/// What to change of one column; `None` keeps it.
#[derive(Debug, Clone, Default)]
pub struct ColumnEdit {
    /// The column's name (as in queries and APIs).
    pub name: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    /// A type to force: the table is rebuilt with it.
    pub column_type: Option<ColumnType>,
    /// How the column's dates are written (`%d-%b-%y`); empty clears it. A format makes
    /// the column a date column and rebuilds the table.
    pub date_format: Option<String>,
}

/// What a review asks of a table.
#[derive(Debug, Clone, Default)]
pub struct TableReview {
    /// The table's index among the resource's tables (a workbook's sheets).
    pub table: usize,
    pub columns: Vec<ColumnEdit>,
    /// The header's 1-based row, when it is not the one found: the table is rebuilt.
    pub header_row: Option<u64>,
    /// Whether rows found to be subtotals are left out (`Some(true)`) or kept; a change
    /// rebuilds the file's tables.
    pub subtotals_out: Option<bool>,
}

fn bounded(field: &'static str, text: &str, max: usize) -> Result<String, Error> {
    let text = text.trim();
    if text.chars().nth(max).is_some() {
        return Err(Error::invalid(field, Reason::TooLong { max }));
    }
    Ok(text.to_owned())
}

impl Portal {
    /// Applies `review` to a table of resource `rid` (of `dataset`, when given) in service.
    /// Returns the queued version when the table is rebuilt (a type or header row changed).
    pub async fn review_table(
        &self,
        actor: &Actor,
        dataset: Option<&str>,
        rid: &str,
        review: TableReview,
    ) -> Result<Option<ResourceVersion>, Error> {
        let (r, d) = self.editable_resource(actor, dataset, rid).await?;
        let version_id = r
            .current_version_id
            .ok_or_else(|| Error::invalid("table", Reason::NoTable))?;
        let tables = self.catalog().tables_of(version_id).await?;
        let table = tables.get(review.table).ok_or_else(|| {
            Error::invalid("table", Reason::UnknownTable(review.table.to_string()))
        })?;
        let mut columns = table.columns.clone();
        let mut types = Vec::new();
        let mut formats: Vec<(String, String)> = Vec::new();
        for edit in &review.columns {
            let c = columns
                .iter_mut()
                .find(|c| c.name == edit.name)
                .ok_or_else(|| {
                    Error::invalid("columns", Reason::UnknownColumn(edit.name.clone()))
                })?;
            if let Some(l) = &edit.label {
                let l = bounded("label", l, MAX_LABEL)?;
                c.label = if l.is_empty() { c.name.clone() } else { l };
            }
            if let Some(d) = &edit.description {
                c.description = bounded("description", d, MAX_COLUMN_DESCRIPTION)?;
            }
            if let Some(u) = &edit.unit {
                c.unit = bounded("unit", u, MAX_UNIT)?;
            }
            let mut wanted_type = edit.column_type;
            if let Some(f) = &edit.date_format {
                let f = bounded("date_format", f, MAX_DATE_FORMAT)?;
                if !f.is_empty() {
                    if !ceiba_ingest::parse::valid_date_format(&f) {
                        return Err(Error::invalid("date_format", Reason::BadDateFormat(f)));
                    }
                    // A format reads dates: the column becomes a date column (a date-time
                    // one stays so).
                    if !matches!(wanted_type, Some(ColumnType::Date | ColumnType::Datetime)) {
                        wanted_type = Some(match c.column_type {
                            ColumnType::Datetime => ColumnType::Datetime,
                            _ => ColumnType::Date,
                        });
                    }
                }
                formats.push((c.name.clone(), f));
            }
            if let Some(t) = wanted_type.filter(|t| *t != c.column_type) {
                types.push((c.name.clone(), t));
            }
        }
        let described = columns != table.columns;
        if described {
            self.catalog()
                .update_table_columns(version_id, table.position, &columns)
                .await?;
        }
        let version = self
            .catalog()
            .version(version_id)
            .await?
            .ok_or_else(|| Error::invalid("table", Reason::NoTable))?;
        let mut opts: IngestOptions = serde_json::from_value(version.options).unwrap_or_default();
        let header_changed = review
            .header_row
            .is_some_and(|h| opts.header_row != Some(h));
        let table_formats = opts.date_formats.entry(table.name.clone()).or_default();
        let subtotals_changed = review
            .subtotals_out
            .is_some_and(|out| out != opts.subtotals_out);
        if let Some(out) = review.subtotals_out {
            opts.subtotals_out = out;
        }
        let mut formats_changed = false;
        for (column, format) in formats {
            let before = table_formats.get(&column).cloned().unwrap_or_default();
            if before != format {
                formats_changed = true;
                if format.is_empty() {
                    table_formats.remove(&column);
                } else {
                    table_formats.insert(column, format);
                }
            }
        }
        if opts
            .date_formats
            .get(&table.name)
            .is_some_and(|m| m.is_empty())
        {
            opts.date_formats.remove(&table.name);
        }
        let mut entry = on_dataset(
            actor,
            "table_review",
            &d,
            json!({ "name": r.name, "table": table.name, "described": described }),
        );
        entry.object_id = Some(r.id);
        if types.is_empty() && !header_changed && !formats_changed && !subtotals_changed {
            if described {
                self.record(entry).await;
            }
            return Ok(None);
        }
        entry.detail["types"] = json!(types
            .iter()
            .map(|(n, t)| (n.clone(), t.as_str()))
            .collect::<std::collections::BTreeMap<_, _>>());
        entry.detail["header_row"] = json!(review.header_row);
        if subtotals_changed {
            entry.detail["subtotals_out"] = json!(opts.subtotals_out);
        }
        if formats_changed {
            entry.detail["date_formats"] = json!(opts.date_formats.get(&table.name));
        }
        if let Some(h) = review.header_row {
            if h == 0 {
                return Err(Error::invalid("header_row", Reason::Missing));
            }
            opts.header_row = Some(h);
        }
        let forced = opts.column_types.entry(table.name.clone()).or_default();
        for (name, t) in types {
            forced.insert(name, t);
        }
        let (queued, _) = self
            .ingestor()
            .rebuild(&r, &opts)
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        entry.detail["version"] = json!(queued.number);
        self.record(entry).await;
        Ok(Some(queued))
    }
}
