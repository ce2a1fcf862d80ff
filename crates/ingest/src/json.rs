//! JSON and GeoJSON: a list of objects, one object per line (NDJSON), or a GeoJSON
//! FeatureCollection — read one record at a time with bounded memory.
//!
//! The bytes are scanned (strings, escapes and nesting depth tracked) to find each record's
//! span, and only that span is parsed; no record may be longer than `max_line_bytes`.
//! A first scan in [`JsonSource::new`] checks the whole file and gathers the column names:
//! the union of the objects' keys in order of first appearance (for GeoJSON, the keys of
//! the features' `properties`, then a last column `geometry`).
//!
//! Rows: row 1 is the header (the column names); record number `n` (1-based: the first
//! object of the file is record 1) is row `n + 1`, so `position()` of the first object is 2.
//! Fatal findings about a record (`Unreadable`, `LineTooLong`, `CellTooLong`) carry its
//! record number `n` as their row, and say "record no. n" and the line and column of the
//! file in their detail.
//!
//! Values: string → `Text`, integer → `Int` (above `i64::MAX`, `Float`), other number →
//! `Float`, `true`/`false` → `Bool`, `null` or missing key → `Empty`, list or object →
//! `Text` holding its compact JSON (keys kept in file order).

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{IngestError, Issue, IssueKind, Limits, Rows, TableSource, Value};

/// The name of the column that holds each feature's geometry.
pub const GEOMETRY_COLUMN: &str = "geometry";
/// Longest top-level key or `type` value looked at while finding a file's layout.
const KEY_LIMIT: usize = 64 * 1024;
const READ_BUFFER: usize = 256 * 1024;

/// How the records are laid out in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// A list of objects: `[{…}, {…}]`.
    Array,
    /// Objects one after another: one per line (NDJSON), or a single object.
    Lines,
    /// A GeoJSON FeatureCollection (or a single Feature, or one Feature per line).
    GeoJson,
}

/// How records are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Elements of a list whose `[` has been read: separated by commas, ended by `]`.
    Array,
    /// One record per non-blank line.
    Lines,
    /// Values one after another, separated by whitespace only.
    Sequence,
}

/// A place in the file.
#[derive(Debug, Clone, Copy)]
struct Mark {
    offset: u64,
    /// 1-based.
    line: u64,
    /// Offset of the line's first byte.
    line_start: u64,
}

impl Mark {
    fn column(&self) -> u64 {
        self.offset.saturating_sub(self.line_start) + 1
    }
}

/// A JSON file: an array of objects, or newline-delimited objects (NDJSON), or a GeoJSON
/// FeatureCollection. The header is fixed: see the module documentation for rows and
/// positions.
pub struct JsonSource {
    path: PathBuf,
    name: String,
    limits: Limits,
    kind: JsonKind,
    framing: Framing,
    /// Records are GeoJSON features.
    features: bool,
    /// Where the first record (or the space before it) starts.
    start: Mark,
    columns: Vec<String>,
    index: HashMap<String, usize>,
    /// Column of the features' geometry.
    geometry: Option<usize>,
    records: u64,
}

impl fmt::Debug for JsonSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonSource")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("columns", &self.columns)
            .field("records", &self.records)
            .finish()
    }
}

