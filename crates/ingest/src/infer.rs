//! Deciding each column's type from every value in the file, not a sample.
//!
//! A column is fed every non-blank cell; it counts which types each value fits. At the
//! end the first type in the order boolean, integer, decimal, date, datetime that fits all
//! values — but a tolerance of 1% and the "no data" markers (`N/D`, `s.d.`, `-`) — wins;
//! otherwise the column is text. Values that look like codes (`0101`) keep the column as
//! text, so a leading zero is never lost.

use ceiba_core::ColumnType;
use serde::{Deserialize, Serialize};

use crate::parse::{self, DateOrder, DecimalSep, NumberShape};
use crate::{Issue, IssueKind, Value};

const EXAMPLES: usize = 5;

/// How a column's values are read when the table is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnPlan {
    pub name: String,
    /// The heading as written in the file.
    pub label: String,
    pub column_type: ColumnType,
    pub decimal_sep: DecimalSep,
    pub date_order: DateOrder,
    /// Whether the type was forced by the publisher.
    pub overridden: bool,
    /// The currency or `%` the numbers were written with (for the data dictionary).
    #[serde(default)]
    pub unit: String,
    /// How the publisher said dates are written (`%d-%b-%y`).
    #[serde(default)]
    pub date_format: Option<String>,
}

impl ColumnPlan {
    /// Whether the two plans write every cell the same way and describe the column alike.
    pub fn writes_like(&self, other: &ColumnPlan) -> bool {
        let numeric = matches!(self.column_type, ColumnType::Integer | ColumnType::Decimal);
        let dated = matches!(self.column_type, ColumnType::Date | ColumnType::Datetime);
        self.name == other.name
            && self.label == other.label
            && self.column_type == other.column_type
            && self.overridden == other.overridden
            && self.unit == other.unit
            && self.date_format == other.date_format
            && (!numeric || self.decimal_sep == other.decimal_sep)
            && (!dated || self.date_order == other.date_order)
    }
}

// Candidate types, in the order they are tried.
const BOOL: usize = 0;
const INT_POINT: usize = 1;
const INT_COMMA: usize = 2;
const DEC_POINT: usize = 3;
const DEC_COMMA: usize = 4;
const DATE: usize = 5;
const DATETIME: usize = 6;
const CANDIDATES: usize = 7;

/// Everything one column's values said during the first pass.
#[derive(Debug, Clone)]
pub struct ColumnInference {
    /// 1-based column number.
    pub index: usize,
    pub name: String,
    pub label: String,
    values: u64,
    markers: u64,
    fits: [u64; CANDIDATES],
    misfits: [Vec<(u64, String)>; CANDIDATES],
    leading_zero: u64,
    digits_only: u64,
    min_width: usize,
    max_width: usize,
    /// How many digits-only values have each width (1–19 digits).
    widths: [u64; 20],
    /// Numbers written with a unit (`Q 1 200`, `45 %`): the first unit seen, how many
    /// carried it, and whether another unit was seen too.
    unit: Option<&'static str>,
    with_unit: u64,
    mixed_units: bool,
    date_format: Option<String>,
    proves_dmy: u64,
    proves_mdy: u64,
    /// Values that fit no type beyond which no type can win any more (see
    /// [`settle`](Self::settle)); `None` while every value must be examined.
    settle_at: Option<u64>,
    /// The column is text whatever its remaining values: they are only counted.
    settled: bool,
}

impl ColumnInference {
    pub fn new(index: usize, name: String, label: String) -> Self {
        ColumnInference {
            index,
            name,
            label,
            values: 0,
            markers: 0,
            fits: [0; CANDIDATES],
            misfits: Default::default(),
            leading_zero: 0,
            digits_only: 0,
            min_width: usize::MAX,
            max_width: 0,
            widths: [0; 20],
            unit: None,
            with_unit: 0,
            mixed_units: false,
            date_format: None,
            proves_dmy: 0,
            proves_mdy: 0,
            settle_at: None,
            settled: false,
        }
    }

    /// Lets the column stop examining values once it is text whatever the rest of a
    /// table of at most `max_rows` rows holds. A type is refused when more than 1% of
    /// the values do not fit it, and there are never more values than rows, so once more
    /// than `max_rows / 100` values fit no type (not even the tolerance can bring one
    /// back), the remaining values can only be counted. Not for a column whose type or
    /// date format the publisher chose: its misfits are counted and shown.
    pub fn settling_within(mut self, max_rows: u64, chosen: bool) -> Self {
        self.settle_at = (!chosen && self.date_format.is_none()).then_some(max_rows / 100);
        self
    }

