"""The four parts of a 部门决算, its 目录, the eleven 说明 sections and the 名词解释 terms.

The template orders a final-accounts disclosure as: cover, 目录, 第一部分 概况 (主要职能, 部门决算单位
构成 or 机构设置), 第二部分 the nine tables, 第三部分 情况说明 一 … 十一, 第四部分 名词解释 with eleven
terms. Headings are found by their wording, not by position, so a document that drops or reorders a
part is described as it is; rules compare what was found with what the template requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ... import lazyre
from ...document import Document, Line
from ...model import Meta, Section
from ..kind import squash

#: The 说明 sections of 第三部分, keyed as in ``meta.sections``, with the template's titles.
NOTE_SECTIONS: dict[str, str] = {
    "fa_n1": "收入支出决算总体情况说明",
    "fa_n2": "收入决算情况说明",
    "fa_n3": "支出决算情况说明",
    "fa_n4": "财政拨款收入支出决算总体情况说明",
    "fa_n5": "一般公共预算财政拨款支出决算情况说明",
    "fa_n6": "一般公共预算财政拨款基本支出决算情况说明",
    "fa_n7": "财政拨款三公经费支出决算情况说明",
    "fa_n8": "政府性基金预算财政拨款收入支出决算情况说明",
    "fa_n9": "国有资本经营预算财政拨款收入支出决算情况说明",
    "fa_n10": "预算绩效管理情况",
    "fa_n11": "其他重要事项说明",
}
#: Sub-sections of 十一 (其他重要事项) the template requires.
OTHER_MATTERS: dict[str, re.Pattern] = {
    "fa_operating": lazyre.compile(r"机关运行经费"),
    "fa_procurement": lazyre.compile(r"政府采购"),
    "fa_assets": lazyre.compile(r"国有资产"),
}
#: The four parts.
PARTS: dict[str, str] = {
    "fa_part1": "概况",
    "fa_part2": "部门决算表",
    "fa_part3": "部门决算情况说明",
    "fa_part4": "名词解释",
}
#: The eleven terms of 名词解释.
TERMS = [
    "财政拨款收入",
    "事业收入",
    "经营收入",
    "其他收入",
    "年初结转和结余",
    "年末结转和结余",
    "基本支出",
    "项目支出",
    "经营支出",
    "三公经费",
    "机关运行经费",
]
#: Sections of 第一部分.
#: (a 单位决算 prints 单位决算单位构成 for 部门决算单位构成)
OVERVIEW = {
    "fa_functions": lazyre.compile(r"^主要职能"),
    "fa_units": lazyre.compile(r"^((?:部门|单位)决算单位构成|机构设置)"),
}

_NUMERALS = "一二三四五六七八九十"
_CN = {ch: i + 1 for i, ch in enumerate(_NUMERALS)}
_PART = lazyre.compile(r"^第([一二三四])部分(.*)$")
_TABLES_PART = lazyre.compile(r"\d{4}年度?(部门|单位)决算表$")
_HEADING = lazyre.compile(r"^([一二三四五六七八九十]{1,3})、(.{2,40})$")
_SUB = lazyre.compile(r"^[（(]([一二三四五六七八九十]{1,2})[)）](.{2,40})$")
#: a 说明 section's title (a table row never ends so)
_NOTES_TITLE = lazyre.compile(r"(说明|情况)$")
_TERM = lazyre.compile(r"^([一二三四五六七八九十]{1,3})、(.{2,12}?)[:：]")


def cn_number(text: str) -> int | None:
    """一 … 九十九 as an int (None when the text is not a Chinese numeral)."""
    if not text or any(ch not in _CN for ch in text):
        return None
    if len(text) == 1:
        return _CN[text]
    if text[0] == "十":
        return 10 + (_CN[text[1]] if len(text) > 1 else 0)
    if len(text) == 2 and text[1] == "十":
        return _CN[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN[text[0]] * 10 + _CN[text[2]]
    return None


@dataclass
class Structure:
    """Where each part and section starts (index into ``doc.lines``) and the 目录 entries."""

    toc: list[dict]
    body_start: int
    parts: dict[str, int]
    sections: dict[str, int]
    terms: dict[str, Line]

    @property
    def notes_start(self) -> int | None:
        """Where the 情况说明 begin: the 第三部分 heading, else its first section found."""
        if "fa_part3" in self.parts:
            return self.parts["fa_part3"]
        return min((i for k, i in self.sections.items() if k.startswith("fa_n")), default=None)


def parse_toc(doc: Document) -> tuple[list[dict], int]:
    """The 目录 entries (title, line, page) and the index of the first body line after them."""
    lines = doc.lines
    start = next((i for i, ln in enumerate(lines[:150]) if squash(ln.text) in ("目录", "目次")), None)
    if start is None:  # 目 and 录 set apart, on lines of their own (plain pdftotext)
        heads = [i for i, ln in enumerate(lines[:150]) if squash(ln.text)]
        start = next((b for a, b in zip(heads, heads[1:]) if squash(lines[a].text) == "目"
                      and squash(lines[b].text) in ("录", "次")), None)  # fmt: skip
    if start is None:
        return [], 0
    entries: list[dict] = []
    seen: set[str] = set()
    parts: set[str] = set()
    end = start + 1
    for i in range(start + 1, min(len(lines), start + 120)):
        ln = lines[i]
        text = re.sub(r"[….·]{2,}\s*\d*\s*$", "", ln.text.strip()).strip()
        norm = squash(text)
        if not norm:
            continue
        part = _PART.match(norm)
        if part and part.group(1) in parts:
            break  # a part listed again is the body's heading (its title maybe wrapped to the next line)
        # an entry seen before starts the body, unless the 目录's own page lists it twice (a 目录 defect)
        again = norm in seen and (ln.page is None or not entries or ln.page != entries[-1]["page"])
        if again or len(norm) > 60 or "。" in norm or "：" in norm[:12]:
            break
        if part:
            parts.add(part.group(1))
        if not (
            _PART.match(norm) or _HEADING.match(norm) or norm in ("表", "情况说明") or norm.endswith(("表", "说明"))
        ):
            if entries and entries[-1]["title"] and len(norm) <= 12:
                entries[-1]["title"] += text  # a wrapped entry
                seen.add(squash(entries[-1]["title"]))
                end = i + 1
                continue
            break
        if norm in ("表", "情况说明") and entries:
            entries[-1]["title"] += text
            end = i + 1
            continue
        seen.add(norm)
        entries.append({"title": text, "line": ln.line, "page": ln.page})
        end = i + 1
    return entries, end


def _add_term(t, line: Line, terms: dict[str, Line]) -> bool:
    """Record the 名词解释 term a `_TERM` match names, if it is one of :data:`TERMS`."""
    if not t:
        return False
    term = t.group(2)
    named = [name for name in TERMS if term.endswith(name) or term == name]
    for name in named:
        terms.setdefault(name, line)
    return bool(named)


def parse_structure(doc: Document) -> Structure:
    """Find the 目录, the four parts, the 说明 sections and the 名词解释 terms."""
    toc, body_start = parse_toc(doc)
    lines = doc.lines
    parts: dict[str, int] = {}
    sections: dict[str, int] = {}
    terms: dict[str, Line] = {}
    part = None
    for i in range(body_start, len(lines)):
        norm = squash(lines[i].text)
        if not norm or len(norm) > 60:
            continue
        m = _PART.match(norm)
        number = _CN[m.group(1)] if m else None
        if number is None and _TABLES_PART.search(norm) and "fa_part2" not in parts:
            number = 2  # the template titles the tables' part without 第二部分
        if number is not None:
            key = f"fa_part{number}"
            if key not in parts:
                parts[key] = i
                part = key
            continue
        if part == "fa_part4" or (part is None and norm.startswith("名词解释")):
            _add_term(_TERM.match(norm), lines[i], terms)
            continue
        if part == "fa_part3" and "fa_n11" in sections:
            # the terms after 说明十一 when the 第四部分 heading is left out (FA002 reports the part once,
            # not each of its terms): a numbered definition ("一、财政拨款收入：指…")
            t = _TERM.match(norm)
            if t and norm[t.end() :].startswith("指") and _add_term(t, lines[i], terms):
                continue
        h = _HEADING.match(norm)
        if h and not norm.endswith("。"):
            n = cn_number(h.group(1))
            title = h.group(2)
            if part in ("fa_part1", None):  # None: the 第一部分 heading is left out
                for key, pat in OVERVIEW.items():
                    if pat.search(title):
                        sections.setdefault(key, i)
            elif part == "fa_part2" and n is not None and 1 <= n <= 11 and _NOTES_TITLE.search(title):
                # a 说明 section after the tables when the 第三部分 heading is left out: FA002 reports
                # the part once, and its sections are still found
                sections.setdefault(f"fa_n{n}", i)
                part = "fa_part3"
            elif part == "fa_part3" and n is not None and 1 <= n <= 11:
                sections.setdefault(f"fa_n{n}", i)
            continue
        s = _SUB.match(norm)
        if s and part == "fa_part3" and "fa_n11" in sections and not norm.endswith("。"):
            for key, pat in OTHER_MATTERS.items():
                if pat.search(s.group(2)):
                    sections.setdefault(key, i)
    return Structure(toc=toc, body_start=body_start, parts=parts, sections=sections, terms=terms)


def record_structure(doc: Document, structure: Structure, meta: Meta) -> None:
    """Put the 目录 and the parts and sections found into ``meta``."""
    meta.toc = list(structure.toc)
    for key, i in [*structure.parts.items(), *structure.sections.items()]:
        ln = doc.lines[i]
        meta.sections[key] = Section(key=key, title=ln.text.strip(), line=ln.line, page=ln.page)
    for name, ln in structure.terms.items():
        key = f"fa_term:{name}"
        meta.sections[key] = Section(key=key, title=name, line=ln.line, page=ln.page)
    from ...builtin import required_sections  # the disclosure rules own the list

    meta.missing_sections = [k for k in required_sections(meta.kind) if k not in meta.sections]


def section_spans(doc: Document, structure: Structure) -> dict[str, tuple[int, int]]:
    """(start, end) line indices of each 说明 section and each 十一 sub-section."""
    marks = sorted(
        [(i, k) for k, i in structure.sections.items() if k.startswith("fa_n")]
        + [(i, k) for k, i in structure.parts.items()]
    )
    spans: dict[str, tuple[int, int]] = {}
    for n, (i, key) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(doc.lines)
        if key.startswith("fa_n"):
            spans[key] = (i + 1, end)
    if "fa_n11" in spans:
        start, end = spans["fa_n11"]
        subs = sorted((i, k) for k, i in structure.sections.items() if k in OTHER_MATTERS)
        for n, (i, key) in enumerate(subs):
            spans[key] = (i + 1, subs[n + 1][0] if n + 1 < len(subs) else end)
    return spans
