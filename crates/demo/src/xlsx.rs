//! XLSX workbooks from tables, laid out the way Guatemalan agencies publish them.

use anyhow::{Context, Result};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use crate::table::{Cell, Table};

/// One data sheet.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub table: &'a Table,
    /// A title line above the header, followed by a blank row, as agencies lay sheets out.
    pub title: Option<&'a str>,
    /// Columns summed in a bottom `TOTAL` row (none: no such row).
    pub total_of: &'a [usize],
}

/// A workbook: data sheets, then optionally a sheet of notes (one line per row).
pub struct Book<'a> {
    pub title: &'a str,
    /// Written into the document properties; fixed so that the file is reproducible
    /// (rust_xlsxwriter would otherwise stamp the current time).
    pub created: DateTime<Utc>,
    pub sheets: Vec<Sheet<'a>>,
    pub notes: Option<(&'a str, &'a [&'a str])>,
}

/// Renders `book` as XLSX bytes.
pub fn render(book: &Book) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    // Level 3 instead of 6: in debug builds deflate dominates the demo's load time, and
    // the files grow only by about a tenth.
    wb.set_zip_compression_level(3);
    let created = excel_datetime(book.created)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(book.title)
            .set_author("Ceiba (demo)")
            .set_comment("Datos sintéticos de demostración / synthetic demo data")
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    for sheet in &book.sheets {
        let ws = wb.add_worksheet();
        write_sheet(ws, sheet, &styles)
            .with_context(|| format!("writing sheet {:?}", sheet.name))?;
    }
    if let Some((name, lines)) = book.notes {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.set_column_width(0, 100)?;
        for (row, line) in lines.iter().enumerate() {
            let row = u32::try_from(row).context("too many note lines")?;
            if row == 0 {
                ws.write_string_with_format(row, 0, *line, &styles.bold)?;
            } else {
                ws.write_string(row, 0, *line)?;
            }
        }
    }
    wb.save_to_buffer().context("assembling the XLSX file")
}

struct Styles {
    bold: Format,
    title: Format,
    header: Format,
    date: Format,
    dec1: Format,
    dec2: Format,
    dec4: Format,
    total2: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new().set_bold().set_background_color(0xdde8e0),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            dec1: Format::new().set_num_format("0.0"),
            dec2: Format::new().set_num_format("#,##0.00"),
            dec4: Format::new().set_num_format("0.0000"),
            total2: Format::new().set_bold().set_num_format("#,##0.00"),
        }
    }

    fn decimal(&self, scale: u32) -> Option<&Format> {
        match scale {
            1 => Some(&self.dec1),
            2 => Some(&self.dec2),
            4 => Some(&self.dec4),
            _ => None,
        }
    }
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, styles: &Styles) -> Result<()> {
    ws.set_name(sheet.name)?;
    let table = sheet.table;
    let mut row: u32 = 0;
    if let Some(title) = sheet.title {
        ws.write_string_with_format(0, 0, title, &styles.title)?;
        row = 2;
    }
    let header_row = row;
    for (col, name) in table.columns.iter().enumerate() {
        let col = u16::try_from(col).context("too many columns")?;
        ws.write_string_with_format(row, col, *name, &styles.header)?;
        ws.set_column_width(col, column_width(table, col as usize))?;
    }
    for cells in &table.rows {
        row += 1;
        for (col, cell) in cells.iter().enumerate() {
            let col = u16::try_from(col).context("too many columns")?;
            write_cell(ws, row, col, cell, styles)?;
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    let last_col = u16::try_from(table.columns.len().saturating_sub(1)).context("columns")?;
    ws.autofilter(header_row, 0, row, last_col)?;
    if !sheet.total_of.is_empty() {
        row += 1;
        ws.write_string_with_format(row, 0, "TOTAL", &styles.bold)?;
        for &col in sheet.total_of {
            // A value, not a =SUM() formula: readers that do not recalculate would see 0.
            let total = table.sum(col)?.number().unwrap_or(0.0);
            let col = u16::try_from(col).context("too many columns")?;
            ws.write_number_with_format(row, col, total, &styles.total2)?;
        }
    }
    Ok(())
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, styles: &Styles) -> Result<()> {
    match cell {
        Cell::Text(s) => {
            ws.write_string(row, col, s.as_str())?;
        }
        Cell::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
        }
        Cell::Dec { scale, .. } => {
            let value = cell.number().unwrap_or(0.0);
            match styles.decimal(*scale) {
                Some(format) => ws.write_number_with_format(row, col, value, format)?,
                None => ws.write_number(row, col, value)?,
            };
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(row, col, excel_date(*d)?, &styles.date)?;
        }
    }
    Ok(())
}

/// Width in characters fitting the header and the first rows.
fn column_width(table: &Table, col: usize) -> f64 {
    let header = table.columns.get(col).map_or(0, |c| c.chars().count());
    let widest = table
        .rows
        .iter()
        .take(300)
        .filter_map(|r| r.get(col))
        .map(|c| c.render('.').chars().count())
        .max()
        .unwrap_or(0);
    (header.max(widest) + 2).clamp(8, 60) as f64
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    let year = u16::try_from(d.year()).context("year out of range")?;
    Ok(ExcelDateTime::from_ymd(
        year,
        d.month() as u8,
        d.day() as u8,
    )?)
}

fn excel_datetime(t: DateTime<Utc>) -> Result<ExcelDateTime> {
    Ok(excel_date(t.date_naive())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())?)
}
