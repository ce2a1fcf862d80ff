//! Rows of a sheet, streamed cell by cell on a reader thread in bounded batches (XLSX,
//! XLSB), or from a sheet held whole (XLS, ODS).

use super::*;

pub(super) struct SheetTable {
    pub(super) path: PathBuf,
    pub(super) name: String,
    pub(super) worksheet: bool,
    pub(super) format: WorkbookFormat,
    pub(super) limits: Limits,
    pub(super) file_len: u64,
}

impl TableSource for SheetTable {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self) -> Result<Box<dyn Rows + '_>, IngestError> {
        if !self.worksheet {
            return Ok(Box::new(MemoryRows::new(Vec::new())));
        }
        if self.format.is_zip() {
            // The same guard as when the workbook was listed: the file is read again.
            workbook_format(&self.path, &self.limits)?;
        }
        match self.format {
            WorkbookFormat::Xlsx | WorkbookFormat::Xlsb => Ok(Box::new(XlsxRows::start(self)?)),
            format => {
                let range = guarded(format.label(), || {
                    AnyBook::open(&self.path, format, &self.limits)?
                        .range(&self.name, format.label())
                })?;
                Ok(Box::new(RangeRows::new(range, self.limits, self.file_len)))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// XLSX: a reader thread streams the sheet's cells and hands over batches of rows.
//
// calamine's cell reader borrows the workbook it reads from, so both live on a thread of
// their own; rows cross over in batches (a bounded channel of two), and emptied batches
// come back to be refilled, so memory stays bounded by a few batches whatever the sheet's
// size.

#[derive(Debug, Clone, Copy)]
pub(super) struct RowSpan {
    /// Sheet row number, 1-based.
    pub(super) pos: u64,
    pub(super) start: usize,
    pub(super) len: usize,
}

#[derive(Default)]
pub(super) struct Batch {
    pub(super) rows: Vec<RowSpan>,
    pub(super) cells: Vec<Slot>,
    pub(super) text: String,
    pub(super) repairs: crate::encoded_twice::Repairs,
}

impl Batch {
    pub(super) fn clear(&mut self) {
        self.rows.clear();
        self.cells.clear();
        self.text.clear();
        self.repairs = Default::default();
    }
}

pub(super) enum Msg {
    Batch(Batch),
    End,
    Failed(IngestError),
}

/// Why the reader thread stopped early.
pub(super) enum Stop {
    /// The rows were dropped; nobody listens any more.
    Gone,
    Fail(IngestError),
}

impl From<IngestError> for Stop {
    fn from(e: IngestError) -> Stop {
        Stop::Fail(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        Stop::Fail(e.into())
    }
}

/// Counts the bytes read from the file, for progress reports.
pub(super) struct Counting<R> {
    pub(super) inner: R,
    pub(super) count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

pub(super) struct Job {
    pub(super) path: PathBuf,
    pub(super) sheet: String,
    pub(super) format: WorkbookFormat,
    pub(super) limits: Limits,
    pub(super) bytes: Arc<AtomicU64>,
}

pub(super) fn reader_thread(job: Job, tx: SyncSender<Msg>, recycle: Receiver<Batch>) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| produce(&job, &tx, &recycle)));
    let last = match outcome {
        Ok(Ok(())) => Msg::End,
        Ok(Err(Stop::Gone)) => return,
        Ok(Err(Stop::Fail(e))) => Msg::Failed(e),
        Err(_) => Msg::Failed(unreadable(
            job.format.label(),
            "the spreadsheet reader failed on this file; it may be damaged",
        )),
    };
    // The receiver may be gone already; then nobody needs to know.
    let _ = tx.send(last);
}

/// Feeds every cell of a calamine cell reader to an [`Assembler`], then finishes it.
/// (A macro: XLSB's reader type is not nameable outside calamine.)
macro_rules! stream_cells {
    ($reader:expr, $rows:expr, $label:expr, $sheet:expr) => {{
        loop {
            let cell = match $reader.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => {
                    let after = match $rows.row {
                        Some(r) => format!(" after row {}", u64::from(r) + 1),
                        None => String::new(),
                    };
                    return Err(unreadable(
                        $label,
                        format!("the data of sheet «{}» is damaged{after}: {e}", $sheet),
                    )
                    .into());
                }
            };
            let (row, col) = cell.get_position();
            $rows.cell(row, col, CellIn::from_ref(cell.get_value()))?;
        }
        $rows.finish()
    }};
}

