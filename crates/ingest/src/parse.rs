//! Reading one text cell as a number, boolean or date, the ways Guatemalan files write
//! them: `1,234.56` and `1.234,56`, `Q 1 500`, `29.33%`, `sí`/`no`, `31/12/2018`,
//! `2018-12-31T08:00`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Which character separates decimals in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DecimalSep {
    #[default]
    Point,
    Comma,
}

/// What the shape of a number tells about the column's convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberShape {
    /// Digits only: fits every convention.
    Plain,
    /// Only the point convention reads it (`1,234.5`, `3.25`).
    Point,
    /// Only the comma convention reads it (`1.234,5`, `3,25`).
    Comma,
    /// Either, with different values (`1,234` or `1.234`).
    Ambiguous,
}

/// Strips what surrounds a number in publishers' files: currency prefixes, a percent sign,
/// spaces. Returns the core and whether it was a percentage.
fn number_core(s: &str) -> &str {
    let s = trim(s);
    let s = s.strip_suffix('%').unwrap_or(s).trim_end();
    let s = s.strip_suffix('€').unwrap_or(s).trim_end();
    let s = CURRENCIES
        .iter()
        .find_map(|(p, _)| s.strip_prefix(p))
        .unwrap_or(s);
    s.trim_start()
}

/// Currency marks written before amounts, longest first, with the unit each means.
const CURRENCIES: [(&str, &str); 14] = [
    ("US$", "US$"),
    ("USD", "US$"),
    ("GTQ", "Q"),
    ("MXN", "MXN"),
    ("COP", "COP"),
    ("PEN", "S/"),
    ("CLP", "CLP"),
    ("S/.", "S/"),
    ("S/", "S/"),
    ("Bs.", "Bs."),
    ("Q.", "Q"),
    ("Q", "Q"),
    ("$", "$"),
    ("€", "€"),
];

/// The unit a number is written with: a currency mark or `%` (`Q 1 200` → `Q`,
/// `45 %` → `%`); `None` for a bare number.
pub fn number_unit(s: &str) -> Option<&'static str> {
    let s = trim(s);
    if s.ends_with('%') {
        return Some("%");
    }
    if s.ends_with('€') {
        return Some("€");
    }
    CURRENCIES
        .iter()
        .find(|(p, _)| s.starts_with(p))
        .map(|(_, unit)| *unit)
}

/// Digits with at most one point between digits, maybe a minus sign (`-1234.56`): a
/// number Rust reads as it is.
fn plain_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s).as_bytes();
    if body.is_empty() || body.len() > 24 {
        return false;
    }
    let mut points = 0;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'.' if i > 0 && i + 1 < body.len() && points == 0 => points += 1,
            _ => return false,
        }
    }
    true
}

/// The shape [`number_shape`] gives `-1234.56` (digits, one point between digits, maybe
/// a minus sign), found in one pass; `None` for any other text.
pub fn plain_point_shape(s: &str) -> Option<NumberShape> {
    let body = s.strip_prefix('-').unwrap_or(s).as_bytes();
    let point = body.iter().position(|&b| b == b'.')?;
    let (int, frac) = (&body[..point], &body[point + 1..]);
    if int.is_empty()
        || frac.is_empty()
        || !int.iter().all(u8::is_ascii_digit)
        || !frac.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    // "1.234" is a thousand under the comma convention, as `is_thousands_candidate` says.
    Some(
        if (1..=3).contains(&int.len()) && frac.len() == 3 && int[0] != b'0' {
            NumberShape::Ambiguous
        } else {
            NumberShape::Point
        },
    )
}

