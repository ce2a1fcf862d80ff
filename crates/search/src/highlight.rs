//! Snippets that show why a dataset matched: the words of the query marked with `<mark>`
//! in the title and in the first other place they were found (description, tags, columns,
//! values…). Matching follows the query's own rules (analysed form, one edit, prefix), so
//! what is marked is what matched.
//!
//! Output is HTML: every piece of the dataset's text is escaped here.

use ceiba_core::text::fold;
use ceiba_core::Lang;
use serde::Serialize;
use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};

use crate::analysis::{self, spanish_light_stem, within_one_edit};
use crate::document::SearchDoc;
use crate::query::Word;

/// Characters of description shown around the first match.
const WINDOW_CHARS: usize = 220;
/// Characters of context before the first match.
const LEAD_CHARS: usize = 60;
/// Items of a list (columns, values) shown.
const LIST_ITEMS: usize = 5;
/// Places shown besides the title.
const MAX_SNIPPETS: usize = 2;

/// Where a match was found, besides the title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    Description,
    Tags,
    Categories,
    Organization,
    Resources,
    Columns,
    Values,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    pub field: MatchField,
    pub html: String,
}

/// Why a dataset matched, as HTML.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlights {
    /// The title in the requested language, escaped, with matches marked.
    pub title: String,
    /// A plain excerpt of the description when it did not match, marked when it did.
    pub description: String,
    /// Places that explain the words the title does not (at most two).
    pub matches: Vec<Snippet>,
}

/// Matches words of documents against the query's words, remembering each word's answer:
/// a page of results repeats the same few hundred words thousands of times.
pub struct Matcher<'a> {
    words: &'a [Word],
    english: TextAnalyzer,
    seen: std::collections::HashMap<String, u64>,
}

impl<'a> Matcher<'a> {
    pub fn new(words: &'a [Word]) -> Matcher<'a> {
        Matcher {
            words,
            english: analysis::english(),
            seen: std::collections::HashMap::new(),
        }
    }

    /// Which words `token` matches, as a bit set over the query's words.
    fn matches(&mut self, token: &str) -> u64 {
        if let Some(&m) = self.seen.get(token) {
            return m;
        }
        let m = self.compute(token);
        self.seen.insert(token.to_owned(), m);
        m
    }

    fn compute(&mut self, token: &str) -> u64 {
        let folded = fold(token);
        let stem = spanish_light_stem(&folded);
        let mut english: Option<Option<String>> = None;
        let mut found = 0;
        for (i, w) in self.words.iter().enumerate() {
            let mut hit = w.prefix && folded.starts_with(&w.folded);
            if let Some(s) = &w.spanish {
                hit |= *s == stem || (w.fuzzy && within_one_edit(s, &stem));
            }
            hit |= w.last_letter_typo.as_deref() == Some(stem.as_str());
            if let (false, Some(e)) = (hit, &w.english) {
                let mine = english.get_or_insert_with(|| {
                    analysis::terms(&mut self.english, token).into_iter().next()
                });
                hit = mine.as_deref() == Some(e.as_str());
            }
            if hit {
                found |= 1 << i.min(63);
            }
        }
        found
    }

    /// Byte ranges of matching words in `text`, and which query words they matched.
    fn ranges(&mut self, text: &str) -> (Vec<(usize, usize)>, u64) {
        let mut out = Vec::new();
        let mut all = 0;
        let mut tokenizer = SimpleTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        while let Some(t) = stream.next() {
            let (from, to, word) = (t.offset_from, t.offset_to, t.text.clone());
            let m = self.matches(&word);
            if m != 0 {
                out.push((from, to));
                all |= m;
            }
        }
        (out, all)
    }
}

/// The highlights of `doc` for `words`, in `lang`: the title, then the places that explain
/// the words the title does not (at most [`MAX_SNIPPETS`]).
pub fn highlight(doc: &SearchDoc, words: &[Word], lang: Lang) -> Highlights {
    highlight_with(&mut Matcher::new(words), doc, lang)
}

/// As [`highlight`], with a matcher shared by the hits of one page.
pub fn highlight_with(m: &mut Matcher<'_>, doc: &SearchDoc, lang: Lang) -> Highlights {
    let title = doc.title.get(lang);
    let description = doc.description.get(lang);
    if m.words.is_empty() {
        return Highlights {
            title: escape(title),
            description: escape(&crate::document::shorten(description, WINDOW_CHARS)),
            matches: Vec::new(),
        };
    }
    let all = if m.words.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << m.words.len()) - 1
    };
    let (title_ranges, mut explained) = m.ranges(title);
    let title_html = mark(title, &title_ranges);
    let (desc_ranges, desc_words) = m.ranges(description);
    let description_html = excerpt(description, &desc_ranges);
    let mut matches = Vec::new();
    if desc_words & !explained != 0 {
        explained |= desc_words;
        matches.push(Snippet {
            field: MatchField::Description,
            html: description_html.clone(),
        });
    }
    let org = doc.organization.title.get(lang).to_owned();
    let categories: Vec<String> = doc
        .categories
        .iter()
        .map(|c| c.title.get(lang).to_owned())
        .collect();
    let lists: [(MatchField, &[String]); 6] = [
        (MatchField::Tags, &doc.tags),
        (MatchField::Categories, &categories),
        (MatchField::Organization, std::slice::from_ref(&org)),
        (MatchField::Columns, &doc.columns),
        (MatchField::Values, &doc.values),
        (MatchField::Resources, &doc.resources),
    ];
    for (field, items) in lists {
        if matches.len() == MAX_SNIPPETS || explained & all == all {
            break;
        }
        let mut found = Vec::new();
        let mut new_words = 0;
        for item in items {
            let (r, w) = m.ranges(item);
            if w & !explained != 0 {
                new_words |= w;
                found.push(mark(item, &r));
                if found.len() == LIST_ITEMS {
                    break;
                }
            }
        }
        if !found.is_empty() {
            explained |= new_words;
            matches.push(Snippet {
                field,
                html: found.join(", "),
            });
        }
    }
    Highlights {
        title: title_html,
        description: if desc_ranges.is_empty() {
            escape(&crate::document::shorten(description, WINDOW_CHARS))
        } else {
            description_html
        },
        matches,
    }
}

