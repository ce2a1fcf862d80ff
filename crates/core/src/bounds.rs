//! How much one catalog record may hold, and which links it may carry. Every door (pages,
//! CKAN's API, the command line) writes through the store, which checks these, so a
//! record can never be larger than a page or an index can bear.

/// Most tags, categories, extras and coverage codes on one dataset.
pub const MAX_TAGS: usize = 100;
pub const MAX_CATEGORIES: usize = 50;
pub const MAX_EXTRAS: usize = 100;
/// Every department and municipality fits (22 + 340) with the country.
pub const MAX_SPATIAL: usize = 400;
/// Longest title, in characters, and description, in bytes (Markdown).
pub const MAX_TITLE_CHARS: usize = 500;
pub const MAX_DESCRIPTION_BYTES: usize = 100_000;
/// Longest extra key (characters) and value (bytes).
pub const MAX_EXTRA_KEY_CHARS: usize = 100;
pub const MAX_EXTRA_VALUE_BYTES: usize = 10_000;
/// Longest link, in bytes.
pub const MAX_URL_BYTES: usize = 2000;

/// Whether `url` may be stored as a link a visitor follows: `http://` or `https://` with
/// a host, no spaces or control characters (a `javascript:` link, or one with a line
/// break that would split a `Location` header, is refused).
pub fn check_link(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_BYTES {
        return Err(format!("must be at most {MAX_URL_BYTES} bytes long"));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| "must start with http:// or https://".to_owned())?;
    match rest.chars().next() {
        None | Some('/' | '\\' | '?' | '#') => Err("must name a host after the scheme".into()),
        Some(_) => Ok(()),
    }
}

/// Checks a text's length in characters.
pub fn check_chars(text: &str, max: usize) -> Result<(), String> {
    if text.chars().nth(max).is_some() {
        Err(format!("must be at most {max} characters long"))
    } else {
        Ok(())
    }
}

/// Checks a text's length in bytes.
pub fn check_bytes(text: &str, max: usize) -> Result<(), String> {
    if text.len() > max {
        Err(format!("must be at most {max} bytes long"))
    } else {
        Ok(())
    }
}

/// Checks how many items a list holds.
pub fn check_count(count: usize, max: usize) -> Result<(), String> {
    if count > max {
        Err(format!("may hold at most {max} items (found {count})"))
    } else {
        Ok(())
    }
}

/// A refusal of the catalog's checks (these bounds, and the store's other field checks,
/// written in English) in the visitor's language. The shapes are the ones written here and
/// in the store; anything else is returned as it is.
pub fn refusal_in(lang: crate::Lang, english: &str) -> String {
    if lang == crate::Lang::En {
        let mut c = english.chars();
        return c
            .next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default();
    }
    let number = |prefix: &str, suffix: &str| -> Option<String> {
        english
            .strip_prefix(prefix)?
            .strip_suffix(suffix)
            .map(str::to_owned)
    };
    let quoted = |prefix: &str, suffix: &str| number(prefix, suffix);
    if let Some(n) = number("must be at most ", " characters long") {
        return format!("Como máximo {n} caracteres.");
    }
    if let Some(n) = number("must be at most ", " bytes long") {
        return format!("Como máximo {n} bytes.");
    }
    if let Some(rest) = english.strip_prefix("may hold at most ") {
        let n = rest.split(' ').next().unwrap_or("");
        return format!("Como máximo {n} elementos.");
    }
    if let Some(e) = quoted("'", "' is not an email address") {
        return format!("«{e}» no es una dirección de correo.");
    }
    if let Some(c) = quoted("'", "' is not a country, department or municipality code") {
        return format!("«{c}» no es un código de país, departamento o municipio.");
    }
    if let Some(t) = quoted("tag ", " must be 1–100 characters") {
        return format!("La etiqueta {t} debe tener de 1 a 100 caracteres.");
    }
    match english {
        "must start with http:// or https://" => "Debe empezar por http:// o https://.".into(),
        "must not contain spaces or control characters" => {
            "No puede contener espacios ni caracteres de control.".into()
        }
        "must name a host after the scheme" => "Falta el sitio después de http(s)://.".into(),
        "must not be empty" => "No puede quedar vacío.".into(),
        "the end comes before the start" => "La fecha final es anterior a la inicial.".into(),
        "a resource needs an uploaded file or a URL" => {
            "Suba un archivo o indique un enlace.".into()
        }
        "must be in the future" => "Debe ser una fecha futura.".into(),
        "must be 1–200 characters long" => "Debe tener de 1 a 200 caracteres.".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_in_spanish_too() {
        use crate::Lang;
        let e = check_chars(&"x".repeat(501), MAX_TITLE_CHARS).unwrap_err();
        assert_eq!(refusal_in(Lang::Es, &e), "Como máximo 500 caracteres.");
        assert_eq!(
            refusal_in(Lang::En, &e),
            "Must be at most 500 characters long"
        );
        let e = check_link("javascript:alert(1)").unwrap_err();
        assert_eq!(
            refusal_in(Lang::Es, &e),
            "Debe empezar por http:// o https://."
        );
        let e = check_count(101, MAX_TAGS).unwrap_err();
        assert_eq!(refusal_in(Lang::Es, &e), "Como máximo 100 elementos.");
        assert_eq!(
            refusal_in(Lang::Es, "'x@' is not an email address"),
            "«x@» no es una dirección de correo."
        );
        assert_eq!(refusal_in(Lang::Es, "otra cosa"), "otra cosa");
    }

    #[test]
    fn only_web_links_with_a_host_are_accepted() {
        for ok in [
            "https://www.segeplan.gob.gt/datos",
            "HTTP://ine.gob.gt/sistema/uploads/2014/02/20/x.pdf",
            "https://datos.example.gt/a?b=c#d",
        ] {
            assert_eq!(check_link(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "//evil.example.com",
            "https:///path",
            "http://",
            "https://ok.example/\r\nSet-Cookie: x=1",
            "https://ok.example/a b",
            "ftp://old.example/file.csv",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
        assert!(check_link(&format!("https://a.example/{}", "x".repeat(MAX_URL_BYTES))).is_err());
    }

    #[test]
    fn counts_and_lengths() {
        assert!(check_chars(&"ñ".repeat(500), 500).is_ok());
        assert!(check_chars(&"ñ".repeat(501), 500).is_err());
        assert!(check_bytes("abc", 2).is_err());
        assert!(check_count(101, MAX_TAGS).is_err());
        assert!(check_count(100, MAX_TAGS).is_ok());
    }
}
