//! Text encoded as UTF-8 twice (`JARDÃ\u{8d}N` for `JARDÍN`): a UTF-8 file read as
//! Windows-1252 and saved as UTF-8 again, somewhere upstream. Every reader repairs it
//! where that is certain and says how many cells it repaired.

/// Whether UTF-8 text holds `Ã` or `Â` (C3 83, C3 82): the first byte of a two-byte
/// character read as Windows-1252 and written as UTF-8 again.
pub fn looks_encoded_twice(bytes: &[u8]) -> bool {
    // Accented text has many C3 bytes (`é` is C3 A9): found with memchr's vector search.
    memchr::memchr_iter(0xC3, bytes).any(|j| matches!(bytes.get(j + 1), Some(0x82 | 0x83)))
}

/// The text UTF-8 encoded twice was: every character back to its Windows-1252 byte, read
/// as UTF-8. `None` unless that is certain: every character maps to one byte, the bytes
/// are valid UTF-8, and something changed.
pub fn repair(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let (encoded, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        if unmappable || encoded.len() != 1 {
            return None;
        }
        bytes.push(encoded[0]);
    }
    let fixed = String::from_utf8(bytes).ok()?;
    (fixed != text).then_some(fixed)
}

/// Cells repaired so far and the row of the first, for the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Repairs {
    cells: u64,
    first_row: u64,
}

impl Repairs {
    /// `s` as it was before it was encoded twice, when that is certain (counted as a cell
    /// of row `row`); otherwise `s`.
    pub fn fix<'a>(&mut self, s: &'a str, row: u64) -> std::borrow::Cow<'a, str> {
        match looks_encoded_twice(s.as_bytes())
            .then(|| repair(s))
            .flatten()
        {
            Some(fixed) => {
                if self.cells == 0 {
                    self.first_row = row;
                }
                self.cells += 1;
                std::borrow::Cow::Owned(fixed)
            }
            None => std::borrow::Cow::Borrowed(s),
        }
    }

    /// Adds the repairs counted elsewhere (another batch of the same table).
    pub fn merge(&mut self, other: Repairs) {
        if other.cells > 0 && (self.cells == 0 || other.first_row < self.first_row) {
            self.first_row = other.first_row;
        }
        self.cells += other.cells;
    }

    /// The report's finding, once: how many cells were repaired, from which row.
    pub fn take_issue(&mut self) -> Option<crate::Issue> {
        let Repairs { cells, first_row } = std::mem::take(self);
        (cells > 0).then(|| {
            crate::Issue::warning(crate::IssueKind::EncodedTwice { cells }).at_row(first_row)
        })
    }
}