/// Classifies a text as a number shape, or `None` when it is not a number.
pub fn number_shape(s: &str) -> Option<NumberShape> {
    // Words are the common case in text columns: refuse them at the first letter, but for
    // the letters that start currency marks (Q, US$, USD, GTQ).
    match s.trim_start().as_bytes().first() {
        Some(b)
            if b.is_ascii_alphabetic()
                && !matches!(b, b'Q' | b'U' | b'G' | b'S' | b'M' | b'C' | b'P' | b'B') =>
        {
            return None
        }
        // A currency mark is a few letters: a word with no digit near its start is not
        // an amount ("Salud", "Municipalidad").
        Some(b)
            if b.is_ascii_alphabetic()
                && !s.trim_start().bytes().take(8).any(|b| b.is_ascii_digit()) =>
        {
            return None
        }
        None => return None,
        _ => {}
    }
    // `Q1`–`Q4` name quarters, not one to four quetzales.
    if matches!(trim(s).as_bytes(), [b'Q', b'1'..=b'4']) {
        return None;
    }
    let core = number_core(s);
    let body = core.strip_prefix(['-', '+']).unwrap_or(core);
    let bytes = body.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() && bytes[0] != b'.' && bytes[0] != b',' {
        return None;
    }
    let mut digits = 0usize;
    let (mut points, mut commas, mut spaces, mut exp) = (0usize, 0usize, 0usize, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            b',' => commas += 1,
            b' ' | 0xC2 | 0xA0 => spaces += 1, // NBSP is C2 A0 in UTF-8
            b'e' | b'E' if !exp && i > 0 && i + 1 < bytes.len() => exp = true,
            b'-' | b'+' if exp && matches!(bytes[i - 1], b'e' | b'E') => {}
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    if exp {
        return (commas == 0 && spaces == 0 && body.parse::<f64>().is_ok())
            .then_some(NumberShape::Point);
    }
    if spaces > 0 {
        // "1 234 567" or "1 234,5": spaces group thousands; the other mark is decimal.
        let compact: String = body
            .chars()
            .filter(|c| *c != ' ' && *c != '\u{a0}')
            .collect();
        if !grouped_by(body, |c| c == ' ' || c == '\u{a0}') {
            return None;
        }
        return match (points, commas) {
            (0, 0) => Some(NumberShape::Plain),
            (1, 0) => number_shape(&compact).map(|_| NumberShape::Point),
            (0, 1) => number_shape(&compact).map(|_| NumberShape::Comma),
            _ => None,
        };
    }
    let last_group = |sep: char| body.rsplit(sep).next().map_or(0, str::len);
    match (points, commas) {
        (0, 0) => Some(NumberShape::Plain),
        (1, 0) => Some(if is_thousands_candidate(body, '.') {
            NumberShape::Ambiguous
        } else {
            NumberShape::Point
        }),
        (0, 1) => Some(if is_thousands_candidate(body, ',') {
            NumberShape::Ambiguous
        } else {
            NumberShape::Comma
        }),
        (_, 0) => grouped_by(body, |c| c == '.').then_some(NumberShape::Comma),
        (0, _) => grouped_by(body, |c| c == ',').then_some(NumberShape::Point),
        _ => {
            // Both marks: the last one is the decimal separator.
            let last_point = body.rfind('.');
            let last_comma = body.rfind(',');
            if last_point > last_comma {
                let int = &body[..last_point.unwrap_or(0)];
                (points == 1 && grouped_by(int, |c| c == ',') && last_group('.') > 0)
                    .then_some(NumberShape::Point)
            } else {
                let int = &body[..last_comma.unwrap_or(0)];
                (commas == 1 && grouped_by(int, |c| c == '.') && last_group(',') > 0)
                    .then_some(NumberShape::Comma)
            }
        }
    }
}

/// `1,234` with one separator followed by exactly three digits, 1–3 digits before it.
fn is_thousands_candidate(body: &str, sep: char) -> bool {
    match body.split_once(sep) {
        Some((int, frac)) => {
            (1..=3).contains(&int.len()) && frac.len() == 3 && !int.starts_with('0')
        }
        None => false,
    }
}

/// Digits grouped in threes by `is_sep` (first group 1–3 digits), optionally followed by
/// a decimal part using the other mark.
fn grouped_by(s: &str, is_sep: impl Fn(char) -> bool) -> bool {
    let int_end = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit() && !is_sep(*c))
        .map_or(s.len(), |(i, _)| i);
    let int = &s[..int_end];
    let mut groups = int.split(&is_sep);
    let Some(first) = groups.next() else {
        return false;
    };
    if first.is_empty() || first.len() > 3 {
        return false;
    }
    groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a number under a column's convention; `None` if it is not one.
pub fn parse_number(s: &str, sep: DecimalSep) -> Option<f64> {
    // The common case, kept fast: `-1234.56` under the point convention.
    if sep == DecimalSep::Point && plain_decimal(s) {
        return s.parse::<f64>().ok().filter(|x| x.is_finite());
    }
    let shape = number_shape(s)?;
    if matches!(
        (shape, sep),
        (NumberShape::Point, DecimalSep::Comma) | (NumberShape::Comma, DecimalSep::Point)
    ) {
        return None;
    }
    let core = number_core(s);
    let rust_notation = core.bytes().all(|b| {
        b.is_ascii_digit()
            || matches!(b, b'-' | b'+' | b'e' | b'E')
            || (b == b'.' && sep == DecimalSep::Point)
    });
    if rust_notation {
        // Already in Rust's notation: parse in place.
        return core.parse::<f64>().ok().filter(|x| x.is_finite());
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in core.bytes() {
        let out = match (b, sep) {
            (b'0'..=b'9' | b'-' | b'+' | b'e' | b'E', _) => b,
            (b'.', DecimalSep::Point) | (b',', DecimalSep::Comma) => b'.',
            _ => continue, // thousands separators and spaces
        };
        *buf.get_mut(n)? = out;
        n += 1;
    }
    std::str::from_utf8(&buf[..n])
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// Reads a whole number under a column's convention (no decimal part), within i64.
pub fn parse_integer(s: &str, sep: DecimalSep) -> Option<i64> {
    // The common case, kept fast: digits, maybe a minus sign.
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let shape = number_shape(s)?;
    if matches!(
        (shape, sep),
        (NumberShape::Point, DecimalSep::Comma) | (NumberShape::Comma, DecimalSep::Point)
    ) {
        return None;
    }
    let core = number_core(s);
    let decimal = match sep {
        DecimalSep::Point => '.',
        DecimalSep::Comma => ',',
    };
    if core.contains(decimal) || core.contains(['e', 'E']) {
        return None;
    }
    if core
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
    {
        return core.parse().ok();
    }
    let mut buf = [0u8; 32];
    let mut n = 0;
    for b in core
        .bytes()
        .filter(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
    {
        *buf.get_mut(n)? = b;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()?.parse().ok()
}

/// `sí`/`no`, `true`/`false`, `verdadero`/`falso`, `yes`/`no`.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.len() > 9 {
        return None;
    }
    const YES: [&str; 6] = ["sí", "si", "true", "verdadero", "yes", "s"];
    const NO: [&str; 4] = ["no", "false", "falso", "n"];
    let is =
        |w: &&str| w.eq_ignore_ascii_case(t) || (*w == "sí" && matches!(t, "Sí" | "SÍ" | "sÍ"));
    if YES.iter().any(is) {
        Some(true)
    } else if NO.iter().any(is) {
        Some(false)
    } else {
        None
    }
}

/// The order of day and month in slash dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first, as Guatemala writes dates.
    #[default]
    Dmy,
    Mdy,
}

/// A date or date-time in text, and what it tells about the day/month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateShape {
    pub has_time: bool,
    /// `Some(order)` when the values prove it (a part over 12).
    pub proves: Option<DateOrder>,
    /// Whether it is a slash/dash day-month form at all (as opposed to ISO).
    pub numeric_dm: bool,
}

fn split_time(s: &str) -> (&str, Option<&str>) {
    let s = s.trim();
    if let Some(i) = s.find(['T', ' ']) {
        (&s[..i], Some(s[i + 1..].trim()))
    } else {
        (s, None)
    }
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim_end_matches('Z');
    // Drop a UTC offset such as +00:00 or -06:00 (times are kept as written).
    let t = match t.rfind(['+', '-']) {
        Some(i) if i >= 5 => &t[..i],
        _ => t,
    };
    NaiveTime::parse_from_str(t, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .ok()
}

/// A month by its name or abbreviation, in Spanish or English (`mar`, `marzo`, `Sept.`).
fn month_named(word: &str) -> Option<u32> {
    let w: String = word
        .trim_end_matches('.')
        .chars()
        .map(|c| ceiba_core::text::fold_char(c.to_lowercase().next().unwrap_or(c)))
        .collect();
    const MONTHS: [[&str; 4]; 12] = [
        ["ene", "enero", "jan", "january"],
        ["feb", "febrero", "feb", "february"],
        ["mar", "marzo", "mar", "march"],
        ["abr", "abril", "apr", "april"],
        ["may", "mayo", "may", "may"],
        ["jun", "junio", "jun", "june"],
        ["jul", "julio", "jul", "july"],
        ["ago", "agosto", "aug", "august"],
        ["sep", "septiembre", "sept", "september"],
        ["oct", "octubre", "oct", "october"],
        ["nov", "noviembre", "nov", "november"],
        ["dic", "diciembre", "dec", "december"],
    ];
    let w = if w == "setiembre" || w == "set" {
        "sep".to_owned()
    } else {
        w
    };
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as u32 + 1)
}

/// A period written as a month and a year (`feb 24`, `mar.2010`, `ene-2023`, `Sept. 1998`).
pub fn month_and_year(s: &str) -> Option<(u32, i32)> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_alphabetic())?;
    let (word, rest) = s.split_at(split);
    let month = month_named(word)?;
    let year = rest.trim_start_matches([' ', '.', '-', '/']);
    if !matches!(year.len(), 2 | 4) || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((month, full_year(year.parse().ok()?, year.len())))
}

