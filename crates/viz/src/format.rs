//! Numbers, units and dates as a reader of the portal expects them.
//!
//! Spanish writes `1 234 567,8` (a no-break space groups thousands, a comma marks
//! decimals, a space before `%`: `12,5 %`); English writes `1,234,567.8` and `12.5%`.
//! Guatemala uses both styles, so the style is chosen apart from the language
//! ([`NumberStyle`]); words (`mil`, `k`, month names) follow the language.
//! Currency prefixes: `Q 2 500 000` in Spanish, `Q2,500,000` and `US$1,234,567.8` in
//! English. Grouping uses U+00A0 (no-break space) rather than the thin U+202F because
//! every font has it, so PNGs and old browsers never show a missing glyph.

use ceiba_core::Lang;

/// The no-break space that groups thousands in Spanish and joins a unit to its number.
pub const NBSP: char = '\u{A0}';

/// How digits are grouped and decimals marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NumberStyle {
    /// `1 234 567,8` (no-break space, decimal comma).
    #[default]
    Es,
    /// `1,234,567.8`.
    En,
}

impl NumberStyle {
    /// The usual style of a language.
    pub fn for_lang(lang: Lang) -> Self {
        match lang {
            Lang::Es => NumberStyle::Es,
            Lang::En => NumberStyle::En,
        }
    }

    pub fn decimal_separator(self) -> char {
        match self {
            NumberStyle::Es => ',',
            NumberStyle::En => '.',
        }
    }

    pub fn group_separator(self) -> char {
        match self {
            NumberStyle::Es => NBSP,
            NumberStyle::En => ',',
        }
    }
}

/// What a value is measured in, as written around the number: a currency prefix
/// (`Q`, `US$`) or a suffix (`%`, `km²`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Unit {
    pub prefix: String,
    pub suffix: String,
}

impl Unit {
    pub fn none() -> Self {
        Unit::default()
    }

    /// Guatemalan quetzales: `Q 1 234,50`.
    pub fn quetzal() -> Self {
        Unit {
            prefix: "Q".into(),
            suffix: String::new(),
        }
    }

    /// United States dollars: `US$1,234.50`.
    pub fn usd() -> Self {
        Unit {
            prefix: "US$".into(),
            suffix: String::new(),
        }
    }

    /// Values already in percent (`12.5` is shown `12,5 %`).
    pub fn percent() -> Self {
        Unit {
            prefix: String::new(),
            suffix: "%".into(),
        }
    }

    /// Any suffix (`km²`, `hab.`), written after a no-break space.
    pub fn suffix(suffix: impl Into<String>) -> Self {
        Unit {
            prefix: String::new(),
            suffix: suffix.into(),
        }
    }

    /// The unit of a column's currency code or symbol (`GTQ`, `Q`, `quetzales`, `USD`,
    /// `US$`, `$`), if it is one Ceiba knows.
    pub fn from_currency(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "gtq" | "q" | "quetzal" | "quetzales" => Some(Unit::quetzal()),
            "usd" | "us$" | "$" | "dólares" | "dolares" | "dollars" => Some(Unit::usd()),
            _ => None,
        }
    }

    /// The unit a column's data dictionary names: a currency (`Q`, `GTQ`, `US$`), `%`,
    /// any other written after the number (`personas`, `km²`), or none.
    pub fn of_column(unit: &str) -> Self {
        let unit = unit.trim();
        match unit {
            "" => Unit::none(),
            "%" => Unit::percent(),
            _ => Unit::from_currency(unit).unwrap_or_else(|| Unit::suffix(unit)),
        }
    }

    /// Whether this is money (a prefix such as `Q` or `US$`).
    pub fn is_currency(&self) -> bool {
        !self.prefix.is_empty()
    }
}

/// `v` with exactly `decimals` decimals and grouped thousands (`-1 234,50`).
pub fn format_fixed(v: f64, decimals: usize, style: NumberStyle) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let decimals = decimals.min(12);
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    let negative = v < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 2);
    if negative {
        out.push('-');
    }
    let group = style.group_separator();
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(style.decimal_separator());
        out.push_str(frac);
    }
    out
}

/// How many decimals a value needs to be read well: none for integers, up to two
/// from 1 up, three significant digits below 1 (at most six decimals).
pub fn auto_decimals(v: f64) -> usize {
    let a = v.abs();
    if !a.is_finite() || a == 0.0 || (a - a.round()).abs() < 1e-9 * a.max(1.0) {
        return 0;
    }
    if a >= 1.0 {
        2
    } else {
        let lead = (-a.log10()).floor() as i64; // zeros after the decimal point
        (lead as usize + 3).min(6)
    }
}

