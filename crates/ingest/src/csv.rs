//! Reading delimited text files (CSV, TSV, …) as a stream of rows, with bounded memory.
//!
//! The `csv` crate does the parsing. Around it: the dialect is sniffed from the first
//! MB, a line-length guard stops the parser from buffering an unclosed quote through a
//! 500 MB file, cells of UTF-8 files are exposed without copying, and other encodings are
//! decoded into one reused buffer.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;

use ::csv::{ByteRecord, ReaderBuilder, Terminator};
use encoding_rs::{DecoderResult, Encoding, UTF_8};

use crate::sniff::{looks_binary, sniff, TextDialect, TextOptions};
use crate::{IngestError, Issue, IssueKind, Limits, Rows, TableSource, Value};

/// Bytes looked at to choose the encoding and the delimiter.
const SNIFF_BYTES: usize = 1024 * 1024;
/// Read buffer of the parser.
const BUFFER_BYTES: usize = 256 * 1024;
const UTF8_BOM_LEN: u64 = 3;

/// A delimited text file: one table.
#[derive(Debug, Clone)]
pub struct CsvSource {
    path: PathBuf,
    name: String,
    dialect: TextDialect,
    limits: Limits,
    /// Lines end in a lone `\r` (old Mac exports); they are read as `\n`.
    cr_lines: bool,
}

impl CsvSource {
    /// Opens the file and sniffs the dialect from its first MB. Errors: an empty file
    /// (`EmptyFile`), a binary one (`Binary`), UTF-16 text (`Unreadable`), or an option
    /// that cannot apply (`BadOption`).
    pub fn new(
        path: PathBuf,
        name: String,
        opts: &TextOptions,
        limits: Limits,
    ) -> Result<CsvSource, IngestError> {
        let mut file = File::open(&path)?;
        let prefix = read_prefix(&mut file, SNIFF_BYTES)?;
        let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&prefix);
        // Only a BOM or blank lines is as empty as no bytes at all.
        if prefix.len() < SNIFF_BYTES && body.iter().all(u8::is_ascii_whitespace) {
            return Err(IngestError::rejected(IssueKind::EmptyFile));
        }
        if looks_binary(&prefix) {
            return Err(IngestError::rejected(IssueKind::Binary));
        }
        let dialect = sniff(&prefix, opts)?;
        let cr_lines = !body.contains(&b'\n') && body.contains(&b'\r');
        Ok(CsvSource {
            path,
            name,
            dialect,
            limits,
            cr_lines,
        })
    }

    pub fn dialect(&self) -> &TextDialect {
        &self.dialect
    }
}

fn read_prefix(file: &mut File, max: usize) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(max.min(64 * 1024));
    file.by_ref().take(max as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

impl TableSource for CsvSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError> {
        let mut file = File::open(&self.path)?;
        let bom_len = if self.dialect.bom { UTF8_BOM_LEN } else { 0 };
        file.seek(SeekFrom::Start(bom_len))?;
        Ok(Box::new(CsvRows::new(
            file,
            &self.dialect,
            self.limits,
            bom_len,
            self.cr_lines,
        )))
    }
}

/// Hands the parser at most `max_line` bytes past the start of the record being parsed,
/// then fails: without it the `csv` crate would buffer an unclosed quote to the end of
/// the file. The parser only asks for more bytes once it has consumed all it was given,
/// so at each `read` everything handed out since `record_start` belongs to one record.
struct LineGuard<R> {
    inner: R,
    /// Bytes handed out so far.
    offset: u64,
    /// Where the record being parsed started; set by the reader after each record.
    record_start: u64,
    max_line: u64,
    exceeded: bool,
    eof: bool,
    last_byte: Option<u8>,
    cr_to_lf: bool,
}

