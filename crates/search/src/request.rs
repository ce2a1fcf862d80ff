//! What a search asks for, and who is asking.

use ceiba_core::access::Audience;
use ceiba_core::Lang;
use serde::Serialize;

use crate::facets::FacetField;

/// Longest query taken, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words of a query that count; more add nothing but cost.
pub const MAX_WORDS: usize = 24;
/// Most results one page may hold (CKAN's `rows` limit).
pub const MAX_LIMIT: usize = 1_000;
/// Deepest result a page may start at: deep paging is for harvesters, who should use
/// the catalog listings instead.
pub const MAX_OFFSET: usize = 100_000;

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first; newest first when nothing is typed.
    #[default]
    Relevance,
    /// Most recently created first.
    Newest,
    /// Most recently modified first.
    Modified,
    /// By Spanish title, A to Z.
    Title,
    /// Most viewed first.
    Views,
}

impl Sort {
    /// Reads CKAN's `sort` values (`score desc, metadata_modified desc`,
    /// `metadata_created desc`, `title_string asc`, `views_recent desc`) and the short names.
    pub fn parse(s: &str) -> Option<Sort> {
        let first = s
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let field = first.split_whitespace().next().unwrap_or("");
        Some(match field {
            "score" | "relevance" | "rank" => Sort::Relevance,
            "metadata_created" | "newest" | "created" => Sort::Newest,
            "metadata_modified" | "modified" | "updated" => Sort::Modified,
            "title_string" | "title" | "name" => Sort::Title,
            "views_recent" | "views_total" | "views" | "popular" => Sort::Views,
            _ => return None,
        })
    }

    /// CKAN's spelling.
    pub fn ckan(self) -> &'static str {
        match self {
            Sort::Relevance => "score desc, metadata_modified desc",
            Sort::Newest => "metadata_created desc",
            Sort::Modified => "metadata_modified desc",
            Sort::Title => "title_string asc",
            Sort::Views => "views_recent desc",
        }
    }

    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::Newest,
        Sort::Modified,
        Sort::Title,
        Sort::Views,
    ];
}

/// A search: words, facet filters, order, page and viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub q: String,
    /// Every filter must hold (CKAN's `fq` semantics).
    pub filters: Vec<(FacetField, String)>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Values listed per facet (0 = no facets are counted).
    pub facet_limit: usize,
    pub viewer: Audience,
    /// Language of the highlighted snippets.
    pub lang: Lang,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Vec::new(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
            facet_limit: 10,
            viewer: Audience::Public,
            lang: Lang::Es,
        }
    }
}
