"""Rows of a 项目支出绩效目标申报表: 一级/二级/三级指标 and 指标值, rebuilt from OCR fragments.

Merged level cells are printed once, in the middle row of their group, so a level label is an
*anchor*: rows are assigned to the anchor whose group they fall in, choosing group boundaries so
each anchor sits at the centre of its group. Labels are recognised with the vocabulary of the
indicator framework (``auditor/data/kpi_framework.yaml``), fuzzily for OCR-damaged ones; cells
that are neither labels, names nor values (OCR noise in the label columns) are dropped.
"""

from __future__ import annotations

import functools
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import lazyre
from ..document import Line
from ..text import normalise
from ..yamltext import safe_load


@functools.cache
def framework() -> dict[str, list[str]]:
    """一级指标 -> allowed 二级指标."""
    text = resources.files("auditor").joinpath("data/kpi_framework.yaml").read_text(encoding="utf-8")
    return safe_load(text)["level1"]


@lru_cache(maxsize=1)
def _labels() -> tuple[dict[str, str], dict[str, str]]:
    fw = framework()
    level1 = {k: k for k in fw}
    parent = {l2: l1 for l1, l2s in fw.items() for l2 in l2s}
    return level1, parent


_VALUE_WORDS = lazyre.compile(
    r"^(?:提升|提高|健全|有效|及时|按时|按月|规范|适应|完善|达标|实现|顺利|较|同比|按照|上|≥|≤|<|>|=|\d)"
)
_OPERATOR = lazyre.compile(r"^\s*(≥|≤|>=|<=|=|＝|<|>|＜|＞)")
_NUM = lazyre.compile(r"(\d+(?:\.\d+)?)")
_GARBAGE_SCRIPT = lazyre.compile(r"[A-Za-z\u0400-\u04ff\u3040-\u30ff\u0100-\u024f/]")
_NAME_END = "率性数度量"
_SIDE = lazyre.compile(r"^(?:项目)?(?:绩效)?(?:指标|目标)?$|^项目绩效目标$|^绩效指标$|^绩效$|^指标$")


@lru_cache(maxsize=16384)  # pure in the cell text; the same cells are cleaned many times per table
def _clean(c: str) -> str:
    return _SPACES.sub("", normalise(c)).strip(":;,.!|")


_SPACES = lazyre.compile(r"\s+")
_LATIN = lazyre.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _labels_longest_first() -> tuple[str, ...]:
    level1, parent = _labels()
    return tuple(sorted([*level1, *parent], key=len, reverse=True))


@lru_cache(maxsize=4096)  # pure in the cell text; the same labels recur in every target table
def classify_label(cell: str) -> tuple[str, str] | None:
    """('level1'|'level2', label) when the cell is a level label or an OCR-damaged fragment of one."""
    c = _clean(cell)
    if not c:
        return None
    level1, parent = _labels()
    # "社会效益指标社会效益指标": doubled print
    for lab in _labels_longest_first():
        if c == lab or (c.startswith(lab) and c[len(lab) :] in (lab, lab[1:], lab[2:])):
            return ("level1" if lab in level1 else "level2", lab)
    for lab in _labels_longest_first():
        if len(c) >= 3 and lab.startswith(c) and len(c) >= len(lab) - 3:
            return ("level1" if lab in level1 else "level2", lab)
    return None


def is_label_tail(cell: str) -> bool:
    """A continuation fragment of a wrapped label ("标", "度指标")."""
    c = _clean(cell)
    return c in ("标", "指标", "度指标", "意度指标", "度", "指标:")


