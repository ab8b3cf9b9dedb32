"""Recognised boxes to located lines: the OCR → rows stage, pure geometry (no image, no extra needed).

A recognised page (``ocr.read_page``, or the page cache) holds the recogniser's boxes, each with its
text, its confidence and, for every character, the x extent at which the recogniser placed it; and
the page's vertical table rules. Here they become positioned glyphs in PDF points and go through the
line builder a text layer goes through (``pdf.lines_from_glyphs``), so the parsers read a scan as
they read a text layer. Three things make the rows the same as the text layer's (measured on the
scanned corpus, docs/ocr.md):

- **Characters where the recogniser saw them.** A detection box is padded beyond its ink and can
  run over a table rule into the next column; spreading its text evenly over the box put characters
  a character or more off (``82,096,797.42`` cut into ``8`` | ``2,096,797.4`` | ``21`` at the rules,
  ``购房补贴`` into ``购`` | ``房补贴``). Each character keeps its own extent instead; only a box the
  recogniser gave no character positions for is spread evenly.
- **A vertical rule always separates cells**, however close the text on either side (a right-aligned
  amount touches its rule, and the next column's text starts just past it).
- **The same ink read twice is kept once.** Detection boxes overlap where text runs up to a rule:
  the last character of one column (``出``) or the first of the next (the ``1`` of ``13,819,399.88``)
  is read in both boxes; of two characters that cover the same place on a line, the one read with
  the higher confidence stays.

Numbers are normalised here too (``normalise``), so the cache keeps what the recogniser read.
"""

from __future__ import annotations

import unicodedata

from .. import lazyre
from ..document import Line
from .glyph_lines import Glyph, _group_rows, lines_from_glyphs

#: A detection box is padded around the ink; its middle this share of its height is the glyph
#: height a text layer would give (so the line builder's gap thresholds mean the same).
GLYPH_HEIGHT = 0.72
#: Two characters of different boxes on one line covering more than this share of the narrower
#: one's width are the same ink read twice.
SAME_INK = 0.5
#: ... or this share when one of them was read unsure (below UNSURE): the cut-off edge of a
#: character that the next box reads whole (the `1` of `13,819,399.88`, read at 0.53 at the end
#: of the box before, overlapped the whole one by a third).
SAME_INK_UNSURE = 0.25
UNSURE = 0.9


class OcrGlyph(Glyph):
    """A glyph that remembers the confidence of its box and of itself, and which box it came from."""

    __slots__ = ("conf", "char_conf", "box")

    def __init__(self, ch, left, right, bottom, top, conf, char_conf, box):
        super().__init__(ch, left, right, bottom, top)
        self.conf = conf
        self.char_conf = char_conf
        self.box = box


