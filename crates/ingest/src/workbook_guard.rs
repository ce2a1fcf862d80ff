//! Checks of a workbook's internals before calamine reads them.
//!
//! calamine trusts what a file declares: `<sst uniqueCount="…">` makes it reserve room for
//! that many strings before reading one, and it keeps the whole shared-strings table, the
//! styles and the workbook's lists in memory. Before an XLSX is opened, the parts it keeps
//! whole are scanned here (streaming, tag by tag, bounded by the part's declared size, which
//! the zip-bomb guard has already bounded): a declared count larger than what the part holds
//! is refused (`CountMismatch`), and the memory calamine would hold is estimated from what
//! the parts really contain and refused over `max_memory_bytes` (`MemoryTooLarge`).
//!
//! Worksheets are streamed cell by cell (see `xlsx`), so their size costs time, not memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::{IngestError, IssueKind, Limits};

/// Longest tag kept for looking at its name and attributes; longer ones are cut there.
const TAG_LIMIT: usize = 64 * 1024;
/// Heap bytes of a `String` or small allocation beyond its text (allocator chunk overhead
/// and rounding): glibc's smallest chunk is 32 bytes.
const ALLOC_OVERHEAD: u64 = 32;
/// Room calamine may reserve from a declared count that the part does not back: a file
/// may overstate a little (some writers do), but not make calamine reserve more than this.
const DECLARED_SLACK_BYTES: u64 = 1024 * 1024;
/// What one element of a list kept whole (a sheet, a defined name, a relationship, a font)
/// costs at most beyond the text it copies: the struct, a map slot, the allocations.
const ELEMENT_BYTES: u64 = 256;

/// Tags of an XML stream, one at a time, with the bytes of text between them counted.
pub(crate) struct Tags<R> {
    reader: R,
    tag: Vec<u8>,
    /// Bytes consumed so far.
    pos: u64,
    /// Bytes of text (outside tags) read so far.
    pub text: u64,
    /// Offset of the current tag's `<`.
    pub start: u64,
}

impl<R: BufRead> Tags<R> {
    pub fn new(reader: R) -> Tags<R> {
        Tags {
            reader,
            tag: Vec::new(),
            pos: 0,
            text: 0,
            start: 0,
        }
    }

    /// Offset just after the current tag's `>`.
    pub fn end(&self) -> u64 {
        self.pos
    }

    /// The next tag's content between `<` and `>` (cut at [`TAG_LIMIT`]), or `None` at the
    /// end of the stream.
    pub fn next_tag(&mut self) -> std::io::Result<Option<&[u8]>> {
        // Up to the next '<'.
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let at = buf.iter().position(|&b| b == b'<');
            let n = at.map_or(buf.len(), |i| i + 1);
            self.reader.consume(n);
            self.text += at.unwrap_or(n) as u64;
            self.pos += n as u64;
            if at.is_some() {
                self.start = self.pos - 1;
                break;
            }
        }
        // The tag, up to its '>'.
        self.tag.clear();
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let at = buf.iter().position(|&b| b == b'>');
            let n = at.unwrap_or(buf.len());
            let room = TAG_LIMIT.saturating_sub(self.tag.len());
            self.tag.extend_from_slice(&buf[..n.min(room)]);
            let used = n + usize::from(at.is_some());
            self.reader.consume(used);
            self.pos += used as u64;
            if at.is_some() {
                break;
            }
        }
        // Comments, CDATA and declarations hold text too (CDATA is a string's content).
        if self.tag.first() == Some(&b'!') {
            self.text += self.pos - self.start;
        }
        Ok(Some(&self.tag))
    }
}

