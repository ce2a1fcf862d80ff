//! One table from a source: find the header, read every row once to decide the types and
//! where the data ends, then read again to write Parquet.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use ceiba_core::{Column, ColumnType};
use serde::{Deserialize, Serialize};

use crate::chunk::Chunk;
use crate::infer::{ColumnInference, ColumnPlan};
use crate::speculation::{chunk_is_full, Layout, Stages};
use crate::table::TableWriter;
use crate::{
    header, IngestError, Issue, IssueKind, Limits, OwnedValue, Rows, Severity, TableSource,
};

/// Rows read ahead to find the header.
const PREFIX_ROWS: usize = 200;
/// Sparse rows held back while it is unknown whether they are notes below the table.
const MAX_SUSPECTS: usize = 1_000;
const PROGRESS_EVERY: u64 = 65_536;

/// How to read one table; the publisher may force any of it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TableOptions {
    /// 1-based row of the header in the source, instead of detecting it.
    pub header_row: Option<u64>,
    /// Types forced by column name; a name the table lacks is an error.
    #[serde(default)]
    pub column_types: BTreeMap<String, ColumnType>,
    /// Types forced for whichever tables of the file have the column.
    #[serde(default)]
    pub any_table_types: BTreeMap<String, ColumnType>,
    /// Date formats given for columns (`%d-%b-%y`), by column name.
    #[serde(default)]
    pub date_formats: BTreeMap<String, String>,
    /// The file's style suggests decimal commas (e.g. a `;`-separated CSV).
    #[serde(default)]
    pub comma_hint: bool,
    /// Rows of a text file all have every column, so a short row is worth reporting.
    #[serde(default)]
    pub text_source: bool,
    #[serde(default)]
    pub limits: Limits,
    /// 1-based row where this table starts: the sheet holds tables one below another and
    /// the ones above were read already.
    #[serde(default)]
    pub start_row: Option<u64>,
    /// Subtotal rows are left out instead of kept.
    #[serde(default)]
    pub subtotals_out: bool,
    /// No further table is split off this one: the sheet gave as many as it may.
    #[serde(default)]
    pub last_of_sheet: bool,
}

/// A table that was built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuiltTable {
    pub name: String,
    /// 1-based row of the header in the source.
    pub header_row: u64,
    pub rows: u64,
    pub columns: Vec<Column>,
    pub plans: Vec<ColumnPlan>,
    pub sample: Vec<Vec<serde_json::Value>>,
    pub warnings: Vec<Issue>,
    /// The title right above the header (a row of one cell), if any.
    #[serde(default)]
    pub title: Option<String>,
    /// Another table below this one in the same sheet: its header row and its title.
    #[serde(default)]
    pub next_table: Option<(u64, String)>,
}

/// Progress of a build, for jobs: rows and bytes of the source read so far, and which pass.
pub type Progress<'a> = &'a (dyn Fn(u8, u64, u64) + Sync);

fn is_blank_row(rows: &dyn Rows) -> bool {
    (0..rows.len()).all(|i| rows.get(i).is_blank())
}

/// How many cells of the row are filled, and the first filled one.
fn survey<'a>(rows: &'a dyn Rows, ranges: &mut Vec<(u32, u32)>) -> (usize, crate::Value<'a>) {
    let mut filled = 0;
    let mut first = crate::Value::Empty;
    ranges.clear();
    if let Some(text) = rows.text_cells(ranges) {
        // A text file's record: its cells are looked at without going through `get`.
        for &(a, b) in ranges.iter() {
            let v = text
                .get(a as usize..b as usize)
                .map_or(crate::Value::Empty, crate::Value::Text);
            if !v.is_blank() {
                if filled == 0 {
                    first = v;
                }
                filled += 1;
            }
        }
        return (filled, first);
    }
    for i in 0..rows.len() {
        let v = rows.get(i);
        if !v.is_blank() {
            if filled == 0 {
                first = v;
            }
            filled += 1;
        }
    }
    (filled, first)
}

