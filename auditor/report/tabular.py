"""All findings of a corpus as one table: ``--format parquet`` or ``--format csv``.

One row per finding, columns ``TABLE_COLUMNS`` (document path, department, year, rule, severity,
tags as ``a,b``, message, table, row, column, line, page, expected, actual, reference, note) —
the columns of ``Report.to_frame()`` plus the document's department and year, so a corpus reads
straight into pandas or DuckDB::

    pd.read_parquet("findings.parquet")          # or pd.read_csv("findings.csv")
    duckdb.sql("select department, count(*) from 'findings.parquet' where severity='error' group by 1")

Writers stream: reports are added one at a time (``TableWriter.add``) and only a bounded buffer of
rows is held, so a corpus of any size is written in constant memory. CSV always works (UTF-8 with a
byte-order mark so Excel reads the Chinese text, RFC 4180 quoting, empty cell for null); Parquet needs pyarrow (``pip install
'budget-auditor[parquet]'``) and says so clearly when it is missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..errors import AuditorError
from ..findings import FINDING_FRAME_COLUMNS, Report, _plain

#: the findings frame's columns with the document's department and year after its path
TABLE_COLUMNS = ["document", "department", "year", *FINDING_FRAME_COLUMNS[1:]]
INT_COLUMNS = {"year", "line", "page"}
TABULAR_FORMATS = ("parquet", "csv")
#: what CSV output starts with, so that Excel opens it as UTF-8
BOM = "\ufeff"


def _int(v: Any) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _text(v: Any) -> str | None:
    return None if v is None else str(_plain(v))


def finding_rows(report: Report) -> list[dict[str, Any]]:
    """The table rows of one report's findings (conversions as in ``Report.to_frame``)."""
    doc = report.document or {}
    path, dept, year = doc.get("path"), doc.get("department"), _int(doc.get("year"))
    rows = []
    for f in report.findings:
        loc = f.location
        rows.append(
            {
                "document": None if path is None else str(path),
                "department": dept,
                "year": year,
                "rule": f.rule,
                "name": f.name,
                "severity": f.severity,
                "tags": ",".join(f.tags),
                "message": f.message,
                "table": loc.table,
                "row": None if loc.row is None else str(loc.row),
                "column": loc.column,
                "line": _int(loc.line),
                "page": _int(loc.page),
                "expected": _text(f.expected),
                "actual": _text(f.actual),
                "reference": f.reference,
                "note": f.note,
            }
        )
    return rows


def findings_frame(reports: Iterable[Report]):
    """The corpus table as a pandas DataFrame (year/line/page as nullable Int64)."""
    import pandas as pd

    rows = [row for r in reports for row in finding_rows(r)]
    df = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for c in INT_COLUMNS:
        df[c] = pd.array(df[c].tolist(), dtype="Int64")
    return df


class TableWriter:
    """Base of the streaming writers: ``add(report)`` then ``close()`` (or use ``with``)."""

    def __init__(self) -> None:
        self.rows = 0

    def add(self, report: Report) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class CsvWriter(TableWriter):
    """Findings as CSV (header row first)."""

    def __init__(self, target: str | Path | IO[str]) -> None:
        super().__init__()
        if isinstance(target, (str, Path)):
            self._fh: IO[str] = open(target, "w", encoding="utf-8", newline="")
            self._own = True
        else:
            self._fh, self._own = target, False
        # a byte-order mark first: without it Excel reads UTF-8 CSV as the local code page and
        # garbles every Chinese cell (pandas and csv readers with encoding="utf-8-sig" skip it)
        self._fh.write(BOM)
        self._csv = csv.DictWriter(self._fh, fieldnames=TABLE_COLUMNS, lineterminator="\n")
        self._csv.writeheader()

    def add(self, report: Report) -> None:
        rows = finding_rows(report)
        self._csv.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        if self._own:
            self._fh.close()
        else:
            self._fh.flush()


def require_pyarrow() -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise AuditorError(
            "--format parquet needs pyarrow: pip install 'budget-auditor[parquet]' (or use --format csv, which needs nothing)"
        ) from exc
    return pyarrow


def arrow_schema() -> Any:
    pa = require_pyarrow()
    return pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in TABLE_COLUMNS])


class ParquetWriter(TableWriter):
    """Findings as Parquet, written in row groups of ``batch_rows`` rows."""

    def __init__(self, target: str | Path | IO[bytes], batch_rows: int = 20_000) -> None:
        super().__init__()
        pa = require_pyarrow()
        import pyarrow.parquet as pq

        self._pa = pa
        self._schema = arrow_schema()
        self._writer = pq.ParquetWriter(
            target if not isinstance(target, Path) else str(target), self._schema, compression="zstd"
        )
        self._buf: list[dict[str, Any]] = []
        self._batch_rows = batch_rows

    def add(self, report: Report) -> None:
        rows = finding_rows(report)
        self._buf.extend(rows)
        self.rows += len(rows)
        if len(self._buf) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._writer.write_table(self._pa.Table.from_pylist(self._buf, schema=self._schema))
            self._buf = []

    def close(self) -> None:
        if self._writer is not None:
            self._flush()
            self._writer.close()  # an empty corpus still gets a file with the schema
            self._writer = None


def open_writer(fmt: str, target: str | Path | IO[Any]) -> TableWriter:
    """A streaming writer for ``parquet`` or ``csv``."""
    if fmt == "csv":
        return CsvWriter(target)
    if fmt == "parquet":
        return ParquetWriter(target)
    raise AuditorError(f"unknown table format {fmt!r} (known: {', '.join(TABULAR_FORMATS)})")


def render_csv(reports: Iterable[Report], options: Any = None) -> str:
    """All findings as CSV text (the ``render(reports, options)`` reporter form)."""
    buf = io.StringIO()
    with CsvWriter(buf) as w:
        for r in reports:
            w.add(r)
    return buf.getvalue()


def write_table(reports: Iterable[Report], fmt: str, target: str | Path | IO[Any]) -> int:
    """Write every finding of ``reports`` to ``target``; returns the number of rows."""
    with open_writer(fmt, target) as w:
        for r in reports:
            w.add(r)
        return w.rows
