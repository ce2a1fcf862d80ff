//! Reading what people type in a filter: numbers the ways Guatemalan files write them
//! (`1,234.5`, `1.234,5`, `Q 1 500`), dates (`2024-03-31`, `31/03/2024`), yes/no words,
//! comma-separated lists — and folding text so that searches ignore case and accents.
//!
//! Deliberately independent of `ceiba-ingest`: the query engine only reads what ingestion
//! wrote, and a filter value is one short string, not a column to infer.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub use ceiba_core::text::{fold, fold_char, fold_into};

/// Reads a number as a person writes it: `1234.5`, `1,234.5`, `1.234,5`, `1 234,5`,
/// `Q 1 500`, `US$ 20`, `12%`, `-3`, `1e6`. With a single separator, a comma followed by
/// exactly three digits groups thousands (`1,234` = 1234, as in Guatemala) and otherwise
/// marks decimals (`1,5` = 1.5); a single point always marks decimals.
pub fn parse_number(s: &str) -> Option<f64> {
    let mut t = s.trim();
    for prefix in ["US$", "USD", "GTQ", "Q.", "Q", "$", "€"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
            break;
        }
    }
    t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let body = body.trim_start();
    // Spaces (also no-break and thin ones) and apostrophes group thousands.
    let compact: String = body
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\''))
        .collect();
    if compact.is_empty() || !compact.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value = if compact.contains(['e', 'E']) {
        compact.parse::<f64>().ok()?
    } else {
        if !compact
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        {
            return None;
        }
        let points = compact.matches('.').count();
        let commas = compact.matches(',').count();
        let decimal = match (points, commas) {
            (0, 0) => None,
            (_, 0) if points > 1 => None,
            (1, 0) => Some('.'),
            (0, 1) => {
                let (int, frac) = compact.split_once(',')?;
                let thousands = frac.len() == 3
                    && (1..=3).contains(&int.len())
                    && !(int.len() == 1 && int.starts_with('0'));
                (!thousands).then_some(',')
            }
            (0, _) => None,
            _ => {
                // Both marks: the last one separates decimals, and occurs once.
                let last = if compact.rfind('.') > compact.rfind(',') {
                    '.'
                } else {
                    ','
                };
                if compact.matches(last).count() != 1 {
                    return None;
                }
                Some(last)
            }
        };
        let mut plain = String::with_capacity(compact.len());
        for c in compact.chars() {
            if c.is_ascii_digit() {
                plain.push(c);
            } else if Some(c) == decimal {
                plain.push('.');
            }
        }
        plain.parse::<f64>().ok()?
    };
    let value = if negative { -value } else { value };
    value.is_finite().then_some(value)
}

/// A whole number, if `s` reads as one exactly (`1,234`, `Q 1 500`, `12.0`).
pub fn parse_integer(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i);
    }
    let x = parse_number(t)?;
    (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

/// `true`/`false`, `sí`/`si`/`no`, `yes`, `verdadero`/`falso`, `1`/`0`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match fold(s.trim()).as_str() {
        "true" | "si" | "yes" | "1" | "verdadero" | "s" | "y" | "t" => Some(true),
        "false" | "no" | "0" | "falso" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// A date or date-time as a person writes it, and whether a time of day was given:
/// `2024-03-31`, `2024/03/31`, `31/03/2024`, `31-03-2024`, `31.03.2024`, each optionally
/// followed by `T` or a space and `HH:MM[:SS[.ffffff]]`.
pub fn parse_datetime(s: &str) -> Option<(NaiveDateTime, bool)> {
    let t = s.trim();
    let (date_part, time_part) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim())),
        None => (t, None),
    };
    let date = parse_date_only(date_part)?;
    match time_part {
        None => Some((date.and_time(NaiveTime::MIN), false)),
        Some(tp) => {
            let tp = tp.strip_suffix('Z').unwrap_or(tp);
            let time = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
                .iter()
                .find_map(|f| NaiveTime::parse_from_str(tp, f).ok())?;
            Some((date.and_time(time), true))
        }
    }
}

/// A date alone (`2024-03-31`, `31/03/2024`, …); a time after it is refused.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    match parse_datetime(s)? {
        (dt, false) => Some(dt.date()),
        (dt, true) if dt.time() == NaiveTime::MIN => Some(dt.date()),
        _ => None,
    }
}