    /// Settles the column as text when no type can win any more (checked now and then,
    /// not at every value).
    pub fn settle(&mut self) {
        let Some(limit) = self.settle_at else {
            return;
        };
        let real = self.values - self.markers;
        self.settled = real > 0 && self.fits.iter().all(|&f| real - f.min(real) > limit);
    }

    /// Counts one cell at source row `row`. Blank cells are not values.
    pub fn add(&mut self, row: u64, value: Value<'_>) {
        if self.settled {
            // The counts still say whether the column holds anything.
            if !value.is_blank() {
                self.values += 1;
            }
            return;
        }
        let mut fit = [false; CANDIDATES];
        match value {
            Value::Empty => return,
            Value::Text(raw) => {
                let s = parse::trim(raw);
                if s.is_empty() {
                    return;
                }
                if parse::is_null_marker(s) {
                    self.values += 1;
                    self.markers += 1;
                    self.misfit_all(row, s, &fit);
                    return;
                }
                self.text_fits(s, &mut fit);
                self.values += 1;
                for (i, ok) in fit.iter().enumerate() {
                    if *ok {
                        self.fits[i] += 1;
                    }
                }
                if fit
                    .iter()
                    .zip(&self.misfits)
                    .any(|(ok, ex)| !ok && ex.len() < EXAMPLES)
                {
                    self.misfit_all(row, s, &fit);
                }
                return;
            }
            Value::Int(i) => {
                // A spreadsheet's number may be a code whose zeros were lost upstream.
                if i >= 0 {
                    self.count_digits(i.to_string().len());
                }
                fit[INT_POINT] = true;
                fit[INT_COMMA] = true;
                fit[DEC_POINT] = true;
                fit[DEC_COMMA] = true;
            }
            Value::Float(_) => {
                fit[DEC_POINT] = true;
                fit[DEC_COMMA] = true;
            }
            Value::Bool(_) => fit[BOOL] = true,
            Value::Date(_) => {
                fit[DATE] = true;
                fit[DATETIME] = true;
            }
            Value::DateTime(_) => fit[DATETIME] = true,
        }
        self.values += 1;
        for (i, ok) in fit.iter().enumerate() {
            if *ok {
                self.fits[i] += 1;
            }
        }
        // Formatting the value costs an allocation; only pay it while examples are wanted.
        let wanted = fit
            .iter()
            .zip(&self.misfits)
            .any(|(ok, ex)| !ok && ex.len() < EXAMPLES);
        if wanted {
            self.misfit_all(row, &value.display(), &fit);
        }
    }

    fn misfit_all(&mut self, row: u64, shown: &str, fit: &[bool; CANDIDATES]) {
        for (i, ok) in fit.iter().enumerate() {
            if !ok && self.misfits[i].len() < EXAMPLES {
                let shown: String = shown.chars().take(40).collect();
                self.misfits[i].push((row, shown));
            }
        }
    }

