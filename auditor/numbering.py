"""Numbering of headings and list items, read one way everywhere.

Disclosures number their parts in the Chinese official style and OCR or text extraction varies the
punctuation, so one parser reads every form:

==========  ====================================  =====
style       printed as                             level
==========  ====================================  =====
``一、``    ``一、`` ``一.`` ``一．`` ``十二、``      1
``（一）``  ``（一）`` ``(一)`` ``一）`` (OCR lost ``（``)  2
``1.``      ``1.`` ``1、`` ``1．`` ``1 .`` (never ``1.5``) 3
``（1）``   ``（1）`` ``(1)``                          4
``①``       ``①`` … ``⑳``                              5
``第一章``  ``第一部分`` ``第二章`` ``第三节`` ``第四条``   0
==========  ====================================  =====

``parse(text)`` gives the :class:`Number` at the start of a text (leading spaces allowed),
``strip(text)`` the text without it, ``match(text)`` the marker as a regular-expression match for
callers that need one (the same markers ``parse`` reads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lazyre

CHINESE_NUMERAL = "〇零一二三四五六七八九十百"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = f"[{CHINESE_NUMERAL}]{{1,4}}"

#: One pattern for every marker; the named group tells the style. It is compiled once (its classes
#: of CJK numerals cost ≈ 4 ms to compile) and read both ways by :func:`match`.
_MARKERS = lazyre.compile(
    rf"""[ \t\u3000]*(?:
        (?P<cn>{_CN})[ \t]*(?P<cn_sep>[、.．])
      | [（(][ \t]*(?P<pcn>{_CN})[ \t]*[）)]
      | (?P<ocn>{_CN})[）)]
      | [（(][ \t]*(?P<pn>\d{{1,3}})[ \t]*[）)]
      | (?P<n>\d{{1,2}})[ \t]*(?P<n_sep>[.．、])
      | (?P<circled>[{CIRCLED}])
      | 第(?P<part>{_CN}|\d{{1,3}})(?P<part_unit>部分|[部章节条])
    )[ \t\u3000]*""",
    re.VERBOSE,
)

STYLES = {"cn": "一、", "pcn": "（一）", "ocn": "（一）", "pn": "（1）", "n": "1.", "circled": "①", "part": "第一章"}
LEVELS = {"一、": 1, "（一）": 2, "1.": 3, "（1）": 4, "①": 5, "第一章": 0}


@dataclass(frozen=True)
class Number:
    """A parsed marker: its style, its value, its level, and where it sits in the text."""

    style: str  # one of STYLES' values: "一、" "（一）" "1." "（1）" "①" "第一章"
    value: int
    marker: str  # the marker as printed, without the spaces around it
    start: int  # offset of the marker in the text
    end: int  # offset just after the marker and the spaces following it
    separator: str = ""  # 、 . or ． after 一 / 1 (empty for the bracketed and circled styles)

    @property
    def level(self) -> int:
        return LEVELS[self.style]


_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 一百零五 -> 105; None for anything else."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def parse(text: str, pos: int = 0, *, loose: bool = False, items_only: bool = False) -> Number | None:
    """The numbering marker at ``text[pos:]`` (after optional spaces), or None.

    ``loose``: a list of titles, where an arabic marker may run into digits (``1.2024年部门…``).
    ``items_only``: list-item numbering only, not the parts of a document (``第二部分``).
    """
    m = match(text, pos, loose=loose)
    if m is None:
        return None
    n = _number(m)
    return None if items_only and n is not None and n.style == "第一章" else n


def match(text: str, pos: int = 0, *, loose: bool = False) -> re.Match | None:
    """The numbering marker at ``text[pos:]`` as a match (its named group tells the style), or None.

    An arabic number followed by a digit after its separator is a number, not an item (``1.5``),
    unless ``loose``: in a list of titles (目录, 表 items) ``1.2024年…`` is item 1 followed by a year.
    The digit is tested after the match (``str.isdecimal`` is the ``\\d`` of ``re``): no other
    style begins with a digit, so this is the match a ``(?!\\d)`` after the separator would give.
    """
    m = _MARKERS.match(text, pos)
    if m is not None and not loose and m.group("n") is not None:
        after = m.end("n_sep")
        if text[after : after + 1].isdecimal():
            return None
    return m


def _number(m: re.Match) -> Number | None:
    group = next(g for g in STYLES if m.group(g) is not None)
    value = chinese_number(m.group(group)) if group != "circled" else CIRCLED.index(m.group(group)) + 1
    if value is None:
        return None
    separator = m.group("cn_sep") or m.group("n_sep") or ""
    marker = m.group(0).strip(" \t\u3000")
    start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip(" \t\u3000")))
    return Number(STYLES[group], value, marker, start, m.end(), separator)


@lru_cache(maxsize=8192)  # headings and item labels repeat across rules
def strip(text: str, *, loose: bool = False) -> str:
    """The text without its leading numbering marker (and the spaces around it)."""
    m = match(text, loose=loose)
    return text[m.end() :] if m else text


def items(text: str, style: str = "1.", boundaries: str = "\n。;；") -> list[tuple[int, int, int]]:
    """Numbered items of a list inside a text: ``(number, start, end)`` of each item's body.

    An item starts at the beginning of the text or after one of ``boundaries``, with a marker of
    ``style``; numbers must run 1, 2, 3… (a stray ``3.`` before any ``1.`` is not an item).
    """
    marks = []
    expected = 1
    positions = [0] + [i + 1 for i, ch in enumerate(text) if ch in boundaries]
    for pos in positions:
        n = parse(text, pos)
        if n is not None and n.style == style and n.value == expected:
            marks.append((n.value, pos, n.end))
            expected += 1
    out = []
    for i, (value, _s, e) in enumerate(marks):
        end = marks[i + 1][1] if i + 1 < len(marks) else len(text)
        out.append((value, e, end))
    return out
