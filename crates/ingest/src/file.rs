//! A whole file through ingestion: open it, build each table, gather the report.

use std::path::{Path, PathBuf};

use crate::pipeline::{build_table, BuiltTable, Progress};
use crate::report::{FileReport, TableReport};
use crate::source::{open_file, IngestOptions, Opened};
use crate::{IngestError, Issue, IssueKind, Limits};

/// The report and the Parquet files of the tables that were built.
pub struct IngestOutcome {
    pub report: FileReport,
    pub tables: Vec<(BuiltTable, PathBuf)>,
}

/// Ingests the file at `path` (originally called `filename`), writing Parquet files into
/// `work_dir`. Never fails: what went wrong is in the report.
pub fn ingest_file(
    path: &Path,
    filename: &str,
    opts: &IngestOptions,
    limits: Limits,
    work_dir: &Path,
    progress: Progress<'_>,
) -> IngestOutcome {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut report = FileReport {
        file: filename.to_owned(),
        size,
        ..FileReport::default()
    };
    let mut tables = Vec::new();
    let opened = match open_file(path, filename, opts, limits) {
        Ok(Opened::Tables(f)) => f,
        Ok(Opened::NotATable) => return IngestOutcome { report, tables },
        Err(e) => {
            report.format = Some(crate::source::format_name(filename));
            report.errors.push(e.to_issue());
            return IngestOutcome { report, tables };
        }
    };
    report.format = Some(opened.format.clone());
    report.encoding = opened.encoding.clone();
    report.delimiter = opened.delimiter;
    report.warnings = opened.warnings.clone();
    let several = opened.tables.len() > 1;
    let mut notes = Vec::new();
    let mut n = 0;
    for source in &opened.tables {
        // A sheet may hold tables one below another: each becomes a table of its own,
        // named after its title.
        let mut start: Option<(u64, String)> = None;
        let mut stacked = 0;
        loop {
            let parquet = work_dir.join(format!("table-{n}.parquet"));
            n += 1;
            let mut table_opts = opened.table_options(opts, source.name(), limits);
            if let Some((row, _)) = &start {
                table_opts.start_row = Some(*row);
                // A header row the publisher gave is the first table's.
                table_opts.header_row = None;
            }
            // Each table below reads the sheet from its top again: their number is
            // bounded, so that a hostile sheet cannot make the reading quadratic. The last
            // one keeps the rest of the sheet, its repeated headers left out.
            stacked += 1;
            table_opts.last_of_sheet = stacked >= MAX_TABLES_PER_SHEET;
            let built = build_table(source.as_ref(), &table_opts, &parquet, progress);
            let next = built.as_ref().ok().and_then(|b| b.next_table.clone());
            match built {
                // A notes sheet (its name says so and it holds only text) beside data is
                // not a table: held back, and left out if another sheet is one.
                Ok(built)
                    if several && start.is_none() && next.is_none() && is_notes_sheet(&built) =>
                {
                    notes.push((built, parquet));
                }
                Ok(mut built) => {
                    if next.is_some() || start.is_some() {
                        let title = match &start {
                            Some((_, title)) => Some(title.clone()),
                            None => built.title.clone(),
                        };
                        built.name = stacked_name(source.name(), title.as_deref(), n);
                        if report.tables.iter().any(|t| t.name == built.name) {
                            built.name = format!("{} ({n})", built.name);
                        }
                    }
                    report.tables.push(table_report(&built));
                    tables.push((built, parquet));
                }
                // An empty sheet among others is left out, not an error of the file.
                Err(IngestError::Rejected(issue))
                    if several
                        && start.is_none()
                        && matches!(issue.kind, IssueKind::EmptySheet | IssueKind::HeaderOnly) =>
                {
                    let _ = std::fs::remove_file(&parquet);
                    report
                        .warnings
                        .push(Issue::warning(IssueKind::SheetLeftOut {
                            sheet: source.name().to_owned(),
                        }));
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&parquet);
                    report.tables.push(TableReport {
                        name: source.name().to_owned(),
                        errors: vec![e.to_issue()],
                        ..TableReport::default()
                    });
                }
            }
            match next {
                // Tables only go down the sheet, so this ends.
                Some(next) if start.as_ref().is_none_or(|(row, _)| next.0 > *row) => {
                    start = Some(next);
                }
                _ => break,
            }
        }
    }
    if tables.is_empty() {
        // Only notes: they are what the file holds.
        for (built, parquet) in notes {
            report.tables.push(table_report(&built));
            tables.push((built, parquet));
        }
    } else {
        for (built, parquet) in notes {
            let _ = std::fs::remove_file(&parquet);
            report
                .warnings
                .push(Issue::warning(IssueKind::NotesSheetLeftOut {
                    sheet: built.name.clone(),
                }));
        }
    }
    if report.tables.is_empty() && report.errors.is_empty() {
        report.errors.push(Issue::error(IssueKind::EmptyFile));
    }
    IngestOutcome { report, tables }
}

/// Most tables one sheet is split into.
const MAX_TABLES_PER_SHEET: usize = 50;

/// The name of one of several tables stacked in a sheet: the sheet's, then the table's
/// title (or its number in the file).
fn stacked_name(sheet: &str, title: Option<&str>, n: usize) -> String {
    match title.filter(|t| !t.is_empty()) {
        Some(title) => format!("{sheet} · {title}"),
        None => format!("{sheet} ({n})"),
    }
}

/// What the report says of a table that was built.
fn table_report(built: &crate::pipeline::BuiltTable) -> TableReport {
    TableReport {
        name: built.name.clone(),
        header_row: Some(built.header_row),
        rows: built.rows,
        columns: built.columns.clone(),
        sample: built.sample.clone(),
        warnings: built.warnings.clone(),
        errors: Vec::new(),
    }
}

/// Sheet names that say a sheet explains the others instead of holding data.
const NOTES_SHEETS: &[&str] = &[
    "nota",
    "notas",
    "note",
    "notes",
    "metadatos",
    "metadata",
    "fuente",
    "fuentes",
    "sources",
    "indice",
    "index",
    "contenido",
    "contents",
    "leeme",
    "readme",
    "instrucciones",
    "instructions",
    "acerca de",
    "about",
    "glosario",
    "glossary",
];

/// Sheet names that say a sheet describes the data's layout (a record layout with field
/// positions and widths, a data dictionary): not data even when it holds numbers.
const LAYOUT_SHEETS: &[&str] = &[
    "diseno de registro",
    "diseno",
    "diccionario",
    "diccionario de datos",
    "diccionario de variables",
    "descripcion de variables",
    "estructura",
    "layout",
    "record layout",
    "data dictionary",
    "dictionary",
    "codebook",
    "libro de codigos",
];

/// A sheet named like notes whose columns are all text, or named like a record layout or
/// data dictionary.
fn is_notes_sheet(built: &crate::pipeline::BuiltTable) -> bool {
    let name = ceiba_core::text::fold(built.name.trim());
    let named = |list: &[&str]| {
        list.iter()
            .any(|n| name == *n || name.starts_with(&format!("{n} ")))
    };
    named(LAYOUT_SHEETS)
        || named(NOTES_SHEETS)
            && built
                .columns
                .iter()
                .all(|c| c.column_type == ceiba_core::ColumnType::Text)
}