/// Removes trailing zeros (and a trailing separator) from a formatted number.
fn trim_zeros(mut s: String, style: NumberStyle) -> String {
    let sep = style.decimal_separator();
    if s.contains(sep) {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with(sep) {
            s.pop();
        }
    }
    s
}

/// A number with as many decimals as it needs (`1 234 567,8`, `0,125`, `42`).
pub fn format_number(v: f64, style: NumberStyle) -> String {
    trim_zeros(format_fixed(v, auto_decimals(v), style), style)
}

/// Puts a unit around a formatted number: `Q 1 234` / `Q1,234`, `-US$5`, `12,5 %` /
/// `12.5%`, `3 km²`.
pub fn with_unit(number: String, unit: &Unit, style: NumberStyle) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number.as_str()),
    };
    let mut out = String::with_capacity(number.len() + unit.prefix.len() + unit.suffix.len() + 4);
    out.push_str(sign);
    if !unit.prefix.is_empty() {
        out.push_str(&unit.prefix);
        if style == NumberStyle::Es {
            out.push(NBSP);
        }
    }
    out.push_str(digits);
    if !unit.suffix.is_empty() {
        if !(style == NumberStyle::En && unit.suffix == "%") {
            out.push(NBSP);
        }
        out.push_str(&unit.suffix);
    }
    out
}

/// A value in full with its unit, as in a tooltip or a table (`Q 1 234 567,8`,
/// `US$1,234,567.8`): the number as [`format_number`] writes it.
pub fn format_value(v: f64, unit: &Unit, style: NumberStyle) -> String {
    with_unit(format_number(v, style), unit, style)
}

/// The scale word of a compact number: thousands, millions, thousands of millions.
fn compact_scale(abs: f64, lang: Lang) -> (f64, &'static str) {
    match (abs, lang) {
        (a, Lang::Es) if a >= 1e9 => (1e9, "mil M"),
        (a, Lang::En) if a >= 1e9 => (1e9, "B"),
        (a, _) if a >= 1e6 => (1e6, "M"),
        (a, Lang::Es) if a >= 1e3 => (1e3, "mil"),
        (a, Lang::En) if a >= 1e3 => (1e3, "k"),
        _ => (1.0, ""),
    }
}

fn join_scale(number: String, word: &str, lang: Lang) -> String {
    if word.is_empty() {
        number
    } else if lang == Lang::Es {
        format!("{number}{NBSP}{word}")
    } else {
        format!("{number}{word}")
    }
}

/// A short form for labels: `1,2 M` / `1.2M`, `250 mil` / `250k`, `3,4 mil M` / `3.4B`,
/// with one decimal at most; below a thousand, as [`format_number`] (two decimals at
/// most).
pub fn format_compact(v: f64, unit: &Unit, lang: Lang, style: NumberStyle) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let (div, word) = compact_scale(v.abs(), lang);
    let number = if div == 1.0 {
        trim_zeros(format_fixed(v, auto_decimals(v).min(2), style), style)
    } else {
        trim_zeros(format_fixed(v / div, 1, style), style)
    };
    with_unit(join_scale(number, word, lang), unit, style)
}

/// A fraction as a percentage (`0.125` → `12,5 %` / `12.5%`), one decimal at most.
pub fn format_percent(fraction: f64, style: NumberStyle) -> String {
    let number = trim_zeros(format_fixed(fraction * 100.0, 1, style), style);
    with_unit(number, &Unit::percent(), style)
}

/// Axis ticks at 1-2-5 steps covering a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// From the lowest to the highest; the first and last are the axis' ends.
    pub values: Vec<f64>,
    pub step: f64,
}

impl Ticks {
    pub fn min(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }

    pub fn max(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }
}

/// About `target` ticks at a 1, 2 or 5 × 10ⁿ step whose ends cover `min..=max`.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if min.is_finite() && max.is_finite() {
        (min.min(max), min.max(max))
    } else {
        (0.0, 1.0)
    };
    if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
        // One value: a range around it (or 0..1 for zero).
        if lo == 0.0 {
            hi = 1.0;
        } else if lo > 0.0 {
            lo = 0.0;
        } else {
            hi = 0.0;
        }
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    // The nearest of 1, 2, 5, 10 (geometric midpoints), as d3 does.
    let mult = if norm < 2f64.sqrt() {
        1.0
    } else if norm < 10f64.sqrt() {
        2.0
    } else if norm < 50f64.sqrt() {
        5.0
    } else {
        10.0
    };
    let step = mult * mag;
    // A bound within a hair of a multiple of the step is that multiple.
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let decimals = step_decimals(step);
    let scale = 10f64.powi(decimals as i32);
    let count = (last - first).max(1.0) as usize;
    let values = (0..=count)
        .map(|i| {
            let v = (first + i as f64) * step;
            let r = (v * scale).round() / scale;
            if r == 0.0 {
                0.0
            } else {
                r
            }
        })
        .collect();
    Ticks { values, step }
}

