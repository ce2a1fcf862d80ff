//! Bounds on what one upload may cost. Every limit is named in the error that enforces it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Size of the uploaded file.
    pub max_file_bytes: u64,
    /// Data rows of one table.
    pub max_rows: u64,
    /// Columns of one table.
    pub max_columns: usize,
    /// Bytes in one cell.
    pub max_cell_bytes: usize,
    /// Bytes in one line (one record) of a text file.
    pub max_line_bytes: usize,
    /// Uncompressed size of a spreadsheet's XML parts (guards against zip bombs).
    pub max_inflated_bytes: u64,
    /// Memory one job may hold at once for what a reader keeps whole (a workbook's shared
    /// strings and styles, an XLS or ODS sheet): estimated from the file before it is read.
    pub max_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 2 * 1024 * 1024 * 1024,
            max_rows: 50_000_000,
            max_columns: 1_000,
            max_cell_bytes: 1024 * 1024,
            max_line_bytes: 8 * 1024 * 1024,
            max_inflated_bytes: 4 * 1024 * 1024 * 1024,
            max_memory_bytes: 1024 * 1024 * 1024,
        }
    }
}
