//! Excel's XML Spreadsheet 2003 (SpreadsheetML): one XML file, often named `.xls`, that
//! older systems of agencies still export (Chile's SINIM, for one). Read as a stream of
//! XML events with quick-xml: one table per worksheet, a row at a time. Only XML's own
//! entities are expanded, so no entity can grow the text; rows and cells skipped with
//! `ss:Index` come back as blank ones, within the row and column limits.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::{IngestError, IssueKind, Limits, OwnedValue, Rows, TableSource, Value};

const FORMAT: &str = "XML Spreadsheet 2003";
const NAMESPACE: &[u8] = b"urn:schemas-microsoft-com:office:spreadsheet";

/// Whether the file's first bytes are a SpreadsheetML workbook.
pub fn is_spreadsheet_xml(prefix: &[u8]) -> bool {
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    text[start..].starts_with(b"<?xml") && text.windows(NAMESPACE.len()).any(|w| w == NAMESPACE)
}

fn unreadable(detail: impl std::fmt::Display) -> IngestError {
    IngestError::rejected(IssueKind::Unreadable {
        format: FORMAT.into(),
        detail: detail.to_string(),
    })
}

fn open_reader(path: &Path) -> Result<Reader<BufReader<File>>, IngestError> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(256 * 1024, File::open(path)?));
    reader.config_mut().trim_text(false);
    Ok(reader)
}

/// The next XML event, in `buf` (cleared first).
fn next_event<'b>(
    reader: &mut Reader<BufReader<File>>,
    buf: &'b mut Vec<u8>,
) -> Result<Event<'b>, IngestError> {
    buf.clear();
    reader.read_event_into(buf).map_err(unreadable)
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The workbook's worksheets, one table each, in order. A file larger than the memory
/// limit is refused: one XML event is held whole while it is read.
pub fn tables(
    path: &Path,
    name_wanted: Option<&str>,
    limits: Limits,
) -> Result<Vec<Box<dyn TableSource>>, IngestError> {
    let size = std::fs::metadata(path)?.len();
    if size > limits.max_memory_bytes {
        return Err(IngestError::rejected(IssueKind::FileTooLarge {
            size,
            limit: limits.max_memory_bytes,
        }));
    }
    let mut reader = open_reader(path)?;
    let mut buf = Vec::new();
    let mut names = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "Worksheet" => {
                let n = names.len() + 1;
                names.push((
                    attribute(&e, "Name").unwrap_or_else(|| format!("Hoja{n}")),
                    true,
                ));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(unreadable(format!(
                    "{e} (byte {})",
                    reader.error_position()
                )))
            }
        }
        buf.clear();
    }
    if names.is_empty() {
        return Err(unreadable("no worksheet"));
    }
    let chosen: Vec<(usize, String)> = match name_wanted {
        None => names.into_iter().map(|(n, _)| n).enumerate().collect(),
        Some(wanted) => {
            let (found, _) = crate::xlsx::find_sheet(&names, wanted)?;
            names
                .iter()
                .position(|(n, _)| *n == found)
                .map(|i| vec![(i, found)])
                .unwrap_or_default()
        }
    };
    Ok(chosen
        .into_iter()
        .map(|(index, name)| {
            Box::new(XmlSheet {
                path: path.to_path_buf(),
                name,
                index,
                limits,
            }) as Box<dyn TableSource>
        })
        .collect())
}

/// One worksheet of the file.
struct XmlSheet {
    path: PathBuf,
    name: String,
    /// 0-based, in file order.
    index: usize,
    limits: Limits,
}

impl TableSource for XmlSheet {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError> {
        Ok(Box::new(XmlRows {
            reader: open_reader(&self.path)?,
            buf: Vec::new(),
            sheet: self.index,
            limits: self.limits,
            sheets_seen: 0,
            inside: false,
            done: false,
            row: Vec::new(),
            pos: 0,
            blank_before: 0,
            waiting: None,
            repairs: Default::default(),
        }))
    }
}

/// A row as the file gives it: its `ss:Index` when set, and its cells.
type SheetRow = (Option<u64>, Vec<OwnedValue>);

struct XmlRows {
    reader: Reader<BufReader<File>>,
    buf: Vec<u8>,
    sheet: usize,
    limits: Limits,
    sheets_seen: usize,
    inside: bool,
    done: bool,
    row: Vec<OwnedValue>,
    pos: u64,
    /// Rows skipped by the next row's `ss:Index`, given as blank rows first.
    blank_before: u64,
    waiting: Option<Vec<OwnedValue>>,
    repairs: crate::encoded_twice::Repairs,
}

impl XmlRows {
    fn error(&self, e: impl std::fmt::Display) -> IngestError {
        unreadable(format!("{e} (byte {})", self.reader.error_position()))
    }

