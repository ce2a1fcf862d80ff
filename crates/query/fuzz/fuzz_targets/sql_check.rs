//! The check of `datastore_search_sql`: parse and validate any text, without running it.
//! It must answer (a list of tables or an error), never panic, overflow or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sql) = std::str::from_utf8(data) {
        let _ = ceiba_query::referenced_tables(sql);
    }
});
