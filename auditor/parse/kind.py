"""Which kind of disclosure a document is: a budget (部门预算/单位预算) or final accounts (部门决算/单位决算).

Read from the cover title (``<部门> <Y> 年度部门决算``), else from the table titles and 目录 entries:
final-accounts tables are titled ``…决算表`` / ``…决算总表``. Budgets keep their own detection in
:mod:`auditor.parse.tables`; this module only says whether a document is final accounts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import lazyre
from ..document import Document

_SPACES = lazyre.compile(r"[\s\u3000]+")
_QUOTES = lazyre.compile(r"[\"'“”‘’「」『』〝〞＂]")
#: ``上海市XX局2024年度部门决算``, ``2024年度单位决算``, ``2024年部门决算公开``
_TITLE = lazyre.compile(r"^(.*?)(\d{4})年(?:度)?(?:区级|市级|县级)?(部门|单位)(预算|决算)(?:公开)?$")
#: a cover title whose year the extractor moved off the line (``年度部门决算``)
_YEARLESS = lazyre.compile(r"^(\D*?)年(?:度)?(?:区级|市级|县级)?(?:部门|单位)(?:预算|决算)(?:公开)?$")
_LEAD_YEAR = lazyre.compile(r"^((?:19|20)\d{2})(?!\d)")
_LONE_YEAR = lazyre.compile(r"(?<!\d)((?:19|20)\d{2})$")
#: the nine final-accounts table titles end like this (after spaces and quotes are removed)
_FA_TITLE = lazyre.compile(
    r"(收入支出决算总表|收入决算表|支出决算表|财政拨款收入支出决算总表|财政拨款支出决算表|基本支出决算表|三公经费支出决算表|收入支出决算表)$"
)
#: how far into the document the cover and 目录 are looked for
_HEAD_LINES = 120
#: what no line of a department's name holds
_NOT_OWNER = lazyre.compile(r"[0-9。；;:：]|^附件|^附表")


@dataclass(frozen=True)
class Kind:
    """What the cover says: the kind, the year and the department (None where not printed)."""

    kind: str
    year: int | None = None
    department: str | None = None
    line: int | None = None
    page: int | None = None


_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


_FULL_WIDTH_DIGIT = lazyre.compile("[０-９]")
#: what may follow a table's title (in budgets and 决算 alike), compared squashed: (续), (续表), 续表 on a
#: continuation page, the table's number (公开07表) (表7), and the unit when an extractor sets it on the
#: title's line (单位：元)
TITLE_TRAILER = lazyre.compile(
    r"(?:单位[:：]?(?:亿元|万元|元))?(?:[（(](?:续表?|公开\d+表|表\d+)[)）]|续表)?(?:单位[:：]?(?:亿元|万元|元))?$"
)
#: the unit at the end of a title's line as printed (taken off the title a table is reported under)
UNIT_AFTER_TITLE = lazyre.compile(r"\s*单位\s*[:：]?\s*(?:亿元|万元|元)\s*$")


#: the first line of a table title wrapped over two (a long title set in a large type): words of a
#: title only — no figure, no sentence punctuation, no 注：
_TITLE_HEAD = lazyre.compile(r"[\u4e00-\u9fff0-9０-９“”\"'‘’「」『』（）()、·\s\u3000]{2,40}")
#: a title's own first words end so (…2025年 / 部门收入预算总表): read joined even when the second line
#: alone is a title. Not after 预算: a column head (国有资本经营预算) ends so, and an empty table prints
#: its heads right above the next table's title
_TITLE_HEAD_END = lazyre.compile(r"(?:\d{4}年度?|区级|市级|本级|部门|单位)$")
#: the words of a title's first words a wrap may cut (…2025年预算单 / 位财务收支预算总表)
_HEAD_WORDS = ("部门", "单位", "预算单位", "区级", "市级", "本级", "年度")


def _cut_inside(head: str, tail: str) -> bool:
    """Whether a title's first words run on across the cut between its two lines."""
    return any(head.endswith(w[:k]) and tail.startswith(w[k:]) for w in _HEAD_WORDS for k in range(1, len(w)))


