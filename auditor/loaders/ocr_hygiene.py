"""Scan hygiene: what a page image needs before and after recognition so its rows rebuild exactly.

Each step answers a failure measured on rendered and degraded copies of the corpus pages (150 dpi,
JPEG quality 60, noise, ±1° skew); docs/ocr.md gives the numbers.

- ``orientation``: a page scanned sideways or upside down is turned upright. Text lines of an
  upright or upside-down page give wide detection boxes, of a sideways page tall ones; which of
  the two remaining turns is right is decided by the recogniser's confidence on a few crops
  (it reads upside-down Chinese with much lower confidence). No extra system dependency.
- ``skew_angle``/``rotate``: deskew by projection profile. At 2° of skew a table row's right end
  sits a row's height above its left end and rows no longer rebuild; the angle that makes the
  row profile of the ink sharpest (largest squared change between adjacent rows) is the skew.
- ``table_rules``/``erase``/``split_at_rules``: rules are erased before recognition; a right-aligned amount touches the table rule of its
  column and the detector merges it with the next cell (``1,867,397.5466,410,000.00``,
  ``371,514,655.00一、…``); a box that straddles a vertical rule is split there.
- ``normalise``: digit groups the recogniser spaced apart (``119, 385, 303``) are glued and
  full-width digits and separators inside a number become ASCII, as in a text layer; brackets
  touching Chinese text become full-width (the recogniser writes ``(`` for ``（``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

#: Bump when a step changes what a page yields: the cache key includes it.
HYGIENE_VERSION = 1

#: Largest skew searched (degrees): a scanner's feeder skews by a degree or two.
MAX_SKEW = 3.0


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """1 where there is ink (Otsu threshold; robust to JPEG noise and grey paper)."""
    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image rotated by `angle` degrees (counter-clockwise) about its centre, white outside."""
    if abs(angle) < 1e-3:
        return gray
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _profile_score(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.int64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(gray: np.ndarray, max_deg: float = MAX_SKEW) -> float:
    """The rotation (degrees) that levels the page's rows: coarse search, then a fine one."""
    mask = ink_mask(gray)
    small = cv2.resize(mask, (mask.shape[1] // 2, mask.shape[0] // 2), interpolation=cv2.INTER_NEAREST)
    if small.sum() < 50:
        return 0.0
    coarse = np.arange(-max_deg, max_deg + 1e-9, 0.25)
    best = max(coarse, key=lambda a: _profile_score(small, a))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    best = max(fine, key=lambda a: _profile_score(mask, a))
    return round(float(best), 2)


@dataclass(frozen=True, slots=True)
class TableRule:
    """A vertical table rule: its x and vertical extent, in pixels."""

    x: float
    top: float
    bottom: float


def table_rules(gray: np.ndarray, min_len: int) -> tuple[list[TableRule], np.ndarray]:
    """The vertical table rules (strokes at least `min_len` pixels long and a few wide) and a mask of
    every rule, vertical or horizontal, to erase before recognition: a 一 that touches a rule is
    read as part of it and dropped (一般行政管理事务 came out as 般行政管理事务)."""
    mask = ink_mask(gray)
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, min_len))))
    horizontal = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, 2 * min_len), 1))
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    rules: list[TableRule] = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if h >= min_len and w <= max(6, min_len // 6):
            rules.append(TableRule(x + w / 2, float(y), float(y + h)))
    erase = cv2.dilate(vertical | horizontal, np.ones((3, 3), np.uint8))
    return rules, erase


def erase(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of the image with the masked pixels white."""
    out = gray.copy()
    out[mask > 0] = 255
    return out


def char_weight(ch: str) -> float:
    """Relative printed width: a CJK / full-width character is twice a digit or Latin letter."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


@dataclass(slots=True)
class Box:
    """A recognised text box, axis-aligned, in pixels of the upright page image."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    conf: float


def split_at_rules(boxes: list[Box], rules: list[TableRule], pad: float = 0.45, margin: float = 3.0) -> list[Box]:
    """Split each box where a vertical rule crosses it (between the characters nearest the rule),
    and keep every box `pad` of its height clear of the rules beside it.

    The clearance makes the gap across a rule at least about a line height wide, so the line builder
    (which splits cells at gaps, as in a text layer) never joins the cells on either side of a rule:
    detection boxes are padded and an amount right-aligned against a rule would otherwise run into
    the next column's text.
    """
    out: list[Box] = []
    for box in boxes:
        mid = (box.top + box.bottom) / 2
        near = [r.x for r in rules if r.top <= mid <= r.bottom]
        cuts = sorted(x for x in near if box.left + margin < x < box.right - margin)
        pieces = _cut(box, cuts) if cuts and len(box.text) >= 2 else [box]
        for piece in pieces:
            out.append(_clear_of(piece, near, pad * (piece.bottom - piece.top)))
    return out


def _clear_of(box: Box, xs: list[float], pad: float) -> Box:
    left, right = box.left, box.right
    centre = (left + right) / 2
    for x in xs:
        if left - pad <= x <= centre:
            left = max(left, x + pad)
        elif centre < x <= right + pad:
            right = min(right, x - pad)
    if right - left < 0.3 * (box.right - box.left):  # a box narrower than its clearance: keep it
        return box
    return Box(box.text, left, right, box.top, box.bottom, box.conf)


def _cut(box: Box, cuts: list[float]) -> list[Box]:
    weights = [char_weight(c) for c in box.text]
    total = sum(weights) or 1.0
    scale = (box.right - box.left) / total
    edges = [box.left]
    for w in weights:
        edges.append(edges[-1] + w * scale)  # edges[i]: left of character i
    pieces: list[Box] = []
    start = 0
    left = box.left
    for x in cuts:
        # the character boundary nearest the rule
        k = min(range(start + 1, len(box.text)), key=lambda i: abs(edges[i] - x), default=None)
        if k is None or k <= start:
            continue
        pieces.append(Box(box.text[start:k], left, x, box.top, box.bottom, box.conf))
        start, left = k, x
    pieces.append(Box(box.text[start:], left, box.right, box.top, box.bottom, box.conf))
    out = []
    for p in pieces:
        stripped = p.text.strip()
        if stripped:
            out.append(Box(stripped, p.left, p.right, p.top, p.bottom, p.conf))
    return out


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: a thousands separator: a comma (either width) before exactly three digits, spaces around it dropped
_GROUP = re.compile(r"(?<=\d)[ \t]*[,，][ \t]*(?=\d{3}(?!\d))")
#: a decimal point (either width) before the one or two decimals of an amount, spaces around it
#: dropped; a list number before a year (``1. 2025年``, ``4．2025年``) is not a decimal point
_POINT = re.compile(r"(?<=\d)[ \t]*[.．][ \t]*(?=\d{1,2}(?!\d))")


_CJK = "\u4e00-\u9fff\u3007（）"
#: a bracket touching Chinese text: the recogniser writes ASCII brackets for the full-width ones
#: Chinese text prints, and cannot tell the two apart, so they are read as the full-width form
_OPEN = re.compile(rf"\((?=[{_CJK}])|(?<=[{_CJK}])\(")
_CLOSE = re.compile(rf"\)(?=[{_CJK}])|(?<=[{_CJK}])\)")


def normalise(text: str) -> str:
    """Digits and the separators between them as a text layer prints them (see the module doc).

    Only separators between digits change, and a comma only before a group of three: a full-width
    comma in prose (``增加10，2024年``) stays as printed.
    """
    text = text.translate(_FULLWIDTH_DIGITS)
    if "(" in text or ")" in text:
        text = _CLOSE.sub("）", _OPEN.sub("（", text))
    if not any(c.isdigit() for c in text):
        return text
    return _POINT.sub(".", _GROUP.sub(",", text))
