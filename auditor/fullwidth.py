"""Figures printed in full-width characters (``２，９４０．０５``, ``占９９．７９％``), read as ASCII.

Word documents typed with a Chinese input method, and some PDF producers, print digits as full-width
forms (U+FF10–FF19), with a full-width comma or point between them and a full-width percent sign
after them. Every parser reads ASCII figures; a full-width one would be read as a different number
(``２４，５５８．１８`` cut at its comma) or as none, and the checks built on it would fail
falsely. So before any parser runs, each run of figures that holds a full-width character is
rewritten in ASCII, one character for one (a line's length and its cells' offsets do not change):

- the digits ``０``–``９`` become ``0``–``9``;
- inside such a run, ``，`` followed by exactly three digits becomes ``,`` (a thousands separator;
  a ``，`` that is a Chinese comma between two figures, ``1，2``, is left as it is), and so does one
  followed by one or two digits after such a group (``４１，６７２，６９``: a comma printed for the
  decimal point, which the number reader reads as malformed); ``．`` between digits becomes ``.``;
- a ``％`` right after the run becomes ``%``.

Text without full-width digits is returned as it is (the common case costs one search per line).
Findings quote the figures in their ASCII form.
"""

from __future__ import annotations

from dataclasses import replace

from . import lazyre
from .document import Document, Line, split_cells

_ANY = lazyre.compile(r"[０-９]")
#: a run of figures holding a full-width digit, separators and a percent sign after it included
_RUN = lazyre.compile(
    r"[0-9０-９](?:[0-9０-９]|[，,](?=[0-9０-９]{3}(?![0-9０-９]))|(?<=[，,][0-9０-９]{3})[，,](?=[0-9０-９]{1,2}(?![0-9０-９]))"
    r"|[．.](?=[0-9０-９]))*％?"
)
_ASCII = str.maketrans("０１２３４５６７８９，．％", "0123456789,.%")


def ascii_figures(text: str) -> str:
    """`text` with its full-width figures in ASCII, same length; `text` itself when it has none."""
    if not _ANY.search(text):
        return text
    return _RUN.sub(_ascii_run, text)


def _ascii_run(match) -> str:
    run = match.group(0)
    return run.translate(_ASCII) if _ANY.search(run) else run


def with_ascii_figures(doc: Document) -> Document:
    """The document with every line's figures in ASCII: a copy, `doc` is left as it is."""
    changed = False
    lines: list[Line] = []
    for line in doc.lines:
        text = ascii_figures(line.text)
        if text is line.text:
            lines.append(line)
            continue
        changed = True
        # cells with geometry keep their boxes; a text line's cells are split again from the ASCII,
        # as a full-width row's were split from a figure read as no amount
        cells = tuple(map(ascii_figures, line.cells)) if line.cell_x else split_cells(text)
        lines.append(replace(line, text=text, cells=cells))
    return replace(doc, lines=lines) if changed else doc