/// The element's local name (`x:si` → `si`), without the `/` of a closing tag.
pub(crate) fn local_name(tag: &[u8]) -> &[u8] {
    let tag = tag.strip_prefix(b"/").unwrap_or(tag);
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(tag.len());
    let name = &tag[..end];
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

pub(crate) fn is_closing(tag: &[u8]) -> bool {
    tag.first() == Some(&b'/')
}

pub(crate) fn is_self_closed(tag: &[u8]) -> bool {
    tag.last() == Some(&b'/')
}

/// The value of attribute `name` (compared by local name) in a start tag.
pub(crate) fn attr<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut rest = tag;
    // Skip the element name.
    let skip = rest
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    rest = &rest[skip..];
    loop {
        let skip = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = &rest[skip..];
        let eq = rest.iter().position(|&b| b == b'=')?;
        let key = rest[..eq].trim_ascii();
        rest = rest[eq + 1..].trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let close = rest[1..].iter().position(|&b| b == quote)?;
        let value = &rest[1..1 + close];
        rest = &rest[close + 2..];
        if local_name(key) == name {
            return Some(value);
        }
    }
}

/// A decimal number in an attribute, as calamine reads it; `None` when it is none.
pub(crate) fn attr_number(tag: &[u8], name: &[u8]) -> Option<u64> {
    let v = attr(tag, name)?.trim_ascii();
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // More digits than a u64 holds: as large as can be.
    Some(std::str::from_utf8(v).ok()?.parse().unwrap_or(u64::MAX))
}

/// What one part costs calamine, as estimated.
struct PartCost {
    name: String,
    bytes: u64,
}

/// Scans the XLSX parts calamine keeps whole; see the module's documentation.
pub(crate) fn xlsx_guard(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let damaged = |e: &dyn std::fmt::Display| {
        IngestError::rejected(IssueKind::Unreadable {
            format: "XLSX".into(),
            detail: format!("the ZIP package is damaged: {e}"),
        })
    };
    let mut archive =
        zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(|e| damaged(&e))?;
    let workbook = office_document(&mut archive).map_err(|e| damaged(&e))?;
    let mut costs = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| damaged(&e))?;
        let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/");
        let lower = name.to_ascii_lowercase();
        let lower = lower.trim_start_matches('/');
        let bytes = if lower.ends_with("sharedstrings.xml") {
            shared_strings_cost(&name, entry, limits).map_err(|e| io_or(e, &damaged))?
        } else if lower.ends_with("styles.xml") {
            styles_cost(entry).map_err(|e| io_or(e, &damaged))?
        } else if lower.ends_with(".rels")
            || lower.ends_with("workbook.xml")
            || lower.ends_with("theme1.xml")
            || workbook.as_deref() == Some(lower)
        {
            list_cost(entry).map_err(|e| io_or(e, &damaged))?
        } else {
            continue;
        };
        costs.push(PartCost { name, bytes });
    }
    let total = costs
        .iter()
        .fold(0u64, |sum, c| sum.saturating_add(c.bytes));
    if total > limits.max_memory_bytes {
        let largest = costs
            .iter()
            .max_by_key(|c| c.bytes)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        return Err(IngestError::rejected(IssueKind::MemoryTooLarge {
            part: largest,
            needed: total,
            limit: limits.max_memory_bytes,
        }));
    }
    Ok(())
}

/// Why scanning a part stopped.
enum ScanError {
    Io(std::io::Error),
    Refused(IngestError),
}

impl From<std::io::Error> for ScanError {
    fn from(e: std::io::Error) -> ScanError {
        ScanError::Io(e)
    }
}

fn io_or(e: ScanError, damaged: &dyn Fn(&dyn std::fmt::Display) -> IngestError) -> IngestError {
    match e {
        ScanError::Io(e) => damaged(&e),
        ScanError::Refused(e) => e,
    }
}

/// The workbook part named by the package's relationships (lowercased, as calamine finds
/// parts whatever their capitals), if any.
fn office_document<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> zip::result::ZipResult<Option<String>> {
    let index = (0..archive.len()).find(|&i| {
        archive.name_for_index(i).is_some_and(|n| {
            n.is_ok_and(|n| {
                n.replace('\\', "/")
                    .trim_start_matches('/')
                    .eq_ignore_ascii_case("_rels/.rels")
            })
        })
    });
    let Some(index) = index else { return Ok(None) };
    let entry = archive.by_index(index)?;
    let mut tags = Tags::new(BufReader::new(entry));
    while let Some(tag) = tags.next_tag()? {
        if local_name(tag) == b"Relationship"
            && attr(tag, b"Type").is_some_and(|t| t.ends_with(b"/relationships/officeDocument"))
        {
            if let Some(target) = attr(tag, b"Target") {
                let target = String::from_utf8_lossy(target).to_ascii_lowercase();
                return Ok(Some(target.trim_start_matches('/').to_string()));
            }
        }
    }
    Ok(None)
}

