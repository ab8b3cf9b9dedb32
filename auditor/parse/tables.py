"""The nine budget tables: found by title, rows parsed into frames, table metadata recorded.

Built on the structure of the 部门预算 template, not on any particular document:
- the document title (`XXX2024年部门预算`), the 预算主管部门/预算单位 line, the 目录 block;
- each table's title (with or without year, 部门/单位 prefix, quote style, numbering), then
  编制部门/编制单位 and 单位, header rows, data rows, and 注 lines;
- a table ends at the next table title or at a section heading.
"""

from __future__ import annotations

import re

from .. import lazyre, numbering
from ..document import Document, Line
from ..model import DEFAULT_UNIT, NINE_TABLES, TABLE_COLUMNS, Meta, TableInfo, frame_columns, frame_from_records
from ..money import ValueOutOfRange
from .kind import TITLE_TRAILER, UNIT_AFTER_TITLE, find_titles, squash
from .table_rows import parse_coded_table
from .table_special import ECONOMIC_TWINS, parse_sangong
from .table_two_sided import parse_two_sided

#: title aliases per table key; the longest suffix match wins (财政拨款收支预算总表 before 收支预算总表).
TITLE_ALIASES: dict[str, list[str]] = {
    "fiscal_summary": ["财务收支预算总表", "收支预算总表"],
    "income_summary": ["收入预算总表"],
    "expenditure_summary": ["支出预算总表"],
    "fiscal_appropriation_summary": ["财政拨款收支预算总表"],
    "gpb_function": ["一般公共预算支出功能分类预算表"],
    "gov_fund_function": ["政府性基金预算支出功能分类预算表"],
    "soe_capital_function": ["国有资本经营预算支出功能分类预算表"],
    "gpb_basic_economic": [
        "一般公共预算基本支出部门预算经济分类预算表",
        "一般公共预算基本支出经济分类预算表",
    ],
    "sangong": ["三公经费和机关运行经费预算表", "三公经费和机关运行经费预算财政拨款情况表", "三公经费预算表"],
}
_ALIASES = sorted(
    ((alias, key) for key, aliases in TITLE_ALIASES.items() for alias in aliases),
    key=lambda p: -len(p[0]),
)

#: headings that end a table (the sections that follow the tables in the template).
_SECTION_END = lazyre.compile(
    r"(其他相关情况说明|项目经费情况说明|情况说明$|编制说明$|名词解释$|主要职能$|机构设置$|绩效目标(?:表|申报表|设置情况)?$|申报表$)"
)
_UNIT = lazyre.compile(r"(?<!编制)(?<!预算)单位\s*[:：]\s*(亿元|万元|元)")
_DEPT = lazyre.compile(r"编制(?:部门|单位)\s*[:：]\s*(.*?)\s*(?:(?<!编制)单位\s*[:：].*)?$")
_NOTE = lazyre.compile(r"^\s*(?:注|备注|说明)\s*[0-9一二三四五六七八九十]?\s*[:：]")
_DOC_TITLE = lazyre.compile(r"^(.*?)(\d{4})年(?:度)?(?:区级|市级|县级)?(部门|单位)预算(?:公开)?$")
_OWNER = lazyre.compile(r"^(预算主管部门|预算单位|主管部门)\s*[:：]\s*(.+)$")


def match_title(text: str) -> tuple[str, str] | None:
    """(table key, title as printed) when `text` is the title line of one of the nine tables."""
    if "表" not in text:  # every title ends in 表: most lines are rejected here
        return None
    norm = squash(text)
    if not norm or len(norm) > 70 or "…" in norm or "..." in norm or "。" in norm or "，" in norm:
        return None
    # numbering (5、 表5 （五）) stays in the prefix, which may be short: taking it off here would take
    # the 一 of 一般公共预算… or the 三 of 三公经费… with it
    body = TITLE_TRAILER.sub("", norm)
    for alias, key in _ALIASES:
        if body.endswith(alias):
            prefix = body[: -len(alias)]
            # what may precede the title: department name, year, 部门/单位, 区级
            if prefix and not re.search(r"(年度?|部门|单位|区级|市级|本级|预算)$", prefix) and len(prefix) > 30:
                return None
            if prefix.endswith(("收入", "支出", "财政拨款")) and alias in (
                "收支预算总表",
                "支出预算总表",
                "收入预算总表",
            ):
                # 财政拨款收入预算总表 and the like are not one of the nine
                return None
            return key, UNIT_AFTER_TITLE.sub("", text).strip().lstrip("-•· ").strip()
    return None


