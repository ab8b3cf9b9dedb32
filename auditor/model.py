"""The canonical budget model: one frame per table key, document metadata, and where each came from.

Money columns hold integer fen in pandas' nullable ``Int64`` (exact, vectorised, never float).
Every row carries ``line`` and ``page`` (nullable) so a finding can point at its source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import numbering
from .document import Document
from .money import MAX_FEN, ValueOutOfRange, tolerance
from .numbering import Number

if TYPE_CHECKING:
    from .parse.sentences import Paragraph

LOCATION_COLUMNS = ["line", "page"]

_SANGONG = [
    "total",
    "outbound",
    "vehicle_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
    "operating_expenses",
]

#: table key -> (columns in order, money columns). The data contract (docs/data-model.md).
TABLE_COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    # the 单位预算 form splits each expenditure's amount into 基本支出 (人员经费, 公用经费) and 项目支出
    "fiscal_summary": (
        ["side", "item", "amount", "personnel", "public", "project"],
        ["amount", "personnel", "public", "project"],
    ),
    "income_summary": (
        ["code", "name", "total", "fiscal", "business", "operating", "other"],
        ["total", "fiscal", "business", "operating", "other"],
    ),
    "expenditure_summary": (["code", "name", "total", "basic", "project"], ["total", "basic", "project"]),
    "fiscal_appropriation_summary": (
        ["side", "item", "total", "general_public", "gov_fund", "soe_capital"],
        ["total", "general_public", "gov_fund", "soe_capital"],
    ),
    "gpb_function": (["code", "name", "total", "basic", "project"], ["total", "basic", "project"]),
    "gov_fund_function": (["code", "name", "total", "basic", "project"], ["total", "basic", "project"]),
    "soe_capital_function": (["code", "name", "total", "basic", "project"], ["total", "basic", "project"]),
    "gpb_basic_economic": (["code", "name", "total", "personnel", "public"], ["total", "personnel", "public"]),
    "sangong": (_SANGONG, _SANGONG),  # every column of the 三公 table is money
}

#: The nine tables, in template order, with their canonical titles (without year / 部门 prefix).
NINE_TABLES: dict[str, str] = {
    "fiscal_summary": "财务收支预算总表",
    "income_summary": "收入预算总表",
    "expenditure_summary": "支出预算总表",
    "fiscal_appropriation_summary": "财政拨款收支预算总表",
    "gpb_function": "一般公共预算支出功能分类预算表",
    "gov_fund_function": "政府性基金预算支出功能分类预算表",
    "soe_capital_function": "国有资本经营预算支出功能分类预算表",
    "gpb_basic_economic": "一般公共预算基本支出部门预算经济分类预算表",
    "sangong": "“三公”经费和机关运行经费预算表",
}
#: The unit a table's amounts are read in when it prints none (the template's: 三公 in 万元).
DEFAULT_UNIT: dict[str, str] = {key: "元" for key in NINE_TABLES} | {"sangong": "万元"}

_FA_FUND = ["code", "name", "opening", "income", "expenditure", "basic", "project", "closing"]
_FA_SANGONG = ["total", "outbound", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]

#: The 部门决算 (final accounts) tables: key -> (columns in order, money columns). Money is fen, read
#: from 万元 printed with two decimals (so a cell is exact to ±50 元).
FA_TABLE_COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "fa_summary": (["side", "item", "amount"], ["amount"]),
    "fa_income": (
        ["code", "name", "total", "fiscal", "superior_grant", "business", "operating", "affiliated", "other"],
        ["total", "fiscal", "superior_grant", "business", "operating", "affiliated", "other"],
    ),
    "fa_expenditure": (
        ["code", "name", "total", "basic", "project", "remit_superior", "operating", "subsidy_affiliated"],
        ["total", "basic", "project", "remit_superior", "operating", "subsidy_affiliated"],
    ),
    "fa_fiscal_summary": (
        ["side", "item", "parent", "total", "general_public", "gov_fund", "soe_capital"],
        ["total", "general_public", "gov_fund", "soe_capital"],
    ),
    "fa_gpb_function": (["code", "name", "total", "basic", "project"], ["total", "basic", "project"]),
    "fa_gpb_basic_economic": (["code", "name", "amount", "lane"], ["amount"]),
    "fa_sangong": (["stage", *_FA_SANGONG], _FA_SANGONG),
    "fa_gov_fund": (_FA_FUND, _FA_FUND[2:]),
    "fa_soe_capital": (_FA_FUND, _FA_FUND[2:]),
}

#: The nine 决算 tables in template order, with their titles (without year / 部门 prefix).
FA_NINE_TABLES: dict[str, str] = {
    "fa_summary": "收入支出决算总表",
    "fa_income": "收入决算表",
    "fa_expenditure": "支出决算表",
    "fa_fiscal_summary": "财政拨款收入支出决算总表",
    "fa_gpb_function": "一般公共预算财政拨款支出决算表",
    "fa_gpb_basic_economic": "一般公共预算财政拨款基本支出决算表",
    "fa_sangong": "财政拨款“三公”经费支出决算表",
    "fa_gov_fund": "政府性基金预算财政拨款收入支出决算表",
    "fa_soe_capital": "国有资本经营预算财政拨款收入支出决算表",
}

#: Other 决算 frames: the 单位构成 table and the 说明五（三）items.
FA_OTHER_COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "fa_units": (["seq", "name", "remark"], []),
    "fa_items": (
        [
            "code", "lei", "kuan", "xiang", "purpose", "budget", "budget_kind", "final", "heading_amount",
            "completion_rate", "comparison", "reason", "section",
        ],
        ["budget", "final", "heading_amount"],
    ),
}  # fmt: skip

FA_TABLE_KEYS = [*FA_TABLE_COLUMNS, *FA_OTHER_COLUMNS, "facts"]

PROJECT_COLUMNS = [
    "name",
    "narrative_amount",
    "total_funds",
    "fiscal_funds",
    "other_funds",
    "annual_request",
    "current_year_appropriation",
    "carryover",
    "annual_other",
    "start",
    "end",
    "competent_dept",
    "implementing_unit",
    "overall_goal",
    "annual_goal",
    # extras beyond the contract: what the prose says, for prose-vs-table checks
    "narrative_competent_dept",
    "narrative_implementing_unit",
    "has_kpi_table",
]
PROJECT_MONEY = [
    "narrative_amount",
    "total_funds",
    "fiscal_funds",
    "other_funds",
    "annual_request",
    "current_year_appropriation",
    "carryover",
    "annual_other",
]

INDICATOR_COLUMNS = ["project", "level1", "level2", "name", "value", "operator", "number", "unit"]

FACT_COLUMNS = ["key", "text", "value", "unit", "amount", "section", "malformed", "likely"]

TABLE_KEYS = [*TABLE_COLUMNS, "projects", "indicators", "facts"]
#: Every frame key of either kind of disclosure (what rules and workbooks may name).
ALL_TABLE_KEYS = [*TABLE_KEYS, *FA_TABLE_COLUMNS, *FA_OTHER_COLUMNS]


def is_final(kind: str | None) -> bool:
    """Whether ``meta.kind`` names final accounts (部门决算 / 单位决算)."""
    return bool(kind) and kind.endswith("决算")


def table_keys(kind: str | None) -> list[str]:
    """The frame keys of a disclosure of this kind (budget keys when the kind is unknown)."""
    return FA_TABLE_KEYS if is_final(kind) else TABLE_KEYS


def printed_tables(kind: str | None) -> dict[str, str]:
    """The nine printed tables of a disclosure of this kind: key -> title (the other frame keys —
    projects, indicators, facts; fa_units, fa_items, facts — are read from the text around them)."""
    return FA_NINE_TABLES if is_final(kind) else NINE_TABLES


def empty_frame(key: str) -> pd.DataFrame:
    """An empty frame with the right columns and dtypes for `key`."""
    return frame_from_records(key, [])


def object_frame(columns: list[str]) -> pd.DataFrame:
    """An empty frame of ``object`` columns: what ``pd.DataFrame([], columns=columns)`` gives,
    without its inference (a tenth of the cost; the schema failures of every valid document)."""
    return _frame([np.empty(0, dtype=object) for _ in columns], columns, 0)


def columns_for(key: str) -> tuple[list[str], list[str]]:
    """(all columns, money columns) of a frame key, location columns included."""
    spec = TABLE_COLUMNS.get(key) or FA_TABLE_COLUMNS.get(key) or FA_OTHER_COLUMNS.get(key)
    if spec is not None:
        cols, money = spec
        return [*cols, *LOCATION_COLUMNS], money
    if key == "projects":
        return [*PROJECT_COLUMNS, *LOCATION_COLUMNS], PROJECT_MONEY
    if key == "indicators":
        return [*INDICATOR_COLUMNS, *LOCATION_COLUMNS], []
    if key == "facts":
        return [*FACT_COLUMNS, *LOCATION_COLUMNS], ["amount"]
    raise KeyError(key)


def frame_from_records(key: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a frame for `key` from row dicts, with money and locations as nullable integers.

    Extra keys in the records are kept as extra columns (e.g. ``inferred`` notes). Text and other
    columns are ``object`` with None for blanks; flags (``has_kpi_table``, ``malformed``) stay bool
    when every row has one. Built column by column: this runs a dozen times per document.

    Raises ValueOutOfRange (naming the row's line) for an amount beyond ``MAX_FEN`` or a line/page
    number beyond ``MAX_LOCATION``.
    """
    cols, money = columns_for(key)
    known = set(cols)
    extra = list(dict.fromkeys(k for r in records for k in r if k not in known))
    integer = {*money, *LOCATION_COLUMNS}
    names = [*cols, *extra]
    n = len(records)
    na = pd.NA
    arrays: list[Any] = []
    for c in names:
        values = [r.get(c) for r in records]
        if c in integer:
            # blank: None, NaN or pd.NA (``_present`` inlined: this runs for every cell of a document)
            blank = [v is None or v is na or (isinstance(v, float) and v != v) for v in values]
            ints = [v if v.__class__ is int else (0 if m else _as_int(v)) for v, m in zip(values, blank)]
            limit = MAX_FEN if c in money else MAX_LOCATION
            if ints and (max(ints) > limit or min(ints) < -limit):
                _out_of_range(key, c, records, ints, limit)
            arrays.append(pd.arrays.IntegerArray(np.array(ints, dtype=np.int64), np.array(blank, dtype=bool)))
        elif c in _FLAGS and values and all(isinstance(v, bool) for v in values):
            arrays.append(np.array(values, dtype=bool))
        else:
            # fromiter, not np.array(values): a list or tuple in a cell stays one cell
            cells = [None if v is None or v is na or (isinstance(v, float) and v != v) else v for v in values]
            arrays.append(np.fromiter(cells, dtype=object, count=n))
    return _frame(arrays, names, n)


