//! Search over the catalog: a tantivy index of every dataset with Spanish and English
//! analysis (accents, plurals, typos, prefixes), facets, highlights and suggestions.
//!
//! The index never holds the truth. [`sync`] builds it from the catalog and follows the
//! catalog's change sequence; losing the folder loses nothing.

pub mod analysis;
pub mod document;
pub mod facets;
pub mod fields;
pub mod highlight;
pub mod index;
pub mod query;
mod remembered;
pub mod request;
pub mod sync;

pub use document::{Named, SearchDoc};
pub use facets::{FacetCounts, FacetField, FacetValue};
pub use highlight::{Highlights, MatchField, Snippet};
pub use index::{Hit, IndexState, SearchIndex, SearchResults, Suggestions};
pub use request::{SearchRequest, Sort};
pub use sync::Indexer;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another process writes this index (a running portal).
    #[error("the search index is in use by another process")]
    Busy,
    #[error("search index: {0}")]
    Index(String),
    #[error("search index folder {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error(transparent)]
    Catalog(#[from] ceiba_store::StoreError),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}