def _is_section_end(text: str) -> bool:
    norm = squash(text)
    if not norm or len(norm) > 40:
        return False
    return bool(_SECTION_END.search(norm))


#: a line of dot leaders (`……`, `.....`, `· · ·`), perhaps ending in a page number: 目录 furniture
_LEADERS = lazyre.compile(r"^[\s…．.·•⋯_-]*[…⋯．.·]{3,}[\s…．.·•⋯_-]*\d{0,4}\s*$")
#: a page number alone on a line
_PAGE_NO = lazyre.compile(r"^\s*(?:第\s*)?[-—]?\s*\d{1,4}\s*[-—]?\s*(?:页)?\s*$")


def _is_furniture(text: str) -> bool:
    """Blank, dot leaders or a page number: a line that holds nothing of a table or its titles."""
    return not text.strip() or bool(_LEADERS.match(text)) or bool(_PAGE_NO.match(text))


def _is_toc_heading(lines: list[Line], i: int) -> int | None:
    """The index of the last line of a 目录 heading starting at line `i` (the heading may be printed
    with its characters on separate lines, as text extracted without layout gives it), else None."""
    norm = squash(lines[i].text)
    if norm in ("目录", "目次"):
        return i
    if norm == "目":
        nxt = next((j for j in range(i + 1, min(i + 4, len(lines))) if lines[j].text.strip()), None)
        if nxt is not None and squash(lines[nxt].text) in ("录", "次"):
            return nxt
    return None


def _toc(doc: Document) -> tuple[list[dict], int]:
    """Entries of the 目录 block and the index of the first line after it (0 when there is none)."""
    lines = doc.lines
    start = None
    for i in range(min(200, len(lines))):
        start = _is_toc_heading(lines, i)
        if start is not None:
            break
    if start is None:
        return [], 0
    entries: list[dict] = []
    seen: set[str] = set()
    end = start + 1
    for i in range(start + 1, len(lines)):
        ln = lines[i]
        raw = ln.text.strip()
        if _is_furniture(raw):
            if raw:
                end = i + 1  # a leader line of the entry above (text laid out without layout)
            continue
        entry_like = (
            raw.startswith(("-", "•", "·"))
            or "…" in raw
            or "...." in raw
            or numbering.parse(raw, loose=True, items_only=True) is not None
        )
        if not entry_like:
            break
        title = re.sub(r"[….·]{2,}.*$", "", raw).strip().lstrip("-•· ").strip()
        title = re.sub(r"\s*\d+\s*$", "", title) if "…" in raw else title
        if squash(title) in seen:
            break
        seen.add(squash(title))
        entries.append({"title": title, "line": ln.line, "page": ln.page})
        end = i + 1
    return entries, end


