"""Read the nine located 决算 tables into frames and describe each in ``meta.tables``."""

from __future__ import annotations

from fractions import Fraction

from ...model import FA_TABLE_COLUMNS, Meta, TableInfo, frame_from_records
from ...money import UNIT_FEN
from .coded import read_coded
from .economic import read_economic
from .locate import Block
from .sided import (
    FISCAL_EXPENDITURE,
    FISCAL_INCOME,
    SUMMARY_EXPENDITURE,
    SUMMARY_INCOME,
    read_sangong,
    read_two_sided,
)

#: header keywords of each coded table's money columns (the first word starting with one)
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fa_income": {
        "total": ("本年收入合",),
        "fiscal": ("财政拨款",),
        "superior_grant": ("上级补助",),
        "business": ("事业收",),
        "operating": ("经营收",),
        "affiliated": ("附属单",),
        "other": ("其他收",),
    },
    "fa_expenditure": {
        "total": ("本年支出合",),
        "basic": ("基本支出",),
        "project": ("项目支",),
        "remit_superior": ("上缴上级",),
        "operating": ("经营支",),
        "subsidy_affiliated": ("对附属",),
    },
    "fa_gpb_function": {"total": ("合计",), "basic": ("基本支出",), "project": ("项目支出",)},
}
_FUND_KEYWORDS = {
    "opening": ("年初结转",),
    "income": ("本年收入",),
    "expenditure": ("小计",),
    "basic": ("基本支出",),
    "project": ("项目支出", "目支出"),
    "closing": ("年末结转",),
}
#: (total column, the columns that add up to it) of each coded table
IDENTITIES = {
    "fa_income": ("total", ["fiscal", "superior_grant", "business", "operating", "affiliated", "other"]),
    "fa_expenditure": ("total", ["basic", "project", "remit_superior", "operating", "subsidy_affiliated"]),
    "fa_gpb_function": ("total", ["basic", "project"]),
    "fa_gov_fund": ("expenditure", ["basic", "project"]),
    "fa_soe_capital": ("expenditure", ["basic", "project"]),
}


def _money(key: str) -> list[str]:
    return FA_TABLE_COLUMNS[key][1]


def read_tables(blocks: dict[str, Block], meta: Meta, frames: dict) -> None:
    """Fill `frames` with the tables of `blocks`; `meta.tables` describes each, `meta.notes` what was unsure."""
    summary: list[dict] | None = None  # the 总表's rows as read (in the readers' 万元 fen)
    for key in ("fa_summary", "fa_fiscal_summary"):
        if key in blocks:
            income, expenditure = (
                (SUMMARY_INCOME, SUMMARY_EXPENDITURE) if key == "fa_summary" else (FISCAL_INCOME, FISCAL_EXPENDITURE)
            )
            records = read_two_sided(blocks[key].lines, income, expenditure, fiscal=key == "fa_fiscal_summary")
            if key == "fa_summary":
                summary = records
            _store(key, blocks[key], records, meta, frames)
    for key in ("fa_income", "fa_expenditure", "fa_gpb_function", "fa_gov_fund", "fa_soe_capital"):
        if key not in blocks:
            continue
        total, parts = IDENTITIES[key]
        keywords = KEYWORDS.get(key, _FUND_KEYWORDS)
        known = _income_sources(summary) if key == "fa_income" else None
        reading = read_coded(blocks[key].lines, _money(key), keywords, total, parts, known)
        meta.notes.extend(f"{key}: {n}" for n in reading.notes)
        _store(
            key,
            blocks[key],
            reading.records,
            meta,
            frames,
            unplaced=[(r.line.page, r.line.line) for r in reading.unplaced],
        )
    if "fa_gpb_basic_economic" in blocks:
        records, notes = read_economic(blocks["fa_gpb_basic_economic"].lines)
        meta.notes.extend(f"fa_gpb_basic_economic: {n}" for n in notes)
        _store("fa_gpb_basic_economic", blocks["fa_gpb_basic_economic"], records, meta, frames)
    if "fa_sangong" in blocks:
        rows, notes = read_sangong(blocks["fa_sangong"].lines)
        meta.notes.extend(notes)
        _store("fa_sangong", blocks["fa_sangong"], rows, meta, frames, unplaced=[(None, None)] if notes else [])


_SOURCES = {
    "fiscal": ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入"),
    "superior_grant": ("上级补助收入",),
    "business": ("事业收入",),
    "operating": ("经营收入",),
    "affiliated": ("附属单位上缴收入",),
    "other": ("其他收入",),
}


def _income_sources(summary: list[dict] | None) -> dict[str, int] | None:
    """Which income columns carry money, from the 总表's rows (labelled): places text figures."""
    if not summary:
        return None
    amounts = {r["item"]: r.get("amount") for r in summary if r.get("side") == "income"}
    out = {}
    for col, items in _SOURCES.items():
        out[col] = sum(
            int(amounts[i]) for i in items if i in amounts and amounts[i] is not None and amounts[i] == amounts[i]
        )
    return out


def _in_unit(records: list[dict], money: list[str], unit: str | None) -> list[dict]:
    """The records with their figures in the table's unit: the readers take every figure for 万元
    (the template's unit); a table headed 单位：元 (or 亿元) prints them in that unit."""
    if unit not in UNIT_FEN or unit == "万元":
        return records
    scale = Fraction(UNIT_FEN[unit], UNIT_FEN["万元"])
    out = []
    for r in records:
        r = dict(r)
        for c in money:
            v = r.get(c)
            if isinstance(v, int) and not isinstance(v, bool):
                scaled = v * scale
                r[c] = int(scaled) if scaled.denominator == 1 else round(scaled)  # 元 to the 分: always exact
        out.append(r)
    return out


def _store(key: str, block: Block, records: list[dict], meta: Meta, frames: dict, unplaced: list | None = None) -> None:
    money = _money(key)
    records = _in_unit(records, money, block.unit)
    has_figures = any(r.get(c) not in (None, 0) for r in records for c in money)
    info = TableInfo(
        key=key,
        title=block.title,
        unit=block.unit,
        notes=[ln.text.strip() for ln in block.notes],
        line=block.title_line.line,
        page=block.title_line.page,
        empty=not has_figures,
        unit_assumed=None if block.unit else "万元",
    )
    if unplaced:
        info.notes = [*info.notes]
        meta.notes.append(f"{key}: figures of {len(unplaced)} row(s) could not be placed under their columns")
    meta.tables[key] = info
    frames[key] = frame_from_records(key, records)