def char_weight(ch: str) -> float:
    """Relative printed width: a CJK / full-width character is twice a digit or Latin letter."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def glyphs_of(boxes: list[list]) -> list[OcrGlyph]:
    """Each box's characters at the x extents the recogniser placed them (spread over the box's width,
    a CJK character twice a digit's, when it placed none), at the height a text layer's glyph would
    have; the same ink read in two boxes kept once."""
    out: list[OcrGlyph] = []
    for n, box in enumerate(boxes):
        raw, left, right, bottom, top, conf = box[:6]
        chars = box[6] if len(box) > 6 else None
        text = normalise(raw)  # here, not in the worker: the cache keeps what the recogniser read
        mid = (top + bottom) / 2
        half = (top - bottom) * GLYPH_HEIGHT / 2
        ink = [c for c in text if not c.isspace()]
        if chars and len(chars) == len(ink):
            ink = _bracket_widths(ink, chars)
            for ch, (x0, x1), c in zip(ink, _extents(text, chars, 2 * half), (c for _, _, c in chars)):
                out.append(OcrGlyph(ch, x0, x1, mid - half, mid + half, conf, c, n))
            continue
        weights = [char_weight(c) for c in text]
        scale = (right - left) / (sum(weights) or 1.0)
        x = left
        for ch, w in zip(text, weights):
            nxt = x + w * scale
            if not ch.isspace():
                out.append(OcrGlyph(ch, x, nxt, mid - half, mid + half, conf, conf, n))
            x = nxt
    return _read_once(out)


_HALF_BRACKET = {"（": "(", "）": ")"}
_FULL_BRACKET = {"(": "（", ")": "）"}
#: The room a half-width bracket takes, in Chinese character widths (a full-width one takes 1).
HALF_BRACKET_EM = 1 / 3


def _bracket_widths(ink: list[str], chars: list) -> list[str]:
    """Brackets as printed, half- or full-width, told by the room they take.

    The recogniser cannot tell `(` from `（` by shape (``normalise`` makes brackets touching Chinese
    text full-width, the common case), but a full-width bracket takes a Chinese character's room and
    a half-width one a third of it. Where the box has Chinese characters side by side to measure
    their pitch (one em), a bracket between two characters of known width (Chinese: one em, digits
    and Latin letters: half) is read by the distance between their centres: nearer the distance a
    half-width bracket leaves (`维修(护)费`, measured 1.35-1.49 em against 1.33) or a full-width
    one (`办公厅（室）`, 2.0 em against 2.0).
    """
    centres = [(x0 + x1) / 2 for x0, x1, _ in chars]
    pitches = sorted(
        centres[i + 1] - centres[i] for i in range(len(ink) - 1) if _chinese(ink[i]) and _chinese(ink[i + 1])
    )
    if not pitches:
        return ink
    pitch = pitches[len(pitches) // 2]
    out = list(ink)
    for i, ch in enumerate(ink):
        if ch not in "()（）" or i == 0 or i == len(ink) - 1:
            continue
        widths = [_printed_width(ink[i - 1]), _printed_width(ink[i + 1])]
        if None in widths:
            continue
        sides = (widths[0] + widths[1]) / 2
        distance = (centres[i + 1] - centres[i - 1]) / pitch
        if distance <= 0:
            continue
        half, full = sides + HALF_BRACKET_EM, sides + 1.0
        out[i] = _HALF_BRACKET.get(ch, ch) if distance < (half + full) / 2 else _FULL_BRACKET.get(ch, ch)
    return out


def _printed_width(ch: str) -> float | None:
    """A character's printed width in em where it is known: Chinese 1, digits and Latin letters 0.5."""
    if _chinese(ch):
        return 1.0
    if ch.isascii() and ch.isalnum():
        return 0.5
    return None


def _chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _extents(text: str, chars: list, em: float) -> list[tuple[float, float]]:
    """The printed extent of each non-space character of a box, from where the recogniser placed it.

    The recogniser gives each character's centre well, but one width for all characters of a box
    (learnt from its digit runs), so a Chinese character came out half as wide as it prints and a
    text line became a row of gaps (``住房 保障 支出``, ``一、 一般…``). A text layer's character box
    is its advance, full width for Chinese. So: a Chinese or full-width character is at least one em
    (the glyph height) wide about its centre, and characters of a box that no space separates meet
    halfway between their centres when less than an em apart (the recogniser saw no space there).
    Where the text has a space, or the gap is wider (a cell gap), both sides keep their edges.
    """
    spaced_after: list[bool] = []
    for ch in text:
        if ch.isspace():
            if spaced_after:
                spaced_after[-1] = True
        else:
            spaced_after.append(False)
    ink = [c for c in text if not c.isspace()]
    out: list[list[float]] = []
    for ch, (x0, x1, _c) in zip(ink, chars):
        x1 = max(x1, x0 + 0.1)
        if char_weight(ch) == 1.0 and x1 - x0 < em:
            centre = (x0 + x1) / 2
            x0, x1 = centre - em / 2, centre + em / 2
        out.append([x0, x1])
    for i in range(len(out) - 1):
        if spaced_after[i]:
            continue
        a, b = out[i], out[i + 1]
        centre_a, centre_b = (a[0] + a[1]) / 2, (b[0] + b[1]) / 2
        meet = (centre_a + centre_b) / 2
        if centre_a < meet < centre_b and b[0] - a[1] < em:
            a[1] = meet
            b[0] = meet
    return [(x0, x1) for x0, x1 in out]