    fn text_fits(&mut self, s: &str, fit: &mut [bool; CANDIDATES]) {
        if let Some(format) = &self.date_format {
            if parse::parse_with_format(s, format).is_some() {
                fit[DATE] = true;
                fit[DATETIME] = true;
                return;
            }
        }
        let bytes = s.as_bytes();
        if bytes.iter().all(u8::is_ascii_digit) {
            // The common case, kept fast: a plain whole number.
            self.count_digits(bytes.len());
            if bytes.len() > 1 && bytes[0] == b'0' {
                self.leading_zero += 1;
            }
            let in_range = bytes.len() <= 18;
            fit[INT_POINT] = in_range;
            fit[INT_COMMA] = in_range;
            fit[DEC_POINT] = true;
            fit[DEC_COMMA] = true;
            return;
        }
        if let Some(shape) = parse::plain_point_shape(s) {
            // The next common case: `-1234.56`, digits around one point. Its fits are
            // those the general branch below gives such a number, without its passes.
            if bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit() {
                self.leading_zero += 1;
            }
            match shape {
                NumberShape::Ambiguous => {
                    fit[INT_COMMA] = true;
                    fit[DEC_POINT] = true;
                    fit[DEC_COMMA] = true;
                }
                _ => fit[DEC_POINT] = true,
            }
            return;
        }
        if let Some(shape) = parse::number_shape(s) {
            if let Some(u) = parse::number_unit(s) {
                match self.unit {
                    None => self.unit = Some(u),
                    Some(seen) if seen != u => self.mixed_units = true,
                    Some(_) => {}
                }
                self.with_unit += 1;
            }
            // `01.1`, `05.3.2`: a classification code, not a number (a number never
            // starts with a zero followed by a digit).
            if bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit() {
                self.leading_zero += 1;
            }
            // The fits follow from the shape and the marks present, without parsing.
            let has_point = s.contains('.');
            let has_comma = s.contains(',');
            let exp = s.contains(['e', 'E']);
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            let int_ok = digits <= 18 && !exp;
            match shape {
                NumberShape::Plain => {
                    fit[INT_POINT] = int_ok;
                    fit[INT_COMMA] = int_ok;
                    fit[DEC_POINT] = true;
                    fit[DEC_COMMA] = true;
                }
                NumberShape::Point => {
                    fit[INT_POINT] = int_ok && !has_point;
                    fit[DEC_POINT] = true;
                }
                NumberShape::Comma => {
                    fit[INT_COMMA] = int_ok && !has_comma;
                    fit[DEC_COMMA] = true;
                }
                NumberShape::Ambiguous => {
                    // "1,234": thousands under the point convention, decimals under the
                    // comma one; "1.234" the other way round.
                    fit[INT_POINT] = int_ok && has_comma;
                    fit[INT_COMMA] = int_ok && has_point;
                    fit[DEC_POINT] = true;
                    fit[DEC_COMMA] = true;
                }
            }
            return;
        }
        if parse::parse_bool(s).is_some() {
            fit[BOOL] = true;
            return;
        }
        if let Some(d) = parse::date_shape(s) {
            match d.proves {
                Some(DateOrder::Dmy) => self.proves_dmy += 1,
                Some(DateOrder::Mdy) => self.proves_mdy += 1,
                None => {}
            }
            fit[DATE] = !d.has_time;
            fit[DATETIME] = true;
        }
    }

    /// Dates of this column are written as `format` says (the publisher's word).
    pub fn with_date_format(mut self, format: Option<String>) -> Self {
        self.date_format = format;
        self
    }

    /// Whether no cell of the column held anything.
    pub fn is_empty(&self) -> bool {
        self.values == 0
    }

    fn count_digits(&mut self, width: usize) {
        self.digits_only += 1;
        self.min_width = self.min_width.min(width);
        self.max_width = self.max_width.max(width);
        self.widths[width.min(19)] += 1;
    }

    /// Codes of one width whose leading zeros some values lost before the file was made
    /// (`1000` among `01000`-style postal codes): how many are short, when the column is
    /// named like codes, holds only digits, and at least two thirds have the widest width
    /// or every value has the widest width or one digit less (Chile's commune codes,
    /// `1101` for `01101` beside `13101`).
    fn codes_missing_zeros(&self, real: u64) -> Option<u64> {
        if real == 0 || self.digits_only != real || self.max_width < 4 {
            return None;
        }
        let widest = self.widths[self.max_width.min(19)];
        let one_short = self.widths[(self.max_width - 1).min(19)];
        let lost = widest * 3 >= real * 2 || widest + one_short == real;
        (name_suggests_code(&self.name) && lost).then_some(real - widest)
    }