def _frame(arrays: list[Any], names: list[str], n: int) -> pd.DataFrame:
    """A frame from finished column arrays, object columns kept object (pandas would infer ``str``).

    ``DataFrame._from_arrays`` skips pandas' inference and per-column Series (half the cost of a
    frame here, built a dozen times per document); the public constructor is the fallback.
    """
    try:
        return pd.DataFrame._from_arrays(
            arrays, columns=_columns(tuple(names)), index=pd.RangeIndex(n), verify_integrity=False
        )
    except AttributeError:  # pragma: no cover - a pandas without the constructor
        data = {c: pd.Series(a, dtype=object if a.dtype == object else None) for c, a in zip(names, arrays)}
        return pd.DataFrame(data, index=pd.RangeIndex(n))


def read_only_table(budget: Any, key: str) -> pd.DataFrame:
    """The frame of `key` for a reader in the library that only reads it (records, the diagnosis):
    the stored frame itself when there is one, without the copy a lookup hands out; else
    ``budget.table(key)``. Never for a rule: rules get copies."""
    peek = getattr(budget.frames, "_peek", None)
    stored = peek(key) if peek is not None else None
    return stored if stored is not None else budget.table(key)


def frame_records(df: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts, blanks as None (column-wise: far cheaper than DataFrame.to_dict)."""
    columns = frame_columns(df)
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def frame_columns(df: pd.DataFrame) -> dict[str, list[Any]]:
    """A frame's columns as lists of Python values, blanks (``pd.NA``) as None: what rules loop over
    instead of a Series per column (``df[c]`` costs tens of microseconds each). A repeated column
    name holds its last column, as a row's dict would."""
    out: dict[str, list[Any]] = {}
    for i, name in enumerate(df.columns.tolist()):  # (iterating a str Index boxes label by label)
        try:  # the column's array without building a Series
            array = df._get_column_array(i)
        except AttributeError:  # pragma: no cover - a pandas without the accessor
            array = df.iloc[:, i].array
        out[name] = _python_values(array)
    return out


def _python_values(array: Any) -> list[Any]:
    """A column array's values, pd.NA as None; a nullable integer column from its data and mask
    (IntegerArray.tolist boxes every value through pandas)."""
    data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
    if isinstance(array, pd.arrays.IntegerArray) and data is not None and mask is not None:
        ints = data.tolist()
        return [None if m else v for v, m in zip(ints, mask.tolist())] if mask.any() else ints
    return [None if v is pd.NA else v for v in array.tolist()]


@functools.lru_cache(maxsize=256)
def _columns(names: tuple[str, ...]) -> pd.Index:
    """The column index of a frame with these columns, built once: an Index is immutable, so frames
    share it (renaming or adding a column gives a frame its own), and building one infers its dtype."""
    return pd.Index(list(names))


_FLAGS = ("has_kpi_table", "malformed")

#: The largest line or page number a frame holds.
MAX_LOCATION = 10**12


def _as_int(v: Any) -> int:
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        raise ValueOutOfRange(f"value {v} is out of range")
    return int(v)


def _out_of_range(key: str, column: str, records: list[dict[str, Any]], ints: list[int], limit: int) -> None:
    i = next(i for i, v in enumerate(ints) if abs(v) > limit)
    rec = records[i]
    line, page = rec.get("line"), rec.get("page")
    line = line if isinstance(line, int) and abs(line) <= MAX_LOCATION else None
    page = page if isinstance(page, int) and abs(page) <= MAX_LOCATION else None
    what = "amount" if limit == MAX_FEN else "number"
    text = str(ints[i])
    text = text if len(text) <= 30 else f"{text[:20]}…({len(text)} digits)"
    raise ValueOutOfRange(f"{key} row {i + 1}, column {column}: {what} {text} is out of range", line=line, page=page)


def _present(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, float):
        return v == v
    return v is not pd.NA


@dataclass
class TableInfo:
    """What the document says about one of its tables."""

    key: str
    title: str
    unit: str | None = None  # "元" | "万元" | None when the table does not state it
    department: str | None = None  # 编制部门 / 编制单位
    notes: list[str] = field(default_factory=list)
    line: int | None = None
    page: int | None = None
    empty: bool = False  # the table is printed with no data rows
    unit_assumed: str | None = None  # the unit the loader used when none was printed
    #: fewest decimals printed on a non-zero amount (0 for whole 元); None when not known. A sum
    #: of figures printed that way may differ from its printed total by their rounding.
    decimals: int | None = None
    #: how many non-zero amounts the table's lines print (figures with separators or decimals, so
    #: surely money); None when not known. Rows that hold far fewer were not read from the source.
    amounts: int | None = None

    def rounding(self, terms: int = 1) -> int:
        """How far (fen) an identity of `terms` printed figures of this table may be off by rounding
        alone: ``money.tolerance`` of its unit and decimals when the last printed digit is coarser
        than the fen (元 without 分, 万元), else 0 (元 to the 分 is exact)."""
        unit = self.unit or self.unit_assumed or "元"
        decimals = 2 if self.decimals is None else self.decimals
        return tolerance(unit, decimals, terms) if tolerance(unit, decimals) > 1 else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "unit": self.unit,
            "department": self.department,
            "notes": list(self.notes),
            "line": self.line,
            "page": self.page,
            "empty": self.empty,
            "unit_assumed": self.unit_assumed,
            "decimals": self.decimals,
            "amounts": self.amounts,
        }