def _read_once(glyphs: list[OcrGlyph]) -> list[OcrGlyph]:
    """Drop a character that another box's character covers on the same line, keeping the one read
    with the higher confidence (see the module doc)."""
    drop: set[int] = set()
    for row in _group_rows(list(glyphs)):
        chars = sorted(row.chars, key=lambda g: g.left)
        for i, a in enumerate(chars):
            if id(a) in drop:
                continue
            for b in chars[i + 1 :]:
                if b.left >= a.right:
                    break
                if id(b) in drop or b.box == a.box:
                    continue
                narrower = min(a.right - a.left, b.right - b.left) or 1e-6
                share = SAME_INK if min(a.char_conf, b.char_conf) >= UNSURE else SAME_INK_UNSURE
                if min(a.right, b.right) - max(a.left, b.left) > share * narrower:
                    loser = b if (b.char_conf, b.conf) < (a.char_conf, a.conf) else a
                    drop.add(id(loser))
                    if loser is a:
                        break
    return [g for g in glyphs if id(g) not in drop] if drop else glyphs


def page_lines(result: dict) -> tuple[list[Line], dict[tuple[int, int], tuple[float, ...]]]:
    """The located lines of a recognised page, and each line's per-cell recogniser confidence (the
    lowest confidence of the boxes the cell's characters came from)."""
    page = result["page"]
    glyphs = glyphs_of(result["boxes"])
    rules = [tuple(r) for r in result.get("rules") or ()]
    lines = lines_from_glyphs(glyphs, page, rules=rules)
    confidence: dict[tuple[int, int], tuple[float, ...]] = {}
    rows = _group_rows(list(glyphs))  # the same grouping the line builder made, for the confidences
    if len(rows) == len(lines):
        for line, row in zip(lines, rows):
            confs = []
            for left, right in line.cell_x:
                inside = [g.conf for g in row.chars if left - 0.2 <= g.left and g.right <= right + 0.2]
                confs.append(round(min(inside), 4) if inside else 1.0)
            confidence[(page, line.line)] = tuple(confs)
    return lines, confidence


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: a thousands separator: a comma (either width) before exactly three digits, spaces around it dropped
_GROUP = lazyre.compile(r"(?<=\d)[ \t]*[,，][ \t]*(?=\d{3}(?!\d))")
#: a decimal point (either width) before the one or two decimals of an amount, spaces around it
#: dropped; a list number before a year (``1. 2025年``, ``4．2025年``) is not a decimal point
_POINT = lazyre.compile(r"(?<=\d)[ \t]*[.．][ \t]*(?=\d{1,2}(?!\d))")

_CJK = "\u4e00-\u9fff\u3007（）"
#: a bracket touching Chinese text: the recogniser writes ASCII brackets for the full-width ones
#: Chinese text prints, and cannot tell the two apart, so they are read as the full-width form
_OPEN = lazyre.compile(rf"\((?=[{_CJK}])|(?<=[{_CJK}])\(")
_CLOSE = lazyre.compile(rf"\)(?=[{_CJK}])|(?<=[{_CJK}])\)")


def normalise(text: str) -> str:
    """Digits and the separators between them as a text layer prints them: digit groups the
    recogniser spaced apart (``119, 385, 303``) glued, full-width digits and separators inside a
    number made ASCII, brackets touching Chinese text full-width.

    Only separators between digits change, and a comma only before a group of three: a full-width
    comma in prose (``增加10，2024年``) stays as printed. Apart from whitespace, every character maps
    to one character, so the recogniser's character positions still apply.
    """
    text = text.translate(_FULLWIDTH_DIGITS)
    if "(" in text or ")" in text:
        text = _CLOSE.sub("）", _OPEN.sub("（", text))
    if not any(c.isdigit() for c in text):
        return text
    return _POINT.sub(".", _GROUP.sub(",", text))
