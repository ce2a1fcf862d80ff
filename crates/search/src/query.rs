//! A request turned into a tantivy query. Users never write query syntax here: what they
//! type is split into words (quotes, colons, stars and brackets are separators), so no
//! input can fail to parse or reach fields it should not.
//!
//! Each word must match (in any field); a word matches its analysed form exactly, within
//! one edit when it has five letters or more, and, for the last word, as the beginning of
//! a longer word (as you type). Exact matches weigh more than fuzzy or prefix ones, and
//! each field weighs as `fields::TEXT_FIELDS` says.

use ceiba_core::text::fold;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tantivy::Term;

use crate::analysis::{self, ENGLISH};
use crate::fields::Fields;
use crate::request::{SearchRequest, MAX_QUERY_CHARS, MAX_WORDS};
use ceiba_core::access::Audience;

/// Words shorter than this (in letters) must match exactly.
pub const FUZZY_MIN_CHARS: usize = 5;
/// Shortest beginning of a word matched as a prefix.
pub const PREFIX_MIN_CHARS: usize = 2;
const FUZZY_WEIGHT: f32 = 0.3;
const PREFIX_WEIGHT: f32 = 0.5;

/// One word of the query, analysed both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Lower case, accents folded, not stemmed (for prefixes and highlights).
    pub folded: String,
    /// The Spanish analysis (`None` for a Spanish stop word).
    pub spanish: Option<String>,
    /// The English analysis (`None` for an English stop word).
    pub english: Option<String>,
    pub fuzzy: bool,
    pub prefix: bool,
    /// For words long enough to be fuzzy: the Spanish stem of the word without its last
    /// letter. A typo in the last letter hides the ending the stemmer removes
    /// ("insatisfechaz" keeps its "z" where "insatisfechas" loses "as"), so the stems end
    /// two edits apart; this catches them.
    pub last_letter_typo: Option<String>,
}

/// The words of a query that count: stop words (in both languages) dropped, at most
/// [`MAX_WORDS`], the last one matched as a prefix.
pub fn words(q: &str) -> Vec<Word> {
    let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
    let mut spanish = analysis::spanish();
    let mut english = analysis::english();
    let mut raw = Vec::new();
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(&q);
    while let Some(t) = stream.next() {
        raw.push(t.text.clone());
    }
    let mut out: Vec<Word> = Vec::new();
    for word in raw {
        let es = first(&mut spanish, &word);
        let en = first(&mut english, &word);
        // A stop word in either language carries no meaning of its own ("de", "por",
        // "the"); the index dropped it from the text too.
        if es.is_none() || en.is_none() {
            continue;
        }
        let folded = fold(&word);
        if out.iter().any(|w| w.folded == folded) {
            continue;
        }
        let fuzzy = folded.chars().count() >= FUZZY_MIN_CHARS;
        let last_letter_typo = folded
            .char_indices()
            .last()
            .map(|(i, _)| analysis::spanish_light_stem(&folded[..i]))
            .filter(|s| fuzzy && es.as_deref() != Some(s.as_str()));
        out.push(Word {
            fuzzy,
            last_letter_typo,
            prefix: false,
            folded,
            spanish: es,
            english: en,
        });
        if out.len() == MAX_WORDS {
            break;
        }
    }
    if let Some(last) = out.last_mut() {
        last.prefix = last.folded.chars().count() >= PREFIX_MIN_CHARS;
    }
    out
}

fn first(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    analysis::terms(analyzer, word).into_iter().next()
}

/// How the words combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every word must match.
    All,
    /// Any word may match (the fallback when no dataset has every word).
    Any,
}

/// The full query: words, filters and what the viewer may see.
pub fn build(
    fields: &Fields,
    req: &SearchRequest,
    words: &[Word],
    combine: Combine,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !words.is_empty() {
        let occur = match combine {
            Combine::All => Occur::Must,
            Combine::Any => Occur::Should,
        };
        let text: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| (occur, word_query(fields, w)))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(text))));
    }
    for (facet, value) in &req.filters {
        let term = Term::from_facet(fields.facets[facet.index()], &facet.facet(value));
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    if let Some(visible) = visibility(fields, &req.viewer) {
        clauses.push((Occur::Must, visible));
    }
    if clauses.is_empty() {
        return Box::new(AllQuery);
    }
    if words.is_empty() {
        // Filters alone score nothing; AllQuery keeps every document in play.
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A word in any field: exact, fuzzy, prefix.
fn word_query(fields: &Fields, word: &Word) -> Box<dyn Query> {
    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for tf in &fields.text {
        let analysed = if tf.analyzer == ENGLISH {
            &word.english
        } else {
            &word.spanish
        };
        if let Some(t) = analysed {
            let term = Term::from_field_text(tf.field, t);
            any.push(boosted(
                TermQuery::new(term.clone(), IndexRecordOption::WithFreqs),
                tf.boost,
            ));
            if word.fuzzy {
                any.push(boosted(
                    FuzzyTermQuery::new(term, 1, true),
                    tf.boost * FUZZY_WEIGHT,
                ));
            }
            if let (Some(alt), true) = (&word.last_letter_typo, tf.analyzer != ENGLISH) {
                any.push(boosted(
                    TermQuery::new(
                        Term::from_field_text(tf.field, alt),
                        IndexRecordOption::WithFreqs,
                    ),
                    tf.boost * FUZZY_WEIGHT,
                ));
            }
        }
        if word.prefix {
            let term = Term::from_field_text(tf.field, &word.folded);
            any.push(boosted(
                FuzzyTermQuery::new_prefix(term, 0, false),
                tf.boost * PREFIX_WEIGHT,
            ));
        }
    }
    Box::new(BooleanQuery::new(any))
}

fn boosted(q: impl Query, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// What the viewer may see, or `None` when they may see everything.
fn visibility(fields: &Fields, viewer: &Audience) -> Option<Box<dyn Query>> {
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Should,
        Box::new(TermQuery::new(
            Term::from_field_text(fields.visibility, "public"),
            IndexRecordOption::Basic,
        )),
    )];
    match viewer {
        Audience::Sysadmin => return None,
        Audience::Public => {}
        Audience::Members { organizations } => {
            for org in organizations {
                any.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(fields.organization_id, &org.to_string()),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
    }
    Some(Box::new(BooleanQuery::new(any)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_is_only_separators() {
        let w = words(r#"  "poblacion":* (municipios) AND -- censo"#);
        let folded: Vec<_> = w.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["poblacion", "municipios", "censo"]);
        assert!(w[2].prefix && !w[0].prefix);
        assert_eq!(w[1].spanish.as_deref(), Some("municipi"));
    }

    #[test]
    fn stop_words_and_repeats_do_not_count() {
        let w = words("población por municipio de la población");
        let folded: Vec<_> = w.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["poblacion", "municipio"]);
        assert!(words("de la el").is_empty());
        assert!(words("").is_empty());
    }

    #[test]
    fn long_queries_are_cut() {
        let q = "agua ".repeat(1_000) + &(0..100).map(|i| format!("w{i}x ")).collect::<String>();
        assert!(words(&q).len() <= MAX_WORDS);
    }
}