@lru_cache(maxsize=4096)  # pure in the cell text, like classify_label: the forms' cells recur
def _fuzzy_label(cell: str) -> str | None:
    c = _clean(cell)
    if not c or len(c) > 7:
        return None
    best = None
    chars = set(c)
    for lab, core in _label_cores():
        common = len(chars & core)
        if common >= 2 and (best is None or common > best[0]):
            best = (common, lab)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _label_cores() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each level label with the characters of its name without 指标, in label order."""
    level1, parent = _labels()
    return tuple((lab, frozenset(lab.replace("指标", ""))) for lab in [*level1, *parent])


_NO_WORD = lazyre.compile(r"[\W_\d]+")
_COUNTED = lazyre.compile(r"[%个人]")
_SPACE = lazyre.compile(r"\s")
_DIGIT = lazyre.compile(r"\d")
_HAN = lazyre.compile(r"[\u4e00-\u9fff]")
_POINT_THEN_HAN = lazyre.compile(r"\.\S*[\u4e00-\u9fff]")
_PUNCT_ONLY = lazyre.compile(r"[\W_]+")
_SHORT_HAN = lazyre.compile(r"[\u4e00-\u9fff]{1,4}")


def _is_garbage(cell: str) -> bool:
    c = cell.strip()
    if not c:
        return True
    if _NO_WORD.fullmatch(c):
        return True
    if _GARBAGE_SCRIPT.search(c) and not _COUNTED.search(c):
        return True
    if _SPACE.search(c) and not _OPERATOR.match(c) and not _DIGIT.match(c):
        return True
    if _DIGIT.search(c) and _HAN.search(c) and _POINT_THEN_HAN.search(c) and not _OPERATOR.match(c):
        return True
    return False


def _value_like(c: str) -> bool:
    c = c.strip()
    return bool(_OPERATOR.match(c) or _DIGIT.search(c) or _VALUE_WORDS.match(c) or len(c) <= 4)


def _merge_name(name: str, frag: str) -> str:
    frag = _LATIN.sub("", frag)
    if not frag or name.endswith(frag):
        return name
    for k in range(min(len(name), len(frag)), 0, -1):
        if name.endswith(frag[:k]):
            return name + frag[k:]
    return name + frag


def parse_value(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(operator, number, unit) of an 指标值: "≥5000(人)" -> ("≥", "5000", "人")."""
    if not value:
        return None, None, None
    v = normalise(value).replace("＝", "=")
    om = _OPERATOR.match(v)
    op = om.group(1) if om else None
    op = {">=": "≥", "<=": "≤"}.get(op, op)
    rest = v[om.end() :] if om else v
    nm = _NUM.search(rest)
    if not nm or (nm.start() > 0 and not om and not re.fullmatch(r"[^\d]{0,2}", rest[: nm.start()])):
        return op, None, None
    unit = rest[nm.end() :].strip().strip("()（）") or None
    if unit:
        unit = unit.replace("(", "").replace(")", "")
    return op, nm.group(1), unit


def _rows(table: list[Line]) -> list[tuple[Line, list[str]]]:
    start = next((i for i, ln in enumerate(table) if "一级指标" in ln.text), None)
    if start is None:
        return []
    out = []
    for ln in table[start + 1 :]:
        if not ln.text.strip():
            continue
        if "\t" not in ln.text and len([c for c in ln.cells if c.strip()]) < 2:
            break
        out.append((ln, [c.strip() for c in ln.cells if c.strip()]))
    return out


_TIME_HINT = lazyre.compile(r"及时|时间|按时|小时|天以内|分钟|按月|季度|时效")


def _assign(anchors: list[tuple[int, str]], n: int, timely: set[int] | None = None) -> list[str | None]:
    """Group rows 0..n-1 around anchors (row, label) so each anchor sits at its group's centre."""
    if not anchors:
        return [None] * n
    # merge consecutive duplicate labels
    merged: list[tuple[list[int], str]] = []
    for r, lab in anchors:
        if merged and merged[-1][1] == lab:
            merged[-1][0].append(r)
        else:
            merged.append(([r], lab))
    best: tuple[int, list[int]] | None = None
    # timely rows before each row: a group's mismatches counted in O(1), not row by row
    before = [0]
    for r in range(n):
        before.append(before[-1] + (timely is not None and r in timely))

    def search(i: int, s: int, cost: int, ends: list[int]) -> None:
        nonlocal best
        if best is not None and cost >= best[0]:
            return
        if i == len(merged):
            if s == n:
                best = (cost, list(ends))
            return
        rows, _ = merged[i]
        lo_anchor, hi_anchor = rows[0], rows[-1]
        if s > lo_anchor:
            return
        nxt = merged[i + 1][0][0] if i + 1 < len(merged) else n
        last = i + 1 == len(merged)
        for e in range(hi_anchor, (n - 1 if last else nxt - 1) + 1):
            if last and e != n - 1:
                continue
            centre2 = lo_anchor + hi_anchor
            imbalance = abs((centre2 - 2 * s) - (2 * e - centre2))
            if timely is not None:
                inside = before[e + 1] - before[s]  # timely rows in s..e
                imbalance += 5 * (e + 1 - s - inside if merged[i][1] == "时效指标" else inside)
            search(i + 1, e + 1, cost + imbalance, [*ends, e])

    search(0, 0, 0, [])
    out: list[str | None] = [None] * n
    if best is None:  # fall back to carry-over
        cur = None
        amap = dict(anchors)
        for r in range(n):
            cur = amap.get(r, cur)
            out[r] = cur
        return out
    s = 0
    for (_rows, lab), e in zip(merged, best[1]):
        for r in range(s, e + 1):
            out[r] = lab
        s = e + 1
    return out


