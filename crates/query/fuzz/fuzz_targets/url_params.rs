//! The page and API parameters (`f.<col>.<op>`, `q`, `sort`, `columns`, `group_by`,
//! `measure`, `limit`…): one `key=value` pair a line, read as rows and as an aggregation,
//! then turned into the predicate and sort keys the engine would run.
#![no_main]

use ceiba_query::plan::{predicate, sort_keys};
use ceiba_query::{AggregateRequest, QueryLimits, RowsRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let table = ceiba_query_fuzz::table();
    let pairs: Vec<(String, String)> = text
        .split('\n')
        .map(|line| match line.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect();
    let limits = QueryLimits::default();
    if let Ok(req) = RowsRequest::from_query(&pairs, &table, &limits) {
        let _ = predicate(&table, &req.filters, req.q.as_deref());
        let _ = sort_keys(&table, &req.sort, "sort");
        let _ = ceiba_query::to_query(&req);
    }
    if let Ok(req) = AggregateRequest::from_query(&pairs, &table, &limits) {
        let _ = predicate(&table, &req.filters, req.q.as_deref());
    }
});