def _toc_entries(lines: list[Line], titles: list[tuple[int, str, str]], last_of: dict[int, int]) -> set[int]:
    """Title lines that are entries of a contents list, wherever it stands and whether or not it has
    a 目录 heading: a title with dot leaders or a page number after it, or one whose lines up to the
    next title hold nothing but leaders, page numbers and blanks (a printed table, even an empty one,
    has its 编制部门, 单位 and header lines)."""
    out: set[int] = set()
    for n, (i, _, _) in enumerate(titles):
        last = last_of[i]
        text = lines[last].text
        if "…" in text or "⋯" in text or re.search(r"\.{4,}|(?:\s|[…．.])\d{1,3}\s*$", text):
            out.add(i)
            continue
        nxt = next((ln for ln in lines[last + 1 : last + 4] if ln.text.strip()), None)
        if nxt is not None and _LEADERS.match(nxt.text):
            out.add(i)  # its dot leaders on the next line
            continue
        end = titles[n + 1][0] if n + 1 < len(titles) else len(lines)
        between = lines[last + 1 : end]
        if end == len(lines) and len(between) > 8:
            continue
        if all(_is_furniture(ln.text) for ln in between):
            out.add(i)
    return out


def _document_meta(doc: Document, meta: Meta) -> str | None:
    """Department, year and kind from the opening lines; returns the owner named in the title."""
    owner = None
    for ln in doc.lines[:80]:
        text = ln.text.strip()
        norm = squash(text)
        m = _OWNER.match(norm)
        if m and meta.department is None:
            meta.department = m.group(2)
            if m.group(1) == "预算单位":
                meta.kind = "单位预算"
        t = _DOC_TITLE.match(norm)
        if t and meta.year is None:
            meta.year = int(t.group(2))
            if meta.kind is None:
                meta.kind = f"{t.group(3)}预算"
            owner = t.group(1) or None
    return owner


def parse_tables(doc: Document, meta: Meta, frames: dict) -> None:
    """Fill `frames` with the nine table keys and `meta` with department, year, kind, toc and table infos."""
    title_owner = _document_meta(doc, meta)
    toc, body_start = _toc(doc)
    meta.toc = toc
    lines = doc.lines
    # table titles in the body
    titles: list[tuple[int, str, str]] = []
    last_of: dict[int, int] = {}  # a title's last line: a title may be printed over two lines
    for i, last, key, title in find_titles(lines, body_start, len(lines), match_title):
        titles.append((i, key, title))
        last_of[i] = last
    # a contents list the 目录 block did not cover (no heading, or one the extractor broke up) is
    # not the tables: its entries never start a table
    contents = _toc_entries(lines, titles, last_of)
    titles = [t for t in titles if t[0] not in contents]
    # keep the first body title of each key (a later repeat is a running header of a split table)
    found: dict[str, tuple[int, str]] = {}
    for i, key, title in titles:
        if key not in found:
            found[key] = (i, title)
    starts = sorted((i, key) for key, (i, _) in found.items())
    title_lines = {j for i, _, _ in titles for j in range(i, last_of[i] + 1)}
    blocks: dict[str, list[Line]] = {}
    for n, (i, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        block: list[Line] = []
        for j in range(last_of[i] + 1, end):
            if j in title_lines:
                continue  # a repeated title on a continuation page
            if _is_section_end(lines[j].text):
                break
            block.append(lines[j])
        blocks[key] = block
    # the 三公 table last: the economic table helps to place its columns
    for key in sorted(blocks, key=lambda k: k == "sangong"):
        i = found[key][0]
        _parse_block(key, found[key][1], lines[i : last_of[i] + 1], blocks[key], meta, frames)
    if meta.department is None:
        depts = [t.department for t in meta.tables.values() if t.department]
        if depts:
            meta.department = max(set(depts), key=depts.count)
        else:
            meta.department = title_owner
    if meta.year is None:
        for _, _, title in titles:
            m = re.search(r"(\d{4})年", title)
            if m:
                meta.year = int(m.group(1))
                break
    if meta.kind is None and (meta.tables or toc):
        unit_words = sum("单位" in t.title for t in meta.tables.values())
        meta.kind = "单位预算" if unit_words > len(meta.tables) / 2 else "部门预算"
    meta.missing_tables = [k for k in NINE_TABLES if k not in meta.tables]
    for key in NINE_TABLES:
        if key not in frames:
            frames[key] = frame_from_records(key, [])


def _parse_block(key: str, title: str, title_lines: list[Line], block: list[Line], meta: Meta, frames: dict) -> None:
    """The table `key` from its block's lines; `title_lines` print its title (two when it wraps)."""
    title_line = title_lines[0]
    unit = None
    dept = None
    notes: list[str] = []
    data_lines: list[Line] = []
    for ln in block:
        text = ln.text.strip()
        if unit is None and "单" in text:
            m = _UNIT.search(text.replace(" ", ""))
            if m:
                unit = m.group(1)
        if dept is None and "编" in text and squash(text).startswith(("编制部门", "编制单位")):
            m = _DEPT.match(text.replace("\u3000", " "))
            if m:
                dept = re.split(r"\s{2,}", m.group(1).strip())[0].strip() or None
        if _NOTE.match(text):
            notes.append(text)
        else:
            data_lines.append(ln)
    if unit is None:  # printed at the end of the title's own line
        m = _UNIT.search(title_lines[-1].text.replace(" ", ""))
        unit = m.group(1) if m else None
    used = unit or DEFAULT_UNIT[key]
    try:
        if key in ("fiscal_summary", "fiscal_appropriation_summary"):
            records, table_notes = parse_two_sided(data_lines, key, used)
        elif key == "sangong":
            records, table_notes = parse_sangong(data_lines, used, _economic_twins(frames))
        else:
            columns = [c for c in TABLE_COLUMNS[key][1]]
            lengths = (3, 5) if key == "gpb_basic_economic" else (3, 5, 7)
            records, table_notes = parse_coded_table(data_lines, columns, used, key, lengths)
    except ValueOutOfRange as exc:  # a figure no budget holds: the load error names the table
        if exc.line is None:
            exc.line, exc.page = title_line.line, title_line.page
        exc.args = (f"table {key}: {exc.args[0]}",)
        raise
    has_data = any(
        any(r.get(c) not in (None, 0) for c in TABLE_COLUMNS[key][1]) or (r.get("code") is not None) for r in records
    )
    decimals, amounts = printed_money(data_lines)
    meta.tables[key] = TableInfo(
        key=key,
        title=title,
        unit=unit,
        department=dept,
        notes=notes,
        line=title_line.line,
        page=title_line.page,
        empty=not has_data,
        unit_assumed=None if unit else used,
        decimals=decimals,
        amounts=amounts,
    )
    meta.notes.extend(table_notes)
    if not unit:
        meta.notes.append(f"{key}: no 单位 printed; amounts read in {used}")
    frames[key] = frame_from_records(key, records)


#: an amount that is surely money, not a code: thousands separators or decimals
_MONEY_TEXT = lazyre.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d,])")


