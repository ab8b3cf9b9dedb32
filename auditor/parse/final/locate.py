"""Where each of the nine 决算 tables is: its title line, the lines of its block, unit and notes.

A block runs from the title to the next table title or part heading; a repeated title (a table split
over pages) is skipped. A second 单位 line under other column headers than the block's own starts a
table whose title is missing: the block ends there, so that table's rows are not read as this one's
(FA001 reports the missing title). The lines are handed to the table readers unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import lazyre
from ...document import Document, Line
from ...model import FA_NINE_TABLES
from ..kind import TITLE_TRAILER, UNIT_AFTER_TITLE, find_titles, squash

#: The titles each table is printed under: the template's (``FA_NINE_TABLES``), then the variants
#: other templates and years print (the 国有资本 and 政府性基金 tables without 收入, the 三公 table
#: under 一般公共预算, 收支 for 收入支出, the basic-expenditure table as a 明细表).
TITLE_VARIANTS: dict[str, tuple[str, ...]] = {
    "fa_summary": ("收支决算总表",),
    "fa_fiscal_summary": ("财政拨款收支决算总表",),
    "fa_gpb_function": ("一般公共预算支出决算表",),
    "fa_gpb_basic_economic": ("一般公共预算财政拨款基本支出决算明细表", "一般公共预算基本支出决算表"),
    "fa_sangong": (
        "一般公共预算财政拨款“三公”经费支出决算表",
        "一般公共预算“三公”经费支出决算表",
        "“三公”经费支出决算表",
    ),
    "fa_gov_fund": ("政府性基金预算财政拨款支出决算表",),
    "fa_soe_capital": ("国有资本经营预算财政拨款支出决算表",),
}
#: normalised title -> key, longest first so that 财政拨款收入支出决算总表 wins over 收入支出决算总表
_TITLES = sorted(
    {(squash(t), k) for k, t in [*FA_NINE_TABLES.items(), *((k, v) for k, vs in TITLE_VARIANTS.items() for v in vs)]},
    key=lambda p: (-len(p[0]), p[0]),
)
#: what may stand before a title: the department, the year, 部门/单位/决算, the table's number
_PREFIX_END = lazyre.compile(r"(年度?|部门|单位|决算|[一二三四五六七八九十]+、|\d+[.、．]|表\d*)$")
#: a prefix that makes the title another table's: 基本支出决算表, 项目支出决算表, 三公经费支出决算表,
#: 政府性基金预算财政拨款三公经费支出决算表 (a title of its own, not one of the nine)
_QUALIFIER = lazyre.compile(r"(基本|项目|经费|拨款|预算|明细|收入|支出|人员|公用|三公|运行|基金|资本)$")
_NOTE = lazyre.compile(r"^\s*(?:注|备注|说明)\s*[0-9一二三四五六七八九十]?\s*[:：]")
_UNIT = lazyre.compile(r"单位\s*[:：]\s*(亿元|万元|元)")
_END = lazyre.compile(r"^第[一二三四]部分")
_FIGURE = lazyre.compile(r"\d\.\d\d|^\s*\d{3}")
_HEADER_LINES = 4
#: how many lines the column heads repeated on a continuation page may take (blank lines among them)
_REPEATED_HEAD_LINES = 16


@dataclass
class Block:
    """One table as printed: title line, body lines (no repeated titles), unit and notes."""

    key: str
    title: str
    title_line: Line
    lines: list[Line] = field(default_factory=list)
    unit: str | None = None
    notes: list[Line] = field(default_factory=list)
    #: the line where a table without its title starts (a second 单位 line under other headers)
    untitled_from: Line | None = None


def match_title(text: str) -> tuple[str, str] | None:
    """(key, title as printed) when the line is one of the nine 决算 table titles."""
    if "表" not in text:
        return None
    norm = squash(text)
    if len(norm) > 70 or "。" in norm or "，" in norm or "…" in norm:
        return None
    norm = TITLE_TRAILER.sub("", norm)
    for title, key in _TITLES:
        if norm.endswith(title):
            prefix = norm[: -len(title)]
            if prefix and (_QUALIFIER.search(prefix) or (not _PREFIX_END.search(prefix) and len(prefix) > 4)):
                return None
            return key, UNIT_AFTER_TITLE.sub("", text).strip()
    return None


def _header(lines: list[Line], i: int, stop: int) -> str:
    """The column headers under the 单位 line at `i`: its next few lines before the first figure or code."""
    return "".join(squash(lines[j].text) for j in _heads(lines, i, stop, _HEADER_LINES)[0])


def _heads_again(lines: list[Line], i: int, stop: int) -> list[int]:
    """The lines of column heads under the repeated 单位 line at `i`, down to the first figure or
    code; none when no figure comes within reach (they are no column heads then)."""
    heads, ended = _heads(lines, i, stop, _REPEATED_HEAD_LINES)
    return heads if ended else []


def _heads(lines: list[Line], i: int, stop: int, most: int) -> tuple[list[int], bool]:
    """(the at most `most` lines after `i` before the first figure, code or title, whether one came)."""
    out = []
    for j in range(i + 1, min(stop, i + 1 + most)):
        if _FIGURE.search(lines[j].text) or match_title(lines[j].text):
            return out, True
        out.append(j)
    return out, False


def locate_tables(doc: Document, start: int, stop: int | None = None) -> dict[str, Block]:
    """The blocks of the nine tables found between line indices `start` and `stop`."""
    lines = doc.lines
    stop = len(lines) if stop is None else stop
    titles: list[tuple[int, str, str]] = []
    last_of: dict[int, int] = {}  # a title's last line: a title may be printed over two lines
    for i, last, key, title in find_titles(lines, start, stop, match_title):
        titles.append((i, key, title))
        last_of[i] = last
    first: dict[str, tuple[int, str]] = {}
    for i, key, title in titles:
        first.setdefault(key, (i, title))
    starts = sorted((i, key) for key, (i, _) in first.items())
    title_lines = {j for i, _, _ in titles for j in range(i, last_of[i] + 1)}
    out: dict[str, Block] = {}
    for n, (i, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else stop
        block = Block(key=key, title=first[key][1], title_line=lines[i])
        header = None
        m = _UNIT.search(squash(lines[last_of[i]].text))  # the unit set on the title's own line (a 单位
        block.unit = m.group(1) if m else None  # line below it is still this table's own)
        pending = m is not None
        skip: set[int] = set()
        for j in range(last_of[i] + 1, end):
            ln = lines[j]
            if j in title_lines or j in skip:
                continue
            if _END.match(squash(ln.text)):
                break
            if _NOTE.match(ln.text.strip()):
                block.notes.append(ln)
                continue
            m = _UNIT.search(squash(ln.text))
            if m and (block.unit is None or pending):
                block.unit, header, pending = m.group(1), _header(lines, j, end), False
                continue
            above = next((k for k in range(j - 1, last_of[i], -1) if lines[k].text.strip()), None)
            if m and block.unit is not None and above in title_lines:
                # the table continued on a page that prints its title (续), unit and column heads
                # again: the heads down to its first figure or code are no rows
                skip.update(_heads_again(lines, j, end))
                continue
            if m and j - 1 not in title_lines and _header(lines, j, end) != header:
                block.untitled_from = ln
                break
            block.lines.append(ln)
        out[key] = block
    return out