impl<R: Read> LineGuard<R> {
    fn new(inner: R, max_line: usize, cr_to_lf: bool) -> Self {
        LineGuard {
            inner,
            offset: 0,
            record_start: 0,
            max_line: max_line as u64,
            exceeded: false,
            eof: false,
            last_byte: None,
            cr_to_lf,
        }
    }
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let used = self.offset.saturating_sub(self.record_start);
        if used > self.max_line {
            self.exceeded = true;
            return Err(io::Error::other("line too long"));
        }
        // One byte more than the limit is enough to know the record is too long.
        let allowed = (self.max_line - used)
            .saturating_add(1)
            .min(buf.len() as u64) as usize;
        let buf = &mut buf[..allowed];
        let n = loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if n == 0 {
            self.eof = true;
            return Ok(0);
        }
        if self.cr_to_lf {
            for b in &mut buf[..n] {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        self.last_byte = Some(buf[n - 1]);
        self.offset += n as u64;
        Ok(n)
    }
}

/// Where cell `i` of the current record is.
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// Bytes `start..end` of the record, valid UTF-8.
    Raw(usize, usize),
    /// Bytes `start..end` of the decoded text.
    Decoded(usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// A blank line: no cells.
    Blank,
    /// Every field of the record is valid UTF-8 as it stands.
    Direct,
    /// Some fields were decoded; see `cells`.
    Mixed,
}

struct CsvRows {
    reader: ::csv::Reader<LineGuard<File>>,
    record: ByteRecord,
    encoding: &'static Encoding,
    limits: Limits,
    bom_len: u64,
    /// Line of the current row.
    line: u64,
    mode: Mode,
    /// Number of fields of the current record.
    fields: usize,
    /// The last field ends in the `\r` of a CRLF line end, which is not part of it.
    last_cr: bool,
    cells: Vec<Cell>,
    decoded: String,
    /// Blank lines the parser skipped before the record in `record`, still to deliver.
    blank_lines: u64,
    next_blank_line: u64,
    /// `record` has been read but not yet delivered (blank lines come first).
    record_waiting: bool,
    record_line: u64,
    done: bool,
    invalid_bytes: u64,
    first_invalid_line: u64,
    /// Cells repaired from UTF-8 encoded twice (`JARDÃ\u{8d}N` → `JARDÍN`), and the first line.
    repaired: u64,
    first_repaired_line: u64,
}

impl CsvRows {
    fn new(file: File, dialect: &TextDialect, limits: Limits, bom_len: u64, cr: bool) -> Self {
        let guard = LineGuard::new(file, limits.max_line_bytes, cr);
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter)
            .quote(dialect.quote)
            // Only `\n` ends a record, so that the reader consumes it with the record and
            // line numbers can be worked out; the `\r` of CRLF is removed from the last
            // field instead.
            .terminator(Terminator::Any(b'\n'))
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(guard);
        CsvRows {
            reader,
            record: ByteRecord::with_capacity(4096, 64),
            encoding: dialect.encoding,
            limits,
            bom_len,
            line: 0,
            mode: Mode::Blank,
            fields: 0,
            last_cr: false,
            cells: Vec::new(),
            decoded: String::new(),
            blank_lines: 0,
            next_blank_line: 0,
            record_waiting: false,
            record_line: 0,
            done: false,
            invalid_bytes: 0,
            first_invalid_line: 0,
            repaired: 0,
            first_repaired_line: 0,
        }
    }

    /// Reads the next record into `record`; `false` at the end of the file.
    fn read_record(&mut self) -> Result<bool, IngestError> {
        let before = self.reader.position().clone();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(e) => return Err(self.parse_error(e, before.line())),
        }
        let after = self.reader.position().clone();
        let guard = self.reader.get_mut();
        guard.record_start = after.byte();
        // The record ended at a `\n` unless it ended at the end of a file whose last
        // byte is not `\n`.
        let at_end = guard.eof && after.byte() == guard.offset;
        let terminated = !at_end || guard.last_byte == Some(b'\n');

        // The parser skips blank lines silently and reports where it started reading,
        // so the line where the record starts is found by counting `\n`s: those read
        // minus those inside quoted fields and the terminator.
        let newlines = after.line() - before.line();
        let rest = newlines.saturating_sub(u64::from(terminated));
        let leading = if rest == 0 {
            0
        } else {
            let inside = self
                .record
                .as_slice()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            rest.saturating_sub(inside as u64)
        };
        self.blank_lines = leading;
        self.next_blank_line = before.line();
        self.record_line = before.line() + leading;

