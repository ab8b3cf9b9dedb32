"""The 部门决算单位构成 table of 第一部分: the units a 决算 covers, one row each (``fa_units``).

The table has three columns, 序号, 单位名称 and 备注, and its rows are where extractors disagree most:
a name too long for its cell wraps, and the 序号, centred in the row, lands on a line of its own
before the name (pdftotext without layout), after it (pdfplumber) or between its two lines (a PDF's
own lines, ``-layout``). So the 序号 is not used to place text. The name fragments are read in order
instead, and a fragment starts a new unit when it begins with the place the department's name begins
with (``上海市普陀区``: a unit's full name always does). Any other fragment continues the unit before
it (``心（下属事业单位）``). The 序号 printed are kept as evidence: when they are not 1 … n for the n
units read, a loader remark says so.

A 备注 is split from its name at the first space after a name's last character (局, 所, 中心, 队 …),
with a character, not a bracket, after it: ``上海市普陀区财政局财政所 预算不单列，并入本级``.
The template's ``上海市 XX 局（本级）`` stays whole.
"""

from __future__ import annotations

import re

from ... import lazyre
from ...document import Document
from ..kind import squash
from .structure import Structure

_SEQ_ALONE = lazyre.compile(r"^\s*(\d{1,3})\s*$")
_SEQ_TEXT = lazyre.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
#: the place a department's name starts with: [省/市] then [区/县], as in 上海市普陀区
_PLACE = lazyre.compile(r"^(?:[^\s市省]{2,3}[省市])?(?:[^\s区县市]{1,4}[区县])?")
_CITY = lazyre.compile(r"^[^\s市省]{2,3}[省市]")
#: the last character of a unit's name, before a 备注 printed after a space
_NAME_END = "局所队院站处室馆会校心部办委厅中）)"
_REMARK_SPLIT = lazyre.compile(rf"(?<=[{re.escape(_NAME_END)}])\s+(?=[^\s（(])")
_PART_HEADING = lazyre.compile(r"^第[一二三四]部分")
#: a row the template leaves to be filled (``4  。。。``): punctuation only
_PLACEHOLDER = lazyre.compile(r"^[。.…·、，,\s]+$")
_HEADER_WORDS = ("序号", "单位名称", "备注")
_TABLES_TITLE = lazyre.compile(r"\d{4}\s*年度?\s*(?:部门|单位)决算表")
#: how far past its heading the table may end when no later heading is found
_MOST_LINES = 80


def read_units(doc: Document, structure: Structure, department: str | None, notes: list[str]) -> list[dict]:
    """The rows of the 单位构成 table (seq, name, remark, line, page); none when it is not found."""
    start = structure.sections.get("fa_units")
    if start is None:
        return []
    later = [i for i in (*structure.parts.values(), *structure.sections.values()) if i > start]
    end = min([*later, start + _MOST_LINES, len(doc.lines)])
    header = _header_end(doc, start, end)
    if header is None:
        return []
    place = squash(_PLACE.match(squash(department or "")).group(0)) if department else ""
    seqs: list[int] = []
    placeholders = False  # the template's unfilled rows: their 序号 are printed, their names not
    fragments: list[tuple[str, int, int | None]] = []
    for i in range(header, min(end + 1, len(doc.lines))):
        ln = doc.lines[i]
        text = ln.text.strip()
        if i == end:  # a heading after the table: keep the text an extractor glued before it
            if _PART_HEADING.match(squash(text)):
                break
            title = _TABLES_TITLE.search(text)
            cut = text[: title.start()] if title and i not in structure.sections.values() else ""
            if place and cut:  # the title begins with the department's name: its city at least
                city = _CITY.match(place)
                at = max(squash(cut).rfind(p) for p in {place, city.group(0) if city else place})
                cut = _unsquashed_prefix(cut, at) if at > 0 else ""
            if not cut.strip():
                break
            text = cut.strip()
        if not text or squash(text) in _HEADER_WORDS:  # plain pdftotext sets 备注 after the rows
            continue
        alone = _SEQ_ALONE.match(text)
        if alone:
            seqs.append(int(alone.group(1)))
            continue
        with_text = _SEQ_TEXT.match(text)
        if with_text:
            seqs.append(int(with_text.group(1)))
            text = with_text.group(2)
        if _PLACEHOLDER.match(text):
            placeholders = True
            continue
        fragments.append((text, ln.line, ln.page))
    units = _join(fragments, place)
    rows = []
    for n, (text, line, page) in enumerate(units, start=1):
        name, remark = _split(text)
        rows.append({"seq": str(n), "name": name, "remark": remark or None, "line": line, "page": page})
    printed = seqs[: len(rows)] if placeholders else seqs
    if rows and printed != list(range(1, len(rows) + 1)):
        notes.append(
            f"fa_units: {len(rows)} units read by their names, but the 序号 printed are "
            f"{', '.join(map(str, seqs)) or 'none'}; numbered in the order read"
        )
    return rows


def _header_end(doc: Document, start: int, end: int) -> int | None:
    """The index of the first line after the 序号 / 单位名称 / 备注 header (one line, or a line each)."""
    stop = min(end, len(doc.lines))
    for i in range(start + 1, stop):
        norm = squash(doc.lines[i].text)
        if "序号" in norm and "单位名称" in norm:
            return i + 1
        if norm == "序号":  # a word a line, blank lines between (plain pdftotext)
            after = [j for j in range(i + 1, min(i + 6, stop)) if squash(doc.lines[j].text)]
            if after and squash(doc.lines[after[0]].text) == "单位名称":
                return after[0] + 1
    return None


def _join(fragments: list[tuple[str, int, int | None]], place: str) -> list[tuple[str, int, int | None]]:
    """Fragments made into units: a new one where a fragment begins with the place (or, with no
    place known, where it does not begin with a bracket)."""
    units: list[list] = []
    for text, line, page in fragments:
        norm = squash(text)
        starts = norm.startswith(place) if place else not norm.startswith(("（", "("))
        if starts or not units:
            units.append([text, line, page])
        else:
            units[-1][0] += text
    return [(t, line, page) for t, line, page in units]


def _split(text: str) -> tuple[str, str]:
    """(name, 备注) of a unit's text; the name without spaces (``上海市 XX 局`` → ``上海市XX局``)."""
    parts = _REMARK_SPLIT.split(text, maxsplit=1)
    name = squash(parts[0])
    remark = parts[1].strip() if len(parts) > 1 else ""
    return name, remark


def _unsquashed_prefix(text: str, squashed_at: int) -> str:
    """The part of `text` before the character that is the `squashed_at`-th of its squashed form."""
    count = 0
    for i, ch in enumerate(text):
        if squash(ch):
            if count == squashed_at:
                return text[:i]
            count += 1
    return text
