//! Cells as the reader gives them, turned into values (numbers, text, dates, times) and
//! checked against the limits.

use super::*;

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
pub(super) enum Slot {
    Empty,
    Text(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Slot {
    pub(super) fn value<'a>(&self, text: &'a str) -> Value<'a> {
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
pub(super) enum CellIn<'a> {
    Empty,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Bool(bool),
    DateTime(&'a ExcelDateTime),
    Error(&'a CellErrorType),
}

impl<'a> CellIn<'a> {
    pub(super) fn from_ref(d: &'a DataRef<'_>) -> CellIn<'a> {
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

    pub(super) fn from_data(d: &'a Data) -> CellIn<'a> {
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
pub(super) fn error_text(e: &CellErrorType) -> &'static str {
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
pub(super) const EXACT_INT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Excel keeps every number as a float; whole ones become integers.
pub(super) fn number_slot(x: f64) -> Slot {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < EXACT_INT_LIMIT {
        Slot::Int(x as i64)
    } else {
        Slot::Float(x)
    }
}

pub(super) fn text_slot(text: &mut String, s: &str) -> Slot {
    let start = text.len();
    text.push_str(s);
    Slot::Text(start, text.len())
}

pub(super) const MS_PER_DAY: f64 = 86_400_000.0;

/// A date-formatted cell: a date at midnight, a date and time otherwise. A time of day
/// alone (a serial between 0 and 1) and a duration become text as Excel shows them
/// ("13:30:00", "36:15:00").
pub(super) fn datetime_slot(dt: &ExcelDateTime, text: &mut String) -> Slot {
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
pub(super) fn clock_text(days: f64, duration: bool) -> Option<String> {
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

/// The cell as kept; text encoded twice upstream is repaired where certain, counted as
/// a cell of sheet row `row`.
pub(super) fn to_slot(
    cell: CellIn<'_>,
    text: &mut String,
    repairs: &mut crate::encoded_twice::Repairs,
    row: u64,
) -> Slot {
    match cell {
        CellIn::Empty => Slot::Empty,
        CellIn::Int(i) => Slot::Int(i),
        CellIn::Float(f) => number_slot(f),
        CellIn::Text(s) => text_slot(text, &repairs.fix(s, row)),
        CellIn::Bool(b) => Slot::Bool(b),
        CellIn::DateTime(dt) => datetime_slot(dt, text),
        CellIn::Error(e) => text_slot(text, error_text(e)),
    }
}

/// The limits a single cell must respect, checked before it is kept.
pub(super) fn check_cell(
    limits: &Limits,
    row: u32,
    col: u32,
    cell: &CellIn<'_>,
) -> Result<(), IngestError> {
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