impl JsonSource {
    /// Reads the whole file once: finds its layout, checks every record and gathers the
    /// column names.
    pub fn new(path: PathBuf, name: String, limits: Limits) -> Result<JsonSource, IngestError> {
        let file = File::open(&path)?;
        let mut scan = Scan::new(BufReader::with_capacity(READ_BUFFER, file));
        scan.skip_bom()?;
        let (kind, framing, features, start) = match scan.skip_ws()? {
            None => return Err(IngestError::rejected(IssueKind::EmptyFile)),
            Some(b'[') => {
                scan.bump()?;
                (JsonKind::Array, Framing::Array, false, scan.mark())
            }
            Some(b'{') => layout_of_object(&mut scan)?,
            Some(other) => {
                return Err(bad(format!(
                    "the file holds {} alone, not a list of records; it should be a list of \
                     objects ([{{…}}, {{…}}]), one object per line, or a GeoJSON \
                     FeatureCollection",
                    describe(other)
                )))
            }
        };
        scan.seek_to(start)?;

        let mut columns = Vec::new();
        let mut index = HashMap::new();
        let max_keys = if features {
            limits.max_columns.saturating_sub(1)
        } else {
            limits.max_columns
        };
        let mut records = Records::new(scan, framing, features, limits.max_line_bytes);
        while records.next()? {
            let n = records.record;
            if let Err(e) = std::str::from_utf8(&records.buf) {
                let at = advance_mark(records.at, &records.buf[..e.valid_up_to()]);
                return Err(bad_at(
                    n,
                    format!(
                        "record no. {n} has bytes that are not valid UTF-8 (line {}, column {}); \
                         JSON files must be saved as UTF-8",
                        at.line,
                        at.column()
                    ),
                ));
            }
            let mut keys = KeyCollector {
                columns: &mut columns,
                index: &mut index,
                max: max_keys,
                overflow: false,
            };
            let mut de = serde_json::Deserializer::from_slice(&records.buf);
            let parsed = if features {
                FeatureKeys(&mut keys).deserialize(&mut de)
            } else {
                ObjectKeys(&mut keys).deserialize(&mut de)
            }
            .and_then(|()| de.end());
            if let Err(e) = parsed {
                if keys.overflow {
                    return Err(IngestError::Rejected(
                        Issue::error(IssueKind::TooManyColumns {
                            count: limits.max_columns.saturating_add(1),
                            limit: limits.max_columns,
                        })
                        .at_row(n),
                    ));
                }
                return Err(syntax_error(n, records.at, &e, features));
            }
        }
        if framing == Framing::Array && !features {
            // Nothing may follow the list but whitespace.
            if let Some(b) = records.scan.skip_ws()? {
                let at = records.scan.mark();
                return Err(bad(format!(
                    "there is more after the end of the list, at line {}, column {} ('{}')",
                    at.line,
                    at.column(),
                    char::from(b).escape_default()
                )));
            }
        }
        let geometry = if features {
            let name = if index.contains_key(GEOMETRY_COLUMN) {
                format!("{GEOMETRY_COLUMN}_geojson")
            } else {
                GEOMETRY_COLUMN.to_string()
            };
            index.insert(name.clone(), columns.len());
            columns.push(name);
            Some(columns.len() - 1)
        } else {
            None
        };
        Ok(JsonSource {
            path,
            name,
            limits,
            kind,
            framing,
            features,
            start,
            columns,
            index,
            geometry,
            records: records.record,
        })
    }

    pub fn kind(&self) -> JsonKind {
        self.kind
    }

    /// The column names, as row 1 gives them.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// How many records (objects, features) the file holds.
    pub fn records(&self) -> u64 {
        self.records
    }
}

impl TableSource for JsonSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError> {
        let file = File::open(&self.path)?;
        let mut scan = Scan::new(BufReader::with_capacity(READ_BUFFER, file));
        scan.seek_to(self.start)?;
        Ok(Box::new(JsonRows {
            source: self,
            records: Records::new(
                scan,
                self.framing,
                self.features,
                self.limits.max_line_bytes,
            ),
            cells: Vec::with_capacity(self.columns.len()),
            text: String::new(),
            scratch: Vec::new(),
            pos: 0,
            done: false,
        }))
    }

    fn fixed_header(&self) -> bool {
        true
    }
}

/// What a file starting with `{` holds: a FeatureCollection, a Feature, objects one after
/// another, or a single object.
fn layout_of_object<R: BufRead + Seek>(
    scan: &mut Scan<R>,
) -> Result<(JsonKind, Framing, bool, Mark), IngestError> {
    let first = scan.mark();
    let top = walk_object(scan)?;
    let more = scan.skip_ws()?.is_some();
    let typ = top.typ.as_deref().unwrap_or("");
    if let Some(features) = top.features {
        if more {
            let at = scan.mark();
            return Err(bad(format!(
                "there is more after the end of the FeatureCollection, at line {}, column {}",
                at.line,
                at.column()
            )));
        }
        return Ok((JsonKind::GeoJson, Framing::Array, true, features));
    }
    // Lines when the first object fits on its first line; otherwise pretty-printed
    // objects one after another.
    let framing = if top.end_line == first.line {
        Framing::Lines
    } else {
        Framing::Sequence
    };
    match typ {
        "Feature" => return Ok((JsonKind::GeoJson, framing, true, first)),
        "FeatureCollection" => {
            return Err(bad(
                "the FeatureCollection has no list of \"features\"".to_string()
            ))
        }
        "Topology" => {
            return Err(bad(
                "the file is TopoJSON, which is not read here; convert it to GeoJSON first"
                    .to_string(),
            ))
        }
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
        | "GeometryCollection" => {
            return Err(bad(format!(
                "the file is a bare GeoJSON {typ} without properties; it should be a \
                 Feature or a FeatureCollection"
            )))
        }
        _ => {}
    }
    if !more && !top.lists.is_empty() {
        return Err(bad(format!(
            "the file is one object whose members ({}) hold lists of records; upload one \
             list at a time, as a JSON list of objects",
            top.lists.join(", ")
        )));
    }
    Ok((JsonKind::Lines, framing, false, first))
}

