"""Where two readings of one document disagree, table by table and cell by cell.

A scanned copy against its text layer (``benchmarks/ocr.py``, ``tests/test_ocr_corpus.py``), a text
version against its PDF: the same tables must come out, whatever the line numbers. Locations
(``page``, ``line``) are left out of the comparison; every other column counts, the row's
``inferred`` note included. Cells compare as printed text (two empties are equal).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import LOCATION_COLUMNS


def tables_read(budget: Any) -> dict[str, pd.DataFrame]:
    """The frames of every table the document was found to hold, without their locations."""
    out = {}
    for key in budget.meta.tables:
        frame = budget.frames[key]
        out[key] = frame.drop(columns=[c for c in frame.columns if c in LOCATION_COLUMNS]).reset_index(drop=True)
    return out


def table_differences(got: Any, want: Any) -> list[str]:
    """Every table and cell in which Budget `got` differs from Budget `want` (empty: equal)."""
    a_tables, b_tables = tables_read(got), tables_read(want)
    out = [f"table {k} missing" for k in sorted(set(b_tables) - set(a_tables))]
    out += [f"table {k} extra" for k in sorted(set(a_tables) - set(b_tables))]
    for key in sorted(set(a_tables) & set(b_tables)):
        a, b = a_tables[key], b_tables[key]
        if a.shape != b.shape:
            out.append(f"{key}: {a.shape[0]} rows vs {b.shape[0]}")
            continue
        for col in b.columns:
            if col not in a.columns:
                out.append(f"{key}: column {col} missing")
                continue
            for i, (x, y) in enumerate(zip(a[col], b[col])):
                if not (pd.isna(x) and pd.isna(y)) and str(x) != str(y):
                    out.append(f"{key} row {i} {col}: {x!r} vs {y!r}")
    return out