/// The part of a long text around its first match, marked.
fn excerpt(text: &str, ranges: &[(usize, usize)]) -> String {
    let Some(&(first, _)) = ranges.first() else {
        return String::new();
    };
    // Start LEAD_CHARS before the first match, at a word boundary.
    let lead_start = text[..first]
        .char_indices()
        .rev()
        .nth(LEAD_CHARS)
        .map_or(0, |(i, _)| i);
    let start = if lead_start == 0 {
        0
    } else {
        text[lead_start..first]
            .find(char::is_whitespace)
            .map_or(lead_start, |i| lead_start + i + 1)
    };
    let end = text[start..]
        .char_indices()
        .nth(WINDOW_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    let end = if end == text.len() {
        end
    } else {
        text[start..end]
            .rfind(char::is_whitespace)
            .filter(|&i| start + i > first)
            .map_or(end, |i| start + i)
    };
    let inside: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|(a, b)| *a >= start && *b <= end)
        .map(|(a, b)| (a - start, b - start))
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&mark(&text[start..end], &inside));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// `text` escaped, with the byte ranges (in order, on char boundaries) inside `<mark>`.
fn mark(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut at = 0;
    for &(from, to) in ranges {
        if from < at || to > text.len() {
            continue;
        }
        out.push_str(&escape(&text[at..from]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[from..to]));
        out.push_str("</mark>");
        at = to;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::words;

    #[test]
    fn marks_accent_plural_typo_and_prefix_and_escapes() {
        let w = words("poblacion municipios desnutricon");
        let html = mark("<b>Población</b> por municipio y desnutrición", &{
            let mut m = Matcher::new(&w);
            m.ranges("<b>Población</b> por municipio y desnutrición").0
        });
        assert_eq!(
            html,
            "&lt;b&gt;<mark>Población</mark>&lt;/b&gt; por <mark>municipio</mark> y <mark>desnutrición</mark>"
        );
        let w = words("huehue");
        let mut m = Matcher::new(&w);
        assert_eq!(m.ranges("Huehuetenango"), (vec![(0, 13)], 1));
    }

    #[test]
    fn excerpts_cut_around_the_first_match() {
        let text = format!(
            "{} pobreza extrema {}",
            "palabra ".repeat(40),
            "otra ".repeat(80)
        );
        let w = words("pobreza");
        let mut m = Matcher::new(&w);
        let e = excerpt(&text, &m.ranges(&text).0);
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.contains("<mark>pobreza</mark> extrema"));
        assert!(e.chars().count() < WINDOW_CHARS + 20);
    }
}