def parse_indicator_table(table: list[Line], project: str | None) -> list[dict[str, Any]]:
    """Indicator records of one 绩效目标申报表 (rows from the 一级指标 header to the table's end)."""
    rows = _rows(table)
    parsed = []
    l1_anchors: list[tuple[int, str]] = []
    l2_anchors: list[tuple[int, str]] = []
    for r, (ln, cells) in enumerate(rows):
        rest: list[str] = []
        last_label = -1
        for i, c in enumerate(cells):
            lab = classify_label(c)
            if lab:
                (l1_anchors if lab[0] == "level1" else l2_anchors).append((r, lab[1]))
                last_label = i
                continue
            if is_label_tail(c) or _SIDE.match(_clean(c)):
                last_label = max(last_label, i) if not rest else last_label
                continue
            rest.append(c)
        # cells before the last label in the row are label-column noise
        rest = [
            c
            for c in cells[last_label + 1 :]
            if not classify_label(c) and not is_label_tail(c) and not _SIDE.match(_clean(c))
        ]
        rest = [c for c in rest if _OPERATOR.match(c) or not _PUNCT_ONLY.fullmatch(c.strip())]
        # leading noise: garbage, or a fuzzy label followed by a name-sized cell
        while len(rest) >= 2:
            head = rest[0]
            fl = _fuzzy_label(head)
            if _is_garbage(head):
                if fl:
                    (l1_anchors if fl in _labels()[0] else l2_anchors).append((r, fl))
                rest = rest[1:]
                continue
            if len(_clean(head)) <= 6 and len(rest) >= 3 and _is_garbage(rest[1]):
                rest = rest[2:]
                continue
            if (
                len(rest) >= 3
                and len(_clean(head)) <= 6
                and len(_clean(rest[1])) >= 5
                and not _SPACE.search(rest[1])
                and not _value_like(rest[1])
                and head[-1] not in _NAME_END
            ):
                rest = rest[1:]
                continue
            break
        if not rest:
            continue
        name = _clean(rest[0])
        i = 1
        while i < len(rest):
            c = _clean(rest[i])
            if not c:
                i += 1
                continue
            parts = rest[i].split()
            if len(parts) > 1 and _SHORT_HAN.fullmatch(parts[0]) and (parts[0][-1] in _NAME_END or len(parts[0]) <= 2):
                name = _merge_name(name, parts[0])
                if i + 1 == len(rest):
                    rest[i] = " ".join(parts[1:])
                    break
                i += 1
                continue
            more = i + 1 < len(rest)
            is_frag = (
                (len(c) <= 4 and c[-1] in _NAME_END and not _DIGIT.search(c) and (more or not name.endswith(c)))
                or (more and name.endswith(c))
                or (
                    more
                    and len(c) <= 3
                    and not _OPERATOR.match(c)
                    and not _DIGIT.search(c)
                    and not _VALUE_WORDS.match(c)
                    and not _is_garbage(rest[i])
                )
            )
            if is_frag:
                name = _merge_name(name, c)
                i += 1
                continue
            break
        vparts = [p.strip() for p in rest[i:] if not _PUNCT_ONLY.fullmatch(_clean(p) or "!") or _OPERATOR.match(p)]
        vparts = [p for p in vparts if _clean(p)]
        if len(vparts) > 1:
            vparts = [p for p in vparts if not _is_garbage(p) or _OPERATOR.match(p)] or vparts
        value = "".join(_SPACES.sub("", p) for p in vparts) or None
        parsed.append((r, ln, name, value))
    n = len(rows)
    _, parent = _labels()
    timely = {r for r, _, name, value in parsed if _TIME_HINT.search(f"{name}{value or ''}")}
    l2 = _assign(l2_anchors, n, timely)
    l1 = _assign(l1_anchors, n)
    out = []
    for r, ln, name, value in parsed:
        level2 = l2[r]
        level1 = parent.get(level2) if level2 else l1[r]
        op, num, unit = parse_value(value)
        out.append(
            {
                "project": project,
                "level1": level1,
                "level2": level2,
                "name": name,
                "value": value,
                "operator": op,
                "number": num,
                "unit": unit,
                "line": ln.line,
                "page": ln.page,
            }
        )
    return out
