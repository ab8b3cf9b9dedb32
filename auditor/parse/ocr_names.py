"""A row name OCR misread, made whole from the document's own other readings of the same code.

The same function code prints the same name in every table of a disclosure (收入总表, 支出总表,
一般公共预算支出表 …: one 政府收支分类科目, one name). A scan can spoil one of those prints
and not the others: a wrapped name's tail that runs under the row's rule is printed half covered,
and the recogniser reads ``事冬古出`` for ``事务支出`` at confidence 0.87 while the other two tables
read the name whole. A name is corrected only when all of this holds:

- the document was recognised by auditor (each cell carries the recogniser's confidence);
- every other table that prints the code reads one and the same other name, confidently;
- the row's name is made of the recognised fragments on its lines, at least one of them below
  :data:`auditor.ocr_notes.LOW_CONFIDENCE`;
- the other reading keeps every confident fragment as it is and replaces each doubtful one by
  about as many characters (one fewer to one more).

A correction is a loader remark in ``meta.notes`` naming the row, the reading, its confidence and
the reading used. Figures are never corrected this way: a misread amount stays and its finding says
“可能是识别错误”.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pandas as pd

from .. import lazyre
from ..document import Document
from ..ocr_notes import LOW_CONFIDENCE

#: how far (in lines of the same page) a wrapped name's fragments can sit from its row's line
_NEAR = 2
_DIGIT = lazyre.compile(r"\d")


def reconcile_names(doc: Document, frames: dict[str, pd.DataFrame], notes: list[str]) -> None:
    """Correct, in the parser's own new `frames`, the OCR'd row names the rules above allow."""
    confidences = (doc.ocr or {}).get("confidence")
    if not confidences:
        return
    readings: dict[str, list[tuple[str, Any, str, int, int]]] = defaultdict(list)
    for key, frame in frames.items():
        if not {"code", "name", "page", "line"} <= set(frame.columns):
            continue
        for idx, code, name, page, line in zip(frame.index, frame["code"], frame["name"], frame["page"], frame["line"]):
            if isinstance(code, str) and code and isinstance(name, str) and name and not pd.isna(page):
                readings[code].append((key, idx, name, int(page), int(line)))
    lines_by_page: dict[int, list] = defaultdict(list)
    for ln in doc.lines:
        if ln.page is not None and (ln.page, ln.line) in confidences:
            lines_by_page[ln.page].append(ln)
    for code, rows in readings.items():
        names = {name for _, _, name, _, _ in rows}
        if len(names) < 2:
            continue
        tiled = {id(row): _fragments(row[2], lines_by_page[row[3]], row[4], confidences) for row in rows}
        for row in rows:
            key, idx, name, page, line = row
            others = [r for r in rows if r[2] != name]
            if len({r[2] for r in others}) != 1:
                continue
            if not all(tiled[id(r)] is not None and min(c for _, c in tiled[id(r)]) >= LOW_CONFIDENCE for r in others):
                continue
            fragments = tiled[id(row)]
            if fragments is None:
                continue
            doubtful = [c for _, c in fragments if c < LOW_CONFIDENCE]
            other = others[0][2]
            if doubtful and _pattern(fragments).fullmatch(other):
                frames[key].loc[idx, "name"] = other
                notes.append(
                    f"{key} line {line} page {page}: OCR read the name of {code} as {name!r} "
                    f"(confidence {min(doubtful):.2f}); the document's other tables that print {code} "
                    f"read {other!r}, used here"
                )


def _fragments(name: str, page_lines: list, line: int, confidences: dict) -> list[tuple[str, float]] | None:
    """The recognised cells, in reading order on the row's lines, that make up `name` end to end
    (each with its confidence); None when they do not."""
    out: list[tuple[str, float]] = []
    pos = 0
    for ln in page_lines:
        if abs(ln.line - line) > _NEAR:
            continue
        for cell, conf in zip(ln.cells, confidences[(ln.page, ln.line)]):
            text = cell.strip()
            if text and not _DIGIT.search(text) and name.startswith(text, pos):
                out.append((text, conf))
                pos += len(text)
    return out if out and pos == len(name) else None


def _pattern(fragments: list[tuple[str, float]]) -> re.Pattern:
    """Confident fragments as they are; a doubtful one as about as many characters of anything."""
    parts = [
        re.escape(text) if conf >= LOW_CONFIDENCE else f".{{{max(1, len(text) - 1)},{len(text) + 1}}}"
        for text, conf in fragments
    ]
    return re.compile("".join(parts))