    /// Reads events up to the next row of the sheet; `None` at its end.
    fn next_row(&mut self) -> Result<Option<SheetRow>, IngestError> {
        loop {
            let event = next_event(&mut self.reader, &mut self.buf)?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == "Worksheet" => {
                    self.inside = self.sheets_seen == self.sheet;
                    self.sheets_seen += 1;
                }
                Event::End(e) if self.inside && e.local_name().as_ref() == "Worksheet" => {
                    return Ok(None);
                }
                Event::Empty(e) if self.inside && e.local_name().as_ref() == "Row" => {
                    let index = attribute(&e, "Index").and_then(|i| i.parse().ok());
                    return Ok(Some((index, Vec::new())));
                }
                Event::Start(e) if self.inside && e.local_name().as_ref() == "Row" => {
                    let index = attribute(&e, "Index").and_then(|i| i.parse().ok());
                    let cells = self.read_cells()?;
                    return Ok(Some((index, cells)));
                }
                Event::Eof => return Ok(None),
                _ => {}
            }
        }
    }

    /// The cells of the row just opened, up to its end.
    fn read_cells(&mut self) -> Result<Vec<OwnedValue>, IngestError> {
        let mut cells: Vec<OwnedValue> = Vec::new();
        let mut column = 0usize;
        loop {
            let event = next_event(&mut self.reader, &mut self.buf)?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Cell" => {
                    if let Some(i) = attribute(&e, "Index").and_then(|i| i.parse::<usize>().ok()) {
                        column = i.saturating_sub(1).max(column);
                    }
                    let across = attribute(&e, "MergeAcross")
                        .and_then(|i| i.parse::<usize>().ok())
                        .unwrap_or(0);
                    if column >= self.limits.max_columns || across >= self.limits.max_columns {
                        return Err(IngestError::rejected(IssueKind::TooManyColumns {
                            count: column.max(across) + 1,
                            limit: self.limits.max_columns,
                        }));
                    }
                    let value = if empty {
                        OwnedValue::Empty
                    } else {
                        self.read_cell()?
                    };
                    if cells.len() <= column {
                        cells.resize(column + 1, OwnedValue::Empty);
                    }
                    cells[column] = value;
                    column += 1 + across;
                }
                Event::End(e) if e.local_name().as_ref() == "Row" => return Ok(cells),
                Event::Eof => return Err(self.error("the file ends inside a row")),
                _ => {}
            }
        }
    }

    /// The value of the cell just opened (its `Data`), up to the cell's end.
    fn read_cell(&mut self) -> Result<OwnedValue, IngestError> {
        let mut kind = String::new();
        let mut text = String::new();
        let mut in_data = false;
        loop {
            let event = next_event(&mut self.reader, &mut self.buf)?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == "Data" => {
                    kind = attribute(&e, "Type").unwrap_or_default();
                    in_data = true;
                }
                Event::End(e) if e.local_name().as_ref() == "Data" => in_data = false,
                Event::End(e) if e.local_name().as_ref() == "Cell" => break,
                Event::Text(t) if in_data => text.push_str(&t.xml10_content()),
                Event::CData(t) if in_data => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if in_data => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        text.push_str(s);
                    }
                }
                Event::Eof => return Err(self.error("the file ends inside a cell")),
                _ => {}
            }
            if text.len() > self.limits.max_cell_bytes {
                return Err(IngestError::rejected(IssueKind::CellTooLong {
                    limit: self.limits.max_cell_bytes,
                }));
            }
        }
        let text = match self.repairs.fix(&text, self.pos + 1) {
            std::borrow::Cow::Owned(fixed) => fixed,
            std::borrow::Cow::Borrowed(_) => text,
        };
        Ok(typed(&kind, text))
    }
}

/// A cell's text as its declared type says.
fn typed(kind: &str, text: String) -> OwnedValue {
    match kind {
        // A number written with a leading zero (`01101`) is a code the generator kept.
        "Number"
            if text.trim().len() > 1
                && text.trim().starts_with('0')
                && !text.trim().starts_with("0.") =>
        {
            OwnedValue::Text(text)
        }
        "Number" => match text.trim().parse::<f64>() {
            Ok(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => OwnedValue::Int(x as i64),
            Ok(x) if x.is_finite() => OwnedValue::Float(x),
            _ => OwnedValue::Text(text),
        },
        "Boolean" => match text.trim() {
            "1" => OwnedValue::Bool(true),
            "0" => OwnedValue::Bool(false),
            _ => OwnedValue::Text(text),
        },
        "DateTime" => {
            let t = text.trim();
            match NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
                Ok(dt) if dt.time() == chrono::NaiveTime::MIN => OwnedValue::Date(dt.date()),
                Ok(dt) => OwnedValue::DateTime(dt),
                Err(_) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map_or(OwnedValue::Text(text), OwnedValue::Date),
            }
        }
        _ if text.is_empty() => OwnedValue::Empty,
        _ => OwnedValue::Text(text),
    }
}

impl Rows for XmlRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        if self.blank_before > 0 {
            self.blank_before -= 1;
            self.pos += 1;
            self.row.clear();
            return Ok(true);
        }
        if let Some(row) = self.waiting.take() {
            self.pos += 1;
            self.row = row;
            return Ok(true);
        }
        if self.done {
            return Ok(false);
        }
        let Some((index, cells)) = self.next_row()? else {
            self.done = true;
            self.row.clear();
            return Ok(false);
        };
        let next = self.pos + 1;
        match index {
            Some(i) if i > next => {
                // Rows the sheet skips: blank, but only as many as a table may have.
                if i - next > self.limits.max_rows {
                    return Err(IngestError::rejected(IssueKind::TooManyRows {
                        limit: self.limits.max_rows,
                    }));
                }
                self.blank_before = i - next;
                self.waiting = Some(cells);
                self.advance()
            }
            _ => {
                self.pos = next;
                self.row = cells;
                Ok(true)
            }
        }
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    fn get(&self, i: usize) -> Value<'_> {
        self.row.get(i).map_or(Value::Empty, OwnedValue::as_value)
    }

    fn bytes_read(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn take_issues(&mut self) -> Vec<crate::Issue> {
        self.repairs.take_issue().into_iter().collect()
    }
}
