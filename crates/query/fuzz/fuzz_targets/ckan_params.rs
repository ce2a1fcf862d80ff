//! CKAN's DataStore parameters (`q`, `filters`, `sort`, `fields`): four values separated
//! by NUL, read as `datastore_search` reads them, then turned into the predicate and sort
//! keys the engine would run.
#![no_main]

use ceiba_query::plan::{predicate, sort_keys};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let mut next = || parts.next().filter(|p| !p.is_empty());
    let (q, filters, sort, fields) = (next(), next(), next(), next());
    let table = ceiba_query_fuzz::table();
    if let Ok(req) = ceiba_query::ckan_request(q, filters, sort, fields, None, None, &table) {
        let _ = predicate(&table, &req.filters, req.q.as_deref());
        let _ = sort_keys(&table, &req.sort, "sort");
    }
});
