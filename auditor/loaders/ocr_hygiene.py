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
- ``table_rules``/``erase``: rules are erased before recognition (a 一 touching a rule is read as
  part of it), and the vertical ones are kept: a right-aligned amount touches its column's rule and
  the detector merges it with the next cell (``1,867,397.5466,410,000.00``, ``371,514,655.00一、…``),
  so the line builder splits cells at every vertical rule (``ocr_lines``).

What happens to the recognised boxes (characters placed, cells split at the rules, numbers
normalised) is ``ocr_lines``: it works from the page cache, without the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Bump when a step changes what a page yields: the cache key includes it.
HYGIENE_VERSION = 3

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


@dataclass(slots=True)
class Box:
    """A recognised text box, axis-aligned, in pixels of the upright page image."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    conf: float
    #: each non-space character's (left, right, confidence) as the recogniser placed it, or None
    chars: list[tuple[float, float, float]] | None = None