fn parse_date_only(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
    if a.len() == 4 {
        NaiveDate::from_ymd_opt(a_n as i32, b_n, c_n)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        // Day first, as Guatemala writes dates.
        NaiveDate::from_ymd_opt(c_n as i32, b_n, a_n)
    } else {
        None
    }
}

/// Splits a comma-separated list like a CSV field: items are trimmed, and an item in
/// double quotes may hold commas (`"Guatemala, zona 1"`, `""` for a quote). Empty items
/// are dropped.
pub fn split_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        item.push('"');
                    } else {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
            // Anything between the closing quote and the comma is kept, but spaces.
            let mut rest = String::new();
            let mut ended = true;
            for c in chars.by_ref() {
                if c == ',' {
                    ended = false;
                    break;
                }
                rest.push(c);
            }
            item.push_str(rest.trim());
            if !item.is_empty() {
                items.push(item);
            }
            if ended {
                break;
            }
        } else {
            let mut ended = true;
            for c in chars.by_ref() {
                if c == ',' {
                    ended = false;
                    break;
                }
                item.push(c);
            }
            let trimmed = item.trim();
            if !trimmed.is_empty() {
                items.push(trimmed.to_owned());
            }
            if ended {
                break;
            }
        }
    }
    items
}

/// The inverse of [`split_list`]: items holding a comma, a quote or edge spaces are quoted.
pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let item = item.as_ref();
        if i > 0 {
            out.push(',');
        }
        if item.contains([',', '"']) || item.trim() != item {
            out.push('"');
            out.push_str(&item.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// A short, stable hash (FNV-1a, 64 bits) as 16 hex digits: the same on every build and
/// machine, so cursors outlive restarts.
pub fn short_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), for cursors that travel in URLs.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(B64[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// The inverse of [`base64url_encode`] (padding tolerated); `None` if malformed.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding, and a single leftover character is impossible.
    (bits < 6 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1234.5"), Some(1234.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("Q 1 500"), Some(1500.0));
        assert_eq!(parse_number("Q1,500.25"), Some(1500.25));
        assert_eq!(parse_number("US$ 20"), Some(20.0));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("1,5"), Some(1.5));
        assert_eq!(parse_number("0,123"), Some(0.123));
        assert_eq!(parse_number("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_number("1,234,567"), Some(1_234_567.0));
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("12%"), Some(12.0));
        assert_eq!(parse_number("1e6"), Some(1e6));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1.2.3,4,5"), None);
        assert_eq!(parse_number("12abc"), None);
        assert_eq!(parse_integer("1,234"), Some(1234));
        assert_eq!(parse_integer("12.5"), None);
        assert_eq!(parse_integer("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn booleans_and_dates() {
        assert_eq!(parse_bool("Sí"), Some(true));
        assert_eq!(parse_bool("SI"), Some(true));
        assert_eq!(parse_bool("no"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("quizá"), None);
        let d = NaiveDate::from_ymd_opt(2024, 3, 31);
        assert_eq!(parse_date("2024-03-31"), d);
        assert_eq!(parse_date("31/03/2024"), d);
        assert_eq!(parse_date("31-3-2024"), d);
        assert_eq!(parse_date("2024/03/31"), d);
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2024-03-31 10:00"), None);
        let (dt, timed) = parse_datetime("2024-03-31T10:05").unwrap();
        assert!(timed);
        assert_eq!(dt.to_string(), "2024-03-31 10:05:00");
    }

    #[test]
    fn folding_and_lists() {
        assert_eq!(fold("Petén"), "peten");
        assert_eq!(fold("ÁRBOL Ñandú"), "arbol nandu");
        assert_eq!(fold("Quiché PETÉN São"), "quiche peten sao");
        assert_eq!(split_list("a, b ,c"), vec!["a", "b", "c"]);
        assert_eq!(
            split_list(r#""Guatemala, zona 1",x,"say ""hi""""#),
            vec!["Guatemala, zona 1", "x", "say \"hi\""]
        );
        assert_eq!(split_list(" , "), Vec::<String>::new());
        let items = ["a,b", "c", " d", "e\"f"];
        assert_eq!(split_list(&join_list(&items)), items);
        assert_eq!(short_hash(b"abc"), short_hash(b"abc"));
        assert_ne!(short_hash(b"abc"), short_hash(b"abd"));
        for n in 0..20 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 250) as u8).collect();
            let enc = base64url_encode(&bytes);
            assert!(!enc.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&enc), Some(bytes));
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("a$"), None);
    }
}
