//! The workbook readers behind one type, and their sheets.

use super::*;

pub(super) type Src = BufReader<File>;

/// Any workbook calamine opens, for listing sheets and reading whole ranges.
pub(super) enum AnyBook {
    Xlsx(Xlsx<Src>),
    Xlsb(Xlsb<Src>),
    Xls(Xls<Src>),
    Ods(Ods<Src>),
}

impl AnyBook {
    pub(super) fn open(
        path: &Path,
        format: WorkbookFormat,
        limits: &Limits,
    ) -> Result<AnyBook, IngestError> {
        let label = format.label();
        if format == WorkbookFormat::Ods {
            ods_guard(path, limits)?;
        }
        let src = BufReader::with_capacity(1 << 16, File::open(path)?);
        Ok(match format {
            WorkbookFormat::Xlsx => AnyBook::Xlsx(
                Xlsx::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, XlsxError::Password)))?,
            ),
            WorkbookFormat::Xlsb => AnyBook::Xlsb(
                Xlsb::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, XlsbError::Password)))?,
            ),
            WorkbookFormat::Ods => AnyBook::Ods(
                Ods::new(src)
                    .map_err(|e| open_error(label, &e, matches!(e, OdsError::Password)))?,
            ),
            WorkbookFormat::Xls => match Xls::new(src) {
                Ok(book) => AnyBook::Xls(book),
                Err(e) => {
                    // An encrypted XLSX is an OLE file too; calamine's XLSX reader says so.
                    let src = BufReader::new(File::open(path)?);
                    let encrypted = matches!(Xlsx::new(src), Err(XlsxError::Password));
                    return Err(open_error(
                        label,
                        &e,
                        encrypted || matches!(e, XlsError::Password),
                    ));
                }
            },
        })
    }

    /// (name, holds cells) of every sheet, in workbook order.
    pub(super) fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            AnyBook::Xlsx(b) => b.sheets_metadata(),
            AnyBook::Xlsb(b) => b.sheets_metadata(),
            AnyBook::Xls(b) => b.sheets_metadata(),
            AnyBook::Ods(b) => b.sheets_metadata(),
        };
        meta.iter()
            .map(|s| (s.name.clone(), s.typ == SheetType::WorkSheet))
            .collect()
    }

    pub(super) fn range(&mut self, name: &str, label: &str) -> Result<Range<Data>, IngestError> {
        let detail = |e: &dyn Display| format!("the sheet «{name}» could not be read: {e}");
        match self {
            AnyBook::Xlsx(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Xlsb(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Xls(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
            AnyBook::Ods(b) => b
                .worksheet_range(name)
                .map_err(|e| unreadable(label, detail(&e))),
        }
    }
}

pub(super) fn list_sheets(
    path: &Path,
    format: WorkbookFormat,
    limits: &Limits,
) -> Result<Vec<(String, bool)>, IngestError> {
    guarded(format.label(), || {
        Ok(AnyBook::open(path, format, limits)?.sheets())
    })
}

pub(crate) fn find_sheet(
    sheets: &[(String, bool)],
    wanted: &str,
) -> Result<(String, bool), IngestError> {
    if let Some(s) = sheets.iter().find(|(name, _)| name == wanted) {
        return Ok(s.clone());
    }
    // A sheet named with other capitals or stray spaces, when only one matches.
    let key = wanted.trim().to_lowercase();
    let loose: Vec<&(String, bool)> = sheets
        .iter()
        .filter(|(name, _)| name.trim().to_lowercase() == key)
        .collect();
    if let [only] = loose.as_slice() {
        return Ok((*only).clone());
    }
    Err(IngestError::rejected(IssueKind::SheetNotFound {
        sheet: wanted.to_string(),
        available: sheets.iter().map(|(name, _)| name.clone()).collect(),
    }))
}