pub(super) fn produce(
    job: &Job,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Batch>,
) -> Result<(), Stop> {
    let file = File::open(&job.path)?;
    let src = Counting {
        inner: BufReader::with_capacity(1 << 16, file),
        count: Arc::clone(&job.bytes),
    };
    let mut rows = Assembler {
        limits: job.limits,
        tx,
        recycle,
        batch: Batch::default(),
        scratch: Vec::new(),
        row_len: 0,
        row: None,
        cells: 0,
        target_rows: FIRST_BATCH_ROWS,
    };
    let not_found = |available: Vec<String>| -> Stop {
        IngestError::rejected(IssueKind::SheetNotFound {
            sheet: job.sheet.clone(),
            available,
        })
        .into()
    };
    let failed = |label: &str, e: &dyn Display| -> Stop {
        unreadable(
            label,
            format!("the sheet «{}» could not be read: {e}", job.sheet),
        )
        .into()
    };
    if job.format == WorkbookFormat::Xlsb {
        // Streamed too: calamine's whole-sheet range is as large as the box around the
        // cells, which two far-apart cells make billions.
        let mut book =
            Xlsb::new(src).map_err(|e| open_error("XLSB", &e, matches!(e, XlsbError::Password)))?;
        let available = book.sheet_names();
        let mut reader = match book.worksheet_cells_reader(&job.sheet) {
            Ok(reader) => reader,
            Err(XlsbError::WorksheetNotFound(_)) => return Err(not_found(available)),
            Err(e) => return Err(failed("XLSB", &e)),
        };
        return stream_cells!(reader, rows, "XLSB", job.sheet);
    }
    let mut book =
        Xlsx::new(src).map_err(|e| open_error("XLSX", &e, matches!(e, XlsxError::Password)))?;
    let available = book.sheet_names();
    let mut reader = match book.worksheet_cells_reader(&job.sheet) {
        Ok(reader) => reader,
        // A chart sheet: no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(XlsxError::WorksheetNotFound(_)) => return Err(not_found(available)),
        Err(e) => return Err(failed("XLSX", &e)),
    };
    stream_cells!(reader, rows, "XLSX", job.sheet)
}

/// Gathers streamed cells into rows and rows into batches.
pub(super) struct Assembler<'t> {
    pub(super) limits: Limits,
    pub(super) tx: &'t SyncSender<Msg>,
    pub(super) recycle: &'t Receiver<Batch>,
    pub(super) batch: Batch,
    /// The current row, dense up to `row_len`.
    pub(super) scratch: Vec<Slot>,
    pub(super) row_len: usize,
    /// 0-based sheet row being assembled.
    pub(super) row: Option<u32>,
    pub(super) cells: u64,
    pub(super) target_rows: usize,
}