/// What the top-level object says about itself.
struct TopInfo {
    /// Just after the `[` of its `features` list.
    features: Option<Mark>,
    typ: Option<String>,
    /// Members whose value is a list of objects.
    lists: Vec<String>,
    end_line: u64,
}

/// Walks the members of the top-level object (at its `{`) without keeping their values.
fn walk_object<R: BufRead>(scan: &mut Scan<R>) -> Result<TopInfo, IngestError> {
    let mut info = TopInfo {
        features: None,
        typ: None,
        lists: Vec::new(),
        end_line: 0,
    };
    let mut buf = Vec::new();
    scan.bump()?;
    let mut first = true;
    loop {
        match scan.skip_ws()? {
            Some(b'}') if first => {
                scan.bump()?;
                break;
            }
            Some(b'"') => {}
            other => return Err(unexpected(scan, other, "a member name in quotes")),
        }
        first = false;
        buf.clear();
        take_whole(scan, Some(&mut buf), KEY_LIMIT, 0)?;
        let key: String = serde_json::from_slice(&buf).unwrap_or_default();
        match scan.skip_ws()? {
            Some(b':') => scan.bump()?,
            other => return Err(unexpected(scan, other, "':'")),
        }
        match scan.skip_ws()? {
            Some(b'[') => {
                scan.bump()?;
                if key == "features" && info.features.is_none() {
                    info.features = Some(scan.mark());
                }
                if scan.skip_ws()? == Some(b'{') {
                    info.lists.push(key);
                }
                take_whole(scan, None, usize::MAX, 1)?;
            }
            Some(b'"') if key == "type" => {
                buf.clear();
                let taken = scan_take(scan, Some(&mut buf), KEY_LIMIT, 0)?;
                if matches!(taken, Taken::TooLong) {
                    take_whole(scan, None, usize::MAX, 0)?;
                } else {
                    expect_taken(scan, taken)?;
                    info.typ = serde_json::from_slice(&buf).ok();
                }
            }
            Some(b'{' | b'"') => take_whole(scan, None, usize::MAX, 0)?,
            Some(_) => scan.skip_scalar()?,
            None => return Err(truncated(scan)),
        }
        match scan.skip_ws()? {
            Some(b',') => scan.bump()?,
            Some(b'}') => {
                scan.bump()?;
                break;
            }
            other => return Err(unexpected(scan, other, "',' or '}'")),
        }
    }
    info.end_line = scan.line;
    Ok(info)
}

/// [`scan_take`], where anything but a whole value is an error.
fn take_whole<R: BufRead>(
    scan: &mut Scan<R>,
    out: Option<&mut Vec<u8>>,
    limit: usize,
    depth: usize,
) -> Result<(), IngestError> {
    let taken = scan_take(scan, out, limit, depth)?;
    expect_taken(scan, taken)
}

fn expect_taken<R>(scan: &Scan<R>, taken: Taken) -> Result<(), IngestError> {
    match taken {
        Taken::Done => Ok(()),
        Taken::Eof => Err(truncated(scan)),
        Taken::TooLong => Err(bad(format!(
            "a member name near line {} is longer than {KEY_LIMIT} bytes",
            scan.line
        ))),
    }
}

fn truncated<R>(scan: &Scan<R>) -> IngestError {
    bad(format!(
        "the file ends at line {} before its last object is closed; it looks truncated",
        scan.line
    ))
}

fn unexpected<R>(scan: &Scan<R>, found: Option<u8>, wanted: &str) -> IngestError {
    match found {
        None => truncated(scan),
        Some(b) => {
            let at = scan.mark();
            bad(format!(
                "expected {wanted} at line {}, column {}, but found '{}'",
                at.line,
                at.column(),
                char::from(b).escape_default()
            ))
        }
    }
}

fn bad(detail: String) -> IngestError {
    IngestError::rejected(IssueKind::Unreadable {
        format: "JSON".into(),
        detail,
    })
}

