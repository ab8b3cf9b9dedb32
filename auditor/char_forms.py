"""Character forms the parsers do not expect, read as the ones they do, before any parser runs.

**Spaces.** Text copied from a web page or a Word file may space its cells and figures with no-break
spaces (U+00A0) or the typographic spaces U+2000–U+200A, U+202F, U+205F; they are read as ASCII
spaces (one for one), so that a cell gap is a gap and ``166,\u00a0408.\u00a036`` is read as the
OCR-spaced figure it is. The ideographic space U+3000 is a cell gap already and stays. Zero-width
characters (U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD) print nothing and are dropped.

**Figures in full-width characters** (``２，９４０．０５``, ``占９９．７９％``). Word documents typed with a
Chinese input method, and some PDF producers, print digits as full-width forms (U+FF10–FF19), with
a full-width comma or point between them and a full-width percent sign
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

Text without any of these characters is returned as it is (the common case costs one search per
line). Findings quote the figures in their ASCII form.
"""

from __future__ import annotations

from dataclasses import replace

from . import lazyre
from .document import Document, Line, split_cells

_ANY = lazyre.compile(r"[０-９]")
_ODD = lazyre.compile("[０-９\u00a0\u00ad\u2000-\u200d\u202f\u205f\u2060\ufeff]")
#: no-break and typographic spaces to a space; zero-width characters and the soft hyphen dropped
_SPACES = str.maketrans(
    dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f", " ")
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff")
)
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


def plain_characters(text: str) -> str:
    """`text` with its spaces in ASCII, its zero-width characters dropped and its figures in ASCII."""
    if not _ODD.search(text):
        return text
    return ascii_figures(text.translate(_SPACES))


def with_plain_characters(doc: Document) -> Document:
    """The document with every line's characters plain (:func:`plain_characters`): a copy, `doc` is
    left as it is."""
    changed = False
    lines: list[Line] = []
    for line in doc.lines:
        text = plain_characters(line.text)
        if text is line.text:
            lines.append(line)
            continue
        changed = True
        # cells with geometry keep their boxes; a text line's cells are split again, as a full-width
        # row's were split from a figure read as no amount and a no-break-spaced row's at no gap
        if line.cell_x:
            cells = tuple(map(plain_characters, line.cells))
        else:
            text = text.rstrip()
            cells = split_cells(text)
        lines.append(replace(line, text=text, cells=cells))
    return replace(doc, lines=lines) if changed else doc