/// Memory of the shared-strings table: calamine reserves `uniqueCount` slots first, then
/// keeps one `String` per `<si>` (an empty `<si/>` too).
fn shared_strings_cost(name: &str, part: impl Read, limits: &Limits) -> Result<u64, ScanError> {
    let mut tags = Tags::new(BufReader::with_capacity(1 << 16, part));
    let mut declared = None;
    let mut found: u64 = 0;
    while let Some(tag) = tags.next_tag()? {
        if is_closing(tag) {
            continue;
        }
        match local_name(tag) {
            b"sst" if declared.is_none() => declared = Some(attr_number(tag, b"uniqueCount")),
            b"si" => found += 1,
            _ => {}
        }
        // What is really there; the declared count is judged once it is known.
        let so_far = strings_memory(0, found, tags.text);
        if so_far > limits.max_memory_bytes {
            return Err(ScanError::Refused(IngestError::rejected(
                IssueKind::MemoryTooLarge {
                    part: name.to_string(),
                    needed: so_far,
                    limit: limits.max_memory_bytes,
                },
            )));
        }
    }
    let declared = declared.flatten().unwrap_or(0);
    let slot = std::mem::size_of::<String>() as u64;
    if declared > found && declared.saturating_mul(slot) > DECLARED_SLACK_BYTES {
        return Err(ScanError::Refused(IngestError::rejected(
            IssueKind::CountMismatch {
                part: name.to_string(),
                declared,
                found,
            },
        )));
    }
    Ok(strings_memory(declared, found, tags.text))
}

/// `declared` slots reserved, `found` strings of `text` bytes in all: a vector that grew
/// past what was reserved held its old and new buffers at once (three times the strings).
fn strings_memory(declared: u64, found: u64, text: u64) -> u64 {
    let slot = std::mem::size_of::<String>() as u64;
    let slots = if found <= declared {
        declared
    } else {
        found.saturating_mul(3)
    };
    slots
        .saturating_mul(slot)
        .saturating_add(found.saturating_mul(ALLOC_OVERHEAD))
        .saturating_add(text)
}

/// Memory of the styles: every cell format (`<xf>`) gets its own copy of its font, fill,
/// border and number format, so a long font repeated by many formats multiplies.
fn styles_cost(part: impl Read) -> Result<u64, ScanError> {
    let mut tags = Tags::new(BufReader::with_capacity(1 << 16, part));
    let mut xfs: u64 = 0;
    let mut elements: u64 = 0;
    // Largest font, fill, border and number format, in bytes of XML.
    let mut largest = [0u64; 4];
    let mut open = [None::<u64>; 4];
    let kinds: [&[u8]; 4] = [b"font", b"fill", b"border", b"numFmt"];
    while let Some(tag) = tags.next_tag()? {
        let name = local_name(tag);
        if name == b"xf" && !is_closing(tag) {
            xfs += 1;
            continue;
        }
        let Some(k) = kinds.iter().position(|kind| *kind == name) else {
            continue;
        };
        if is_closing(tag) {
            if let Some(start) = open[k].take() {
                largest[k] = largest[k].max(tags.end() - start);
            }
        } else {
            elements += 1;
            if is_self_closed(tag) {
                largest[k] = largest[k].max(tags.end() - tags.start);
            } else {
                open[k] = Some(tags.start);
            }
        }
    }
    let style = std::mem::size_of::<calamine::Style>() as u64 + ELEMENT_BYTES;
    let per_xf = largest.iter().fold(style, |sum, &b| sum.saturating_add(b));
    Ok(xfs
        .saturating_mul(per_xf)
        .saturating_add(elements.saturating_mul(ELEMENT_BYTES))
        .saturating_add(tags.end()))
}

