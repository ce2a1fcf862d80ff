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
//! `Float`, `true`/`false` → `Bool`, `null` or missing key → `Empty`, list → `Text`
//! holding its compact JSON. An object's members become columns of their own, named with
//! a dot (`centroide.lat`), down to [`keys::FLATTEN_DEPTH`] levels; deeper objects are
//! compact JSON text too (keys kept in file order).

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{IngestError, Issue, IssueKind, Limits, Rows, TableSource, Value};

mod errors;
mod keys;
mod layout;
mod records;
mod rows;
mod scan;

use errors::*;
use keys::*;
use layout::*;
use records::*;
use rows::*;
use scan::*;

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
        // A list inside an object ends before the file does.
        let mut in_object = false;
        let (kind, framing, features, start) = match scan.skip_ws()? {
            None => return Err(IngestError::rejected(IssueKind::EmptyFile)),
            Some(b'[') => {
                scan.bump()?;
                (JsonKind::Array, Framing::Array, false, scan.mark())
            }
            Some(b'{') => {
                in_object = true;
                layout_of_object(&mut scan)?
            }
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
        if framing == Framing::Array && !features && !in_object {
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
            repairs: Default::default(),
            pos: 0,
            done: false,
        }))
    }

    fn fixed_header(&self) -> bool {
        true
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