def find_titles(lines: list, start: int, stop: int, match) -> list[tuple[int, int, str, str]]:
    """(first line, last line, key, title as printed) of each line of ``lines[start:stop]`` that
    `match` takes for a table title, a title wrapped onto the next line read joined: when its second
    line alone is no title, is another table's (``…财政拨`` / ``款收支预算总表``), or the first line
    ends as a title's own first words do (``…普陀区商务委员会2025年`` / ``部门收入预算总表``)."""
    out: list[tuple[int, int, str, str]] = []
    i = start
    while i < stop:
        text = lines[i].text
        hit = match(text)
        j = i + 1  # the title's second line: the next with text (a large type may leave a blank between)
        while j < min(stop, i + 3) and not lines[j].text.strip():
            j += 1
        if hit is None and j < stop and "表" in lines[j].text and _TITLE_HEAD.fullmatch(text.strip() or "-"):
            tail = lines[j].text.strip()
            if len([c for c in lines[i].cells if c.strip()]) <= 1 and len(tail) <= 70:
                alone = match(lines[j].text)
                joined = match(text.strip() + tail)
                head = squash(text)
                if joined is not None and (
                    alone is None
                    or alone[0] != joined[0]
                    or _TITLE_HEAD_END.search(head)
                    or _cut_inside(head, squash(tail))
                ):
                    out.append((i, j, *joined))
                    i = j + 1
                    continue
        if hit is not None:
            out.append((i, i, *hit))
        i += 1
    return out


@functools.lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """Text as compared against titles: no spaces, no quotes, full-width digits folded."""
    text = _QUOTES.sub("", _SPACES.sub("", text))
    # (translate walks every character through the table: only when there is a digit to fold)
    return text.translate(_DIGITS) if _FULL_WIDTH_DIGIT.search(text) else text


def _year_beside(lines, i: int) -> str | None:
    """The year of a cover title printed without one: set off the baseline, an extractor puts it at
    the start of the next line (``2024目 录``) or the end of the line above."""
    for j, at_start in ((i + 1, True), (i - 1, False)):
        if 0 <= j < len(lines) and lines[j].page == lines[i].page:
            m = _LONE_YEAR.search(squash(lines[j].text)) if not at_start else _LEAD_YEAR.match(squash(lines[j].text))
            if m:
                return m.group(1)
    return None


def cover_kind(doc: Document) -> Kind | None:
    """The kind the cover title states (``…年度部门决算`` / ``…年部门预算``), with year and department."""
    lines = doc.lines[:_HEAD_LINES]
    for i, ln in enumerate(lines):
        m = _TITLE.match(squash(ln.text))
        if not m:
            bare = _YEARLESS.match(squash(ln.text))
            year = _year_beside(lines, i) if bare else None
            if year is None:
                continue
            m = _TITLE.match(f"{bare.group(1)}{year}{squash(ln.text)[len(bare.group(1)) :]}")
            if not m:
                continue
        owner = m.group(1)
        if not owner:
            # the department is printed above the year line, possibly wrapped over two or three lines,
            # with blank lines between where the cover spaces them out (or the text is double-spaced)
            parts: list[str] = []
            for prev in reversed(lines[max(0, i - 9) : i]):
                text = squash(prev.text)
                if not text:
                    continue
                if (
                    (ln.page is not None and prev.page != ln.page)
                    or text in ("目录", "目次")
                    or len(parts) == 3
                    or _NOT_OWNER.search(text)  # (附件2, a date, a sentence above the cover's title)
                ):
                    break
                parts.insert(0, text)
            owner = "".join(parts)
        return Kind(f"{m.group(3)}{m.group(4)}", int(m.group(2)), owner or None, ln.line, ln.page)
    return None


def detect_final(doc: Document) -> Kind | None:
    """A Kind when the document is final accounts (部门决算 or 单位决算), else None."""
    cover = cover_kind(doc)
    if cover is not None:
        return cover if cover.kind.endswith("决算") else None
    titles = 0
    unit_words = 0
    for ln in doc.lines:
        norm = squash(ln.text)
        if len(norm) <= 60 and "。" not in norm and _FA_TITLE.search(norm):
            titles += 1
            unit_words += "单位决算" in norm
    if titles >= 3:
        return Kind("单位决算" if unit_words > titles / 2 else "部门决算")
    return None