/// Subtotal rows listed in the report (all are counted).
const MAX_SUBTOTALS_SHOWN: usize = 5;
/// Rows in capitals remembered to be left out as subtotals (bounds the memory).
const MAX_CAPITAL_ROWS: usize = 100_000;

/// Whether a cell after the row's first filled one holds a number.
fn has_number(rows: &dyn Rows) -> bool {
    let mut seen_first = false;
    for i in 0..rows.len() {
        let v = rows.get(i);
        if v.is_blank() {
            continue;
        }
        if !seen_first {
            seen_first = true;
            continue;
        }
        match v {
            crate::Value::Int(_) | crate::Value::Float(_) => return true,
            crate::Value::Text(t)
                if crate::parse::number_shape(crate::parse::trim(t)).is_some() =>
            {
                return true
            }
            _ => {}
        }
    }
    false
}

/// A row whose first filled cell says it sums part of the rows above ("Subtotal",
/// "Sub-total Región I").
fn subtotal_label(first: crate::Value<'_>) -> Option<String> {
    let crate::Value::Text(t) = first else {
        return None;
    };
    let t = t.trim().trim_end_matches(':').trim();
    // The words are ASCII: compared without lowercasing the whole cell (every row's).
    ["subtotal", "sub-total", "sub total"]
        .iter()
        .any(|w| {
            t.as_bytes()
                .get(..w.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(w.as_bytes()))
        })
        .then(|| t.chars().take(60).collect())
}

enum Case {
    Capitals,
    Mixed,
}

/// Whether a label is written in capitals (two or more letters, none small) or not.
fn letter_case(v: crate::Value<'_>) -> Option<Case> {
    let crate::Value::Text(t) = v else {
        return None;
    };
    let mut capitals = 0;
    for c in t.chars() {
        if c.is_lowercase() {
            return Some(Case::Mixed);
        }
        if c.is_uppercase() {
            capitals += 1;
        }
    }
    (capitals >= 2).then_some(Case::Capitals)
}

/// A row whose first filled cell says it sums the others ("TOTAL", "Total general").
fn total_label(first: crate::Value<'_>) -> Option<String> {
    let crate::Value::Text(t) = first else {
        return None;
    };
    // Cheap refusal of the usual first cell (a code, a name).
    let starts = t.trim_start().as_bytes().first();
    if !starts.is_some_and(|b| matches!(b, b'T' | b't' | b'S' | b's' | b'G' | b'g')) {
        return None;
    }
    let t = t.trim().trim_end_matches(':').trim();
    let lower = t.to_lowercase();
    let is_total = matches!(
        lower.as_str(),
        "total"
            | "totales"
            | "total general"
            | "gran total"
            | "suma"
            | "sumas"
            | "total nacional"
            | "total república"
            | "total republica"
            | "total país"
            | "total pais"
    ) || lower.starts_with("total ") && lower.split_whitespace().count() <= 3;
    is_total.then(|| t.to_owned())
}

/// Column names from the header cells: trimmed, spaces collapsed, blanks and repeats
/// renamed (and reported).
fn column_names(
    header: &[OwnedValue],
    header_row: u64,
    warnings: &mut Vec<Issue>,
) -> Vec<(String, String)> {
    let width = header
        .iter()
        .rposition(|v| !v.as_value().is_blank())
        .map_or(0, |i| i + 1);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(width);
    for (i, cell) in header.iter().take(width).enumerate() {
        let label = cell.to_string();
        let base: String = label.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = if base == crate::table::ROW_ID {
            format!("{base}_original")
        } else {
            base
        };
        let mut name = if base.is_empty() {
            let new_name = format!("columna_{}", i + 1);
            warnings.push(
                Issue::warning(IssueKind::BlankColumnName {
                    new_name: new_name.clone(),
                })
                .at_row(header_row)
                .at_column(i + 1, ""),
            );
            new_name
        } else {
            base.chars().take(200).collect()
        };
        if !seen.insert(name.to_lowercase()) {
            let mut n = 2;
            let original = name.clone();
            while !seen.insert(format!("{original}_{n}").to_lowercase()) {
                n += 1;
            }
            name = format!("{original}_{n}");
            warnings.push(
                Issue::warning(IssueKind::DuplicateColumnName {
                    name: original.clone(),
                    new_name: name.clone(),
                })
                .at_row(header_row)
                .at_column(i + 1, original),
            );
        }
        out.push((name, label.trim().to_owned()));
    }
    out
}

