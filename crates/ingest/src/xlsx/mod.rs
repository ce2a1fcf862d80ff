//! Spreadsheets: XLSX and XLSB streamed cell by cell with bounded memory; XLS and ODS read
//! a sheet at a time through calamine's ranges, after `workbook_guard` (XLS) or the ODS
//! guard below estimated what those ranges hold.
//!
//! Positions are sheet row numbers, 1-based: a sheet whose first cell is in row 3 yields two
//! blank rows first, and every row without cells between two rows with cells is yielded
//! as a blank row (no cells), so that `position()` always equals the row number Excel shows.
//! Nothing is yielded after the last row that has a cell. Cells are at their sheet column:
//! `get(0)` is column A even when the data starts in column C.
//!
//! Before any XLSX, XLSB or ODS is opened its ZIP central directory is read and the file is
//! refused (`InflatedTooLarge`) when the declared uncompressed sizes add up to more than
//! `max_inflated_bytes`, or when one large part claims an absurd compression ratio. The
//! `zip` crate stops any part that inflates beyond its declared size, so the declared sizes
//! bound what reading can cost.

use std::fmt::Display;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;

use calamine::{
    CellErrorType, Data, DataRef, ExcelDateTime, Ods, OdsError, Range, Reader, SheetType, Xls,
    XlsError, Xlsb, XlsbError, Xlsx, XlsxError,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::{IngestError, Issue, IssueKind, Limits, MemoryRows, Rows, TableSource, Value};

mod books;
mod cells;
mod detect;
mod rows;

use books::*;
use cells::*;
use detect::*;
use rows::*;

pub(crate) use books::find_sheet;
pub use cells::column_letters;

/// A part larger than this, compressed more than [`MAX_RATIO`] to one, is taken for a zip bomb.
const RATIO_MIN_SIZE: u64 = 10 * 1024 * 1024;
/// Deflate cannot do better than about 1032:1; real sheets stay far below 100:1.
const MAX_RATIO: u64 = 1000;
/// The fewest bytes of sheet XML one cell with a value takes (`<c r="A1"><v>1</v></c>` is 22).
const MIN_CELL_XML: u64 = 16;
/// Rows in the first batch a sheet reader hands over (small, so that header detection
/// starts soon), then in the following ones.
const FIRST_BATCH_ROWS: usize = 64;
const BATCH_ROWS: usize = 4096;
const BATCH_TEXT_BYTES: usize = 4 * 1024 * 1024;
const BATCH_CELLS: usize = 256 * 1024;
/// Rows of an Excel sheet (1,048,576); a cell claiming a later row is damage.
const EXCEL_ROWS: u32 = 1 << 20;
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The kinds of workbook this module reads, decided from the file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookFormat {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl WorkbookFormat {
    pub fn label(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => "XLSX",
            WorkbookFormat::Xlsb => "XLSB",
            WorkbookFormat::Xls => "XLS",
            WorkbookFormat::Ods => "ODS",
        }
    }

    fn is_zip(self) -> bool {
        !matches!(self, WorkbookFormat::Xls)
    }
}

/// The tables of a workbook: one per sheet (in workbook order), or only `sheet` when given
/// (`IssueKind::SheetNotFound { sheet, available }` if absent). Detects XLSX / XLSB / XLS /
/// ODS from the content. Chart sheets and other sheets without cells are tables with no
/// rows.
pub fn workbook_tables(
    path: &Path,
    sheet: Option<&str>,
    limits: Limits,
) -> Result<Vec<Box<dyn TableSource>>, IngestError> {
    let format = workbook_format(path, &limits)?;
    let sheets = list_sheets(path, format, &limits)?;
    let chosen = match sheet {
        None => sheets,
        Some(wanted) => vec![find_sheet(&sheets, wanted)?],
    };
    let file_len = std::fs::metadata(path)?.len();
    Ok(chosen
        .into_iter()
        .map(|(name, worksheet)| {
            Box::new(SheetTable {
                path: path.to_path_buf(),
                name,
                worksheet,
                format,
                limits,
                file_len,
            }) as Box<dyn TableSource>
        })
        .collect())
}

/// Sheet names of a workbook, in workbook order, for the report.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, IngestError> {
    let limits = Limits::default();
    let format = workbook_format(path, &limits)?;
    Ok(list_sheets(path, format, &limits)?
        .into_iter()
        .map(|(name, _)| name)
        .collect())
}

/// Which workbook format the file's content is. ZIP-based workbooks pass the zip-bomb
/// guard first (`InflatedTooLarge`); anything else is `Unreadable`.
pub fn workbook_format(path: &Path, limits: &Limits) -> Result<WorkbookFormat, IngestError> {
    let claimed = claimed_label(path);
    let mut file = File::open(path)?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic)?;
    let magic = &magic[..n];
    if n == 0 {
        return Err(IngestError::rejected(IssueKind::EmptyFile));
    }
    if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
        file.seek(SeekFrom::Start(0))?;
        let format = zip_format(file, claimed, limits)?;
        match format {
            WorkbookFormat::Xlsx => crate::workbook_guard::xlsx_guard(path, limits)?,
            WorkbookFormat::Xlsb => crate::workbook_guard::xlsb_guard(path, limits)?,
            _ => {}
        }
        return Ok(format);
    }
    if magic == CFB_MAGIC {
        crate::workbook_guard::xls_guard(path, limits)?;
        return Ok(WorkbookFormat::Xls);
    }
    let first = magic
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let detail = if first == Some(b'<') {
        "the file is an HTML or XML page saved with a spreadsheet name, not a workbook; \
         open it in a spreadsheet program and save it as .xlsx"
    } else {
        "the file is not a workbook: it is neither a ZIP package (XLSX, ODS) nor an \
         Excel 97-2003 file (perhaps text or CSV renamed?)"
    };
    Err(unreadable(claimed, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn whole_floats_are_integers() {
        assert!(matches!(number_slot(3.0), Slot::Int(3)));
        assert!(matches!(number_slot(-0.0), Slot::Int(0)));
        assert!(matches!(number_slot(2.5), Slot::Float(_)));
        assert!(matches!(number_slot(1e20), Slot::Float(_)));
        assert!(matches!(number_slot(f64::NAN), Slot::Float(_)));
    }

    #[test]
    fn clock() {
        assert_eq!(clock_text(0.5, false).as_deref(), Some("12:00:00"));
        assert_eq!(clock_text(1.5, true).as_deref(), Some("36:00:00"));
        assert_eq!(clock_text(-0.25, true).as_deref(), Some("-06:00:00"));
        assert_eq!(clock_text(1.0, false), None);
    }

    #[test]
    fn datetimes() {
        use calamine::ExcelDateTimeType;
        let mut text = String::new();
        // 2024-03-15 is serial 45366.
        let d = ExcelDateTime::new(45366.0, ExcelDateTimeType::DateTime, false);
        assert!(
            matches!(datetime_slot(&d, &mut text), Slot::Date(x) if x == NaiveDate::from_ymd_opt(2024, 3, 15).unwrap())
        );
        let d = ExcelDateTime::new(45366.75, ExcelDateTimeType::DateTime, false);
        match datetime_slot(&d, &mut text) {
            Slot::DateTime(x) => assert_eq!(x.to_string(), "2024-03-15 18:00:00"),
            other => panic!("{other:?}"),
        }
        let d = ExcelDateTime::new(0.25, ExcelDateTimeType::DateTime, false);
        assert!(matches!(datetime_slot(&d, &mut text), Slot::Text(..)));
        assert!(text.ends_with("06:00:00"));
    }
}