fn bad_at(record: u64, detail: String) -> IngestError {
    IngestError::Rejected(
        Issue::error(IssueKind::Unreadable {
            format: "JSON".into(),
            detail,
        })
        .at_row(record),
    )
}

/// What a value starting with this byte is, in words.
fn describe(b: u8) -> &'static str {
    match b {
        b'[' => "a list",
        b'{' => "an object",
        b'"' => "a text",
        b't' | b'f' => "a true/false value",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "a number",
        _ => "something that is not JSON",
    }
}

/// serde_json's finding, placed in the file: its line and column are counted from the
/// record's first byte.
fn syntax_error(record: u64, at: Mark, e: &serde_json::Error, features: bool) -> IngestError {
    let (line, column) = if e.line() == 0 {
        (at.line, at.column())
    } else if e.line() == 1 {
        (at.line, at.column() + e.column() as u64 - 1)
    } else {
        (at.line + e.line() as u64 - 1, e.column() as u64)
    };
    let full = e.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    let what = if features { "feature" } else { "record" };
    let problem = if e.is_data() {
        "does not have the expected shape"
    } else {
        "is not valid JSON"
    };
    bad_at(
        record,
        format!("{what} no. {record} {problem} at line {line}, column {column}: {message}"),
    )
}

/// `mark` moved over `bytes`.
fn advance_mark(mut mark: Mark, bytes: &[u8]) -> Mark {
    let (lines, last) = count_lines(bytes);
    if let Some(last) = last {
        mark.line += lines;
        mark.line_start = mark.offset + last as u64 + 1;
    }
    mark.offset += bytes.len() as u64;
    mark
}

fn count_lines(bytes: &[u8]) -> (u64, Option<usize>) {
    let mut count = 0;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            count += 1;
            last = Some(i);
        }
    }
    (count, last)
}

// ---------------------------------------------------------------------------------------
// Scanning bytes

enum Taken {
    Done,
    /// Longer than the limit; reading stopped there.
    TooLong,
    /// The file ended inside the value.
    Eof,
}

/// A reader that knows its offset, line and column.
struct Scan<R> {
    r: R,
    offset: u64,
    line: u64,
    line_start: u64,
}

impl<R> Scan<R> {
    fn mark(&self) -> Mark {
        Mark {
            offset: self.offset,
            line: self.line,
            line_start: self.line_start,
        }
    }

    fn consumed(&mut self, n: usize, lines: u64, last: Option<usize>) {
        if let Some(last) = last {
            self.line += lines;
            self.line_start = self.offset + last as u64 + 1;
        }
        self.offset += n as u64;
    }
}

impl<R: BufRead> Scan<R> {
    fn new(r: R) -> Scan<R> {
        Scan {
            r,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// A UTF-8 byte order mark is skipped; UTF-16 is refused.
    fn skip_bom(&mut self) -> Result<(), IngestError> {
        let head = self.r.fill_buf()?;
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.r.consume(3);
            self.offset = 3;
            self.line_start = 3;
        } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(bad(
                "the file is UTF-16 text; JSON must be UTF-8: save it again as UTF-8".into(),
            ));
        }
        Ok(())
    }

    /// The next byte that is not whitespace, left unread; `None` at the end.
    fn skip_ws(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(buf.len());
            let found = buf.get(n).copied();
            let (lines, last) = count_lines(&buf[..n]);
            self.r.consume(n);
            self.consumed(n, lines, last);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    /// Reads one byte (known not to be a newline).
    fn bump(&mut self) -> std::io::Result<()> {
        let buf = self.r.fill_buf()?;
        if !buf.is_empty() {
            let newline = buf[0] == b'\n';
            self.r.consume(1);
            self.consumed(1, u64::from(newline), newline.then_some(0));
        }
        Ok(())
    }

    /// Skips a number, `true`, `false` or `null`: up to the next delimiter.
    fn skip_scalar(&mut self) -> std::io::Result<()> {
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let end = buf.iter().position(|b| {
                matches!(
                    b,
                    b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}' | b':' | b'"' | b'[' | b'{'
                )
            });
            let n = end.unwrap_or(buf.len());
            self.r.consume(n);
            self.offset += n as u64;
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// Reads one line, without its end, into `out`; `None` at the end of the file.
    fn take_line(&mut self, out: &mut Vec<u8>, limit: usize) -> std::io::Result<Option<Taken>> {
        let mut any = false;
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(any.then_some(Taken::Done));
            }
            any = true;
            let newline = buf.iter().position(|&b| b == b'\n');
            let n = newline.unwrap_or(buf.len());
            if out.len() + n > limit {
                return Ok(Some(Taken::TooLong));
            }
            out.extend_from_slice(&buf[..n]);
            let used = n + usize::from(newline.is_some());
            self.r.consume(used);
            self.consumed(used, u64::from(newline.is_some()), newline);
            if newline.is_some() {
                return Ok(Some(Taken::Done));
            }
        }
    }
}