fn owned_row(rows: &dyn Rows) -> Vec<OwnedValue> {
    (0..rows.len())
        .map(|i| rows.get(i).to_owned_value())
        .collect()
}

/// Builds one table into `parquet_path`.
pub fn build_table(
    source: &dyn TableSource,
    opts: &TableOptions,
    parquet_path: &Path,
    progress: Progress<'_>,
) -> Result<BuiltTable, IngestError> {
    let limits = opts.limits;
    let mut warnings = Vec::new();

    // --- Pass 1: header, types, extent.
    let mut rows = source.open()?;
    let mut prefix: Vec<(u64, Vec<OwnedValue>)> = Vec::new();
    let start_row = opts.start_row.unwrap_or(0);
    while prefix.len() < PREFIX_ROWS && rows.advance()? {
        if rows.position() >= start_row {
            prefix.push((rows.position(), owned_row(rows.as_ref())));
        }
    }
    let header_index = if let Some(wanted) = opts.header_row {
        prefix
            .iter()
            .position(|(pos, _)| *pos == wanted)
            .ok_or_else(|| {
                IngestError::rejected(IssueKind::BadOption {
                    option: "header_row".into(),
                    value: wanted.to_string(),
                })
            })?
    } else if source.fixed_header() {
        if prefix.is_empty() {
            return Err(IngestError::rejected(IssueKind::EmptySheet));
        }
        0
    } else {
        let cells: Vec<Vec<OwnedValue>> = prefix.iter().map(|(_, r)| r.clone()).collect();
        header::find_header(&cells).ok_or_else(|| IngestError::rejected(IssueKind::EmptySheet))?
    };
    let header_row = prefix[header_index].0;
    let header_raw = prefix[header_index].1.clone();
    let header_first = header_raw
        .iter()
        .map(OwnedValue::as_value)
        .find(|v| !v.is_blank())
        .unwrap_or(crate::Value::Empty);
    let title = prefix[..header_index]
        .iter()
        .rev()
        .find(|(_, r)| filled_cells(r) > 0)
        .filter(|(_, r)| filled_cells(r) == 1)
        .and_then(|(_, r)| r.iter().find(|c| !c.as_value().is_blank()))
        .map(|c| c.to_string().trim().chars().take(100).collect::<String>());
    if prefix[..header_index]
        .iter()
        .any(|(_, r)| r.iter().any(|v| !v.as_value().is_blank()))
    {
        warnings.push(
            Issue::warning(IssueKind::TitleRows {
                count: header_index as u64,
            })
            .at_row(header_row),
        );
    }
    // Rows above the header that group its columns are joined into its names (only when
    // the header was found here: a header row the publisher gave is taken as it is).
    let header_cells = if opts.header_row.is_none() && !source.fixed_header() {
        let cells: Vec<Vec<OwnedValue>> = prefix.iter().map(|(_, r)| r.clone()).collect();
        let groups = header::group_rows(&cells, header_index);
        let combined = header::combined_header(&cells, header_index);
        // Which rows made the header, and how their names were joined, is said.
        let example = combined
            .iter()
            .map(ToString::to_string)
            .find(|n| n.contains(" · "));
        if let (false, Some(example)) = (groups.is_empty(), example) {
            warnings.push(
                Issue::warning(IssueKind::HeaderRows {
                    first: prefix[groups.start].0,
                    last: header_row,
                    example: example.chars().take(120).collect(),
                })
                .at_row(header_row),
            );
        }
        combined
    } else {
        prefix[header_index].1.clone()
    };
    let names = column_names(&header_cells, header_row, &mut warnings);
    let width = names.len();
    if width > limits.max_columns {
        return Err(IngestError::Rejected(
            Issue::error(IssueKind::TooManyColumns {
                count: width,
                limit: limits.max_columns,
            })
            .at_row(header_row),
        ));
    }
    let columns: Vec<ColumnInference> = names
        .iter()
        .enumerate()
        .map(|(i, (name, label))| {
            ColumnInference::new(i + 1, name.clone(), label.clone())
                .with_date_format(opts.date_formats.get(name).cloned())
                .settling_within(limits.max_rows, opts.column_types.contains_key(name))
        })
        .collect();
    if let Some((column, format)) = opts
        .date_formats
        .iter()
        .find(|(_, f)| !crate::parse::valid_date_format(f))
    {
        return Err(IngestError::rejected(IssueKind::BadOption {
            option: format!("date format of {column}"),
            value: format.clone(),
        }));
    }

    if let Some(unknown) = opts
        .column_types
        .keys()
        .find(|k| !names.iter().any(|(n, _)| n == *k))
    {
        return Err(IngestError::rejected(IssueKind::BadOption {
            option: "column_types".into(),
            value: unknown.clone(),
        }));
    }

    let mut data_rows: u64 = 0;
    let mut data_end = header_row;
    let mut suspects: Vec<(u64, Vec<OwnedValue>)> = Vec::new();
    let mut totals: Vec<(u64, String)> = Vec::new();
    let mut subtotals: Vec<(u64, String)> = Vec::new();
    let mut subtotal_count = 0u64;
    let mut capitals: Vec<(u64, String)> = Vec::new();
    let mut capital_rows: Vec<u64> = Vec::new();
    let (mut capital_count, mut mixed_count) = (0u64, 0u64);
    let (mut too_long, mut too_short) = ((0u64, 0u64), (0u64, 0u64));
    let mut repeated: Vec<u64> = Vec::new();
    let mut blank_since_data = false;
    let mut next_table: Option<(u64, String)> = None;
    let pending = prefix.drain(header_index + 1..).collect::<Vec<_>>();
    let lay_out_columns = |columns: &[ColumnInference]| lay_out(columns, &names, opts);

    // This thread reads and sorts the rows; data rows go on in chunks to a thread that
    // decides the types and one that writes the table meanwhile.
    let (columns, speculation) = std::thread::scope(|scope| {
        let stages = Stages::start(scope, columns, &lay_out_columns, parquet_path)?;
        let mut chunk = Chunk::default();
        let mut first_chunk = true;
        // Hands the chunk on when full (or at the end); `false` once a stage stopped.
        let mut hand_on = |chunk: &mut Chunk, end: bool| {
            if chunk.rows() == 0 || !end && !chunk_is_full(chunk, first_chunk) {
                return true;
            }
            first_chunk = false;
            stages.send(std::mem::take(chunk))
        };
        let mut pending = pending.into_iter();
        let mut memory = crate::MemoryRows::new(Vec::new());
        let mut ranges = Vec::new();
        let read: Result<(), IngestError> = (|| {
            loop {
                // The rows already read ahead come first, then the stream.
                let (pos, current): (u64, &dyn Rows) = if let Some((pos, row)) = pending.next() {
                    memory = crate::MemoryRows::new(vec![row]);
                    memory.advance()?;
                    (pos, &memory)
                } else if rows.advance()? {
                    (rows.position(), rows.as_ref())
                } else {
                    break;
                };
                let (filled, first) = survey(current, &mut ranges);
                if filled == 0 {
                    blank_since_data |= data_rows > 0;
                    continue;
                }
                // The header again: after blank or title rows, the next table of the sheet
                // starts here; right after data (a report's page break), it is left out.
                if filled >= 2
                    && same_cell(first, header_first)
                    && repeats_header(current, &header_raw)
                {
                    let next_starts = blank_since_data || !suspects.is_empty();
                    if data_rows > 0 && next_starts && !opts.last_of_sheet {
                        let title = suspects
                            .pop()
                            .and_then(|(_, r)| r.into_iter().find(|c| !c.as_value().is_blank()))
                            .map(|c| c.to_string().trim().chars().take(100).collect())
                            .unwrap_or_default();
                        next_table = Some((pos, title));
                        break;
                    }
                    // Title rows held just above a header not split off go with it.
                    repeated.extend(suspects.drain(..).map(|(p, _)| p));
                    repeated.push(pos);
                    continue;
                }
                // A total has numbers: "Total Hombres" in a glossary, with only words, is data.
                if let Some(label) = total_label(first).filter(|_| has_number(current)) {
                    totals.push((pos, label));
                    continue;
                }
                // Subtotals inside the data are kept (or left out when asked), and said.
                if let Some(label) = subtotal_label(first).filter(|_| has_number(current)) {
                    if subtotals.len() < MAX_SUBTOTALS_SHOWN {
                        subtotals.push((pos, label));
                    }
                    subtotal_count += 1;
                    if opts.subtotals_out {
                        continue;
                    }
                } else if filled >= 2 {
                    // Rows named in capitals among names in small letters ("NIVEL
                    // DEPARTAMENTAL" among municipalities) group the rows below them.
                    match letter_case(first) {
                        Some(Case::Capitals) if has_number(current) => {
                            // Known to be subtotals only at the end: their rows are kept
                            // to be left out then (as many as the bound allows).
                            if opts.subtotals_out && capital_rows.len() < MAX_CAPITAL_ROWS {
                                capital_rows.push(pos);
                            }
                            if capitals.len() < MAX_SUBTOTALS_SHOWN {
                                capitals
                                    .push((pos, first.display().trim().chars().take(60).collect()));
                            }
                            capital_count += 1;
                        }
                        Some(Case::Mixed) => mixed_count += 1,
                        _ => {}
                    }
                }
                if width >= 3 && filled <= 1 {
                    suspects.push((pos, owned_row(current)));
                    if suspects.len() >= MAX_SUSPECTS {
                        for (p, r) in suspects.drain(..) {
                            chunk.push_owned(p, &r, width);
                            data_rows += 1;
                            data_end = p;
                        }
                    }
                    continue;
                }
                for (p, r) in suspects.drain(..) {
                    chunk.push_owned(p, &r, width);
                    data_rows += 1;
                }
                if current.len() > width
                    && (width..current.len()).any(|i| !current.get(i).is_blank())
                {
                    too_long.0 += 1;
                    if too_long.1 == 0 {
                        too_long.1 = pos;
                    }
                } else if opts.text_source && current.len() < width {
                    too_short.0 += 1;
                    if too_short.1 == 0 {
                        too_short.1 = pos;
                    }
                }
                chunk.push(pos, current, width);
                data_rows += 1;
                data_end = pos;
                blank_since_data = false;
                if data_rows > limits.max_rows {
                    return Err(IngestError::Rejected(
                        Issue::error(IssueKind::TooManyRows {
                            limit: limits.max_rows,
                        })
                        .at_row(pos),
                    ));
                }
                if data_rows.is_multiple_of(PROGRESS_EVERY) {
                    progress(1, data_rows, rows.bytes_read());
                }
                if !hand_on(&mut chunk, false) {
                    break;
                }
            }
            hand_on(&mut chunk, true);
            Ok(())
        })();
        let finished = stages.finish();
        read?;
        finished
    })?;
    warnings.extend(rows.take_issues());
    drop(rows);

    if !suspects.is_empty() {
        warnings.push(
            Issue::warning(IssueKind::NotesBelow {
                count: suspects.len() as u64,
            })
            .at_row(suspects[0].0),
        );
    }
    // Capitals are subtotals only where most names are not in capitals.
    let capitals_are_subtotals = capital_count > 0 && mixed_count >= 2 * capital_count;
    if !capitals_are_subtotals {
        capital_rows.clear();
    }
    data_rows -= capital_rows.len() as u64;
    if capitals_are_subtotals {
        subtotal_count += capital_count;
        subtotals.extend(capitals);
        subtotals.sort_by_key(|(p, _)| *p);
        subtotals.truncate(MAX_SUBTOTALS_SHOWN);
    }
    if let Some((pos, _)) = subtotals.first() {
        warnings.push(
            Issue::warning(IssueKind::SubtotalRows {
                count: subtotal_count,
                examples: subtotals.iter().map(|(p, l)| (*p, l.clone())).collect(),
                left_out: opts.subtotals_out,
            })
            .at_row(*pos),
        );
    }
    for (pos, label) in &totals {
        warnings.push(
            Issue::warning(IssueKind::TotalRow {
                value: label.clone(),
            })
            .at_row(*pos),
        );
    }
    if let Some(&first) = repeated.first() {
        warnings.push(
            Issue::warning(IssueKind::RepeatedHeaders {
                count: repeated.len() as u64,
            })
            .at_row(first),
        );
    }
    if let Some((pos, title)) = &next_table {
        warnings.push(
            Issue::warning(IssueKind::NextTableBelow {
                title: title.clone(),
            })
            .at_row(*pos),
        );
    }
    if too_long.0 > 0 {
        warnings
            .push(Issue::warning(IssueKind::RowsTooLong { count: too_long.0 }).at_row(too_long.1));
    }
    if too_short.0 > 0 {
        warnings.push(
            Issue::warning(IssueKind::RowsTooShort { count: too_short.0 }).at_row(too_short.1),
        );
    }
    if data_rows == 0 {
        return Err(IngestError::Rejected(
            Issue::error(IssueKind::HeaderOnly).at_row(header_row),
        ));
    }

    let layout = lay_out(&columns, &names, opts)?;
    // Columns without a name and without a value from top to bottom (the gaps merged
    // cells leave) are left out, and said.
    if !layout.dropped.is_empty() {
        warnings.retain(|w| {
            !matches!(w.kind, IssueKind::BlankColumnName { .. })
                || !w
                    .column
                    .as_ref()
                    .is_some_and(|(n, _)| layout.dropped.contains(&(n - 1)))
        });
        warnings.push(
            Issue::warning(IssueKind::EmptyColumnsLeftOut {
                count: layout.dropped.len() as u64,
            })
            .at_row(header_row),
        );
    }
    warnings.extend(layout.issues.iter().cloned());

    // Subtotals found only at the end were written: the table is read again without them.
    let written = if capital_rows.is_empty() {
        speculation.finish(&layout, parquet_path)
    } else {
        drop(speculation);
        None
    };
    let finished = match written {
        Some(done) => done?,
        None => second_reading(
            source,
            &layout,
            parquet_path,
            &Skip {
                header_row,
                data_end,
                rows: totals
                    .iter()
                    .map(|(p, _)| *p)
                    .chain(repeated.iter().copied())
                    .chain(capital_rows.iter().copied())
                    .collect(),
                subtotals: opts.subtotals_out,
            },
            progress,
        )?,
    };
    let (columns, count, sample) = finished;
    if count != data_rows {
        return Err(IngestError::Internal(format!(
            "the table has {count} rows, the first reading found {data_rows}"
        )));
    }
    Ok(BuiltTable {
        name: source.name().to_owned(),
        header_row,
        rows: count,
        columns,
        plans: layout.plans,
        sample,
        warnings,
        title,
        next_table,
    })
}