        // Blank lines are single `\n` bytes, not part of the record's length.
        let length = (after.byte() - before.byte()).saturating_sub(leading);
        if length > self.limits.max_line_bytes as u64 {
            return Err(self.reject(
                Issue::error(IssueKind::LineTooLong {
                    limit: self.limits.max_line_bytes,
                }),
                self.record_line,
            ));
        }
        Ok(true)
    }

    fn parse_error(&mut self, e: ::csv::Error, line: u64) -> IngestError {
        self.done = true;
        if self.reader.get_ref().exceeded {
            return IngestError::Rejected(
                Issue::error(IssueKind::LineTooLong {
                    limit: self.limits.max_line_bytes,
                })
                .at_row(line),
            );
        }
        let detail = e.to_string();
        match e.into_kind() {
            ::csv::ErrorKind::Io(io) => IngestError::Io(io),
            _ => IngestError::Rejected(
                Issue::error(IssueKind::Unreadable {
                    format: "CSV".into(),
                    detail,
                })
                .at_row(line),
            ),
        }
    }

    fn reject(&mut self, issue: Issue, line: u64) -> IngestError {
        self.done = true;
        self.blank_lines = 0;
        IngestError::Rejected(issue.at_row(line))
    }

    /// Makes the record in `record` the current row: limits, CRLF, decoding.
    fn load_record(&mut self) -> Result<(), IngestError> {
        let line = self.record_line;
        self.line = line;
        let fields = self.record.len();
        if fields > self.limits.max_columns {
            let issue = Issue::error(IssueKind::TooManyColumns {
                count: fields,
                limit: self.limits.max_columns,
            });
            return Err(self.reject(issue, line));
        }
        // No cell can be longer than the whole record.
        if self.record.as_slice().len() > self.limits.max_cell_bytes {
            let too_long = (0..fields).find(|&i| {
                self.record
                    .get(i)
                    .is_some_and(|f| f.len() > self.limits.max_cell_bytes)
            });
            if let Some(i) = too_long {
                let issue = Issue::error(IssueKind::CellTooLong {
                    limit: self.limits.max_cell_bytes,
                })
                .at_column(i + 1, "");
                return Err(self.reject(issue, line));
            }
        }
        self.fields = fields;
        self.last_cr = fields > 0
            && self
                .record
                .get(fields - 1)
                .is_some_and(|f| f.last() == Some(&b'\r'));
        // A line with nothing but a line end (a CRLF blank line reaches here as "\r").
        if fields == 1 && self.field(0).is_empty() {
            self.mode = Mode::Blank;
            return Ok(());
        }
        let bytes = self.record.as_slice();
        // Other encodings agree with UTF-8 on ASCII.
        let text = if self.encoding == UTF_8 || bytes.is_ascii() {
            simdutf8::basic::from_utf8(bytes).ok()
        } else {
            None
        };
        // A field boundary inside a character means the original bytes had a delimiter in
        // the middle of a character: decode field by field.
        let direct = text.filter(|text| {
            (0..fields).all(|i| {
                self.record
                    .range(i)
                    .is_some_and(|r| text.is_char_boundary(r.start))
            })
        });
        // UTF-8 encoded twice shows as `Ã` or `Â` followed by another character: such
        // records go field by field, to repair what can be repaired for certain.
        let twice = self.encoding == UTF_8 && crate::encoded_twice::looks_encoded_twice(bytes);
        if let Some(text) = direct.filter(|_| !twice) {
            // Kept as checked text once, so that reading a cell needs no second check.
            self.decoded.clear();
            self.decoded.push_str(text);
            self.mode = Mode::Direct;
            return Ok(());
        }
        self.mode = Mode::Mixed;
        self.cells.clear();
        self.decoded.clear();
        let mut invalid = 0;
        for i in 0..fields {
            let Some(range) = self.record.range(i) else {
                break;
            };
            let end = if i + 1 == fields && self.last_cr {
                range.end - 1
            } else {
                range.end
            };
            let raw = &self.record.as_slice()[range.start..end];
            let plain = if self.encoding == UTF_8 {
                std::str::from_utf8(raw).is_ok()
            } else {
                raw.is_ascii()
            };
            let repaired = if plain && twice {
                std::str::from_utf8(raw)
                    .ok()
                    .and_then(crate::encoded_twice::repair)
            } else {
                None
            };
            if let Some(fixed) = repaired {
                if self.repaired == 0 {
                    self.first_repaired_line = line;
                }
                self.repaired += 1;
                let start = self.decoded.len();
                self.decoded.push_str(&fixed);
                self.cells.push(Cell::Decoded(start, self.decoded.len()));
            } else if plain {
                self.cells.push(Cell::Raw(range.start, end));
            } else {
                let start = self.decoded.len();
                invalid += decode_into(self.encoding, raw, &mut self.decoded);
                self.cells.push(Cell::Decoded(start, self.decoded.len()));
            }
        }
        if invalid > 0 {
            if self.invalid_bytes == 0 {
                self.first_invalid_line = line;
            }
            self.invalid_bytes += invalid;
        }
        Ok(())
    }

    /// Field `i` of the record, without the `\r` of a CRLF line end.
    fn field(&self, i: usize) -> &[u8] {
        let field = self.record.get(i).unwrap_or_default();
        if i + 1 == self.fields && self.last_cr {
            &field[..field.len() - 1]
        } else {
            field
        }
    }
}

/// Decodes `bytes` onto the end of `out`, with "�" for invalid bytes; returns how many
/// bytes were invalid.
fn decode_into(encoding: &'static Encoding, bytes: &[u8], out: &mut String) -> u64 {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut invalid = 0;
    let mut src = bytes;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len() * 3 + 16);
        out.reserve(need);
        let (result, read) = decoder.decode_to_string_without_replacement(src, out, true);
        src = &src[read..];
        match result {
            DecoderResult::InputEmpty => return invalid,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, _) => {
                invalid += u64::from(bad);
                out.push('\u{FFFD}');
            }
        }
    }
}