/// Memory of a part read into lists (the workbook's sheets and defined names, the
/// relationships): each element and the text it copies, twice at most.
fn list_cost(part: impl Read) -> Result<u64, ScanError> {
    let mut tags = Tags::new(BufReader::with_capacity(1 << 16, part));
    let mut elements: u64 = 0;
    while let Some(tag) = tags.next_tag()? {
        if !is_closing(tag) {
            elements += 1;
        }
    }
    Ok(elements
        .saturating_mul(ELEMENT_BYTES)
        .saturating_add(tags.end().saturating_mul(2)))
}

/// What calamine holds for an XLSB at open: one string per shared-strings record (the
/// smallest takes 7 bytes and becomes a 56-byte `String`), from the parts' inflated sizes.
pub(crate) fn xlsb_guard(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    const PER_BYTE: u64 = 8;
    let Ok(archive) = zip::ZipArchive::new(BufReader::new(File::open(path)?)) else {
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(i) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/");
        if name.to_ascii_lowercase().ends_with("sharedstrings.bin") {
            let needed = entry.size().saturating_mul(PER_BYTE);
            if needed > limits.max_memory_bytes {
                return Err(IngestError::rejected(IssueKind::MemoryTooLarge {
                    part: name,
                    needed,
                    limit: limits.max_memory_bytes,
                }));
            }
        }
    }
    Ok(())
}

/// What calamine holds for an XLS: it reads every sheet at once, each into a grid as large
/// as the box around its cells (one cell in A1 and one in row 65,536 of column 65,536 make
/// four billion), and first reserves what each sheet's `DIMENSIONS` record claims. The
/// `Workbook` stream is scanned record by record, sheet by sheet as calamine visits them,
/// and the file is refused over `max_memory_bytes`.
pub(crate) fn xls_guard(path: &Path, limits: &Limits) -> Result<(), IngestError> {
    let Ok(mut book) = cfb::CompoundFile::open(BufReader::new(File::open(path)?)) else {
        // Not handed to calamine: it follows a damaged sector chain without end (a chain
        // that loops grows until memory runs out, found by fuzzing).
        return Err(IngestError::rejected(IssueKind::Unreadable {
            format: "XLS".into(),
            detail: "the file is not a valid compound document (its sector chains are damaged)"
                .into(),
        }));
    };
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| book.entry(n).is_ok_and(|e| e.is_stream()));
    let Some(name) = name else { return Ok(()) };
    let len = book.entry(name).map(|e| e.len()).unwrap_or(0);
    let refuse = |needed: u64| {
        IngestError::rejected(IssueKind::MemoryTooLarge {
            part: name.trim_start_matches('/').to_string(),
            needed,
            limit: limits.max_memory_bytes,
        })
    };
    // calamine holds the stream whole.
    if len > limits.max_memory_bytes {
        return Err(refuse(len));
    }
    let mut stream = Vec::new();
    book.open_stream(name)?.take(len).read_to_end(&mut stream)?;
    let mut needed = len;
    for at in sheet_offsets(&stream) {
        needed = needed.saturating_add(xls_sheet_cost(stream.get(at..).unwrap_or(&[])));
        if needed > limits.max_memory_bytes {
            return Err(refuse(needed));
        }
    }
    Ok(())
}

/// BIFF records: (type, data), as calamine's iterator walks them.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if stream.len() < 4 {
            return None;
        }
        let typ = u16::from_le_bytes([stream[0], stream[1]]);
        let len = usize::from(u16::from_le_bytes([stream[2], stream[3]]));
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Where each sheet of the workbook starts (`BoundSheet8` records of the globals).
fn sheet_offsets(stream: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => out.extend(u32_at(data, 0).map(|p| p as usize)),
            0x000A => break,
            _ => {}
        }
    }
    out
}

