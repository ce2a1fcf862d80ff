//! The access rule of `ceiba_core::access` in SQL, over the `dataset d` of a query: the
//! one place where the catalog's queries learn who may see a dataset.

/// What an anonymous visitor may see (`Audience::Public` in `ceiba_core::access`): active
/// and public. Lists, counts, tags and boundary sets for everyone use it.
pub(crate) const PUBLIC_DATASET: &str = "d.state = 'active' AND d.private = 0";

/// What a listing with CKAN's `include_drafts` / `include_private` keeps besides public
/// active datasets (those flags are granted only to whom `ceiba_core::access` lets see
/// them). Deleted datasets are never listed.
pub(crate) fn listed(include_drafts: bool, include_private: bool) -> &'static str {
    match (include_drafts, include_private) {
        (false, false) => PUBLIC_DATASET,
        (true, false) => "d.state <> 'deleted' AND d.private = 0",
        (false, true) => "d.state = 'active'",
        (true, true) => "d.state <> 'deleted'",
    }
}
