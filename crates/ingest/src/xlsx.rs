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
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
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

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The format the file's name claims, for messages about a file that is none.
fn claimed_label(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xls") => "XLS",
        Some("xlsb") => "XLSB",
        Some("ods") => "ODS",
        _ => "XLSX",
    }
}

fn unreadable(format: &str, detail: impl Into<String>) -> IngestError {
    IngestError::rejected(IssueKind::Unreadable {
        format: format.into(),
        detail: detail.into(),
    })
}

/// Reads the ZIP central directory only: applies the zip-bomb guard and tells which
/// workbook the package holds.
fn zip_format(file: File, claimed: &str, limits: &Limits) -> Result<WorkbookFormat, IngestError> {
    let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        unreadable(
            claimed,
            format!("the ZIP package is damaged or incomplete (an interrupted download?): {e}"),
        )
    })?;
    let mut total: u64 = 0;
    let (mut xlsx, mut xlsb, mut ods, mut word) = (false, false, false, false);
    let mut any_xl = false;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| unreadable(claimed, format!("the ZIP package is damaged: {e}")))?;
        let size = entry.size();
        let packed = entry.compressed_size();
        total = total.saturating_add(size);
        if total > limits.max_inflated_bytes {
            return Err(IngestError::rejected(IssueKind::InflatedTooLarge {
                limit: limits.max_inflated_bytes,
            }));
        }
        if size > RATIO_MIN_SIZE && size / packed.max(1) > MAX_RATIO {
            return Err(IngestError::rejected(IssueKind::InflatedTooLarge {
                limit: packed.saturating_mul(MAX_RATIO).max(RATIO_MIN_SIZE),
            }));
        }
        let name = String::from_utf8_lossy(entry.name_raw())
            .replace('\\', "/")
            .to_ascii_lowercase();
        let name = name.trim_start_matches('/');
        match name {
            "xl/workbook.xml" => xlsx = true,
            "xl/workbook.bin" => xlsb = true,
            "content.xml" => ods = true,
            "word/document.xml" => word = true,
            _ => any_xl |= name.starts_with("xl/"),
        }
    }
    if xlsx {
        Ok(WorkbookFormat::Xlsx)
    } else if xlsb {
        Ok(WorkbookFormat::Xlsb)
    } else if ods {
        Ok(WorkbookFormat::Ods)
    } else if any_xl {
        Ok(WorkbookFormat::Xlsx)
    } else if word {
        Err(unreadable(
            claimed,
            "the file is a Word document, not a spreadsheet",
        ))
    } else {
        Err(unreadable(
            claimed,
            "the file is a ZIP archive that holds no spreadsheet",
        ))
    }
}

/// Longest tag looked at in an ODS `content.xml`; longer ones are skipped.
const ODS_TAG_LIMIT: usize = 64 * 1024;

/// ODS compresses repetition twice: a row can say it repeats a million times and a cell
/// that it repeats 16,384 times, which calamine spreads out in memory. Before calamine
/// reads `content.xml`, this scans its tags and refuses a file whose sheets would spread
/// out beyond `max_memory_bytes` (`MemoryTooLarge`).
fn ods_guard(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let damaged = |e: &dyn Display| unreadable("ODS", format!("the ODS package is damaged: {e}"));
    let mut archive =
        zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(|e| damaged(&e))?;
    let Ok(entry) = archive.by_name("content.xml") else {
        // calamine says what is missing.
        return Ok(());
    };
    let limit = limits.max_memory_bytes;
    let cell_bytes = std::mem::size_of::<Data>() as u64;
    let mut reader = BufReader::with_capacity(1 << 16, entry);
    let mut spread = OdsSpread::default();
    let mut tag = Vec::new();
    loop {
        // Up to the next '<'.
        let found = {
            let buf = reader.fill_buf().map_err(|e| damaged(&e))?;
            if buf.is_empty() {
                break;
            }
            let at = buf.iter().position(|&b| b == b'<');
            let n = at.map_or(buf.len(), |i| i + 1);
            reader.consume(n);
            at.is_some()
        };
        if !found {
            continue;
        }
        // The tag, up to its '>'.
        tag.clear();
        loop {
            let buf = reader.fill_buf().map_err(|e| damaged(&e))?;
            if buf.is_empty() {
                break;
            }
            let at = buf.iter().position(|&b| b == b'>');
            let n = at.unwrap_or(buf.len());
            let room = ODS_TAG_LIMIT.saturating_sub(tag.len());
            tag.extend_from_slice(&buf[..n.min(room)]);
            reader.consume(n + usize::from(at.is_some()));
            if at.is_some() {
                break;
            }
        }
        spread.tag(&tag);
        let needed = spread.cells().saturating_mul(cell_bytes);
        if needed > limit {
            return Err(IngestError::rejected(IssueKind::MemoryTooLarge {
                part: "content.xml".into(),
                needed,
                limit,
            }));
        }
    }
    Ok(())
}

