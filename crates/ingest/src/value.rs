//! Cells and rows as readers deliver them, before columns get their types.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::IngestError;

/// One cell as the source holds it. Text files give only `Empty` and `Text`; spreadsheets
/// and JSON also give typed values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Value<'_> {
    /// Empty, or text that is only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            // Most cells start with a visible character: decided at the first byte.
            Value::Text(t) => match t.as_bytes().first() {
                None => true,
                Some(b) if b.is_ascii_graphic() => false,
                Some(_) => t.trim().is_empty(),
            },
            _ => false,
        }
    }

    pub fn to_owned_value(&self) -> OwnedValue {
        match *self {
            Value::Empty => OwnedValue::Empty,
            Value::Text(t) => OwnedValue::Text(t.to_owned()),
            Value::Int(i) => OwnedValue::Int(i),
            Value::Float(f) => OwnedValue::Float(f),
            Value::Bool(b) => OwnedValue::Bool(b),
            Value::Date(d) => OwnedValue::Date(d),
            Value::DateTime(d) => OwnedValue::DateTime(d),
        }
    }

    /// The value as text, as a person would read it in the source.
    pub fn display(&self) -> String {
        self.to_owned_value().to_string()
    }
}

/// An owned cell, for rows kept aside (header detection, samples, reports).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OwnedValue {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl OwnedValue {
    pub fn as_value(&self) -> Value<'_> {
        match self {
            OwnedValue::Empty => Value::Empty,
            OwnedValue::Text(t) => Value::Text(t),
            OwnedValue::Int(i) => Value::Int(*i),
            OwnedValue::Float(f) => Value::Float(*f),
            OwnedValue::Bool(b) => Value::Bool(*b),
            OwnedValue::Date(d) => Value::Date(*d),
            OwnedValue::DateTime(d) => Value::DateTime(*d),
        }
    }
}

impl std::fmt::Display for OwnedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OwnedValue::Empty => Ok(()),
            OwnedValue::Text(t) => f.write_str(t),
            OwnedValue::Int(i) => write!(f, "{i}"),
            OwnedValue::Float(x) => write!(f, "{x}"),
            OwnedValue::Bool(b) => write!(f, "{b}"),
            OwnedValue::Date(d) => write!(f, "{d}"),
            OwnedValue::DateTime(d) => write!(f, "{}", d.format("%Y-%m-%d %H:%M:%S")),
        }
    }
}

/// A reader positioned on one row at a time. Readers keep their buffers between rows, so
/// reading allocates little per row.
pub trait Rows: Send {
    /// Moves to the next physical row, blank rows included. `false` at the end.
    fn advance(&mut self) -> Result<bool, IngestError>;
    /// Where the current row is, 1-based: the line where the record starts in a text file,
    /// the row number in a sheet, the record number in JSON.
    fn position(&self) -> u64;
    /// Number of cells in the current row.
    fn len(&self) -> usize;
    /// Cell `i` of the current row (`Value::Empty` past the end).
    fn get(&self, i: usize) -> Value<'_>;
    /// Bytes of the source consumed so far, for progress reports.
    fn bytes_read(&self) -> u64;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current row's cells as one text, when the reader holds them so (a text
    /// file's record): `ranges` receives each cell's byte range in it, so that the row
    /// is copied at once. `None` when cells must be read one by one.
    fn text_cells(&self, ranges: &mut Vec<(u32, u32)>) -> Option<&str> {
        let _ = ranges;
        None
    }

    /// Non-fatal findings of the reader itself (e.g. invalid bytes in the encoding),
    /// collected while reading; called once, after the last row.
    fn take_issues(&mut self) -> Vec<crate::Issue> {
        Vec::new()
    }
}

/// One table that a file holds: a text file holds one, a workbook one per sheet.
/// `open` may be called more than once; each call reads from the start.
pub trait TableSource: Send + Sync {
    /// The sheet's name, or the file's name without extension.
    fn name(&self) -> &str;
    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError>;

    /// Whether the first row is the header by construction (JSON keys), so that no
    /// header detection is needed.
    fn fixed_header(&self) -> bool {
        false
    }
}

/// Rows held in memory; for tests and small sources.
pub struct MemoryRows {
    rows: Vec<Vec<OwnedValue>>,
    next: usize,
}

impl MemoryRows {
    pub fn new(rows: Vec<Vec<OwnedValue>>) -> Self {
        MemoryRows { rows, next: 0 }
    }
}

impl Rows for MemoryRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        if self.next < self.rows.len() {
            self.next += 1;
            Ok(true)
        } else {
            Ok(false)
        }
    }
    fn position(&self) -> u64 {
        self.next as u64
    }
    fn len(&self) -> usize {
        self.next
            .checked_sub(1)
            .and_then(|i| self.rows.get(i))
            .map_or(0, Vec::len)
    }
    fn get(&self, i: usize) -> Value<'_> {
        self.next
            .checked_sub(1)
            .and_then(|r| self.rows.get(r))
            .and_then(|row| row.get(i))
            .map_or(Value::Empty, OwnedValue::as_value)
    }
    fn bytes_read(&self) -> u64 {
        0
    }
}