impl<R: BufRead + Seek> Scan<R> {
    fn seek_to(&mut self, mark: Mark) -> std::io::Result<()> {
        self.r.seek(SeekFrom::Start(mark.offset))?;
        self.offset = mark.offset;
        self.line = mark.line;
        self.line_start = mark.line_start;
        Ok(())
    }
}

/// Reads an object, list or string starting at the next byte (or, with `depth` 1, the rest
/// of a list or object whose opening bracket was read), copying it to `out`.
fn scan_take<R: BufRead>(
    scan: &mut Scan<R>,
    mut out: Option<&mut Vec<u8>>,
    limit: usize,
    mut depth: usize,
) -> std::io::Result<Taken> {
    let mut in_str = false;
    let mut escaped = false;
    let mut taken = 0usize;
    loop {
        let buf = scan.r.fill_buf()?;
        if buf.is_empty() {
            return Ok(Taken::Eof);
        }
        let mut end = None;
        for (i, &b) in buf.iter().enumerate() {
            if in_str {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_str = false;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let n = end.unwrap_or(buf.len());
        taken = taken.saturating_add(n);
        let over = taken > limit;
        if !over {
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&buf[..n]);
            }
        }
        let (lines, last) = count_lines(&buf[..n]);
        scan.r.consume(n);
        scan.consumed(n, lines, last);
        if over {
            return Ok(Taken::TooLong);
        }
        if end.is_some() {
            return Ok(Taken::Done);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Records

/// The records of a file, one span of bytes at a time.
struct Records<R> {
    scan: Scan<R>,
    framing: Framing,
    features: bool,
    limit: usize,
    started: bool,
    done: bool,
    /// Number of the current record, 1-based.
    record: u64,
    /// Where the current record starts.
    at: Mark,
    buf: Vec<u8>,
}

impl<R: BufRead> Records<R> {
    fn new(scan: Scan<R>, framing: Framing, features: bool, limit: usize) -> Records<R> {
        let at = scan.mark();
        Records {
            scan,
            framing,
            features,
            limit,
            started: false,
            done: false,
            record: 0,
            at,
            buf: Vec::new(),
        }
    }

    fn what(&self) -> &'static str {
        if self.features {
            "feature"
        } else {
            "record"
        }
    }

    /// Moves to the next record, its bytes in `buf`; `false` at the end.
    fn next(&mut self) -> Result<bool, IngestError> {
        if self.done {
            return Ok(false);
        }
        self.buf.clear();
        let found = match self.framing {
            Framing::Array => self.next_in_list()?,
            Framing::Sequence => self.next_in_sequence()?,
            Framing::Lines => self.next_line()?,
        };
        if !found {
            self.done = true;
        }
        Ok(found)
    }

    fn next_in_list(&mut self) -> Result<bool, IngestError> {
        let mut c = self.scan.skip_ws()?;
        if self.started {
            match c {
                Some(b',') => {
                    self.scan.bump()?;
                    c = self.scan.skip_ws()?;
                    // A comma before the closing bracket is forgiven.
                    if c == Some(b']') {
                        self.scan.bump()?;
                        return Ok(false);
                    }
                }
                Some(b']') => {
                    self.scan.bump()?;
                    return Ok(false);
                }
                None => return Err(self.ends_early()),
                Some(b) => {
                    let at = self.scan.mark();
                    return Err(bad_at(
                        self.record,
                        format!(
                            "expected ',' or ']' after {} no. {} at line {}, column {}, but \
                             found '{}'",
                            self.what(),
                            self.record,
                            at.line,
                            at.column(),
                            char::from(b).escape_default()
                        ),
                    ));
                }
            }
        } else if c == Some(b']') {
            self.scan.bump()?;
            return Ok(false);
        }
        self.started = true;
        match c {
            None => Err(self.ends_early()),
            Some(b) => self.take_record(b),
        }
    }

    fn next_in_sequence(&mut self) -> Result<bool, IngestError> {
        match self.scan.skip_ws()? {
            None => Ok(false),
            Some(b) => self.take_record(b),
        }
    }

    fn take_record(&mut self, first: u8) -> Result<bool, IngestError> {
        self.record += 1;
        self.at = self.scan.mark();
        if first != b'{' {
            return Err(self.not_an_object(first));
        }
        match scan_take(&mut self.scan, Some(&mut self.buf), self.limit, 0)? {
            Taken::Done => Ok(true),
            Taken::TooLong => Err(self.too_long()),
            Taken::Eof => Err(bad_at(
                self.record,
                format!(
                    "the file ends in the middle of {} no. {}, which starts at line {}; it \
                     looks truncated",
                    self.what(),
                    self.record,
                    self.at.line
                ),
            )),
        }
    }

    fn next_line(&mut self) -> Result<bool, IngestError> {
        loop {
            self.buf.clear();
            let at = self.scan.mark();
            match self.scan.take_line(&mut self.buf, self.limit)? {
                None => return Ok(false),
                Some(Taken::TooLong) => {
                    self.record += 1;
                    self.at = at;
                    return Err(self.too_long());
                }
                Some(_) => {}
            }
            let Some(first) = self
                .buf
                .iter()
                .copied()
                .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            else {
                continue;
            };
            self.record += 1;
            self.at = at;
            if first != b'{' {
                return Err(self.not_an_object(first));
            }
            return Ok(true);
        }
    }

    fn ends_early(&self) -> IngestError {
        bad(format!(
            "the file ends at line {} before the list is closed with ']'; it looks truncated",
            self.scan.line
        ))
    }

    fn not_an_object(&self, first: u8) -> IngestError {
        let what = self.what();
        let n = self.record;
        bad_at(
            n,
            format!(
                "{what} no. {n} (line {}, column {}) is {}, not an object; each {what} must be \
                 an object {{\"name\": value, …}}",
                self.at.line,
                self.at.column(),
                describe(first)
            ),
        )
    }

    fn too_long(&self) -> IngestError {
        IngestError::Rejected(
            Issue::error(IssueKind::LineTooLong { limit: self.limit }).at_row(self.record),
        )
    }
}

// ---------------------------------------------------------------------------------------
// First scan: the keys

struct KeyCollector<'a> {
    columns: &'a mut Vec<String>,
    index: &'a mut HashMap<String, usize>,
    max: usize,
    overflow: bool,
}

impl KeyCollector<'_> {
    fn add<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        if !self.index.contains_key(key) {
            if self.columns.len() >= self.max {
                self.overflow = true;
                return Err(E::custom("too many columns"));
            }
            self.index.insert(key.to_string(), self.columns.len());
            self.columns.push(key.to_string());
        }
        Ok(())
    }
}