/// How many cells of a held row are filled.
fn filled_cells(row: &[OwnedValue]) -> usize {
    row.iter().filter(|c| !c.as_value().is_blank()).count()
}

/// Whether two cells read the same (text compared without its outer spaces).
fn same_cell(a: crate::Value<'_>, b: crate::Value<'_>) -> bool {
    match (a, b) {
        (crate::Value::Text(x), crate::Value::Text(y)) => x.trim() == y.trim(),
        _ if a.is_blank() || b.is_blank() => a.is_blank() && b.is_blank(),
        _ => a.display().trim() == b.display().trim(),
    }
}

/// Whether the current row repeats the header cell for cell.
fn repeats_header(rows: &dyn Rows, header: &[OwnedValue]) -> bool {
    (0..rows.len().max(header.len())).all(|i| {
        same_cell(
            rows.get(i),
            header
                .get(i)
                .map_or(crate::Value::Empty, OwnedValue::as_value),
        )
    })
}

/// Each column's plan from what the reading found: columns without a name and without a
/// value from top to bottom are left out; a forced type no value fits is refused.
fn lay_out(
    columns: &[ColumnInference],
    names: &[(String, String)],
    opts: &TableOptions,
) -> Result<Layout, IngestError> {
    let dropped: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(i, c)| c.is_empty() && names[*i].1.trim().is_empty())
        .map(|(i, _)| i)
        .collect();
    let (keep, dropped): (Vec<usize>, Vec<usize>) = if dropped.len() < columns.len() {
        (
            (0..columns.len())
                .filter(|i| !dropped.contains(i))
                .collect(),
            dropped,
        )
    } else {
        ((0..columns.len()).collect(), Vec::new())
    };
    let mut plans = Vec::with_capacity(keep.len());
    let mut issues = Vec::new();
    for col in keep.iter().map(|&i| &columns[i]) {
        let forced = opts
            .column_types
            .get(&col.name)
            .or_else(|| opts.any_table_types.get(&col.name))
            .copied();
        let (plan, issue) = col.decide(forced, opts.comma_hint);
        if let Some(refused) = issue.as_ref().filter(|i| i.severity == Severity::Error) {
            return Err(IngestError::Rejected(refused.clone()));
        }
        issues.extend(issue);
        plans.push(plan);
    }
    Ok(Layout {
        plans,
        keep,
        issues,
        dropped,
    })
}

