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

#[cfg(test)]
mod tests {
    use super::*;

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