impl Assembler<'_> {
    pub(super) fn cell(&mut self, row: u32, col: u32, cell: CellIn<'_>) -> Result<(), Stop> {
        if matches!(cell, CellIn::Empty) {
            return Ok(());
        }
        // Rows past Excel's last one would be reached through billions of blank rows.
        if row >= EXCEL_ROWS {
            return Err(unreadable(
                "XLSX",
                format!(
                    "a cell is in row {}, past the last row a sheet can have ({EXCEL_ROWS})",
                    u64::from(row) + 1
                ),
            )
            .into());
        }
        match self.row {
            Some(current) if current == row => {}
            Some(current) if row < current => {
                return Err(unreadable(
                    "XLSX",
                    format!(
                        "the rows of the sheet are out of order (row {} comes after row {}); \
                         open and save the file again in a spreadsheet program",
                        u64::from(row) + 1,
                        u64::from(current) + 1
                    ),
                )
                .into())
            }
            Some(current) => {
                self.end_row(current)?;
                self.row = Some(row);
            }
            None => self.row = Some(row),
        }
        check_cell(&self.limits, row, col, &cell)?;
        // A second guard against bombs: however the parts were packed, this many cells
        // take at least this much XML.
        self.cells += 1;
        if self.cells.saturating_mul(MIN_CELL_XML) > self.limits.max_inflated_bytes {
            return Err(IngestError::rejected(IssueKind::InflatedTooLarge {
                limit: self.limits.max_inflated_bytes,
            })
            .into());
        }
        let c = col as usize;
        if self.scratch.len() <= c {
            self.scratch.resize(c + 1, Slot::Empty);
        }
        self.scratch[c] = to_slot(
            cell,
            &mut self.batch.text,
            &mut self.batch.repairs,
            u64::from(row) + 1,
        );
        self.row_len = self.row_len.max(c + 1);
        Ok(())
    }

    pub(super) fn end_row(&mut self, row: u32) -> Result<(), Stop> {
        let start = self.batch.cells.len();
        let len = self.row_len;
        self.batch.cells.extend_from_slice(&self.scratch[..len]);
        self.scratch[..len].fill(Slot::Empty);
        self.row_len = 0;
        self.batch.rows.push(RowSpan {
            pos: u64::from(row) + 1,
            start,
            len,
        });
        if self.batch.rows.len() >= self.target_rows
            || self.batch.text.len() >= BATCH_TEXT_BYTES
            || self.batch.cells.len() >= BATCH_CELLS
        {
            self.flush()?;
        }
        Ok(())
    }

    pub(super) fn flush(&mut self) -> Result<(), Stop> {
        let fresh = match self.recycle.try_recv() {
            Ok(mut used) => {
                used.clear();
                used
            }
            Err(_) => Batch::default(),
        };
        let full = std::mem::replace(&mut self.batch, fresh);
        self.tx.send(Msg::Batch(full)).map_err(|_| Stop::Gone)?;
        self.target_rows = BATCH_ROWS;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<(), Stop> {
        if let Some(row) = self.row {
            self.end_row(row)?;
        }
        if !self.batch.rows.is_empty() {
            self.flush()?;
        }
        Ok(())
    }
}

/// The rows of one XLSX sheet, as the reader thread hands them over.
pub(super) struct XlsxRows {
    pub(super) rx: Receiver<Msg>,
    pub(super) recycle: Sender<Batch>,
    pub(super) batch: Batch,
    /// Next row of `batch` not yet reached.
    pub(super) next: usize,
    /// The current row in `batch`; `None` for a blank row.
    pub(super) current: Option<usize>,
    pub(super) pos: u64,
    pub(super) finished: bool,
    pub(super) bytes: Arc<AtomicU64>,
    pub(super) file_len: u64,
    pub(super) repairs: crate::encoded_twice::Repairs,
}

impl XlsxRows {
    pub(super) fn start(table: &SheetTable) -> Result<XlsxRows, IngestError> {
        let (tx, rx) = mpsc::sync_channel(2);
        let (recycle, recycled) = mpsc::channel();
        let bytes = Arc::new(AtomicU64::new(0));
        let job = Job {
            path: table.path.clone(),
            sheet: table.name.clone(),
            format: table.format,
            limits: table.limits,
            bytes: Arc::clone(&bytes),
        };
        // Detached: it ends by itself once the rows are read or dropped.
        std::thread::Builder::new()
            .name("ceiba-xlsx".into())
            .spawn(move || reader_thread(job, tx, recycled))?;
        let mut rows = XlsxRows {
            rx,
            recycle,
            batch: Batch::default(),
            next: 0,
            current: None,
            pos: 0,
            finished: false,
            bytes,
            file_len: table.file_len,
            repairs: Default::default(),
        };
        // Wait for the first rows, so that a workbook that cannot be read fails here.
        rows.next_row_pos()?;
        Ok(rows)
    }

