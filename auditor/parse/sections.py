"""Section headings of the template (职能, 机构设置, 名词解释, 编制说明, 其他相关情况说明, 项目经费情况说明 …).

Headings are looked for in the body, after the 目录 block (whose entries repeat the same titles).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import lazyre, numbering
from ..document import Document, Line
from ..model import NINE_TABLES, Meta, Section
from ..text import HAN, normalise
from .kind import TITLE_TRAILER
from .prose import is_table_row, strip_bullet

#: Sub-sections of 其他相关情况说明.
OTHER_NOTES_PARTS = ["sangong_notes", "operating_notes", "procurement_notes", "performance_notes", "assets_notes"]


_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("glossary", lazyre.compile(r"^名词解释$")),
    ("other_notes", lazyre.compile(r"^其他相关情况说明$")),
    ("sangong_notes", lazyre.compile(r'^(?:\d{4}年(?:度)?)?"?三公"?经费(?:预算)?(?:情况)?说明$')),
    ("operating_notes", lazyre.compile(r"^(?:\d{4}年(?:度)?)?机关运行经费(?:预算)?(?:情况)?(?:说明)?$")),
    ("procurement_notes", lazyre.compile(r"^(?:\d{4}年(?:度)?)?政府采购(?:预算)?(?:情况)?(?:说明)?$")),
    ("performance_notes", lazyre.compile(r"^绩效目标设置情况(?:说明)?$")),
    ("assets_notes", lazyre.compile(r"^国有资产占[用有](?:使用)?情况(?:说明)?$")),
    ("budget_notes", lazyre.compile(r"预算编制说明$")),
    ("functions", lazyre.compile(r"主要职能$")),
    ("organisation", lazyre.compile(r"机构设置$")),
    ("project_notes", lazyre.compile(r"经费情况说明$")),
]
_KPI_TITLE = lazyre.compile(r"目标申报.?表|绩效目标表$")
_TABLE_TITLES = [normalise(t).replace("“", '"').replace("”", '"') for t in NINE_TABLES.values()]


@lru_cache(maxsize=16384)  # pure in the text; every line is asked about, headings repeat in the 目录
def compact(text: str) -> str:
    """Heading text without bullets, whitespace, tabs; punctuation normalised."""
    return _SPACE.sub("", normalise(strip_bullet(text.strip())))


_SPACE = lazyre.compile(r"[\s\u3000]+")
_LATIN = lazyre.compile(r"[A-Za-z]")


def heading_key(ln: Line) -> str | None:
    """The section key a line is the heading of, or None."""
    c = compact(ln.text)
    if not c:
        return None
    if _is_kpi_title(c):
        return "kpi_tables"
    if len(c) > 50 or c.endswith("。") or is_table_row(ln):
        return None
    return _text_key(c)


@lru_cache(maxsize=16384)
def _is_kpi_title(c: str) -> bool:
    kc = "".join(HAN.findall(c))  # its Han characters
    # a title line, not a sentence or a table row that names the form (``… 8 projects with 绩效目标申报表 |``)
    return (
        bool(_KPI_TITLE.search(kc))
        and len(kc) <= 30
        and len(c) <= 80
        and len(_LATIN.findall(c)) <= len(kc)
        and "详见" not in c
        and "见" != c[:1]
    )


@lru_cache(maxsize=16384)
def _text_key(c: str) -> str | None:
    """The section key of a compacted heading text that is not a table row."""
    if _is_table_title(c):
        return "tables_part"
    bare = _bare(c)
    for key, pat in _PATTERNS:
        if pat.search(bare):
            if key == "project_notes" and ("三公" in bare or bare.startswith("其他相关")):
                continue
            return key
    return None


def _bare(c: str) -> str:
    """A heading without its item numbering (一、 （一） 1. …); 第X部分 stays, it names a part of the document."""
    n = numbering.parse(c, items_only=True)
    return c[n.end :] if n is not None else c


def _is_table_title(c: str) -> bool:
    bare = _bare(c)
    bare = TITLE_TRAILER.sub("", bare)  # (续) on a continuation page, (公开05表), 单位：元
    return any(bare.endswith(t) for t in _TABLE_TITLES) and len(bare) <= 45


def _looks_like_toc_entry(ln: Line) -> bool:
    c = compact(ln.text)
    if not c:
        return True
    if "…" in c or "..." in c or "·····" in c:
        return True
    if ln.text.lstrip().startswith("-"):
        return True
    raw = normalise(strip_bullet(ln.text.strip()))
    return (
        bool(numbering.parse(c, items_only=True) or numbering.parse(raw, loose=True, items_only=True)) and len(c) <= 50
    )


def body_start(doc: Document, meta: Meta | None = None) -> int:
    """Index of the first body line (after the 目录 block; 0 when there is no 目录).

    Fills ``meta.toc`` with the 目录 entries when the table parser has not.
    """
    lines = doc.lines
    toc_at = next((i for i, ln in enumerate(lines[:200]) if compact(ln.text) in ("目录", "目次")), None)
    if toc_at is None:
        return 0
    i = toc_at + 1
    entries = []
    toc_page = lines[toc_at].page
    while i < len(lines):
        ln = lines[i]
        if doc.kind == "pdf" and toc_page is not None and ln.page != toc_page and ln.text.strip():
            break
        if not _looks_like_toc_entry(ln):
            break
        if ln.text.strip():
            title = re.sub(r"[.…·\s]+\d*$", "", strip_bullet(ln.text.strip()))
            entries.append({"title": title, "line": ln.line, "page": ln.page})
        i += 1
    if meta is not None and not meta.toc:
        meta.toc = entries
    return i


@dataclass
class Heading:
    key: str
    index: int  # index into doc.lines
    title: str


def find_headings(doc: Document, meta: Meta | None = None) -> list[Heading]:
    """Every section heading of the body, in order (project_notes and kpi_tables may repeat).

    Computed once per document (the parser and the prose rules both need it).
    """
    key = ("headings", len(meta.toc) if meta is not None else None)
    if key not in doc.cache:
        doc.cache[key] = _find_headings(doc, meta)
    return doc.cache[key]


def _find_headings(doc: Document, meta: Meta | None) -> list[Heading]:
    start = body_start(doc, meta)
    out: list[Heading] = []
    seen_tables = False
    in_other = False
    for i in range(start, len(doc.lines)):
        ln = doc.lines[i]
        key = heading_key(ln)
        if key is None:
            continue
        if key == "other_notes":
            in_other = True
        elif key in OTHER_NOTES_PARTS and not in_other:
            continue  # e.g. the 机关运行经费预算 header cell of the 三公 table
        elif key in ("project_notes", "tables_part", "budget_notes", "functions", "organisation", "glossary"):
            in_other = False
        if key == "tables_part":
            if seen_tables:
                continue
            seen_tables = True
        out.append(Heading(key, i, strip_bullet(ln.text.strip())))
    return _tables_from_titles(doc, meta, start, out)


def _tables_from_titles(doc: Document, meta: Meta | None, start: int, heads: list[Heading]) -> list[Heading]:
    """The headings with the tables part opening at the first table the table parser found, when no
    heading opens it before (a title these headings do not read: wrapped over two lines, say)."""
    found = [t for key, t in meta.tables.items() if key in NINE_TABLES] if meta is not None else []
    if not found:  # (a 决算's parts are read by auditor.parse.final)
        return heads
    first = min(found, key=lambda t: ((t.page or 0), (t.line or 0)))
    where = (first.line, first.page)
    at = next((i for i in range(start, len(doc.lines)) if (doc.lines[i].line, doc.lines[i].page) == where), None)
    part = next((h for h in heads if h.key == "tables_part"), None)
    if at is None or (part is not None and part.index <= at):
        return heads
    return sorted(
        [*(h for h in heads if h is not part), Heading("tables_part", at, first.title)], key=lambda h: h.index
    )


def section_spans(doc: Document, meta: Meta | None = None) -> list[tuple[str, int, int]]:
    """(key, start index, end index exclusive) of each section, innermost: each runs to the next heading."""
    heads = find_headings(doc, meta)
    spans = []
    for n, h in enumerate(heads):
        end = heads[n + 1].index if n + 1 < len(heads) else len(doc.lines)
        spans.append((h.key, h.index, end))
    return spans


def parse_sections(doc: Document, meta: Meta) -> list[Heading]:
    """Fill meta.sections (first heading of each key) and meta.missing_sections."""
    heads = find_headings(doc, meta)
    for h in heads:
        if h.key not in meta.sections:
            ln = doc.lines[h.index]
            meta.sections[h.key] = Section(h.key, h.title, ln.line, ln.page)
    if "tables_part" not in meta.sections and meta.tables:
        first = min(meta.tables.values(), key=lambda t: ((t.page or 0), (t.line or 0)))
        meta.sections["tables_part"] = Section("tables_part", first.title, first.line, first.page)
    from ..bundle import required_sections  # the disclosure rules own the list

    meta.missing_sections = [k for k in required_sections(meta.kind) if k not in meta.sections]
    return heads


def prose_lines(doc: Document, meta: Meta) -> Iterator[tuple[Line, str | None]]:
    """Every prose line (not a table row, not blank) with the key of the section it belongs to."""
    spans = section_spans(doc, meta)
    keys: list[str | None] = [None] * len(doc.lines)
    for key, start, end in spans:
        for i in range(start, end):
            keys[i] = key
    for i, ln in enumerate(doc.lines):
        if not ln.text.strip() or is_table_row(ln, doc):
            continue
        if keys[i] in ("tables_part", "kpi_tables"):
            continue
        yield ln, keys[i]
