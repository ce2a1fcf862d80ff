//! The byte scanner: finds each record's span (strings, escapes and nesting tracked)
//! without parsing it, and keeps the line and column for messages.

use super::*;

/// `mark` moved over `bytes`.
pub(super) fn advance_mark(mut mark: Mark, bytes: &[u8]) -> Mark {
    let (lines, last) = count_lines(bytes);
    if let Some(last) = last {
        mark.line += lines;
        mark.line_start = mark.offset + last as u64 + 1;
    }
    mark.offset += bytes.len() as u64;
    mark
}

pub(super) fn count_lines(bytes: &[u8]) -> (u64, Option<usize>) {
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

pub(super) enum Taken {
    Done,
    /// Longer than the limit; reading stopped there.
    TooLong,
    /// The file ended inside the value.
    Eof,
}

/// A reader that knows its offset, line and column.
pub(super) struct Scan<R> {
    pub(super) r: R,
    pub(super) offset: u64,
    pub(super) line: u64,
    pub(super) line_start: u64,
}

impl<R> Scan<R> {
    pub(super) fn mark(&self) -> Mark {
        Mark {
            offset: self.offset,
            line: self.line,
            line_start: self.line_start,
        }
    }

    pub(super) fn consumed(&mut self, n: usize, lines: u64, last: Option<usize>) {
        if let Some(last) = last {
            self.line += lines;
            self.line_start = self.offset + last as u64 + 1;
        }
        self.offset += n as u64;
    }
}

impl<R: BufRead> Scan<R> {
    pub(super) fn new(r: R) -> Scan<R> {
        Scan {
            r,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// A UTF-8 byte order mark is skipped; UTF-16 is refused.
    pub(super) fn skip_bom(&mut self) -> Result<(), IngestError> {
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
    pub(super) fn skip_ws(&mut self) -> std::io::Result<Option<u8>> {
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
    pub(super) fn bump(&mut self) -> std::io::Result<()> {
        let buf = self.r.fill_buf()?;
        if !buf.is_empty() {
            let newline = buf[0] == b'\n';
            self.r.consume(1);
            self.consumed(1, u64::from(newline), newline.then_some(0));
        }
        Ok(())
    }

    /// Skips a number, `true`, `false` or `null`: up to the next delimiter.
    pub(super) fn skip_scalar(&mut self) -> std::io::Result<()> {
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
    pub(super) fn take_line(
        &mut self,
        out: &mut Vec<u8>,
        limit: usize,
    ) -> std::io::Result<Option<Taken>> {
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
    pub(super) fn seek_to(&mut self, mark: Mark) -> std::io::Result<()> {
        self.r.seek(SeekFrom::Start(mark.offset))?;
        self.offset = mark.offset;
        self.line = mark.line;
        self.line_start = mark.line_start;
        Ok(())
    }
}

/// Reads an object, list or string starting at the next byte (or, with `depth` 1, the rest
/// of a list or object whose opening bracket was read), copying it to `out`.
pub(super) fn scan_take<R: BufRead>(
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
