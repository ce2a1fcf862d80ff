//! The second pass: each record's values put in their columns, as rows.

use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) enum Cell {
    Empty,
    Text(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Where a record's values go.
pub(super) struct Fill<'a> {
    pub(super) index: &'a HashMap<String, usize>,
    pub(super) cells: &'a mut [Cell],
    pub(super) text: &'a mut String,
    pub(super) scratch: &'a mut Vec<u8>,
}

/// An object's values, each into its column.
pub(super) struct ObjectFill<'f, 'a>(pub(super) &'f mut Fill<'a>);

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
        let mut name = String::new();
        while map.next_key_seed(KeyInto(&mut name))?.is_some() {
            map.next_value_seed(ValueFill {
                fill: &mut *self.0,
                name: &name,
                depth: 1,
            })?;
        }
        Ok(())
    }
}

/// The value of member `name` at nesting `depth`, into its column (an object's members
/// into theirs, as the first pass named them).
struct ValueFill<'f, 'a, 'n> {
    fill: &'f mut Fill<'a>,
    name: &'n str,
    depth: usize,
}

impl ValueFill<'_, '_, '_> {
    fn seed(&mut self) -> CellSeed<'_> {
        CellSeed {
            text: &mut *self.fill.text,
            scratch: &mut *self.fill.scratch,
        }
    }

    fn put<E>(self, cell: Result<Cell, E>) -> Result<(), E> {
        let cell = cell?;
        if let Some(slot) = self
            .fill
            .index
            .get(self.name)
            .and_then(|&i| self.fill.cells.get_mut(i))
        {
            *slot = cell;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ValueFill<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueFill<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<(), E> {
        let cell = self.seed().visit_bool(v);
        self.put(cell)
    }
    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<(), E> {
        let cell = self.seed().visit_i64(v);
        self.put(cell)
    }
    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<(), E> {
        let cell = self.seed().visit_u64(v);
        self.put(cell)
    }
    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        let cell = self.seed().visit_f64(v);
        self.put(cell)
    }
    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        let cell = self.seed().visit_str(v);
        self.put(cell)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.put(Ok(Cell::Empty))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.put(Ok(Cell::Empty))
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<(), A::Error> {
        let cell = self.seed().visit_seq(seq);
        self.put(cell)
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if self.depth >= FLATTEN_DEPTH {
            let cell = self.seed().visit_map(map);
            return self.put(cell);
        }
        let mut member = String::new();
        while map.next_key_seed(KeyInto(&mut member))?.is_some() {
            let name = format!("{}.{member}", self.name);
            map.next_value_seed(ValueFill {
                fill: &mut *self.fill,
                name: &name,
                depth: self.depth + 1,
            })?;
        }
        Ok(())
    }
}

/// A feature: its properties into their columns, its geometry into the last one.
pub(super) struct FeatureFill<'f, 'a> {
    pub(super) fill: &'f mut Fill<'a>,
    pub(super) geometry: usize,
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

/// One value, as a cell.
pub(super) struct CellSeed<'a> {
    pub(super) text: &'a mut String,
    pub(super) scratch: &'a mut Vec<u8>,
}

impl CellSeed<'_> {
    pub(super) fn push(self, s: &str) -> Cell {
        let start = self.text.len();
        self.text.push_str(s);
        Cell::Text(start, self.text.len())
    }

    /// A list or object, as compact JSON text.
    pub(super) fn compact<E: de::Error>(
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
pub(super) struct Compact<'a>(pub(super) &'a mut Vec<u8>);

impl Compact<'_> {
    pub(super) fn json<E: de::Error, T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), E> {
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
pub(super) struct JsonRows<'s> {
    pub(super) source: &'s JsonSource,
    pub(super) records: Records<BufReader<File>>,
    pub(super) cells: Vec<Cell>,
    pub(super) text: String,
    pub(super) scratch: Vec<u8>,
    pub(super) repairs: crate::encoded_twice::Repairs,
    pub(super) pos: u64,
    pub(super) done: bool,
}

impl JsonRows<'_> {
    pub(super) fn header(&mut self) {
        self.cells.clear();
        self.text.clear();
        for name in &self.source.columns {
            let start = self.text.len();
            self.text.push_str(name);
            self.cells.push(Cell::Text(start, self.text.len()));
        }
    }

    pub(super) fn record(&mut self) -> Result<(), IngestError> {
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
        // Text encoded twice upstream is repaired where that is certain (rarely needed:
        // one scan of the record's text decides).
        if crate::encoded_twice::looks_encoded_twice(self.text.as_bytes()) {
            let old = std::mem::take(&mut self.text);
            for cell in &mut self.cells {
                if let Cell::Text(start, end) = *cell {
                    let fixed = self
                        .repairs
                        .fix(old.get(start..end).unwrap_or_default(), self.pos + 1);
                    let at = self.text.len();
                    self.text.push_str(&fixed);
                    *cell = Cell::Text(at, self.text.len());
                }
            }
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

    fn take_issues(&mut self) -> Vec<Issue> {
        self.repairs.take_issue().into_iter().collect()
    }
}
