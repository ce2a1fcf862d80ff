//! One record at a time, whatever the framing (a list, lines, GeoJSON features), each
//! no longer than `max_line_bytes`.

use super::*;

/// The records of a file, one span of bytes at a time.
pub(super) struct Records<R> {
    pub(super) scan: Scan<R>,
    pub(super) framing: Framing,
    pub(super) features: bool,
    pub(super) limit: usize,
    pub(super) started: bool,
    pub(super) done: bool,
    /// Number of the current record, 1-based.
    pub(super) record: u64,
    /// Where the current record starts.
    pub(super) at: Mark,
    pub(super) buf: Vec<u8>,
}

impl<R: BufRead> Records<R> {
    pub(super) fn new(scan: Scan<R>, framing: Framing, features: bool, limit: usize) -> Records<R> {
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

    pub(super) fn what(&self) -> &'static str {
        if self.features {
            "feature"
        } else {
            "record"
        }
    }

    /// Moves to the next record, its bytes in `buf`; `false` at the end.
    pub(super) fn next(&mut self) -> Result<bool, IngestError> {
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

    pub(super) fn next_in_list(&mut self) -> Result<bool, IngestError> {
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

    pub(super) fn next_in_sequence(&mut self) -> Result<bool, IngestError> {
        match self.scan.skip_ws()? {
            None => Ok(false),
            Some(b) => self.take_record(b),
        }
    }

    pub(super) fn take_record(&mut self, first: u8) -> Result<bool, IngestError> {
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

    pub(super) fn next_line(&mut self) -> Result<bool, IngestError> {
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

    pub(super) fn ends_early(&self) -> IngestError {
        bad(format!(
            "the file ends at line {} before the list is closed with ']'; it looks truncated",
            self.scan.line
        ))
    }

    pub(super) fn not_an_object(&self, first: u8) -> IngestError {
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

    pub(super) fn too_long(&self) -> IngestError {
        IngestError::Rejected(
            Issue::error(IssueKind::LineTooLong { limit: self.limit }).at_row(self.record),
        )
    }
}

// ---------------------------------------------------------------------------------------
// First scan: the keys