    /// The column's plan: the inferred type, or `forced` when the publisher chose one.
    /// `comma_hint` says the file's style suggests decimal commas (a `;` delimiter) for
    /// columns whose values do not tell.
    pub fn decide(
        &self,
        forced: Option<ColumnType>,
        comma_hint: bool,
    ) -> (ColumnPlan, Option<Issue>) {
        let real = self.values - self.markers;
        let point_evidence = self.fits[DEC_POINT].saturating_sub(self.fits[DEC_COMMA]);
        let comma_evidence = self.fits[DEC_COMMA].saturating_sub(self.fits[DEC_POINT]);
        let sep = if comma_evidence > point_evidence
            || (comma_evidence == point_evidence && comma_hint)
        {
            DecimalSep::Comma
        } else {
            DecimalSep::Point
        };
        let order = if self.proves_mdy > self.proves_dmy {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        };
        let (int, dec) = match sep {
            DecimalSep::Point => (INT_POINT, DEC_POINT),
            DecimalSep::Comma => (INT_COMMA, DEC_COMMA),
        };
        let tolerance = real / 100;
        let accepts = |c: usize| self.fits[c] > 0 && real - self.fits[c].min(real) <= tolerance;
        let fits_all = |c: usize| real > 0 && self.fits[c] >= real;
        let dates_conflict = self.proves_dmy > 0 && self.proves_mdy > 0;
        let zeros_lost = self.codes_missing_zeros(real);
        let looks_like_code = self.leading_zero > 0
            || zeros_lost.is_some()
            || (self.digits_only == real
                && real > 0
                && self.min_width == self.max_width
                && self.min_width >= 2
                && name_suggests_code(&self.name));

        // A type every value fits comes first: the 1% tolerance only decides between
        // types none of which fits them all, so it never empties values a wider numeric
        // type would keep (ten `24.6` among integers make the column decimal).
        let candidates: [(usize, ColumnType); 5] = [
            (BOOL, ColumnType::Boolean),
            (int, ColumnType::Integer),
            (dec, ColumnType::Decimal),
            (DATE, ColumnType::Date),
            (DATETIME, ColumnType::Datetime),
        ];
        let allowed = |c: usize| !(dates_conflict && (c == DATE || c == DATETIME));
        let inferred = if real == 0 || looks_like_code {
            ColumnType::Text
        } else if let Some((_, t)) = candidates.iter().find(|(c, _)| allowed(*c) && fits_all(*c)) {
            *t
        } else if let Some((_, t)) = candidates.iter().find(|(c, _)| allowed(*c) && accepts(*c)) {
            *t
        } else {
            ColumnType::Text
        };
        let column_type = forced.unwrap_or(inferred);
        let candidate = match column_type {
            ColumnType::Boolean => Some(BOOL),
            ColumnType::Integer => Some(int),
            ColumnType::Decimal => Some(dec),
            ColumnType::Date => Some(DATE),
            ColumnType::Datetime => Some(DATETIME),
            ColumnType::Text => None,
        };
        let issue = candidate.and_then(|c| {
            let count = self.values - self.fits[c].min(self.values);
            // A type forced by the publisher that no value fits would empty the column:
            // refused, with an example, instead of built.
            if forced.is_some() && real > 0 && self.fits[c] == 0 {
                return Some(
                    Issue::error(IssueKind::ForcedTypeFitsNothing {
                        expected: column_type,
                        example: self.misfits[c].first().cloned().unwrap_or_default(),
                    })
                    .at_column(self.index, self.name.clone()),
                );
            }
            (count > 0).then(|| {
                Issue::warning(IssueKind::TypeMismatch {
                    expected: column_type,
                    count,
                    examples: self.misfits[c].clone(),
                })
                .at_column(self.index, self.name.clone())
            })
        });
        let issue = issue.or_else(|| {
            zeros_lost
                .filter(|n| *n > 0 && forced.is_none())
                .map(|count| {
                    Issue::warning(IssueKind::ZerosLost {
                        count,
                        width: self.max_width,
                    })
                    .at_column(self.index, self.name.clone())
                })
        });
        (
            ColumnPlan {
                name: self.name.clone(),
                label: self.label.clone(),
                column_type,
                decimal_sep: sep,
                date_order: order,
                overridden: forced.is_some(),
                date_format: self.date_format.clone(),
                // One unit, on at least half the values, of a column read as numbers.
                unit: match (self.unit, column_type) {
                    (Some(u), ColumnType::Integer | ColumnType::Decimal)
                        if !self.mixed_units && self.with_unit * 2 >= real =>
                    {
                        u.to_owned()
                    }
                    _ => String::new(),
                },
            },
            issue,
        )
    }
}

