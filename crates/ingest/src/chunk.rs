//! Rows copied out of a reader into one buffer, so that other threads can go through them
//! while the reader goes on: the first pass's stages (deciding types, writing) each run on
//! their own core.

use chrono::{NaiveDate, NaiveDateTime};

use crate::{IngestError, OwnedValue, Rows, Value};

/// One cell; text lives in the chunk's buffer.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Empty,
    Text(u32, u32),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

#[derive(Debug, Clone, Copy)]
struct RowAt {
    /// The row's 1-based position in the source.
    pos: u64,
    first: u32,
    len: u32,
}

/// Rows in order, with their source positions.
#[derive(Debug, Default)]
pub struct Chunk {
    text: String,
    cells: Vec<Cell>,
    rows: Vec<RowAt>,
    /// Cell ranges of the row being copied (kept to reuse its memory).
    ranges: Vec<(u32, u32)>,
}

impl Chunk {
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    pub fn cells(&self) -> usize {
        self.cells.len()
    }

    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    fn push_value(&mut self, v: Value<'_>) {
        let cell = match v {
            Value::Empty => Cell::Empty,
            Value::Text(t) => {
                let start = self.text.len();
                self.text.push_str(t);
                // A chunk is closed long before 4 GB (readers bound rows and cells).
                Cell::Text(start as u32, self.text.len() as u32)
            }
            Value::Int(i) => Cell::Int(i),
            Value::Float(f) => Cell::Float(f),
            Value::Bool(b) => Cell::Bool(b),
            Value::Date(d) => Cell::Date(d),
            Value::DateTime(d) => Cell::DateTime(d),
        };
        self.cells.push(cell);
    }

    /// Copies the current row of `rows`, found at `pos`, keeping its first `width` cells
    /// (cells past the table's columns are never read).
    pub fn push(&mut self, pos: u64, rows: &dyn Rows, width: usize) {
        let first = self.cells.len() as u32;
        let len = rows.len().min(width);
        let mut ranges = std::mem::take(&mut self.ranges);
        ranges.clear();
        match rows.text_cells(&mut ranges) {
            // A text file's record: its text is copied at once, its cells point into it.
            Some(text) if ranges.len() >= len => {
                let base = self.text.len() as u32;
                self.text.push_str(text);
                self.cells.extend(ranges[..len].iter().map(|&(a, b)| {
                    if a == b {
                        Cell::Empty
                    } else {
                        Cell::Text(base + a, base + b)
                    }
                }));
            }
            _ => {
                for i in 0..len {
                    self.push_value(rows.get(i));
                }
            }
        }
        self.ranges = ranges;
        self.rows.push(RowAt {
            pos,
            first,
            len: len as u32,
        });
    }

    /// As [`push`](Self::push), for a row held in memory.
    pub fn push_owned(&mut self, pos: u64, row: &[OwnedValue], width: usize) {
        let first = self.cells.len() as u32;
        let len = row.len().min(width);
        for v in &row[..len] {
            self.push_value(v.as_value());
        }
        self.rows.push(RowAt {
            pos,
            first,
            len: len as u32,
        });
    }

    /// A reader over the rows, from the first.
    pub fn cursor(&self) -> ChunkRows<'_> {
        ChunkRows {
            chunk: self,
            next: 0,
            cells: &[],
            pos: 0,
        }
    }
}

/// Goes through a chunk's rows as a [`Rows`] reader.
pub struct ChunkRows<'a> {
    chunk: &'a Chunk,
    next: usize,
    /// The current row's cells.
    cells: &'a [Cell],
    pos: u64,
}

impl Rows for ChunkRows<'_> {
    fn advance(&mut self) -> Result<bool, IngestError> {
        let Some(row) = self.chunk.rows.get(self.next) else {
            self.cells = &[];
            return Ok(false);
        };
        self.next += 1;
        let first = row.first as usize;
        self.cells = self
            .chunk
            .cells
            .get(first..first + row.len as usize)
            .unwrap_or_default();
        self.pos = row.pos;
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    fn get(&self, i: usize) -> Value<'_> {
        match self.cells.get(i) {
            None | Some(Cell::Empty) => Value::Empty,
            Some(&Cell::Text(a, b)) => self
                .chunk
                .text
                .get(a as usize..b as usize)
                .map_or(Value::Empty, Value::Text),
            Some(&Cell::Int(x)) => Value::Int(x),
            Some(&Cell::Float(x)) => Value::Float(x),
            Some(&Cell::Bool(x)) => Value::Bool(x),
            Some(&Cell::Date(x)) => Value::Date(x),
            Some(&Cell::DateTime(x)) => Value::DateTime(x),
        }
    }

    fn bytes_read(&self) -> u64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_they_went_in() {
        let mut chunk = Chunk::default();
        let mut source = crate::MemoryRows::new(vec![
            vec![
                OwnedValue::Text("Mixco".into()),
                OwnedValue::Int(7),
                OwnedValue::Empty,
            ],
            vec![OwnedValue::Float(2.5), OwnedValue::Text("ñ".into())],
        ]);
        let mut pos = 10;
        while source.advance().unwrap_or(false) {
            chunk.push(pos, &source, 2);
            pos += 2;
        }
        chunk.push_owned(20, &[OwnedValue::Bool(true)], 2);
        let mut rows = chunk.cursor();
        assert!(rows.advance().unwrap_or(false));
        assert_eq!(
            (rows.position(), rows.len(), rows.get(0), rows.get(1)),
            (10, 2, Value::Text("Mixco"), Value::Int(7))
        );
        assert_eq!(
            rows.get(2),
            Value::Empty,
            "cells past the width are not kept"
        );
        assert!(rows.advance().unwrap_or(false));
        assert_eq!(
            (rows.position(), rows.get(0), rows.get(1)),
            (12, Value::Float(2.5), Value::Text("ñ"))
        );
        assert!(rows.advance().unwrap_or(false));
        assert_eq!((rows.position(), rows.get(0)), (20, Value::Bool(true)));
        assert!(!rows.advance().unwrap_or(true));
    }
}
