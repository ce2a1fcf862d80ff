//! Facets: the dimensions results are counted and filtered by.

use serde::Serialize;
use tantivy::schema::Facet;

/// A dimension of the results, with CKAN's parameter name where CKAN has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetField {
    Groups,
    Organization,
    Tags,
    ResFormat,
    LicenseId,
    Year,
    /// The territories a dataset has data for: `GT` (the whole country) and the
    /// departments' two-digit INE codes.
    Territory,
}

impl FacetField {
    pub const ALL: [FacetField; 7] = [
        FacetField::Groups,
        FacetField::Organization,
        FacetField::Tags,
        FacetField::ResFormat,
        FacetField::LicenseId,
        FacetField::Year,
        FacetField::Territory,
    ];

    /// The query parameter (CKAN's `fq` field names, `year` and `territory`).
    pub fn param(self) -> &'static str {
        match self {
            FacetField::Groups => "groups",
            FacetField::Organization => "organization",
            FacetField::Tags => "tags",
            FacetField::ResFormat => "res_format",
            FacetField::LicenseId => "license_id",
            FacetField::Year => "year",
            FacetField::Territory => "territory",
        }
    }

    pub fn from_param(p: &str) -> Option<FacetField> {
        FacetField::ALL.into_iter().find(|f| f.param() == p)
    }

    pub(crate) fn field_name(self) -> &'static str {
        match self {
            FacetField::Groups => "facet_groups",
            FacetField::Organization => "facet_organization",
            FacetField::Tags => "facet_tags",
            FacetField::ResFormat => "facet_res_format",
            FacetField::LicenseId => "facet_license_id",
            FacetField::Year => "facet_year",
            FacetField::Territory => "facet_territory",
        }
    }

    pub(crate) fn index(self) -> usize {
        FacetField::ALL
            .iter()
            .position(|f| *f == self)
            .unwrap_or_default()
    }

    /// How a value is written in the index: formats in upper case (`csv` and `CSV` are one
    /// format), everything else as it is.
    pub(crate) fn facet(self, value: &str) -> Facet {
        let value = value.trim();
        match self {
            FacetField::ResFormat => Facet::from_path([value.to_uppercase()]),
            _ => Facet::from_path([value]),
        }
    }
}

/// One value of a facet and how many results have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// The counts of one facet over the results, most frequent first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetCounts {
    pub field: FacetField,
    pub values: Vec<FacetValue>,
    /// How many distinct values there were before `facet_limit` cut the list.
    pub distinct: usize,
}