/// Column names that usually hold identifiers, whose fixed-width digits are codes.
fn name_suggests_code(name: &str) -> bool {
    // `C.P.` is `cp`; `IDMunicipio`, `IdProvincia` are identifiers.
    let n = name.to_lowercase().replace('.', "");
    let camel_id = (name.starts_with("ID") || name.starts_with("Id"))
        && name
            .get(2..)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase()));
    camel_id
        || [
            "cod",
            "código",
            "id",
            "snip",
            "pcode",
            "nit",
            "dpi",
            "cui",
            "telefono",
            "teléfono",
            "clave",
            "ubigeo",
            "code",
            "cp",
            "postal",
            "zip",
        ]
        .iter()
        .any(|w| {
            n == *w
                || n.starts_with(&format!("{w}_"))
                || n.starts_with(&format!("{w} "))
                || n.ends_with(&format!("_{w}"))
                || n.ends_with(&format!(" {w}"))
                || n.starts_with("codigo")
                || n.starts_with("cod_")
                || n.starts_with("id_")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[&str]) -> (ColumnPlan, Option<Issue>) {
        infer_named("valor", values, false)
    }

    fn infer_named(name: &str, values: &[&str], comma_hint: bool) -> (ColumnPlan, Option<Issue>) {
        let mut c = ColumnInference::new(3, name.into(), name.into());
        for (i, v) in values.iter().enumerate() {
            c.add(i as u64 + 2, Value::Text(v));
        }
        c.decide(None, comma_hint)
    }

    /// Feeds `words` then `numbers` to a column settling within `max_rows`, checking
    /// whether it may settle after each value as the types thread does after each chunk.
    fn settle_run(words: u64, numbers: u64, max_rows: u64, chosen: bool) -> ColumnInference {
        let mut c = ColumnInference::new(1, "valor".into(), "valor".into())
            .settling_within(max_rows, chosen);
        for row in 0..words + numbers {
            let text = if row < words {
                format!("Municipio {row}")
            } else {
                row.to_string()
            };
            c.add(row + 2, Value::Text(&text));
            c.settle();
        }
        c
    }

    #[test]
    fn a_column_settles_as_text_only_when_no_type_can_win_any_more() {
        // 11 words in a table of at most 1,000 rows: no type can reach 99% any more.
        let c = settle_run(11, 900, 1_000, false);
        assert!(c.settled);
        assert_eq!(c.values, 911, "values are still counted");
        assert_eq!(c.decide(None, false).0.column_type, ColumnType::Text);
        // The same words in a table of at most 2,000 rows: 1,900 numbers could still
        // make it a column of integers with 11 misfits, so every value is examined.
        let c = settle_run(11, 1_900, 2_000, false);
        assert!(!c.settled);
        let (plan, issue) = c.decide(None, false);
        assert_eq!(plan.column_type, ColumnType::Integer);
        assert!(matches!(
            issue.map(|i| i.kind),
            Some(IssueKind::TypeMismatch { count: 11, .. })
        ),);
        // A type the publisher chose is checked on every value, to count the misfits.
        let c = settle_run(11, 900, 1_000, true);
        assert!(!c.settled);
        let (_, issue) = c.decide(Some(ColumnType::Integer), false);
        assert!(matches!(
            issue.map(|i| i.kind),
            Some(IssueKind::TypeMismatch { count: 11, .. })
        ),);
    }

    #[test]
    fn identifier_names_with_dots_and_camel_case_mark_codes() {
        for name in [
            "C.P.",
            "IDMunicipio",
            "IdProvincia",
            "IDCCAA",
            "codigo_ine",
            "cod dep",
        ] {
            assert!(name_suggests_code(name), "{name}");
        }
        for name in ["Identidad", "Ideas", "poblacion", "I"] {
            assert!(!name_suggests_code(name), "{name}");
        }
        let (plan, _) = infer_named("C.P.", &["12140", "12570", "12001"], false);
        assert_eq!(plan.column_type, ColumnType::Text);
    }

    #[test]
    fn codes_one_digit_short_lost_their_zero_upstream() {
        // Chile's commune codes stored as numbers: 01101 became 1101, 13101 stayed.
        let values = ["1101", "1107", "2101", "13101", "13102", "16305"];
        let (plan, issue) = infer_named("Código", &values, false);
        assert_eq!(plan.column_type, ColumnType::Text);
        assert!(
            matches!(
                issue.map(|i| i.kind),
                Some(IssueKind::ZerosLost { count: 3, width: 5 })
            ),
            "the lost zeros are noted"
        );
        // Populations of every width stay numbers.
        let (plan, _) = infer_named("poblacion", &values, false);
        assert_eq!(plan.column_type, ColumnType::Integer);
    }

    #[test]
    fn codes_with_leading_zeros_stay_text() {
        let (plan, issue) = infer(&["0101", "0102", "1301", "2217"]);
        assert_eq!(plan.column_type, ColumnType::Text);
        assert!(issue.is_none());
        let (plan, _) = infer_named("snip", &["123456", "234567"], false);
        assert_eq!(plan.column_type, ColumnType::Text);
        let (plan, _) = infer_named("anio", &["2019", "2020"], false);
        assert_eq!(plan.column_type, ColumnType::Integer);
    }

    #[test]
    fn numbers_in_both_conventions() {
        let (plan, _) = infer(&["1,234.56", "3.5", "12"]);
        assert_eq!(
            (plan.column_type, plan.decimal_sep),
            (ColumnType::Decimal, DecimalSep::Point)
        );
        let (plan, _) = infer(&["1.234,56", "3,5", "12"]);
        assert_eq!(
            (plan.column_type, plan.decimal_sep),
            (ColumnType::Decimal, DecimalSep::Comma)
        );
        let (plan, _) = infer(&["1,234", "12,500", "7"]);
        assert_eq!(
            (plan.column_type, plan.decimal_sep),
            (ColumnType::Integer, DecimalSep::Point)
        );
        // With a ';' delimiter, ambiguous "1,234" reads as a decimal comma.
        let (plan, _) = infer_named("x", &["1,234", "0,5"], true);
        assert_eq!(
            (plan.column_type, plan.decimal_sep),
            (ColumnType::Decimal, DecimalSep::Comma)
        );
        let (plan, _) = infer(&["1,234,567", "2,000"]);
        assert_eq!(plan.column_type, ColumnType::Integer);
    }

    #[test]
    fn no_data_markers_are_counted_not_fatal() {
        let mut values = vec!["10"; 200];
        values[15] = "N/D";
        values[60] = "s.d.";
        let (plan, issue) = infer(&values);
        assert_eq!(plan.column_type, ColumnType::Integer);
        let issue = issue.unwrap();
        assert_eq!(
            issue.kind,
            IssueKind::TypeMismatch {
                expected: ColumnType::Integer,
                count: 2,
                examples: vec![(17, "N/D".into()), (62, "s.d.".into())],
            }
        );
        assert_eq!(issue.column, Some((3, "valor".into())));
    }

    #[test]
    fn a_few_stray_values_are_tolerated_many_make_text() {
        let mut values = vec!["10"; 300];
        values[7] = "diez";
        let (plan, issue) = infer(&values);
        assert_eq!(plan.column_type, ColumnType::Integer);
        assert!(matches!(
            issue.unwrap().kind,
            IssueKind::TypeMismatch { count: 1, .. }
        ));
        let (plan, _) = infer(&["10", "once", "12"]);
        assert_eq!(plan.column_type, ColumnType::Text);
    }

    #[test]
    fn booleans_dates_datetimes() {
        assert_eq!(
            infer(&["sí", "no", "Sí"]).0.column_type,
            ColumnType::Boolean
        );
        let (plan, _) = infer(&["31/12/2018", "01/02/2019"]);
        assert_eq!(
            (plan.column_type, plan.date_order),
            (ColumnType::Date, DateOrder::Dmy)
        );
        let (plan, _) = infer(&["12/31/2018", "01/02/2019"]);
        assert_eq!(
            (plan.column_type, plan.date_order),
            (ColumnType::Date, DateOrder::Mdy)
        );
        assert_eq!(
            infer(&["2018-12-31", "2019-01-01T10:00"]).0.column_type,
            ColumnType::Datetime
        );
        assert_eq!(
            infer(&["31/12/2018", "12/31/2018"]).0.column_type,
            ColumnType::Text
        );
    }

    #[test]
    fn spreadsheet_values_keep_their_types() {
        let mut c = ColumnInference::new(1, "monto".into(), "monto".into());
        c.add(2, Value::Int(5));
        c.add(3, Value::Float(2.5));
        c.add(4, Value::Text("N/D"));
        let (plan, issue) = c.decide(None, false);
        assert_eq!(plan.column_type, ColumnType::Decimal);
        assert!(issue.is_some());
    }

    #[test]
    fn forced_types_report_what_does_not_fit() {
        let mut c = ColumnInference::new(2, "codigo".into(), "codigo".into());
        for (i, v) in ["0101", "0102", "X1"].iter().enumerate() {
            c.add(i as u64 + 2, Value::Text(v));
        }
        let (plan, issue) = c.decide(Some(ColumnType::Integer), false);
        assert!(plan.overridden);
        assert_eq!(plan.column_type, ColumnType::Integer);
        assert!(matches!(
            issue.unwrap().kind,
            IssueKind::TypeMismatch { count: 1, .. }
        ));
    }
}