/// How many cells the sheets of an ODS spread out to, as calamine lays them out: from the
/// first to the last row with a value, as wide as the widest such row.
#[derive(Default)]
struct OdsSpread {
    /// Cells of the sheets already closed.
    done: u64,
    rows: u64,
    first: Option<u64>,
    last_end: u64,
    width: u64,
    row_repeat: u64,
    col: u64,
    row_width: u64,
}

impl OdsSpread {
    fn cells(&self) -> u64 {
        let current = match self.first {
            Some(first) => self
                .last_end
                .saturating_sub(first)
                .saturating_mul(self.width),
            None => 0,
        };
        self.done.saturating_add(current)
    }

    fn tag(&mut self, tag: &[u8]) {
        // The name ends at a space or at the '/' of a tag that closes itself; a closing
        // tag starts with its '/'.
        let name_end = tag
            .iter()
            .skip(1)
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .map_or(tag.len(), |i| i + 1);
        let name = &tag[..name_end];
        let closed = tag.last() == Some(&b'/');
        match name {
            b"table:table" => {
                self.done = self.cells();
                self.rows = 0;
                self.first = None;
                self.last_end = 0;
                self.width = 0;
            }
            b"table:table-row" => {
                self.row_repeat = attr_number(tag, b"table:number-rows-repeated=")
                    .unwrap_or(1)
                    .min(1_048_576);
                self.col = 0;
                self.row_width = 0;
                if closed {
                    self.end_row();
                }
            }
            b"/table:table-row" => self.end_row(),
            b"table:table-cell" | b"table:covered-table-cell" => {
                let repeat = attr_number(tag, b"table:number-columns-repeated=")
                    .unwrap_or(1)
                    .min(16_384);
                self.col = self.col.saturating_add(repeat);
                if find(tag, b"value-type=").is_some() {
                    self.row_width = self.col;
                }
            }
            _ => {}
        }
    }