/// A two-digit year as POSIX reads it: 69–99 are 1900s, 00–68 2000s.
fn full_year(y: u32, digits: usize) -> i32 {
    match digits {
        2 if y >= 69 => 1900 + y as i32,
        2 => 2000 + y as i32,
        _ => y as i32,
    }
}

/// `5 de marzo de 2024`, `5 de marzo del 2024`: (day, month, year).
fn long_spanish(s: &str) -> Option<(u32, u32, i32)> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let (d, m, y) = match words.as_slice() {
        [d, "de", m, "de" | "del", y] => (d, m, y),
        _ => return None,
    };
    let day: u32 = (d.len() <= 2).then(|| d.parse().ok()).flatten()?;
    let year: i32 = (y.len() == 4).then(|| y.parse().ok()).flatten()?;
    Some((day, month_named(m)?, year))
}

fn date_parts(d: &str) -> Option<(u32, u32, i32, bool)> {
    // (first, second, year, iso); a month written as a word makes the order certain and
    // is returned as iso (day, month).
    // ISO dates with a zone letter (`2008-01-01Z`), as XML exports write them.
    let d = match d.strip_suffix('Z') {
        Some(rest) if rest.len() == 10 && rest.as_bytes()[4] == b'-' => rest,
        _ => d,
    };
    let sep = if d.contains('/') {
        '/'
    } else if d.contains('-') {
        '-'
    } else if d.contains('.') {
        '.'
    } else {
        return None;
    };
    let mut it = d.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let num = |x: &str| -> Option<u32> {
        (!x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    if a.len() == 4 && sep == '-' {
        let (y, m, dd) = (num(a)?, num(b)?, num(c)?);
        return Some((dd, m, y as i32, true));
    }
    // `27-MAR-20`, `27-mar-2020`, `5/marzo/2024`.
    if a.len() <= 2 && (c.len() == 2 || c.len() == 4) && b.bytes().any(|x| x.is_ascii_alphabetic())
    {
        let month = month_named(b)?;
        return Some((num(a)?, month, full_year(num(c)?, c.len()), true));
    }
    // `16/03/20`: a two-digit year, only with slashes (dashes and dots with two-digit
    // parts are too often codes).
    if c.len() == 2 && sep == '/' && a.len() <= 2 && b.len() <= 2 {
        return Some((num(a)?, num(b)?, full_year(num(c)?, 2), false));
    }
    if c.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((num(a)?, num(b)?, num(c)? as i32, false))
}

/// Classifies a text as a date or date-time, or `None`.
pub fn date_shape(s: &str) -> Option<DateShape> {
    if !s
        .trim_start()
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    if let Some((day, month, year)) = long_spanish(s) {
        NaiveDate::from_ymd_opt(year, month, day)?;
        return Some(DateShape {
            has_time: false,
            proves: None,
            numeric_dm: false,
        });
    }
    let (d, t) = split_time(s);
    let (a, b, y, iso) = date_parts(d)?;
    if let Some(t) = t {
        parse_time(t)?;
    }
    if iso {
        NaiveDate::from_ymd_opt(y, b, a)?;
        return Some(DateShape {
            has_time: t.is_some(),
            proves: None,
            numeric_dm: false,
        });
    }
    let dmy = NaiveDate::from_ymd_opt(y, b, a).is_some();
    let mdy = NaiveDate::from_ymd_opt(y, a, b).is_some();
    let proves = match (dmy, mdy) {
        (true, true) => None,
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        (false, false) => return None,
    };
    Some(DateShape {
        has_time: t.is_some(),
        proves,
        numeric_dm: true,
    })
}

/// Reads a date-time (a date alone is midnight) in the column's order.
pub fn parse_datetime(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
    if let Some((day, month, year)) = long_spanish(s) {
        return NaiveDate::from_ymd_opt(year, month, day).map(|d| d.and_time(NaiveTime::MIN));
    }
    let (d, t) = split_time(s);
    let (a, b, y, iso) = date_parts(d)?;
    let date = if iso || order == DateOrder::Dmy {
        NaiveDate::from_ymd_opt(y, b, a)?
    } else {
        NaiveDate::from_ymd_opt(y, a, b)?
    };
    let time = match t {
        Some(t) => parse_time(t)?,
        None => NaiveTime::MIN,
    };
    Some(date.and_time(time))
}

/// Longest date format accepted (a `strftime` pattern).
pub const MAX_DATE_FORMAT: usize = 40;

/// Whether `format` is a `strftime` pattern chrono can read dates with.
pub fn valid_date_format(format: &str) -> bool {
    use chrono::format::{Item, StrftimeItems};
    !format.is_empty()
        && format.len() <= MAX_DATE_FORMAT
        && !StrftimeItems::new(format).any(|i| matches!(i, Item::Error))
}

/// Reads `s` with the publisher's `format`: a date-time, or a date at midnight.
pub fn parse_with_format(s: &str, format: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, format).ok().or_else(|| {
        NaiveDate::parse_from_str(s, format)
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    })
}

/// Trims whitespace; the common cell (no surrounding space) costs two byte checks.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => s,
        (Some(f), Some(l)) if *f < 0x80 && *l < 0x80 => s.trim_ascii(),
        _ => s.trim(),
    }
}