@dataclass
class Section:
    """A section heading found in the document (职能, 机构设置, 名词解释, ...)."""

    key: str
    title: str
    line: int | None = None
    page: int | None = None

    @property
    def number(self) -> Number | None:
        """The heading's numbering (``一、`` ``（二）`` ``3.``: style, value, level), or None."""
        return numbering.parse(self.title)

    @property
    def name(self) -> str:
        """The heading without its numbering (``部门主要职能``)."""
        return numbering.strip(self.title).strip()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "line": self.line, "page": self.page}


@dataclass
class Meta:
    """Document metadata."""

    source: str | None = None
    department: str | None = None
    year: int | None = None
    kind: str | None = None  # "部门预算" | "单位预算" | "部门决算" | "单位决算"
    unit: str | None = None  # the unit of the document's tables when one holds for all (决算: 万元)
    tables: dict[str, TableInfo] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    toc: list[dict[str, Any]] = field(default_factory=list)  # entries of 目录: {"title", "line", "page"}
    missing_tables: list[str] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # loader remarks (inferences, repairs)
    #: how the text was obtained: "ocr" (auditor's OCR, or a text layer an OCR tool wrote),
    #: "text-layer" (a PDF's own text), None when the source does not say (text files, workbooks)
    extraction: str | None = None

    @property
    def from_ocr(self) -> bool:
        """Whether the figures were read by OCR, so a misreading is possible (the one predicate)."""
        return self.extraction == "ocr"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "department": self.department,
            "year": self.year,
            "kind": self.kind,
            "unit": self.unit,
            "tables": {k: t.to_dict() for k, t in self.tables.items()},
            "sections": {k: s.to_dict() for k, s in self.sections.items()},
            "toc": list(self.toc),
            "missing_tables": list(self.missing_tables),
            "missing_sections": list(self.missing_sections),
            "notes": list(self.notes),
            "extraction": self.extraction,
        }


