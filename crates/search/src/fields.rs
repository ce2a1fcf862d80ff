//! The index's schema: which field holds what, how it is analysed, and its weight.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};

use crate::analysis::{ENGLISH, SPANISH};

/// Bumped whenever the schema or the analysis changes: an index written under another
/// version is rebuilt from the catalog at start.
pub const SCHEMA_VERSION: u32 = 2;

/// A searchable text field, its analyzer and its weight in relevance.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub field: Field,
    pub name: &'static str,
    pub analyzer: &'static str,
    pub boost: f32,
}

/// Searchable text, most important first. Boosts follow the issue: title > tags and
/// categories > description > columns and values.
pub const TEXT_FIELDS: [(&str, &str, f32); 10] = [
    ("title_es", SPANISH, 6.0),
    ("title_en", ENGLISH, 6.0),
    ("tags", SPANISH, 3.0),
    ("categories", SPANISH, 3.0),
    ("organization", SPANISH, 2.0),
    ("description_es", SPANISH, 1.5),
    ("description_en", ENGLISH, 1.5),
    ("resources", SPANISH, 1.2),
    ("columns", SPANISH, 1.0),
    ("values", SPANISH, 0.8),
];

#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    pub text: Vec<TextField>,
    /// Dataset id, for replacing and removing a document.
    pub id: Field,
    /// `public` when anyone may see the dataset, else `restricted`.
    pub visibility: Field,
    pub organization_id: Field,
    /// The whole [`crate::SearchDoc`] as JSON.
    pub stored: Field,
    pub created: Field,
    pub modified: Field,
    pub views: Field,
    /// The Spanish title folded, for sorting by title.
    pub title_sort: Field,
    pub facets: [Field; 7],
}

impl Fields {
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let text = TEXT_FIELDS
            .iter()
            .map(|&(name, analyzer, boost)| {
                let options = TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(analyzer)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                );
                TextField {
                    field: b.add_text_field(name, options),
                    name,
                    analyzer,
                    boost,
                }
            })
            .collect();
        let id = b.add_text_field("id", STRING);
        let visibility = b.add_text_field("visibility", STRING);
        let organization_id = b.add_text_field("organization_id", STRING);
        let stored = b.add_text_field("stored", STORED);
        let created = b.add_i64_field("created", FAST | INDEXED);
        let modified = b.add_i64_field("modified", FAST | INDEXED);
        let views = b.add_i64_field("views", FAST);
        let title_sort = b.add_text_field("title_sort", STRING | FAST);
        let facets = crate::facets::FacetField::ALL
            .map(|f| b.add_facet_field(f.field_name(), FacetOptions::default()));
        Fields {
            schema: b.build(),
            text,
            id,
            visibility,
            organization_id,
            stored,
            created,
            modified,
            views,
            title_sort,
            facets,
        }
    }

    pub fn text(&self, name: &str) -> Option<&TextField> {
        self.text.iter().find(|t| t.name == name)
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