def printed_money(lines: list[Line]) -> tuple[int | None, int]:
    """What the table's lines print of surely-money amounts (separators or decimals), zero and
    bare whole numbers (codes) aside: the fewest decimals of one (None when there is none) and how
    many there are."""
    fewest: int | None = None
    count = 0
    for ln in lines:
        for m in _MONEY_TEXT.finditer(ln.text):
            whole, frac = m.group(1), m.group(2)
            if frac is None and "," not in whole:
                continue  # a code, a small whole number: not evidence of the printing
            if not (whole + (frac or "")).strip("0,"):
                continue  # zero
            n = len(frac or "")
            fewest = n if fewest is None or n < fewest else fewest
            count += 1
    return fewest, count


def _economic_twins(frames: dict) -> dict[str, bool] | None:
    """Which 三公 components the economic table shows as non-zero lines (None without that table)."""
    eco = frames.get("gpb_basic_economic")
    if eco is None or eco.empty:
        return None
    # a row that prints no amounts has a missing total (pd.NA): it shows nothing, so it is skipped
    columns = frame_columns(eco)
    totals = {c: t for c, t in zip(columns["code"], columns["total"]) if isinstance(c, str) and t is not None}
    return {comp: any(totals.get(c, 0) > 0 for c in codes) for comp, codes in ECONOMIC_TWINS.items()}