    /// Sheet row number of the next row with cells, receiving batches as needed.
    pub(super) fn next_row_pos(&mut self) -> Result<Option<u64>, IngestError> {
        loop {
            if let Some(span) = self.batch.rows.get(self.next) {
                return Ok(Some(span.pos));
            }
            if self.finished {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Msg::Batch(mut batch)) => {
                    self.repairs.merge(std::mem::take(&mut batch.repairs));
                    let used = std::mem::replace(&mut self.batch, batch);
                    self.next = 0;
                    self.current = None;
                    // The thread may have ended; the batch is then simply dropped.
                    let _ = self.recycle.send(used);
                }
                Ok(Msg::End) => self.finished = true,
                Ok(Msg::Failed(e)) => {
                    self.finished = true;
                    self.batch.clear();
                    self.next = 0;
                    self.current = None;
                    return Err(e);
                }
                Err(_) => {
                    self.finished = true;
                    return Err(unreadable(
                        "XLSX",
                        "the spreadsheet reader stopped unexpectedly",
                    ));
                }
            }
        }
    }

    pub(super) fn span(&self) -> Option<RowSpan> {
        self.current.and_then(|i| self.batch.rows.get(i)).copied()
    }
}

impl Rows for XlsxRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        self.current = None;
        let Some(next) = self.next_row_pos()? else {
            return Ok(false);
        };
        let target = self.pos + 1;
        if next <= target {
            // `next < target` cannot happen: the thread refuses rows out of order.
            self.current = Some(self.next);
            self.next += 1;
            self.pos = next.max(target);
        } else {
            self.pos = target;
        }
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.span().map_or(0, |s| s.len)
    }

    fn get(&self, i: usize) -> Value<'_> {
        match self.span() {
            Some(span) if i < span.len => self
                .batch
                .cells
                .get(span.start + i)
                .map_or(Value::Empty, |slot| slot.value(&self.batch.text)),
            _ => Value::Empty,
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed).min(self.file_len)
    }

    fn take_issues(&mut self) -> Vec<crate::Issue> {
        self.repairs.take_issue().into_iter().collect()
    }
}

// ---------------------------------------------------------------------------------------
// XLS, XLSB, ODS: the sheet's range, held whole.

pub(super) struct RangeRows {
    pub(super) range: Range<Data>,
    pub(super) limits: Limits,
    /// Current sheet row number, 1-based (0 before the first).
    pub(super) pos: u64,
    /// Last sheet row with a cell, 1-based (0 when none).
    pub(super) last: u64,
    pub(super) row: Vec<Slot>,
    pub(super) text: String,
    pub(super) file_len: u64,
    pub(super) repairs: crate::encoded_twice::Repairs,
}

impl RangeRows {
    pub(super) fn new(range: Range<Data>, limits: Limits, file_len: u64) -> RangeRows {
        let last = range.end().map_or(0, |(r, _)| u64::from(r) + 1);
        RangeRows {
            range,
            limits,
            pos: 0,
            last,
            row: Vec::new(),
            text: String::new(),
            file_len,
            repairs: Default::default(),
        }
    }
}

impl Rows for RangeRows {
    fn advance(&mut self) -> Result<bool, IngestError> {
        self.row.clear();
        self.text.clear();
        if self.pos >= self.last {
            return Ok(false);
        }
        self.pos += 1;
        let (Some((first_row, first_col)), Some((_, last_col))) =
            (self.range.start(), self.range.end())
        else {
            return Ok(true);
        };
        let Ok(r) = u32::try_from(self.pos - 1) else {
            return Ok(true);
        };
        if r < first_row {
            return Ok(true);
        }
        for c in first_col..=last_col {
            let Some(data) = self.range.get_value((r, c)) else {
                continue;
            };
            let cell = CellIn::from_data(data);
            if matches!(cell, CellIn::Empty) {
                continue;
            }
            check_cell(&self.limits, r, c, &cell)?;
            let c = c as usize;
            if self.row.len() <= c {
                self.row.resize(c + 1, Slot::Empty);
            }
            self.row[c] = to_slot(cell, &mut self.text, &mut self.repairs, self.pos);
        }
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.pos
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    fn get(&self, i: usize) -> Value<'_> {
        self.row
            .get(i)
            .map_or(Value::Empty, |slot| slot.value(&self.text))
    }

    fn bytes_read(&self) -> u64 {
        if self.last == 0 {
            return self.file_len;
        }
        let done = u128::from(self.file_len) * u128::from(self.pos) / u128::from(self.last);
        u64::try_from(done).unwrap_or(self.file_len)
    }
    fn take_issues(&mut self) -> Vec<crate::Issue> {
        self.repairs.take_issue().into_iter().collect()
    }
}