/// The decimals needed to write multiples of `step` exactly.
fn step_decimals(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    let d = -(step.log10() - 1e-9).floor();
    if d > 0.0 {
        (d as usize).min(12)
    } else {
        0
    }
}

/// A calendar date read from ISO text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoDate {
    /// `2024-03-31` (a time after it, `T…` or ` …`, is ignored).
    Day { year: i32, month: u32, day: u32 },
    /// `2024-03`.
    Month { year: i32, month: u32 },
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads `YYYY-MM-DD` (optionally followed by a time) or `YYYY-MM`.
pub fn parse_iso_date(s: &str) -> Option<IsoDate> {
    let s = s.trim();
    let date = match s.find(['T', ' ']) {
        Some(10) => &s[..10],
        Some(_) => return None,
        None => s,
    };
    let mut parts = date.split('-');
    let (y, m) = (parts.next()?, parts.next()?);
    let d = parts.next();
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year = digits(y)? as i32;
    let month = digits(m)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    match d {
        None => Some(IsoDate::Month { year, month }),
        Some(d) if d.len() == 2 => {
            let day = digits(d)?;
            (1..=days_in_month(year, month))
                .contains(&day)
                .then_some(IsoDate::Day { year, month, day })
        }
        Some(_) => None,
    }
}

const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as a reader says it: `31 mar 2024` / `Mar 31, 2024`; `mar 2024` / `Mar 2024`.
pub fn format_date(date: IsoDate, lang: Lang) -> String {
    let names = match lang {
        Lang::Es => &MONTHS_ES,
        Lang::En => &MONTHS_EN,
    };
    match date {
        IsoDate::Day { year, month, day } => {
            let m = names[(month as usize - 1) % 12];
            match lang {
                Lang::Es => format!("{day} {m} {year}"),
                Lang::En => format!("{m} {day}, {year}"),
            }
        }
        IsoDate::Month { year, month } => {
            format!("{} {year}", names[(month as usize - 1) % 12])
        }
    }
}

/// A category label for display: ISO dates written as dates, anything else as it is.
pub fn format_category(s: &str, lang: Lang) -> String {
    match parse_iso_date(s) {
        Some(d) => format_date(d, lang),
        None => s.to_string(),
    }
}

/// Labels for axis ticks, all with the same scale word and decimals so they read as
/// one scale: `0`, `500 mil`, `1 M`, `1,5 M` in Spanish; `0`, `500k`, `1M`, `1.5M`.
/// Below ten thousand the numbers are written in full.
pub fn axis_labels(ticks: &Ticks, unit: &Unit, lang: Lang, style: NumberStyle) -> Vec<String> {
    let top = ticks
        .values
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(0.0);
    let (div, word) = if top >= 1e4 {
        compact_scale(top, lang)
    } else {
        (1.0, "")
    };
    let decimals = step_decimals(ticks.step / div);
    ticks
        .values
        .iter()
        .map(|&v| {
            let n = format_fixed(v / div, decimals, style);
            let n = if v == 0.0 {
                "0".to_string()
            } else {
                join_scale(n, word, lang)
            };
            with_unit(n, unit, style)
        })
        .collect()
}

/// Formats numbers, values and categories in one language and number style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formatter {
    pub lang: Lang,
    pub style: NumberStyle,
}

impl Formatter {
    pub fn new(lang: Lang) -> Self {
        Formatter {
            lang,
            style: NumberStyle::for_lang(lang),
        }
    }

    pub fn with_style(lang: Lang, style: NumberStyle) -> Self {
        Formatter { lang, style }
    }

    pub fn number(&self, v: f64) -> String {
        format_number(v, self.style)
    }

    pub fn value(&self, v: f64, unit: &Unit) -> String {
        format_value(v, unit, self.style)
    }

    pub fn compact(&self, v: f64, unit: &Unit) -> String {
        format_compact(v, unit, self.lang, self.style)
    }

    pub fn percent(&self, fraction: f64) -> String {
        format_percent(fraction, self.style)
    }

