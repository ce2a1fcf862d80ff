//! What a file is (XLSX, XLSB, XLS, ODS) from its bytes, and the guards a workbook passes
//! before a reader opens it (zip bombs, ODS spreads, calamine's panics).

use super::*;
use crate::workbook_guard::{attr, attr_number, Tags};

pub(super) fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
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
pub(super) fn claimed_label(path: &Path) -> &'static str {
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

pub(super) fn unreadable(format: &str, detail: impl Into<String>) -> IngestError {
    IngestError::rejected(IssueKind::Unreadable {
        format: format.into(),
        detail: detail.into(),
    })
}

/// Reads the ZIP central directory only: applies the zip-bomb guard and tells which
/// workbook the package holds.
pub(super) fn zip_format(
    file: File,
    claimed: &str,
    limits: &Limits,
) -> Result<WorkbookFormat, IngestError> {
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

/// ODS compresses repetition twice: a row can say it repeats a million times and a cell
/// that it repeats 16,384 times, which calamine spreads out in memory. Before calamine
/// reads `content.xml`, this scans its tags and refuses a file whose sheets would spread
/// out beyond `max_memory_bytes` (`MemoryTooLarge`).
pub(super) fn ods_guard(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let damaged = |e: &dyn Display| unreadable("ODS", format!("the ODS package is damaged: {e}"));
    let mut archive =
        zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(|e| damaged(&e))?;
    let Ok(entry) = archive.by_name("content.xml") else {
        // calamine says what is missing.
        return Ok(());
    };
    let limit = limits.max_memory_bytes;
    let cell_bytes = std::mem::size_of::<Data>() as u64;
    let mut spread = OdsSpread::default();
    let mut tags = Tags::new(BufReader::with_capacity(1 << 16, entry));
    while let Some(tag) = tags.next_tag().map_err(|e| damaged(&e))? {
        spread.tag(tag);
        let needed = spread
            .cells()
            .saturating_mul(cell_bytes)
            .saturating_add(spread.spaces);
        if needed > limit {
            return Err(IngestError::rejected(IssueKind::MemoryTooLarge {
                part: "content.xml".into(),
                needed,
                limit,
            }));
        }
    }
    if spread.open_tables > 0 || spread.open_annotations > 0 {
        return Err(unreadable(
            "ODS",
            "content.xml ends inside a table or a comment (the file is cut short or damaged)",
        ));
    }
    Ok(())
}

/// How many cells the sheets of an ODS spread out to, as calamine lays them out: from the
/// first to the last row with a value, as wide as the widest such row.
#[derive(Default)]
pub(super) struct OdsSpread {
    /// `table:table` and `office:annotation` elements open: calamine reads each until its
    /// end tag and never stops at the end of the file, so one left open makes it loop.
    pub(super) open_tables: u64,
    pub(super) open_annotations: u64,
    /// Spaces that `<text:s text:c="n"/>` asks for: calamine writes them one by one.
    pub(super) spaces: u64,
    /// Cells of the sheets already closed.
    pub(super) done: u64,
    pub(super) rows: u64,
    pub(super) first: Option<u64>,
    pub(super) last_end: u64,
    pub(super) width: u64,
    pub(super) row_repeat: u64,
    pub(super) col: u64,
    pub(super) row_width: u64,
}

impl OdsSpread {
    pub(super) fn cells(&self) -> u64 {
        let current = match self.first {
            Some(first) => self
                .last_end
                .saturating_sub(first)
                .saturating_mul(self.width),
            None => 0,
        };
        self.done.saturating_add(current)
    }

    pub(super) fn tag(&mut self, tag: &[u8]) {
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
            b"table:table" if !closed => self.open_tables += 1,
            b"/table:table" => self.open_tables = self.open_tables.saturating_sub(1),
            b"office:annotation" if !closed => self.open_annotations += 1,
            b"/office:annotation" => {
                self.open_annotations = self.open_annotations.saturating_sub(1)
            }
            b"text:s" => {
                let count = attr_number(tag, b"c").unwrap_or(1);
                self.spaces = self.spaces.saturating_add(count);
            }
            _ => {}
        }
        match name {
            b"table:table" => {
                self.done = self.cells();
                self.rows = 0;
                self.first = None;
                self.last_end = 0;
                self.width = 0;
            }
            b"table:table-row" => {
                self.row_repeat = attr_number(tag, b"number-rows-repeated")
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
                let repeat = attr_number(tag, b"number-columns-repeated")
                    .unwrap_or(1)
                    .min(16_384);
                self.col = self.col.saturating_add(repeat);
                if attr(tag, b"value-type").is_some() {
                    self.row_width = self.col;
                }
            }
            _ => {}
        }
    }

    pub(super) fn end_row(&mut self) {
        if self.row_width > 0 {
            self.first.get_or_insert(self.rows);
            self.last_end = self.rows.saturating_add(self.row_repeat);
            self.width = self.width.max(self.row_width);
        }
        self.rows = self.rows.saturating_add(self.row_repeat);
        self.row_width = 0;
    }
}

/// Runs calamine code, turning a panic on a hostile file into `Unreadable`.
pub(super) fn guarded<T>(
    label: &str,
    f: impl FnOnce() -> Result<T, IngestError>,
) -> Result<T, IngestError> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => Err(unreadable(
            label,
            "the spreadsheet reader failed on this file; it may be damaged",
        )),
    }
}

pub(super) fn open_error(label: &str, e: &dyn Display, password: bool) -> IngestError {
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