/// Bytes calamine holds for the sheet starting here: the cells, the grids of values and
/// formulas over their boxes, and what `DIMENSIONS` made it reserve.
fn xls_sheet_cost(sheet: &[u8]) -> u64 {
    let cell = std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;
    let data = std::mem::size_of::<calamine::Data>() as u64;
    let text = std::mem::size_of::<String>() as u64;
    let mut values = CellBox::default();
    let mut formulas = CellBox::default();
    let mut reserved: u64 = 0;
    let mut depth = 0usize;
    let mut seen_bof = false;
    for (typ, d) in records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                let rows_cols = match d.len() {
                    10 => u16_at(d, 0)
                        .zip(u16_at(d, 2))
                        .zip(u16_at(d, 4).zip(u16_at(d, 6))),
                    14 | 16 => u32_at(d, 0)
                        .zip(u32_at(d, 4))
                        .zip(u16_at(d, 8).zip(u16_at(d, 10))),
                    _ => None,
                };
                if let Some(((rf, rl), (mut cf, cl))) = rows_cols {
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    let (rows, cols) = if rl >= 1 && cl >= 1 {
                        // As calamine computes them, wrapping where they wrap.
                        (
                            (rl - 1).wrapping_sub(rf).wrapping_add(1),
                            (cl - 1).wrapping_sub(cf).wrapping_add(1),
                        )
                    } else {
                        (1, 1)
                    };
                    reserved = reserved.saturating_add(
                        u64::from(rows)
                            .saturating_mul(u64::from(cols))
                            .saturating_mul(cell),
                    );
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => values.add_at(d),
            0x00BD => {
                // MulRk: a row, its first column, and its last in the record's last bytes.
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(d, 0),
                    u16_at(d, 2),
                    d.len().checked_sub(2).and_then(|at| u16_at(d, at)),
                ) {
                    values.add(row, first);
                    values.add(row, last.max(first));
                    values.count += u64::from(last.saturating_sub(first));
                }
            }
            0x0006 => {
                values.add_at(d);
                formulas.add_at(d);
            }
            _ => {}
        }
    }
    reserved
        .saturating_add(values.count.saturating_mul(cell))
        .saturating_add(values.area().saturating_mul(data))
        .saturating_add(formulas.count.saturating_mul(cell))
        .saturating_add(formulas.area().saturating_mul(text))
}

/// The box around a sheet's cells, and how many there are.
#[derive(Default)]
struct CellBox {
    count: u64,
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl CellBox {
    fn add_at(&mut self, record: &[u8]) {
        if let (Some(row), Some(col)) = (u16_at(record, 0), u16_at(record, 2)) {
            self.add(row, col);
        }
    }

    fn add(&mut self, row: u32, col: u32) {
        self.count += 1;
        let widen = |b: Option<(u32, u32)>, v: u32| {
            Some(b.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        };
        self.rows = widen(self.rows, row);
        self.cols = widen(self.cols, col);
    }

    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_by_local_name() {
        let tag = br#"sst xmlns="x" count='12' uniqueCount="1000000000000""#;
        assert_eq!(attr_number(tag, b"uniqueCount"), Some(1_000_000_000_000));
        assert_eq!(attr_number(tag, b"count"), Some(12));
        assert_eq!(
            attr(br#"Relationship r:Id="rId1""#, b"Id"),
            Some(&b"rId1"[..])
        );
        assert_eq!(
            attr_number(br#"sst uniqueCount="12a""#, b"uniqueCount"),
            None
        );
        assert_eq!(
            attr_number(
                br#"sst uniqueCount="99999999999999999999999""#,
                b"uniqueCount"
            ),
            Some(u64::MAX)
        );
        assert_eq!(local_name(b"/x:si"), b"si");
        assert_eq!(local_name(b"si/"), b"si");
    }

    #[test]
    fn text_between_tags_is_counted() {
        let xml = b"<sst><si><t>abc</t></si><si><![CDATA[x<y]]></si></sst>";
        let mut tags = Tags::new(&xml[..]);
        let mut names = Vec::new();
        while let Some(t) = tags.next_tag().unwrap() {
            names.push(String::from_utf8_lossy(local_name(t)).into_owned());
        }
        assert!(names.contains(&"si".to_string()));
        assert!(tags.text >= 3 + 7, "{}", tags.text);
    }
}