    pub fn axis(&self, ticks: &Ticks, unit: &Unit) -> Vec<String> {
        axis_labels(ticks, unit, self.lang, self.style)
    }

    pub fn category(&self, s: &str) -> String {
        format_category(s, self.lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: char = NBSP;

    #[test]
    fn a_columns_unit_from_its_data_dictionary() {
        assert_eq!(Unit::of_column(" GTQ "), Unit::quetzal());
        assert_eq!(Unit::of_column("US$"), Unit::usd());
        assert_eq!(Unit::of_column("%"), Unit::percent());
        assert_eq!(Unit::of_column(""), Unit::none());
        assert_eq!(Unit::of_column("personas"), Unit::suffix("personas"));
        assert_eq!(
            format_value(1200.0, &Unit::of_column("personas"), NumberStyle::Es),
            format!("1{S}200{S}personas")
        );
    }

    #[test]
    fn numbers_per_style() {
        assert_eq!(
            format_number(1234567.8, NumberStyle::Es),
            format!("1{S}234{S}567,8")
        );
        assert_eq!(format_number(1234567.8, NumberStyle::En), "1,234,567.8");
        assert_eq!(format_number(-1234.0, NumberStyle::En), "-1,234");
        assert_eq!(format_number(0.125, NumberStyle::Es), "0,125");
        assert_eq!(format_number(999.0, NumberStyle::Es), "999");
        assert_eq!(format_number(-0.0001, NumberStyle::En), "-0.0001");
        assert_eq!(format_fixed(-0.001, 1, NumberStyle::En), "0.0");
        assert_eq!(
            format_value(1234567.8, &Unit::quetzal(), NumberStyle::Es),
            format!("Q{S}1{S}234{S}567,8")
        );
        assert_eq!(
            format_value(2500000.0, &Unit::quetzal(), NumberStyle::Es),
            format!("Q{S}2{S}500{S}000")
        );
        assert_eq!(format_value(-5.0, &Unit::usd(), NumberStyle::En), "-US$5");
        assert_eq!(
            format_value(12.5, &Unit::percent(), NumberStyle::Es),
            format!("12,5{S}%")
        );
        assert_eq!(
            format_value(12.5, &Unit::percent(), NumberStyle::En),
            "12.5%"
        );
    }

    #[test]
    fn compact() {
        let es = |v| format_compact(v, &Unit::none(), Lang::Es, NumberStyle::Es);
        let en = |v| format_compact(v, &Unit::none(), Lang::En, NumberStyle::En);
        assert_eq!(es(1_200_000.0), format!("1,2{S}M"));
        assert_eq!(en(1_200_000.0), "1.2M");
        assert_eq!(es(250_000.0), format!("250{S}mil"));
        assert_eq!(en(250_000.0), "250k");
        assert_eq!(es(3_400_000_000.0), format!("3,4{S}mil M"));
        assert_eq!(en(3_400_000_000.0), "3.4B");
        assert_eq!(en(12.345), "12.35");
    }

    #[test]
    fn ticks() {
        let t = nice_ticks(0.0, 2_345_678.0, 5);
        assert_eq!(t.step, 500_000.0);
        assert_eq!(t.values.first(), Some(&0.0));
        assert_eq!(t.values.last(), Some(&2_500_000.0));
        let l = axis_labels(&t, &Unit::quetzal(), Lang::Es, NumberStyle::Es);
        assert_eq!(l[1], format!("Q{S}0,5{S}M"));
        let t = nice_ticks(-3.2, 7.9, 5);
        assert_eq!(t.values, vec![-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]);
        let t = nice_ticks(0.0, 0.3, 3);
        assert_eq!(t.values, vec![0.0, 0.1, 0.2, 0.3]);
        let t = nice_ticks(5.0, 5.0, 5);
        assert_eq!(t.min(), 0.0);
        assert!(t.max() >= 5.0);
    }

    #[test]
    fn dates() {
        assert_eq!(format_category("2024-03-31", Lang::Es), "31 mar 2024");
        assert_eq!(format_category("2024-03-31", Lang::En), "Mar 31, 2024");
        assert_eq!(format_category("2024-03", Lang::Es), "mar 2024");
        assert_eq!(
            format_category("2024-03-31T10:00:00", Lang::En),
            "Mar 31, 2024"
        );
        assert_eq!(format_category("2023-02-29", Lang::Es), "2023-02-29");
        assert_eq!(format_category("Huehuetenango", Lang::Es), "Huehuetenango");
        assert_eq!(format_category("2024", Lang::Es), "2024");
    }
}