#: Whether a shallow copy is safe to hand out: under copy-on-write (the only mode from pandas 3)
#: a write to it copies the data first, so the frame it came from never changes.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


class Frames(Mapping[str, pd.DataFrame]):
    """A Budget's frames, read-only: no key can be set or removed, and every lookup hands out a copy.

    The copy is shallow under copy-on-write (pandas 3: tens of microseconds, no data copied until
    someone writes), so a rule that changes what it was given (``df.loc[...] = ...``, a new column,
    an in-place drop or sort) changes its own copy only: the rules after it, and the next document
    of a batch that shares a ``--previous`` budget, see the frames as loaded. Older pandas get a
    deep copy.
    """

    __slots__ = ("_frames",)

    def __init__(self, frames: Mapping[str, pd.DataFrame] | None = None):
        self._frames = dict(frames._frames if isinstance(frames, Frames) else (frames or {}))

    def __getitem__(self, key: str) -> pd.DataFrame:
        frame = self._frames[key]
        return frame.copy(deep=not _COPY_ON_WRITE)

    def __contains__(self, key: object) -> bool:
        return key in self._frames

    def _peek(self, key: str) -> pd.DataFrame | None:
        """The stored frame itself (no copy), for the library's readers that never write to it
        (``rulekit.records`` turning a frame into records once per audit); rules get copies."""
        return self._frames.get(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __repr__(self) -> str:
        return f"Frames({', '.join(self._frames)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Frames, (self._frames,))


@dataclass(frozen=True, eq=False)
class Budget:
    """A loaded disclosure: frames keyed as in the data model, metadata, and the located source lines.

    Read-only once loaded: rules and the engine never write to it (attributes cannot be assigned;
    ``table()`` of a missing key returns an empty frame without adding it). What belongs to one
    audit (last year's budget, derived views) lives in the audit context (``auditor.rules.AuditContext``).
    """

    meta: Meta
    #: read-only (:class:`Frames`): a lookup hands out a copy, so no rule can change the loaded frames
    frames: Mapping[str, pd.DataFrame]
    document: Document | None = None
    #: pandera failures collected lazily at load (one row per failure); rules turn them into findings.
    schema_errors: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frames, Frames):
            object.__setattr__(self, "frames", Frames(self.frames))

    def __getattr__(self, name: str) -> pd.DataFrame:
        # budget.gpb_function, budget.sangong, ... : attribute access to frames
        frames = self.__dict__.get("frames")
        if frames is not None and name in frames:
            return frames[name]
        raise AttributeError(name)

    def table(self, key: str) -> pd.DataFrame:
        """The frame for `key` (an empty, correctly typed frame when the document lacks it)."""
        frame = self.frames.get(key)
        return frame if frame is not None else empty_frame(key)

    def fact(self, key: str) -> pd.DataFrame:
        """Rows of the facts frame with this key."""
        facts = self.table("facts")
        return facts[facts["key"] == key]

    def paragraphs(self) -> list[Paragraph]:
        """The prose as located paragraphs: wrapped lines joined, table rows, blank lines and KPI
        tables left out. Each has ``text``, ``norm`` (punctuation normalised), ``section`` (the key of
        its section), ``number`` (its numbering, if it is a numbered item), ``sentences()`` and
        ``where(offset)`` (the line and page of a character). Computed once per document; rules read
        the prose here, never through the parser.
        """
        if self.document is None:
            return []
        if _PARAGRAPHS is None:
            raise RuntimeError("Budget.paragraphs() needs the prose reader: import auditor.parse first")
        return _PARAGRAPHS(self.document, self.meta)


#: How prose becomes paragraphs, handed to the model by the parser (``auditor.parse.sentences``
#: registers it when imported) so that the model never imports the parser that builds on it.
_PARAGRAPHS: Callable[[Document, Meta], list[Paragraph]] | None = None


def set_paragraph_reader(reader: Callable[[Document, Meta], list[Paragraph]]) -> None:
    """Install the function ``Budget.paragraphs()`` segments the prose with (the parser does this)."""
    global _PARAGRAPHS
    _PARAGRAPHS = reader

    @property
    def path(self) -> str | None:
        return self.meta.source
