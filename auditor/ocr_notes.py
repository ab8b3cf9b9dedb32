"""OCR provenance on findings: a finding on a figure that may have been misread says so.

A document read by OCR (``budget.meta.from_ocr``: auditor's own recognition, or a text layer an
OCR tool wrote) can be wrong where the printed page is right. A finding whose value the recogniser
read with low confidence, or that a one-digit change would resolve (expected and actual differ in
one digit only), gets the note “可能是识别错误” with the recogniser's confidence, so a reviewer can
tell a misreading from a defect of the document. The finding itself is kept: the page decides.

Applied by the built-in plugin's ``auditor_modify_findings``; it reads the Budget's document
(``document.ocr["confidence"]``: per-cell confidences keyed by page and line), never parser internals.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import lazyre

#: A recognised cell below this confidence may be misread (a clean scan reads at 0.99 and above).
LOW_CONFIDENCE = 0.9

_DIGITS = lazyre.compile(r"\d")
NOTE = "可能是识别错误"


def _significant(value: Any) -> str:
    """The digits of a printed figure without leading zeros and trailing zero decimals."""
    text = str(value).strip()
    if "." in text:
        whole, frac = text.split(".", 1)
        frac = frac.rstrip("0")
        text = whole + ("." + frac if frac else "")
    return "".join(_DIGITS.findall(text)).lstrip("0")


def one_digit_apart(a: Any, b: Any) -> bool:
    """True when two printed figures have the same digits but one (a single misread digit):
    compared as printed (``…797.42`` / ``…797.40``), else without trailing zero decimals
    (``1,234`` / ``1,284.00``)."""
    if a is None or b is None:
        return False
    for da, db in (
        ("".join(_DIGITS.findall(str(a))).lstrip("0"), "".join(_DIGITS.findall(str(b))).lstrip("0")),
        (_significant(a), _significant(b)),
    ):
        if da and db and len(da) == len(db):
            return sum(1 for x, y in zip(da, db) if x != y) == 1
    return False


def cell_confidence(budget: Any, page: int | None, line: int | None, value: Any = None) -> float | None:
    """The recogniser's confidence for the cell on (page, line) that prints `value` (or, without a
    matching cell, the lowest on the line); None when the line was not recognised by auditor."""
    document = getattr(budget, "document", None)
    ocr = getattr(document, "ocr", None) or {}
    confidences = ocr.get("confidence") or {}
    if page is None or line is None or (page, line) not in confidences:
        return None
    confs = confidences[(page, line)]
    cells: tuple = ()
    for ln in document.lines:
        if ln.page == page and ln.line == line:
            cells = ln.cells
            break
    want = _significant(value) if value is not None else ""
    if want:
        matching = [c for cell, c in zip(cells, confs) if _significant(cell) == want]
        if matching:
            return min(matching)
    return min(confs) if confs else None


def note_for(finding: Any, budget: Any) -> str | None:
    """The misreading note for one finding on an OCR document, or None."""
    loc = finding.location
    conf = cell_confidence(budget, loc.page, loc.line, finding.actual)
    low = conf is not None and conf < LOW_CONFIDENCE
    one_digit = one_digit_apart(finding.expected, finding.actual)
    if not (low or one_digit):
        return None
    shown = f"识别置信度 {conf:.2f}" if conf is not None else "文本由 OCR 生成"
    why = f"与应有值只差一位数字，{shown}" if one_digit else shown
    return f"{NOTE}（{why}），请核对原件"


def annotate(findings: list[Any], budget: Any) -> list[Any] | None:
    """The findings with the misreading note added where it applies; None when nothing changes."""
    meta = getattr(budget, "meta", None)
    if budget is None or not getattr(meta, "from_ocr", False):
        return None
    out = []
    changed = False
    for f in findings:
        note = note_for(f, budget) if "internal" not in f.tags else None
        if note and NOTE not in (f.note or ""):
            f = replace(f, note=f"{f.note}；{note}" if f.note else note)
            changed = True
        out.append(f)
    return out if changed else None
