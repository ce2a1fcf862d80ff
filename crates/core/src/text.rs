//! Folding text so that comparisons ignore case and accents, as people type: `Petén`,
//! `peten` and `PETEN` are the same word. Shared by the query engine (`q`, `contains`) and
//! the search index (highlights, suggestions, sorting by title).

/// A lower-case letter without its accent: `é` → `e`, `ñ` → `n`; others as they are.
#[inline]
pub fn fold_char(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// Folds `s` into `buf` (cleared first): lower case without accents.
#[inline]
pub fn fold_into(s: &str, buf: &mut String) {
    buf.clear();
    if s.is_ascii() {
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        for c in s.chars() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase().map(fold_char));
            }
        }
    }
}

/// Lower case without accents: `"Petén"` → `"peten"`, `"HUEHUE"` → `"huehue"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}
