//! How text becomes index terms, for Spanish and English, and the same rules applied to
//! what people type.
//!
//! Spanish words are lower-cased, stop words dropped, accents folded and then reduced by a
//! light stemmer that only removes plural and gender endings (Savoy's, as in Lucene's
//! `SpanishLightStemmer`). Snowball's Spanish stemmer was tried first and rejected: it
//! strips `-aciones` but not the folded `-acion`, so "poblaciones" and "poblacion" (typed
//! without the accent) end up as different terms. The light stemmer works on folded text,
//! so accent, plural and gender variants all meet: `Población`, `poblacion`, `poblaciones`
//! → `poblacion`; `municipio`, `municipios` → `municipi`.

use std::sync::LazyLock;

use ceiba_core::text::fold;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Analyzer of Spanish text (and of text in no particular language: tags, columns, values).
pub const SPANISH: &str = "ceiba_es";
/// Analyzer of English text.
pub const ENGLISH: &str = "ceiba_en";

/// Tokens longer than this are not words (hashes, URLs, base64) and are dropped.
const MAX_TOKEN_BYTES: usize = 60;

/// Building an analyzer builds its stop-word set; searches and highlights clone these.
static SPANISH_ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(build_spanish);
static ENGLISH_ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(build_english);

pub fn spanish() -> TextAnalyzer {
    SPANISH_ANALYZER.clone()
}

pub fn english() -> TextAnalyzer {
    ENGLISH_ANALYZER.clone()
}

fn build_spanish() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::Spanish))
        .filter(SpanishLight)
        .build()
}

fn build_english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stop_words(Language::English))
        .filter(Folding)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn stop_words(language: Language) -> StopWordFilter {
    // Both lists are compiled into tantivy; `None` would only mean a language without one.
    StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()))
}

/// Registers the analyzers on an index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(SPANISH, spanish());
    manager.register(ENGLISH, english());
}

/// The terms an analyzer makes of `text`, in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Reduces a folded Spanish word to its light stem: plural and gender endings go.
pub fn spanish_light_stem(word: &str) -> String {
    let b = word.as_bytes();
    let n = b.len();
    // Short words and words with letters the rules do not know (ñ was folded already)
    // stay as they are.
    if n < 5 || !word.is_ascii() {
        return word.to_owned();
    }
    let keep = match b[n - 1] {
        b'o' | b'a' | b'e' => n - 1,
        b's' if &b[n - 4..n - 1] == b"ese" => n - 2,
        b's' if &b[n - 3..n - 1] == b"ce" => {
            // luces → luz, voces → voz
            return format!("{}z", &word[..n - 3]);
        }
        b's' if matches!(b[n - 2], b'o' | b'a' | b'e') => n - 2,
        _ => n,
    };
    word[..keep].to_owned()
}

/// Token filter: accents folded (lower case is done before).
#[derive(Clone, Copy)]
struct Folding;

/// Token filter: accents folded, then [`spanish_light_stem`].
#[derive(Clone, Copy)]
struct SpanishLight;

impl TokenFilter for Folding {
    type Tokenizer<T: Tokenizer> = Mapped<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Mapped<T> {
        Mapped {
            inner: tokenizer,
            map: fold,
        }
    }
}

impl TokenFilter for SpanishLight {
    type Tokenizer<T: Tokenizer> = Mapped<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> Mapped<T> {
        Mapped {
            inner: tokenizer,
            map: |t| spanish_light_stem(&fold(t)),
        }
    }
}

/// A tokenizer whose tokens' text is rewritten by a function.
#[derive(Clone)]
pub struct Mapped<T> {
    inner: T,
    map: fn(&str) -> String,
}

impl<T: Tokenizer> Tokenizer for Mapped<T> {
    type TokenStream<'a> = MappedStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MappedStream {
            inner: self.inner.token_stream(text),
            map: self.map,
        }
    }
}

pub struct MappedStream<S> {
    inner: S,
    map: fn(&str) -> String,
}

impl<S: TokenStream> TokenStream for MappedStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        token.text = (self.map)(&token.text);
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// Whether `a` and `b` differ by at most one edit (insertion, deletion, substitution or a
/// swap of neighbours), the same tolerance the index's fuzzy queries use.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn es(text: &str) -> Vec<String> {
        terms(&mut spanish(), text)
    }

    #[test]
    fn accents_case_plurals_and_gender_meet() {
        assert_eq!(es("Población"), es("poblacion"));
        assert_eq!(es("poblaciones"), es("POBLACIÓN"));
        assert_eq!(es("municipios"), es("Municipio"));
        assert_eq!(es("proyectos"), es("proyecto"));
        assert_eq!(es("Inversión"), es("inversiones"));
        assert_eq!(es("luces"), vec!["luz"]);
        assert_eq!(es("desnutrición"), vec!["desnutricion"]);
        assert_ne!(es("municipio"), es("población"));
    }

    #[test]
    fn stop_words_are_dropped() {
        assert_eq!(
            es("Población por municipio de Guatemala"),
            vec!["poblacion", "municipi", "guatemal"]
        );
        assert_eq!(
            terms(&mut english(), "the Projects of Petén"),
            vec!["project", "peten"]
        );
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("desnutricon", "desnutricion"));
        assert!(within_one_edit("pobreza", "pobrzea"));
        assert!(!within_one_edit("pobreza", "pbrezaa"));
        assert!(within_one_edit("pobreza", "porbeza"));
        assert!(within_one_edit("casa", "casas"));
        assert!(!within_one_edit("casa", "cosas"));
        assert!(within_one_edit("ab", "ba"));
    }
}
