//! Numbers, sizes and dates written the way each language reads them.

use ceiba_core::Lang;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `27 de noviembre de 2026` / `27 November 2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::Es => format!("{} de {} de {}", d.day(), MONTHS_ES[m], d.year()),
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
    }
}

pub fn datetime(lang: Lang, t: DateTime<Utc>) -> String {
    date(lang, t.date_naive())
}

/// A moment to the minute, in UTC and saying so (the portal has no time-zone setting
/// yet): what a history entry says.
pub fn moment(lang: Lang, t: DateTime<Utc>) -> String {
    format!("{}, {} UTC", date(lang, t.date_naive()), t.format("%H:%M"))
}

/// Thousands grouped: `14 901 286` in Spanish (the RAE's thin space rule, written as a
/// no-break space), `14,901,286` in English.
pub fn integer(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Es => '\u{a0}',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A decimal number with grouped thousands and at most four decimals, trailing zeros
/// dropped: `1 234,5` / `1,234.5`.
pub fn decimal(lang: Lang, x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return integer(lang, x as i64);
    }
    let text = format!("{:.4}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let int: i64 = int.parse().unwrap_or(0);
    let sign = if x < 0.0 { "-" } else { "" };
    let mark = match lang {
        Lang::Es => ',',
        Lang::En => '.',
    };
    if frac.is_empty() {
        format!("{sign}{}", integer(lang, int))
    } else {
        format!("{sign}{}{mark}{frac}", integer(lang, int))
    }
}

/// `2024-03-15` → `15/03/2024`, as dates are written in Guatemala.
pub fn iso_date_short(s: &str) -> String {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => s.to_owned(),
    }
}

/// `2024-03-15T08:30:00` → `15/03/2024 08:30`.
pub fn iso_datetime_short(s: &str) -> String {
    match chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        Ok(d) => d.format("%d/%m/%Y %H:%M").to_string(),
        Err(_) => s.to_owned(),
    }
}

/// `1,2 MB` / `1.2 MB`.
pub fn file_size(lang: Lang, bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let text = if unit == 0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = match lang {
        Lang::Es => text.replace('.', ","),
        Lang::En => text,
    };
    format!("{text} {}", UNITS[unit])
}

/// A number of column `c` as the explorer writes it: years plain ("2021"), other numbers
/// with grouped thousands. One format for the table, its histograms and its ranges.
pub fn number_of(lang: Lang, c: &ceiba_core::Column, x: f64) -> String {
    if c.is_year() && x.is_finite() {
        return format!("{}", x.round() as i64);
    }
    decimal(lang, x)
}

/// A statistic of column `c` kept as text (its smallest or largest value), written as its
/// cells are: numbers by [`number_of`], dates as dates.
pub fn stat_of(lang: Lang, c: &ceiba_core::Column, raw: &str) -> String {
    use ceiba_core::ColumnType;
    match c.column_type {
        ColumnType::Integer | ColumnType::Decimal => raw
            .trim()
            .parse::<f64>()
            .map_or_else(|_| raw.to_owned(), |x| number_of(lang, c, x)),
        ColumnType::Date => iso_date_short(raw),
        ColumnType::Datetime => iso_datetime_short(raw),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(date(Lang::Es, d), "27 de noviembre de 2026");
        assert_eq!(date(Lang::En, d), "27 November 2026");
        assert_eq!(integer(Lang::En, 14901286), "14,901,286");
        assert_eq!(integer(Lang::Es, 14901286), "14\u{a0}901\u{a0}286");
        assert_eq!(integer(Lang::En, -1000), "-1,000");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(file_size(Lang::Es, 1_234_567), "1,2 MB");
        assert_eq!(file_size(Lang::En, 532), "532 B");
        assert_eq!(decimal(Lang::En, 1234567.891), "1,234,567.891");
        assert_eq!(decimal(Lang::Es, -0.5), "-0,5");
        assert_eq!(decimal(Lang::En, 3.0), "3");
        assert_eq!(iso_date_short("2024-03-15"), "15/03/2024");
    }
}
