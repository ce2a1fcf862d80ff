//! Tables of typed cells and their CSV renderings.
//!
//! One table feeds both the CSV and the XLSX of a dataset, so the two always agree.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::random::{pow10, units};

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A decimal held exactly as `units / 10^scale`, so that text, spreadsheet and totals
    /// agree to the last digit.
    Dec {
        units: i64,
        scale: u32,
    },
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// `x` rounded to `scale` decimals.
    pub fn dec(x: f64, scale: u32) -> Cell {
        Cell::Dec {
            units: units(x, scale),
            scale,
        }
    }

    /// An amount of money in cents.
    pub fn money(cents: i64) -> Cell {
        Cell::Dec {
            units: cents,
            scale: 2,
        }
    }

    /// The cell as text, with `decimal` as the decimal separator and no grouping.
    pub fn render(&self, decimal: char) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Dec { units, scale } => {
                if *scale == 0 {
                    return units.to_string();
                }
                let p = pow10(*scale).unsigned_abs();
                let abs = units.unsigned_abs();
                let sign = if *units < 0 { "-" } else { "" };
                format!(
                    "{sign}{}{decimal}{:0width$}",
                    abs / p,
                    abs % p,
                    width = *scale as usize
                )
            }
        }
    }

    /// The numeric value, for spreadsheets.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(n) => Some(*n as f64),
            Cell::Dec { units, scale } => Some(*units as f64 / pow10(*scale) as f64),
            Cell::Text(_) | Cell::Date(_) => None,
        }
    }
}

/// A header and rows of cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: &[&'static str]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) -> Result<()> {
        if row.len() != self.columns.len() {
            bail!(
                "row has {} cells for {} columns",
                row.len(),
                self.columns.len()
            );
        }
        self.rows.push(row);
        Ok(())
    }

    pub fn column(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| *c == name)
            .with_context(|| format!("no column {name:?}"))
    }

    /// The exact sum of a decimal column, in that column's scale.
    pub fn sum(&self, col: usize) -> Result<Cell> {
        let mut total = 0_i64;
        let mut scale = None;
        for row in &self.rows {
            match row.get(col) {
                Some(Cell::Dec { units, scale: s }) if scale.is_none_or(|x| x == *s) => {
                    scale = Some(*s);
                    total = total.checked_add(*units).context("sum overflows")?;
                }
                other => bail!("column {col} holds {other:?}, not a decimal"),
            }
        }
        Ok(Cell::Dec {
            units: total,
            scale: scale.unwrap_or(2),
        })
    }

    /// Plain CSV: UTF-8 without BOM, comma-separated, `.` decimals, LF line ends.
    pub fn csv(&self) -> Result<Vec<u8>> {
        write_csv(
            &self.columns,
            &self.rows,
            b',',
            '.',
            csv::Terminator::Any(b'\n'),
        )
    }

    /// CSV the way Excel on Windows saves it in a Spanish locale: `;`-separated, decimal
    /// comma, CRLF line ends, Windows-1252. `header` replaces the column names (Excel
    /// files carry human headings, not identifiers).
    pub fn excel_csv(&self, header: &[&str]) -> Result<Vec<u8>> {
        if header.len() != self.columns.len() {
            bail!(
                "{} headings for {} columns",
                header.len(),
                self.columns.len()
            );
        }
        let utf8 = write_csv(header, &self.rows, b';', ',', csv::Terminator::CRLF)?;
        let text = String::from_utf8(utf8).context("CSV writer produced invalid UTF-8")?;
        windows_1252(&text)
    }
}

fn write_csv(
    header: &[&str],
    rows: &[Vec<Cell>],
    delimiter: u8,
    decimal: char,
    terminator: csv::Terminator,
) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .from_writer(Vec::with_capacity(rows.len() * 96));
    w.write_record(header).context("writing CSV header")?;
    let mut record = Vec::with_capacity(header.len());
    for row in rows {
        record.clear();
        record.extend(row.iter().map(|c| c.render(decimal)));
        w.write_record(&record).context("writing CSV row")?;
    }
    w.into_inner().context("finishing CSV")
}

/// Encodes text as Windows-1252. Latin-1 letters (every Spanish one) are single bytes;
/// the few typographic characters Windows added in 0x80–0x9F are mapped; anything else
/// is an error rather than a silent `?`.
pub fn windows_1252(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let b = match c as u32 {
            0..=0x7f | 0xa0..=0xff => c as u32 as u8,
            _ => match c {
                '€' => 0x80,
                '‚' => 0x82,
                '„' => 0x84,
                '…' => 0x85,
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                _ => bail!("{c:?} has no Windows-1252 byte"),
            },
        };
        out.push(b);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_render_exactly() {
        assert_eq!(Cell::dec(0.5, 4).render('.'), "0.5000");
        assert_eq!(Cell::money(-1205).render(','), "-12,05");
        assert_eq!(Cell::money(7).render('.'), "0.07");
        assert_eq!(Cell::dec(3.0, 0).render('.'), "3");
        assert_eq!(Cell::money(123_456).number(), Some(1234.56));
    }

    #[test]
    fn excel_csv_is_windows_1252_with_semicolons() -> Result<()> {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec![Cell::text("San José; Petén"), Cell::dec(1.25, 2)])?;
        let bytes = t.excel_csv(&["Código", "Tasa"])?;
        assert_eq!(
            bytes,
            b"C\xf3digo;Tasa\r\n\"San Jos\xe9; Pet\xe9n\";1,25\r\n".to_vec()
        );
        assert!(windows_1252("日本").is_err());
        Ok(())
    }

    #[test]
    fn sums_are_exact() -> Result<()> {
        let mut t = Table::new(&["x"]);
        for _ in 0..10 {
            t.push(vec![Cell::money(10)])?;
        }
        assert_eq!(t.sum(0)?, Cell::money(100));
        assert!(t.push(vec![]).is_err());
        Ok(())
    }
}
