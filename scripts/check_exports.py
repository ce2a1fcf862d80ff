#!/usr/bin/env python3
"""Reads an exported file with independent libraries and prints what they see, as JSON.

    python3 scripts/check_exports.py FILE.xlsx     # openpyxl
    python3 scripts/check_exports.py FILE.parquet  # pyarrow

XLSX: {"kind": "xlsx", "sheets": [{"name", "freeze_panes", "max_row", "max_column",
"rows": [[{"value", "data_type", "number_format", "is_date", "bold"}, ...], ...]}]}.
Parquet: {"kind": "parquet", "num_rows", "schema": [{"name", "type", "nullable"}],
"compression": [...], "rows": [{column: value}, ...]}.

Dates and times are printed in ISO 8601. Only openpyxl and pyarrow are needed; the Rust
export tests run this script (and skip when those libraries are missing, unless
CEIBA_REQUIRE_PYTHON_CHECKS=1).
"""

import datetime
import json
import math
import sys


def plain(value):
    """A value JSON can hold."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def read_xlsx(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            rows.append(
                [
                    {
                        "value": plain(cell.value),
                        "data_type": cell.data_type,
                        "number_format": cell.number_format,
                        "is_date": bool(cell.is_date),
                        "bold": bool(cell.font is not None and cell.font.b),
                    }
                    for cell in row
                ]
            )
        sheets.append(
            {
                "name": ws.title,
                "freeze_panes": ws.freeze_panes,
                "max_row": ws.max_row,
                "max_column": ws.max_column,
                "rows": rows,
            }
        )
    return {"kind": "xlsx", "sheets": sheets}


def read_parquet(path):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    table = pf.read()
    meta = pf.metadata
    compression = sorted(
        {
            meta.row_group(g).column(c).compression
            for g in range(meta.num_row_groups)
            for c in range(meta.num_columns)
        }
    )
    return {
        "kind": "parquet",
        "num_rows": table.num_rows,
        "num_row_groups": meta.num_row_groups,
        "compression": compression,
        "schema": [
            {"name": f.name, "type": str(f.type), "nullable": f.nullable}
            for f in table.schema
        ],
        "rows": [plain(r) for r in table.to_pylist()],
    }


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = argv[1]
    if path.lower().endswith(".xlsx"):
        result = read_xlsx(path)
    elif path.lower().endswith(".parquet"):
        result = read_parquet(path)
    else:
        print("check_exports.py: expected a .xlsx or .parquet file", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