    fn end_row(&mut self) {
        if self.row_width > 0 {
            self.first.get_or_insert(self.rows);
            self.last_end = self.rows.saturating_add(self.row_repeat);
            self.width = self.width.max(self.row_width);
        }
        self.rows = self.rows.saturating_add(self.row_repeat);
        self.row_width = 0;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The number in `name="123"` within a tag.
fn attr_number(tag: &[u8], name: &[u8]) -> Option<u64> {
    let at = find(tag, name)? + name.len();
    let rest = tag.get(at + 1..)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// Runs calamine code, turning a panic on a hostile file into `Unreadable`.
fn guarded<T>(label: &str, f: impl FnOnce() -> Result<T, IngestError>) -> Result<T, IngestError> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(unreadable(
            label,
            "the spreadsheet reader failed on this file; it may be damaged",
        )),
    }
}

fn open_error(label: &str, e: &dyn Display, password: bool) -> IngestError {
    if password {
        unreadable(
            label,
            "the workbook is protected with a password; remove the password and upload it again",
        )
    } else {
        unreadable(
            label,
            format!("the workbook is damaged or is not really a {label} file: {e}"),
        )
    }
}

type Src = BufReader<File>;

/// Any workbook calamine opens, for listing sheets and reading whole ranges.
enum AnyBook {
    Xlsx(Xlsx<Src>),
    Xlsb(Xlsb<Src>),
    Xls(Xls<Src>),
    Ods(Ods<Src>),
}

impl AnyBook {
    fn open(path: &Path, format: WorkbookFormat, limits: &Limits) -> Result<AnyBook, IngestError> {
        let label = format.label();
        if format == WorkbookFormat::Ods {
            ods_guard(path, limits)?;
        }
        let src = BufReader::with_capacity(1 << 16, File::open(path)?);
        Ok(match format {
            WorkbookFormat::Xlsx => AnyBook::Xlsx(
                Xlsx::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, XlsxError::Password)))?,
            ),
            WorkbookFormat::Xlsb => AnyBook::Xlsb(
                Xlsb::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, XlsbError::Password)))?,
            ),
            WorkbookFormat::Ods => AnyBook::Ods(
                Ods::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, OdsError::Password)))?,
            ),
            WorkbookFormat::Xls => match Xls::new(src) {
                Ok(book) => AnyBook::Xls(book),
                Err(e) => {
                    // An encrypted XLSX is an OLE file too; calamine's XLSX reader says so.
                    let src = BufReader::new(File::open(path)?);
                    let encrypted = matches!(Xlsx::new(src), Err(XlsxError::Password));
                    return Err(open_error(
                        label,
                        &e,
                        encrypted || matches!(e, XlsError::Password),
                    ));
                }
            },
        })
    }

    /// (name, holds cells) of every sheet, in workbook order.
    fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            AnyBook::Xlsx(b) => b.sheets_metadata(),
            AnyBook::Xlsb(b) => b.sheets_metadata(),
            AnyBook::Xls(b) => b.sheets_metadata(),
            AnyBook::Ods(b) => b.sheets_metadata(),
        };
        meta.iter()
            .map(|s| (s.name.clone(), s.typ == SheetType::WorkSheet))
            .collect()
    }

    fn range(&mut self, name: &str, label: &str) -> Result<Range<Data>, IngestError> {
        let detail = |e: &dyn Display| format!("the sheet «{name}» could not be read: {e}");
        match self {
            AnyBook::Xlsx(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Xlsb(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Xls(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Ods(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
        }
    }
}

fn list_sheets(
    path: &Path,
    format: WorkbookFormat,
    limits: &Limits,
) -> Result<Vec<(String, bool)>, IngestError> {
    guarded(format.label(), || {
        Ok(AnyBook::open(path, format, limits)?.sheets())
    })
}

fn find_sheet(sheets: &[(String, bool)], wanted: &str) -> Result<(String, bool), IngestError> {
    if let Some(s) = sheets.iter().find(|(name, _)| name == wanted) {
        return Ok(s.clone());
    }
    // A sheet named with other capitals or stray spaces, when only one matches.
    let key = wanted.trim().to_lowercase();
    let loose: Vec<&(String, bool)> = sheets
        .iter()
        .filter(|(name, _)| name.trim().to_lowercase() == key)
        .collect();
    if let [only] = loose.as_slice() {
        return Ok((*only).clone());
    }
    Err(IngestError::rejected(IssueKind::SheetNotFound {
        sheet: wanted.to_string(),
        available: sheets.iter().map(|(name, _)| name.clone()).collect(),
    }))
}

/// Excel's name of a 0-based column: 0 → "A", 27 → "AB".
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------
// Cells

/// A cell kept in a row buffer; text lives in the buffer's string.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Empty,
    Text(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Slot {
    fn value<'a>(&self, text: &'a str) -> Value<'a> {
        match *self {
            Slot::Empty => Value::Empty,
            Slot::Text(start, end) => Value::Text(text.get(start..end).unwrap_or("")),
            Slot::Int(i) => Value::Int(i),
            Slot::Float(f) => Value::Float(f),
            Slot::Bool(b) => Value::Bool(b),
            Slot::Date(d) => Value::Date(d),
            Slot::DateTime(d) => Value::DateTime(d),
        }
    }
}

/// A cell as calamine gives it, from either of its two cell types.
enum CellIn<'a> {
    Empty,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Bool(bool),
    DateTime(&'a ExcelDateTime),
    Error(&'a CellErrorType),
}

impl<'a> CellIn<'a> {
    fn from_ref(d: &'a DataRef<'_>) -> CellIn<'a> {
        match d {
            DataRef::Empty => CellIn::Empty,
            DataRef::Int(i) => CellIn::Int(*i),
            DataRef::Float(f) => CellIn::Float(*f),
            DataRef::String(s) => CellIn::Text(s),
            DataRef::SharedString(s) => CellIn::Text(s),
            DataRef::Bool(b) => CellIn::Bool(*b),
            DataRef::DateTime(dt) => CellIn::DateTime(dt),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellIn::Text(s),
            DataRef::Error(e) => CellIn::Error(e),
        }
    }

    fn from_data(d: &'a Data) -> CellIn<'a> {
        match d {
            Data::Empty => CellIn::Empty,
            Data::Int(i) => CellIn::Int(*i),
            Data::Float(f) => CellIn::Float(*f),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => CellIn::Text(s),
            Data::Bool(b) => CellIn::Bool(*b),
            Data::DateTime(dt) => CellIn::DateTime(dt),
            Data::Error(e) => CellIn::Error(e),
        }
    }
}

/// The error as Excel shows it in the cell.
fn error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#DATA!",
    }
}

/// 2^53: below it every whole float is an exact integer.
const EXACT_INT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Excel keeps every number as a float; whole ones become integers.
fn number_slot(x: f64) -> Slot {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < EXACT_INT_LIMIT {
        Slot::Int(x as i64)
    } else {
        Slot::Float(x)
    }
}

fn text_slot(text: &mut String, s: &str) -> Slot {
    let start = text.len();
    text.push_str(s);
    Slot::Text(start, text.len())
}

const MS_PER_DAY: f64 = 86_400_000.0;

/// A date-formatted cell: a date at midnight, a date and time otherwise. A time of day
/// alone (a serial between 0 and 1) and a duration become text as Excel shows them
/// ("13:30:00", "36:15:00").
fn datetime_slot(dt: &ExcelDateTime, text: &mut String) -> Slot {
    let v = dt.as_f64();
    if !v.is_finite() {
        return Slot::Float(v);
    }
    if dt.is_duration() {
        return match clock_text(v, true) {
            Some(s) => text_slot(text, &s),
            None => number_slot(v),
        };
    }
    if v < 0.0 {
        return number_slot(v);
    }
    if v < 1.0 {
        if let Some(s) = clock_text(v, false) {
            return text_slot(text, &s);
        }
    }
    match dt.as_datetime() {
        Some(at) if at.time() == NaiveTime::MIN => Slot::Date(at.date()),
        Some(at) => Slot::DateTime(at),
        None => number_slot(v),
    }
}

/// "H:MM:SS" (hours beyond 24 for durations), with milliseconds when there are any.
fn clock_text(days: f64, duration: bool) -> Option<String> {
    let ms = (days.abs() * MS_PER_DAY).round();
    if !ms.is_finite() || ms > 1e15 {
        return None;
    }
    let ms = ms as u64;
    if !duration && ms >= 86_400_000 {
        return None;
    }
    let sign = if days < 0.0 && ms > 0 { "-" } else { "" };
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    Some(if milli > 0 {
        format!("{sign}{h:02}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    })
}

fn to_slot(cell: CellIn<'_>, text: &mut String) -> Slot {
    match cell {
        CellIn::Empty => Slot::Empty,
        CellIn::Int(i) => Slot::Int(i),
        CellIn::Float(f) => number_slot(f),
        CellIn::Text(s) => text_slot(text, s),
        CellIn::Bool(b) => Slot::Bool(b),
        CellIn::DateTime(dt) => datetime_slot(dt, text),
        CellIn::Error(e) => text_slot(text, error_text(e)),
    }
}

/// The limits a single cell must respect, checked before it is kept.
fn check_cell(limits: &Limits, row: u32, col: u32, cell: &CellIn<'_>) -> Result<(), IngestError> {
    let c = col as usize;
    if c >= limits.max_columns {
        return Err(IngestError::Rejected(
            Issue::error(IssueKind::TooManyColumns {
                count: c.saturating_add(1),
                limit: limits.max_columns,
            })
            .at_row(u64::from(row) + 1),
        ));
    }
    if let CellIn::Text(s) = cell {
        if s.len() > limits.max_cell_bytes {
            return Err(IngestError::Rejected(
                Issue::error(IssueKind::CellTooLong {
                    limit: limits.max_cell_bytes,
                })
                .at_row(u64::from(row) + 1)
                .at_column(c + 1, column_letters(col)),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Tables

struct SheetTable {
    path: PathBuf,
    name: String,
    worksheet: bool,
    format: WorkbookFormat,
    limits: Limits,
    file_len: u64,
}

impl TableSource for SheetTable {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError> {
        if !self.worksheet {
            return Ok(Box::new(MemoryRows::new(Vec::new())));
        }
        if self.format.is_zip() {
            // The same guard as when the workbook was listed: the file is read again.
            workbook_format(&self.path, &self.limits)?;
        }
        match self.format {
            WorkbookFormat::Xlsx | WorkbookFormat::Xlsb => Ok(Box::new(XlsxRows::start(self)?)),
            format => {
                let range = guarded(format.label(), || {
                    AnyBook::open(&self.path, format, &self.limits)?
                        .range(&self.name, format.label())
                })?;
                Ok(Box::new(RangeRows::new(range, self.limits, self.file_len)))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// XLSX: a reader thread streams the sheet's cells and hands over batches of rows.
//
// calamine's cell reader borrows the workbook it reads from, so both live on a thread of
// their own; rows cross over in batches (a bounded channel of two), and emptied batches
// come back to be refilled, so memory stays bounded by a few batches whatever the sheet's
// size.

#[derive(Debug, Clone, Copy)]
struct RowSpan {
    /// Sheet row number, 1-based.
    pos: u64,
    start: usize,
    len: usize,
}

#[derive(Default)]
struct Batch {
    rows: Vec<RowSpan>,
    cells: Vec<Slot>,
    text: String,
}

impl Batch {
    fn clear(&mut self) {
        self.rows.clear();
        self.cells.clear();
        self.text.clear();
    }
}

enum Msg {
    Batch(Batch),
    End,
    Failed(IngestError),
}

/// Why the reader thread stopped early.
enum Stop {
    /// The rows were dropped; nobody listens any more.
    Gone,
    Fail(IngestError),
}

impl From<IngestError> for Stop {
    fn from(e: IngestError) -> Stop {
        Stop::Fail(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        Stop::Fail(e.into())
    }
}

/// Counts the bytes read from the file, for progress reports.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

struct Job {
    path: PathBuf,
    sheet: String,
    format: WorkbookFormat,
    limits: Limits,
    bytes: Arc<AtomicU64>,
}

fn reader_thread(job: Job, tx: SyncSender<Msg>, recycle: Receiver<Batch>) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| produce(&job, &tx, &recycle)));
    let last = match outcome {
        Ok(Ok(())) => Msg::End,
        Ok(Err(Stop::Gone)) => return,
        Ok(Err(Stop::Fail(e))) => Msg::Failed(e),
        Err(_) => Msg::Failed(unreadable(
            job.format.label(),
            "the spreadsheet reader failed on this file; it may be damaged",
        )),
    };
    // The receiver may be gone already; then nobody needs to know.
    let _ = tx.send(last);
}

/// Feeds every cell of a calamine cell reader to an [`Assembler`], then finishes it.
/// (A macro: XLSB's reader type is not nameable outside calamine.)
macro_rules! stream_cells {
    ($reader:expr, $rows:expr, $label:expr, $sheet:expr) => {{
        loop {
            let cell = match $reader.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => {
                    let after = match $rows.row {
                        Some(r) => format!(" after row {}", u64::from(r) + 1),
                        None => String::new(),
                    };
                    return Err(unreadable(
                        $label,
                        format!("the data of sheet «{}» is damaged{after}: {e}", $sheet),
                    )
                    .into());
                }
            };
            let (row, col) = cell.get_position();
            $rows.cell(row, col, CellIn::from_ref(cell.get_value()))?;
        }
        $rows.finish()
    }};
}

fn produce(job: &Job, tx: &SyncSender<Msg>, recycle: &Receiver<Batch>) -> Result<(), Stop> {
    let file = File::open(&job.path)?;
    let src = Counting {
        inner: BufReader::with_capacity(1 << 16, file),
        count: Arc::clone(&job.bytes),
    };
    let mut rows = Assembler {
        limits: job.limits,
        tx,
        recycle,
        batch: Batch::default(),
        scratch: Vec::new(),
        row_len: 0,
        row: None,
        cells: 0,
        target_rows: FIRST_BATCH_ROWS,
    };
    let not_found = |available: Vec<String>| -> Stop {
        IngestError::rejected(IssueKind::SheetNotFound {
            sheet: job.sheet.clone(),
            available,
        })
        .into()
    };
    let failed = |label: &str, e: &dyn Display| -> Stop {
        unreadable(
            label,
            format!("the sheet «{}» could not be read: {e}", job.sheet),
        )
        .into()
    };
    if job.format == WorkbookFormat::Xlsb {
        // Streamed too: calamine's whole-sheet range is as large as the box around the
        // cells, which two far-apart cells make billions.
        let mut book =
            Xlsb::new(src).map_err(|e| open_error("XLSB", &e, matches!(e, XlsbError::Password)))?;
        let available = book.sheet_names();
        let mut reader = match book.worksheet_cells_reader(&job.sheet) {
            Ok(reader) => reader,
            Err(XlsbError::WorksheetNotFound(_)) => return Err(not_found(available)),
            Err(e) => return Err(failed("XLSB", &e)),
        };
        return stream_cells!(reader, rows, "XLSB", job.sheet);
    }
    let mut book =
        Xlsx::new(src).map_err(|e| open_error("XLSX", &e, matches!(e, XlsxError::Password)))?;
    let available = book.sheet_names();
    let mut reader = match book.worksheet_cells_reader(&job.sheet) {
        Ok(reader) => reader,
        // A chart sheet: no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(XlsxError::WorksheetNotFound(_)) => return Err(not_found(available)),
        Err(e) => return Err(failed("XLSX", &e)),
    };
    stream_cells!(reader, rows, "XLSX", job.sheet)
}

/// Gathers streamed cells into rows and rows into batches.
struct Assembler<'t> {
    limits: Limits,
    tx: &'t SyncSender<Msg>,
    recycle: &'t Receiver<Batch>,
    batch: Batch,
    /// The current row, dense up to `row_len`.
    scratch: Vec<Slot>,
    row_len: usize,
    /// 0-based sheet row being assembled.
    row: Option<u32>,
    cells: u64,
    target_rows: usize,
}

impl Assembler<'_> {
    fn cell(&mut self, row: u32, col: u32, cell: CellIn<'_>) -> Result<(), Stop> {
        if matches!(cell, CellIn::Empty) {
            return Ok(());
        }
        // Rows past Excel's last one would be reached through billions of blank rows.
        if row >= EXCEL_ROWS {
            return Err(unreadable(
                "XLSX",
                format!(
                    "a cell is in row {}, past the last row a sheet can have ({EXCEL_ROWS})",
                    u64::from(row) + 1
                ),
            )
            .into());
        }
        match self.row {
            Some(current) if current == row => {}
            Some(current) if row < current => {
                return Err(unreadable(
                    "XLSX",
                    format!(
                        "the rows of the sheet are out of order (row {} comes after row {}); \
                         open and save the file again in a spreadsheet program",
                        u64::from(row) + 1,
                        u64::from(current) + 1
                    ),
                )
                .into())
            }
            Some(current) => {
                self.end_row(current)?;
                self.row = Some(row);
            }
            None => self.row = Some(row),
        }
        check_cell(&self.limits, row, col, &cell)?;
        // A second guard against bombs: however the parts were packed, this many cells
        // take at least this much XML.
        self.cells += 1;
        if self.cells.saturating_mul(MIN_CELL_XML) > self.limits.max_inflated_bytes {
            return Err(IngestError::rejected(IssueKind::InflatedTooLarge {
                limit: self.limits.max_inflated_bytes,
            })
            .into());
        }
        let c = col as usize;
        if self.scratch.len() <= c {
            self.scratch.resize(c + 1, Slot::Empty);
        }
        self.scratch[c] = to_slot(cell, &mut self.batch.text);
        self.row_len = self.row_len.max(c + 1);
        Ok(())
    }

    fn end_row(&mut self, row: u32) -> Result<(), Stop> {
        let start = self.batch.cells.len();
        let len = self.row_len;
        self.batch.cells.extend_from_slice(&self.scratch[..len]);
        self.scratch[..len].fill(Slot::Empty);
        self.row_len = 0;
        self.batch.rows.push(RowSpan {
            pos: u64::from(row) + 1,
            start,
            len,
        });
        if self.batch.rows.len() >= self.target_rows
            || self.batch.text.len() >= BATCH_TEXT_BYTES
            || self.batch.cells.len() >= BATCH_CELLS
        {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Stop> {
        let fresh = match self.recycle.try_recv() {
            Ok(mut used) => {
                used.clear();
                used
            }
            Err(_) => Batch::default(),
        };
        let full = std::mem::replace(&mut self.batch, fresh);
        self.tx.send(Msg::Batch(full)).map_err(|_| Stop::Gone)?;
        self.target_rows = BATCH_ROWS;
        Ok(())
    }

    fn finish(mut self) -> Result<(), Stop> {
        if let Some(row) = self.row {
            self.end_row(row)?;
        }
        if !self.batch.rows.is_empty() {
            self.flush()?;
        }
        Ok(())
    }
}

/// The rows of one XLSX sheet, as the reader thread hands them over.
struct XlsxRows {
    rx: Receiver<Msg>,
    recycle: Sender<Batch>,
    batch: Batch,
    /// Next row of `batch` not yet reached.
    next: usize,
    /// The current row in `batch`; `None` for a blank row.
    current: Option<usize>,
    pos: u64,
    finished: bool,
    bytes: Arc<AtomicU64>,
    file_len: u64,
}

impl XlsxRows {
    fn start(table: &SheetTable) -> Result<XlsxRows, IngestError> {
        let (tx, rx) = mpsc::sync_channel(2);
        let (recycle, recycled) = mpsc::channel();
        let bytes = Arc::new(AtomicU64::new(0));
        let job = Job {
            path: table.path.clone(),
            sheet: table.name.clone(),
            format: table.format,
            limits: table.limits,
            bytes: Arc::clone(&bytes),
        };
        // Detached: it ends by itself once the rows are read or dropped.
        std::thread::Builder::new()
            .name("ceiba-xlsx".into())
            .spawn(move || reader_thread(job, tx, recycled))?;
        let mut rows = XlsxRows {
            rx,
            recycle,
            batch: Batch::default(),
            next: 0,
            current: None,
            pos: 0,
            finished: false,
            bytes,
            file_len: table.file_len,
        };
        // Wait for the first rows, so that a workbook that cannot be read fails here.
        rows.next_row_pos()?;
        Ok(rows)
    }

    /// Sheet row number of the next row with cells, receiving batches as needed.
    fn next_row_pos(&mut self) -> Result<Option<u64>, IngestError> {
        loop {
            if let Some(span) = self.batch.rows.get(self.next) {
                return Ok(Some(span.pos));
            }
            if self.finished {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Msg::Batch(batch)) => {
                    let used = std::mem::replace(&mut self.batch, batch);
                    self.next = 0;
                    self.current = None;
                    // The thread may have ended; the batch is then simply dropped.
                    let _ = self.recycle.send(used);
                }
                Ok(Msg::End) => self.finished = true,
                Ok(Msg::Failed(e)) => {
                    self.finished = true;
                    self.batch.clear();
                    self.next = 0;
                    self.current = None;
                    return Err(e);
                }
                Err(_) => {
                    self.finished = true;
                    return Err(unreadable(
                        "XLSX",
                        "the spreadsheet reader stopped unexpectedly",
                    ));
                }
            }
        }
    }

    fn span(&self) -> Option<RowSpan> {
        self.current.and_then(|i| self.batch.rows.get(i)).copied()
    }
}

impl Rows for XlsxRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        self.current = None;
        let Some(next) = self.next_row_pos()? else {
            return Ok(false);
        };
        let target = self.pos + 1;
        if next <= target {
            // `next < target` cannot happen: the thread refuses rows out of order.
            self.current = Some(self.next);
            self.next += 1;
            self.pos = next.max(target);
        } else {
            self.pos = target;
        }
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.span().map_or(0, |s| s.len)
    }

    fn get(&self, i: usize) -> Value<'_> {
        match self.span() {
            Some(span) if i < span.len => self
                .batch
                .cells
                .get(span.start + i)
                .map_or(Value::Empty, |slot| slot.value(&self.batch.text)),
            _ => Value::Empty,
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed).min(self.file_len)
    }
}

// ---------------------------------------------------------------------------------------
// XLS, XLSB, ODS: the sheet's range, held whole.

struct RangeRows {
    range: Range<Data>,
    limits: Limits,
    /// Current sheet row number, 1-based (0 before the first).
    pos: u64,
    /// Last sheet row with a cell, 1-based (0 when none).
    last: u64,
    row: Vec<Slot>,
    text: String,
    file_len: u64,
}

impl RangeRows {
    fn new(range: Range<Data>, limits: Limits, file_len: u64) -> RangeRows {
        let last = range.end().map_or(0, |(r, _)| u64::from(r) + 1);
        RangeRows {
            range,
            limits,
            pos: 0,
            last,
            row: Vec::new(),
            text: String::new(),
            file_len,
        }
    }
}

impl Rows for RangeRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        self.row.clear();
        self.text.clear();
        if self.pos >= self.last {
            return Ok(false);
        }
        self.pos += 1;
        let (Some((first_row, first_col)), Some((_, last_col))) =
            (self.range.start(), self.range.end())
        else {
            return Ok(true);
        };
        let Ok(r) = u32::try_from(self.pos - 1) else {
            return Ok(true);
        };
        if r < first_row {
            return Ok(true);
        }
        for c in first_col..=last_col {
            let Some(data) = self.range.get_value((r, c)) else {
                continue;
            };
            let cell = CellIn::from_data(data);
            if matches!(cell, CellIn::Empty) {
                continue;
            }
            check_cell(&self.limits, r, c, &cell)?;
            let c = c as usize;
            if self.row.len() <= c {
                self.row.resize(c + 1, Slot::Empty);
            }
            self.row[c] = to_slot(cell, &mut self.text);
        }
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    fn get(&self, i: usize) -> Value<'_> {
        self.row
            .get(i)
            .map_or(Value::Empty, |slot| slot.value(&self.text))
    }

    fn bytes_read(&self) -> u64 {
        if self.last == 0 {
            return self.file_len;
        }
        let done = u128::from(self.file_len) * u128::from(self.pos) / u128::from(self.last);
        u64::try_from(done).unwrap_or(self.file_len)
    }
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