/// Reads an object's keys into the collector, skipping the values.
struct ObjectKeys<'k, 'a>(&'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for ObjectKeys<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectKeys<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(KeyName(&mut *self.0))?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A key, added to the collector.
struct KeyName<'k, 'a>(&'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for KeyName<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyName<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.add(v)
    }
}

/// The members of a feature that matter.
enum Member {
    Properties,
    Geometry,
    Other,
}

struct MemberName;

impl<'de> DeserializeSeed<'de> for MemberName {
    type Value = Member;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Member, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberName {
    type Value = Member;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
        Ok(match v {
            "properties" => Member::Properties,
            "geometry" => Member::Geometry,
            _ => Member::Other,
        })
    }
}

/// Reads a feature's property names into the collector.
struct FeatureKeys<'k, 'a>(&'k mut KeyCollector<'a>);

impl<'de> DeserializeSeed<'de> for FeatureKeys<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureKeys<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(member) = map.next_key_seed(MemberName)? {
            match member {
                Member::Properties => {
                    map.next_value_seed(Properties(ObjectKeys(&mut *self.0)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `properties`: an object, or `null` for none.
struct Properties<S>(S);

impl<'de, S> DeserializeSeed<'de> for Properties<S>
where
    S: Visitor<'de, Value = ()>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S> Visitor<'de> for Properties<S>
where
    S: Visitor<'de, Value = ()>,
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of properties, or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.visit_map(map)
    }
}

// ---------------------------------------------------------------------------------------
// Second scan: the rows

#[derive(Debug, Clone, Copy)]
enum Cell {
    Empty,
    Text(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Where a record's values go.
struct Fill<'a> {
    index: &'a HashMap<String, usize>,
    cells: &'a mut [Cell],
    text: &'a mut String,
    scratch: &'a mut Vec<u8>,
}

/// An object's values, each into its column.
struct ObjectFill<'f, 'a>(&'f mut Fill<'a>);

impl<'de> DeserializeSeed<'de> for ObjectFill<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectFill<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fill = self.0;
        while let Some(column) = map.next_key_seed(ColumnOf(fill.index))? {
            match column {
                Some(i) if i < fill.cells.len() => {
                    let cell = map.next_value_seed(CellSeed {
                        text: &mut *fill.text,
                        scratch: &mut *fill.scratch,
                    })?;
                    fill.cells[i] = cell;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A feature: its properties into their columns, its geometry into the last one.
struct FeatureFill<'f, 'a> {
    fill: &'f mut Fill<'a>,
    geometry: usize,
}

impl<'de> DeserializeSeed<'de> for FeatureFill<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureFill<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fill = self.fill;
        while let Some(member) = map.next_key_seed(MemberName)? {
            match member {
                Member::Properties => {
                    map.next_value_seed(Properties(ObjectFill(&mut *fill)))?;
                }
                Member::Geometry => {
                    let cell = map.next_value_seed(CellSeed {
                        text: &mut *fill.text,
                        scratch: &mut *fill.scratch,
                    })?;
                    if let Some(slot) = fill.cells.get_mut(self.geometry) {
                        *slot = cell;
                    }
                }
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A key, as its column number.
struct ColumnOf<'a>(&'a HashMap<String, usize>);

impl<'de> DeserializeSeed<'de> for ColumnOf<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ColumnOf<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.get(v).copied())
    }
}

/// One value, as a cell.
struct CellSeed<'a> {
    text: &'a mut String,
    scratch: &'a mut Vec<u8>,
}

impl CellSeed<'_> {
    fn push(self, s: &str) -> Cell {
        let start = self.text.len();
        self.text.push_str(s);
        Cell::Text(start, self.text.len())
    }

    /// A list or object, as compact JSON text.
    fn compact<E: de::Error>(
        self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<Cell, E> {
        self.scratch.clear();
        write(&mut *self.scratch)?;
        let s = std::str::from_utf8(self.scratch).map_err(E::custom)?;
        let start = self.text.len();
        self.text.push_str(s);
        Ok(Cell::Text(start, self.text.len()))
    }
}

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = Cell;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = Cell;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
        Ok(Cell::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
        Ok(Cell::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        Ok(i64::try_from(v).map_or(Cell::Float(v as f64), Cell::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        Ok(Cell::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        Ok(self.push(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Empty)
    }
    fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Empty)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell, A::Error> {
        self.compact(|out| Compact(out).visit_seq(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
        self.compact(|out| Compact(out).visit_map(map))
    }
}

/// Writes the value it reads as compact JSON, members in the order read.
struct Compact<'a>(&'a mut Vec<u8>);

impl Compact<'_> {
    fn json<E: de::Error, T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), E> {
        serde_json::to_writer(&mut *self.0, v).map_err(E::custom)
    }
}

impl<'de> DeserializeSeed<'de> for Compact<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Compact<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.json(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.0;
        out.push(b'[');
        let mut first = true;
        loop {
            let comma = out.len();
            if !first {
                out.push(b',');
            }
            if seq.next_element_seed(Compact(&mut *out))?.is_none() {
                out.truncate(comma);
                break;
            }
            first = false;
        }
        out.push(b']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.0;
        out.push(b'{');
        let mut first = true;
        loop {
            let comma = out.len();
            if !first {
                out.push(b',');
            }
            if map.next_key_seed(Compact(&mut *out))?.is_none() {
                out.truncate(comma);
                break;
            }
            out.push(b':');
            map.next_value_seed(Compact(&mut *out))?;
            first = false;
        }
        out.push(b'}');
        Ok(())
    }
}

/// The rows of a JSON file: the header, then one row per record.
struct JsonRows<'s> {
    source: &'s JsonSource,
    records: Records<BufReader<File>>,
    cells: Vec<Cell>,
    text: String,
    scratch: Vec<u8>,
    pos: u64,
    done: bool,
}

impl JsonRows<'_> {
    fn header(&mut self) {
        self.cells.clear();
        self.text.clear();
        for name in &self.source.columns {
            let start = self.text.len();
            self.text.push_str(name);
            self.cells.push(Cell::Text(start, self.text.len()));
        }
    }

    fn record(&mut self) -> Result<(), IngestError> {
        let source = self.source;
        self.cells.clear();
        self.cells.resize(source.columns.len(), Cell::Empty);
        self.text.clear();
        let mut fill = Fill {
            index: &source.index,
            cells: &mut self.cells,
            text: &mut self.text,
            scratch: &mut self.scratch,
        };
        let mut de = serde_json::Deserializer::from_slice(&self.records.buf);
        let parsed = match source.geometry {
            Some(geometry) if source.features => FeatureFill {
                fill: &mut fill,
                geometry,
            }
            .deserialize(&mut de),
            _ => ObjectFill(&mut fill).deserialize(&mut de),
        }
        .and_then(|()| de.end());
        let n = self.records.record;
        if let Err(e) = parsed {
            return Err(syntax_error(n, self.records.at, &e, source.features));
        }
        let limit = source.limits.max_cell_bytes;
        for (i, cell) in self.cells.iter().enumerate() {
            if let Cell::Text(start, end) = *cell {
                if end - start > limit {
                    let name = source.columns.get(i).cloned().unwrap_or_default();
                    return Err(IngestError::Rejected(
                        Issue::error(IssueKind::CellTooLong { limit })
                            .at_row(n)
                            .at_column(i + 1, name),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Rows for JsonRows<'_> {
    fn advance(&mut self) -> Result<bool, IngestError> {
        if self.done {
            return Ok(false);
        }
        if self.pos == 0 {
            if self.source.columns.is_empty() && self.source.records == 0 {
                self.done = true;
                return Ok(false);
            }
            self.header();
            self.pos = 1;
            return Ok(true);
        }
        let more = self.records.next();
        if !matches!(more, Ok(true)) {
            self.done = true;
            self.cells.clear();
            self.text.clear();
            return more;
        }
        if let Err(e) = self.record() {
            self.done = true;
            return Err(e);
        }
        self.pos = self.records.record + 1;
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
            Some(Cell::Text(start, end)) => Value::Text(self.text.get(*start..*end).unwrap_or("")),
            Some(Cell::Int(v)) => Value::Int(*v),
            Some(Cell::Float(v)) => Value::Float(*v),
            Some(Cell::Bool(v)) => Value::Bool(*v),
        }
    }

    fn bytes_read(&self) -> u64 {
        self.records.scan.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn take_all(input: &str, framing: Framing) -> Result<Vec<String>, IngestError> {
        let mut scan = Scan::new(Cursor::new(input.as_bytes().to_vec()));
        if framing == Framing::Array {
            assert_eq!(scan.skip_ws().unwrap(), Some(b'['));
            scan.bump().unwrap();
        }
        let mut records = Records::new(scan, framing, false, 1000);
        let mut out = Vec::new();
        while records.next()? {
            out.push(String::from_utf8(records.buf.clone()).unwrap());
        }
        Ok(out)
    }

    #[test]
    fn spans_respect_strings_and_nesting() {
        let got = take_all(
            r#" [ {"a": "}]\"{", "b": [1, {"c": 2}]} , {"d": null},]"#,
            Framing::Array,
        )
        .unwrap();
        assert_eq!(
            got,
            vec![r#"{"a": "}]\"{", "b": [1, {"c": 2}]}"#, r#"{"d": null}"#]
        );
        let got = take_all("{\"a\":1}\n\n  {\"a\":2}\r\n", Framing::Lines).unwrap();
        assert_eq!(got, vec!["{\"a\":1}", "  {\"a\":2}\r"]);
        let got = take_all("{\n\"a\":1\n}\n{\n\"a\":2}", Framing::Sequence).unwrap();
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn a_scalar_record_is_refused_with_its_number() {
        let e = take_all("[{}, 3]", Framing::Array).unwrap_err();
        let issue = e.to_issue();
        assert_eq!(issue.row, Some(2));
        assert!(
            matches!(issue.kind, IssueKind::Unreadable { ref detail, .. } if detail.contains("a number"))
        );
    }

    #[test]
    fn compact_keeps_member_order() {
        let mut out = Vec::new();
        let mut de = serde_json::Deserializer::from_str(
            r#"{ "type" : "Point", "coordinates": [ -90.5, 14.25, 1e300 ], "n": null }"#,
        );
        Compact(&mut out).deserialize(&mut de).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"Point","coordinates":[-90.5,14.25,1e+300],"n":null}"#
        );
    }
}