/// Words that mean "no data" in publishers' files.
pub fn is_null_marker(s: &str) -> bool {
    let t = trim(s);
    if t.len() > 16 {
        return false;
    }
    // Markers start with one of few characters; refuse the rest without lowercasing.
    let first = t.as_bytes().first().copied().unwrap_or(b' ');
    if !matches!(
        first,
        b'-' | b'.' | b'n' | b'N' | b's' | b'S' | b'#' | b'x' | b'X' | 0xE2
    ) {
        return false;
    }
    // Compared without lowercasing (no allocation): the markers' letters are ASCII.
    const MARKERS: [&str; 30] = [
        "-",
        "--",
        "—",
        "...",
        "…",
        "n/d",
        "nd",
        "n.d.",
        "n/a",
        "na",
        "n.a.",
        "s.d.",
        "s/d",
        "sd",
        "null",
        "none",
        "nan",
        "#n/a",
        "#¡valor!",
        "#value!",
        "#div/0!",
        "sin dato",
        "sin datos",
        "no disponible",
        "no aplica",
        "no corresponde",
        "no recepcionado",
        "no informado",
        "ns/nr",
        "x",
    ];
    MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_decimal_shortcut_agrees_with_the_general_shape() {
        let cases = [
            "1234.56",
            "-1234.56",
            "1.234",
            "-1.234",
            "0.234",
            "012.345",
            "1234.567",
            "12.3",
            "0.5",
            "01.1",
            "1.2345",
            "123.456",
            "1000.000",
            ".5",
            "5.",
            "-",
            "1.2.3",
            "1,5",
            "1e5",
            "1.5e3",
            "+1.5",
            "Q1.5",
            "1.5 %",
            "abc",
            "",
            "-.5",
            "9999999999999999999.1",
        ];
        for s in cases {
            if let Some(fast) = plain_point_shape(s) {
                assert_eq!(Some(fast), number_shape(s), "{s}");
            }
        }
        assert_eq!(plain_point_shape("1234.56"), Some(NumberShape::Point));
        assert_eq!(plain_point_shape("1.234"), Some(NumberShape::Ambiguous));
        assert_eq!(plain_point_shape("1,5"), None);
    }

    #[test]
    fn dates_as_agencies_write_them() {
        let day = |s: &str| parse_datetime(s, DateOrder::Dmy).map(|t| t.date().to_string());
        // Two-digit years (POSIX: 69–99 are 1900s).
        assert_eq!(day("16/03/20").as_deref(), Some("2020-03-16"));
        assert_eq!(day("01/07/98").as_deref(), Some("1998-07-01"));
        // Month names, Spanish or English, any case, abbreviated or not.
        assert_eq!(day("27-MAR-20").as_deref(), Some("2020-03-27"));
        assert_eq!(day("3-ago-2019").as_deref(), Some("2019-08-03"));
        assert_eq!(day("12-Dec-2001").as_deref(), Some("2001-12-12"));
        assert_eq!(day("5 de marzo de 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(
            day("1 de septiembre del 2023").as_deref(),
            Some("2023-09-01")
        );
        // A zone letter after an ISO date.
        assert_eq!(day("2008-01-01Z").as_deref(), Some("2008-01-01"));
        for s in ["27-MAR-20", "5 de marzo de 2024", "2008-01-01Z", "16/03/20"] {
            let shape = date_shape(s).unwrap_or_else(|| panic!("{s}"));
            assert!(!shape.has_time, "{s}");
        }
        // Not dates: codes with dashes and two-digit parts, unknown month words.
        for s in ["01-02-03", "5 de marzo", "27-XYZ-20", "12.03.20"] {
            assert!(date_shape(s).is_none(), "{s}");
        }
    }

    #[test]
    fn number_shapes() {
        use NumberShape::*;
        assert_eq!(number_shape("123"), Some(Plain));
        assert_eq!(number_shape("-123"), Some(Plain));
        assert_eq!(number_shape("3.25"), Some(Point));
        assert_eq!(number_shape("3,25"), Some(Comma));
        assert_eq!(number_shape("1,234"), Some(Ambiguous));
        assert_eq!(number_shape("1.234"), Some(Ambiguous));
        assert_eq!(number_shape("1,234,567"), Some(Point));
        assert_eq!(number_shape("1.234.567"), Some(Comma));
        assert_eq!(number_shape("1,234.56"), Some(Point));
        assert_eq!(number_shape("1.234,56"), Some(Comma));
        assert_eq!(number_shape("Q 1,500.00"), Some(Point));
        assert_eq!(number_shape("29.33%"), Some(Point));
        assert_eq!(number_shape("1 234 567"), Some(Plain));
        assert_eq!(number_shape("1e5"), Some(Point));
        assert_eq!(number_shape("0,5"), Some(Comma));
        assert_eq!(number_shape("12,34,56"), None);
        assert_eq!(number_shape("abc"), None);
        assert_eq!(number_shape("1-2"), None);
        assert_eq!(number_shape("N/D"), None);
        assert_eq!(number_shape("."), None);
    }

    #[test]
    fn numbers_by_convention() {
        assert_eq!(parse_number("1,234.56", DecimalSep::Point), Some(1234.56));
        assert_eq!(parse_number("1.234,56", DecimalSep::Comma), Some(1234.56));
        assert_eq!(parse_number("1.234,56", DecimalSep::Point), None);
        assert_eq!(parse_number("1,234", DecimalSep::Comma), Some(1.234));
        assert_eq!(parse_number("1,234", DecimalSep::Point), Some(1234.0));
        assert_eq!(parse_number("Q 1 500", DecimalSep::Point), Some(1500.0));
        assert_eq!(parse_number("-0,5", DecimalSep::Comma), Some(-0.5));
        assert_eq!(
            parse_integer("1,234,567", DecimalSep::Point),
            Some(1_234_567)
        );
        assert_eq!(
            parse_integer("1.234.567", DecimalSep::Comma),
            Some(1_234_567)
        );
        assert_eq!(parse_integer("12.5", DecimalSep::Point), None);
        assert_eq!(
            parse_integer("99999999999999999999", DecimalSep::Point),
            None
        );
    }

    #[test]
    fn booleans_and_nulls() {
        assert_eq!(parse_bool("Sí"), Some(true));
        assert_eq!(parse_bool("NO"), Some(false));
        assert_eq!(parse_bool("quizá"), None);
        assert!(is_null_marker("N/D"));
        assert!(is_null_marker(" s.d. "));
        assert!(!is_null_marker("Guatemala"));
    }

    #[test]
    fn dates() {
        let s = date_shape("31/12/2018").unwrap();
        assert_eq!(s.proves, Some(DateOrder::Dmy));
        assert_eq!(
            date_shape("12/31/2018").unwrap().proves,
            Some(DateOrder::Mdy)
        );
        assert_eq!(date_shape("01/02/2018").unwrap().proves, None);
        assert!(date_shape("2018-12-31").is_some());
        assert!(date_shape("2018-12-31T08:30:00").unwrap().has_time);
        assert!(date_shape("2018-12-31 08:30").unwrap().has_time);
        assert!(date_shape("2018-02-30").is_none());
        assert!(date_shape("32/01/2018").is_none());
        assert!(date_shape("2018").is_none());
        assert!(date_shape("1/2").is_none());
        assert_eq!(
            parse_datetime("01/02/2018", DateOrder::Dmy).unwrap().date(),
            NaiveDate::from_ymd_opt(2018, 2, 1).unwrap()
        );
        assert_eq!(
            parse_datetime("2018-12-31T08:30:00Z", DateOrder::Dmy)
                .unwrap()
                .time(),
            NaiveTime::from_hms_opt(8, 30, 0).unwrap()
        );
    }
}