impl Rows for CsvRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        loop {
            if self.blank_lines > 0 {
                self.blank_lines -= 1;
                self.line = self.next_blank_line;
                self.next_blank_line += 1;
                self.mode = Mode::Blank;
                self.fields = 0;
                return Ok(true);
            }
            if self.record_waiting {
                self.record_waiting = false;
                self.load_record()?;
                return Ok(true);
            }
            if self.done {
                self.mode = Mode::Blank;
                self.fields = 0;
                return Ok(false);
            }
            if !self.read_record()? {
                self.done = true;
                continue;
            }
            self.record_waiting = true;
        }
    }

    fn position(&self) -> u64 {
        self.line
    }

    fn len(&self) -> usize {
        match self.mode {
            Mode::Blank => 0,
            Mode::Direct | Mode::Mixed => self.fields,
        }
    }

    fn get(&self, i: usize) -> Value<'_> {
        let text = match self.mode {
            Mode::Blank => return Value::Empty,
            Mode::Direct => {
                if i >= self.fields {
                    return Value::Empty;
                }
                let Some(range) = self.record.range(i) else {
                    return Value::Empty;
                };
                let end = if i + 1 == self.fields && self.last_cr {
                    range.end - 1
                } else {
                    range.end
                };
                // Field bounds were checked to be character boundaries in `load_record`.
                self.decoded.get(range.start..end).unwrap_or_default()
            }
            Mode::Mixed => match self.cells.get(i) {
                None => return Value::Empty,
                Some(&Cell::Raw(start, end)) => {
                    std::str::from_utf8(&self.record.as_slice()[start..end]).unwrap_or_default()
                }
                Some(&Cell::Decoded(start, end)) => &self.decoded[start..end],
            },
        };
        if text.is_empty() {
            Value::Empty
        } else {
            Value::Text(text)
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bom_len + self.reader.position().byte()
    }

    fn text_cells(&self, ranges: &mut Vec<(u32, u32)>) -> Option<&str> {
        if self.mode != Mode::Direct {
            return None;
        }
        for i in 0..self.fields {
            let range = self.record.range(i)?;
            let end = if i + 1 == self.fields && self.last_cr {
                range.end - 1
            } else {
                range.end
            };
            // A record is far below 4 GB (its length is bounded by the line guard).
            ranges.push((range.start as u32, end as u32));
        }
        Some(&self.decoded)
    }

    fn take_issues(&mut self) -> Vec<Issue> {
        let mut issues = Vec::new();
        if self.repaired > 0 {
            issues.push(
                Issue::warning(IssueKind::EncodedTwice {
                    cells: std::mem::take(&mut self.repaired),
                })
                .at_row(self.first_repaired_line),
            );
        }
        if self.invalid_bytes == 0 {
            return issues;
        }
        let count = std::mem::take(&mut self.invalid_bytes);
        issues.push(
            Issue::warning(IssueKind::InvalidBytes {
                encoding: self.encoding.name().to_string(),
                count,
            })
            .at_row(self.first_invalid_line),
        );
        issues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_stops_after_the_limit_past_the_record_start() {
        let data = vec![b'x'; 10_000];
        let mut guard = LineGuard::new(&data[..], 1000, false);
        let mut buf = vec![0u8; 256];
        let mut total = 0;
        let err = loop {
            match guard.read(&mut buf) {
                Ok(n) => total += n,
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::Other);
        assert!(guard.exceeded);
        assert_eq!(total, 1001);

        // A new record moves the window.
        let mut guard = LineGuard::new(&data[..], 1000, false);
        let mut total = 0;
        for _ in 0..20 {
            guard.record_start = guard.offset;
            total += guard.read(&mut buf).unwrap();
        }
        assert_eq!(total, 20 * 256);
    }

    #[test]
    fn guard_turns_lone_cr_into_lf() {
        let mut guard = LineGuard::new(&b"a;b\r1;2\r"[..], 100, true);
        let mut out = Vec::new();
        guard.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"a;b\n1;2\n");
    }

    #[test]
    fn decoding_counts_invalid_bytes() {
        let mut out = String::new();
        assert_eq!(decode_into(UTF_8, b"a\xffb\xfe", &mut out), 2);
        assert_eq!(out, "a\u{FFFD}b\u{FFFD}");
        out.clear();
        assert_eq!(
            decode_into(encoding_rs::WINDOWS_1252, b"Pet\xe9n", &mut out),
            0
        );
        assert_eq!(out, "Petén");
    }
}