/// Which rows of the source the first reading did not keep.
struct Skip {
    header_row: u64,
    data_end: u64,
    /// Totals, repeated headers, subtotals found at the end.
    rows: HashSet<u64>,
    /// Subtotal rows (by their name) are left out.
    subtotals: bool,
}

/// Reads the source again and writes the rows the first reading kept, under `layout`.
fn second_reading(
    source: &dyn TableSource,
    layout: &Layout,
    parquet_path: &Path,
    skip: &Skip,
    progress: Progress<'_>,
) -> Result<crate::table::Finished, IngestError> {
    let (header_row, data_end) = (skip.header_row, skip.data_end);
    let mut writer = TableWriter::create_reading(parquet_path, &layout.plans, layout.keep.clone())?;
    let mut rows = source.open()?;
    let mut written = 0u64;
    while rows.advance()? {
        let pos = rows.position();
        if pos <= header_row {
            continue;
        }
        if pos > data_end {
            break;
        }
        if skip.rows.contains(&pos) || is_blank_row(rows.as_ref()) {
            continue;
        }
        if skip.subtotals
            && subtotal_label(survey(rows.as_ref(), &mut Vec::new()).1).is_some()
            && has_number(rows.as_ref())
        {
            continue;
        }
        writer.push(rows.as_ref())?;
        written += 1;
        if written.is_multiple_of(PROGRESS_EVERY) {
            progress(2, written, rows.bytes_read());
        }
    }
    writer.finish()
}
