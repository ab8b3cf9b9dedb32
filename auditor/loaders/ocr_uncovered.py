"""Ink the text detector left uncovered: found, grouped into words, and recognised on its own.

PP-OCR's detector finds text lines; a mark too small to make a line of its own, or a short word
standing apart in a table, can go unseen. On the scanned corpus (150 dpi, noise, JPEG 60) the
detector missed a full stop alone on its line (Wanli 2024 p.9 and p.32, 2025 p.7: the sentence
then ends without one) and the code cell ``08`` of 2070308 in a 项目支出 table (Wanli 2024 p.23,
2025 p.21: the row read as 20703), while the recogniser reads each of them at 0.97-0.99 once
shown the crop. So after detection:

1. **Ink** is the binarised page with its table rules erased (what the detector was shown).
2. **Uncovered**: connected components of that ink not touching any detected box.
3. **Specks** are dropped by a size measured from the page's own characters (the median height of
   the ink components the detected boxes touch, ``char``; of all ink on a page without boxes): a component whose larger side is under ``SPECK`` of it is noise
   (JPEG blocks, dust). A full stop is about a third of a character's height, so it stays.
4. **Words**: components on one line (their heights, grown by a quarter ``char``, overlap) less
   than ``WORD_GAP`` ``char`` apart and not separated by a vertical rule are one crop (``0`` and
   ``8`` of ``08``). A group taller than ``TALLEST`` ``char`` (a stamp, a logo, a signature) is not a
   line of the page's text and is left alone.
5. **Recognised** on a white crop padded by ``PAD`` ``char`` on every side, the detected boxes'
   ink whitened: the recogniser reads a tight crop of a full stop as ``0`` (0.58-0.70) and a
   padded one as ``。`` (0.96-0.98). It scales each crop to its own input height itself, so
   upscaling small crops first changed nothing (1x, 2x, 3x: same text, confidences within 0.02).
   Ink no detector vouched for must be read surely: a reading below ``SURE`` is dropped (the
   nine words this found on the corpus read at 0.96-1.00; a speck of dirt read as a digit would
   put a figure into a table that is not printed). At most ``MOST`` words a page are read, the
   largest first, so a dirty scan costs a bounded time (a crop is about 20 ms).

Each reading becomes a box like a detected one: the ink's x extent (its characters spread over it),
a detected box's height about the ink's centre, and its confidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from .ocr_hygiene import Box, TableRule, ink_mask

#: A component whose larger side is below this share of the page's character height is a speck.
SPECK = 0.25
#: Components nearer than this many character heights on one line are one word.
WORD_GAP = 0.6
#: Padding around a crop, in character heights (the recogniser wants room about a small mark).
PAD = 0.7
#: Groups taller than this many character heights are not text of the page's size.
TALLEST = 2.5
#: The least confidence a reading of uncovered ink is kept at.
SURE = 0.9
#: The most words of uncovered ink read on one page.
MOST = 100


def char_height(stats: np.ndarray, among: np.ndarray) -> float:
    """The page's character height: the median height of the ink components `among` (a mask over
    the components; specks under 3 px aside)."""
    heights = stats[among, cv2.CC_STAT_HEIGHT]
    heights = heights[heights >= 3]
    return float(np.median(heights)) if heights.size else 0.0


def uncovered_groups(
    ink: np.ndarray, boxes: Sequence[Box], rules: Sequence[TableRule]
) -> tuple[list[tuple[int, int, int, int]], float]:
    """The (left, top, right, bottom) pixel extents of the words of ink that no box touches, and
    the page's character height."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return [], 0.0
    covered = np.zeros(ink.shape, dtype=bool)
    h, w = ink.shape
    for b in boxes:
        covered[max(0, int(b.top)) : min(h, int(b.bottom) + 1), max(0, int(b.left)) : min(w, int(b.right) + 1)] = True
    touched = np.zeros(n, dtype=bool)
    touched[np.unique(labels[covered & (labels > 0)])] = True
    touched[0] = False
    # the characters the detector found (all ink where it found none): dirt does not make them smaller
    char = char_height(stats, touched if touched.any() else np.arange(n) > 0)
    if char <= 0:
        return [], char
    parts = []
    for i in range(1, n):
        x, y, cw, ch, _area = stats[i]
        if touched[i] or max(cw, ch) < SPECK * char:
            continue
        parts.append([int(x), int(y), int(x + cw), int(y + ch)])
    return _words(parts, char, rules), char


def _words(parts: list[list[int]], char: float, rules: Sequence[TableRule]) -> list[tuple[int, int, int, int]]:
    """Components joined into words: on one line, near, no vertical rule between them."""
    grow = char / 4
    words: list[list[int]] = []
    for part in sorted(parts):
        for word in words:
            same_line = part[1] - grow < word[3] and word[1] - grow < part[3]
            gap = part[0] - word[2]
            if same_line and gap < WORD_GAP * char and not _rule_between(rules, word, part):
                word[0], word[1] = min(word[0], part[0]), min(word[1], part[1])
                word[2], word[3] = max(word[2], part[2]), max(word[3], part[3])
                break
        else:
            words.append(list(part))
    return [tuple(wd) for wd in words if wd[3] - wd[1] <= TALLEST * char]


def _rule_between(rules: Sequence[TableRule], a: list[int], b: list[int]) -> bool:
    lo, hi = min(a[2], b[2]), max(a[0], b[0])
    top, bottom = min(a[1], b[1]), max(a[3], b[3])
    return any(lo <= r.x <= hi and r.top < bottom and top < r.bottom for r in rules)


def crop(image: np.ndarray, boxes: Sequence[Box], word: tuple[int, int, int, int], char: float) -> np.ndarray:
    """The word's padded crop of `image`, white where a detected box's ink lies."""
    h, w = image.shape
    pad = max(2, round(PAD * char))
    x0, y0 = max(0, word[0] - pad), max(0, word[1] - pad)
    x1, y1 = min(w, word[2] + pad), min(h, word[3] + pad)
    out = image[y0:y1, x0:x1].copy()
    for b in boxes:
        bx0, by0 = max(x0, int(b.left)), max(y0, int(b.top))
        bx1, by1 = min(x1, int(b.right) + 1), min(y1, int(b.bottom) + 1)
        if bx0 < bx1 and by0 < by1:
            out[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] = 255
    return np.ascontiguousarray(out)


def uncovered_boxes(
    image: np.ndarray,
    boxes: Sequence[Box],
    rules: Sequence[TableRule],
    read: Callable[[np.ndarray], tuple[str, float]],
) -> list[Box]:
    """Boxes for the ink of `image` (rules erased) that none of `boxes` covers, each recognised by
    `read` (a crop -> text, confidence); blank readings and those below ``SURE`` are dropped."""
    words, char = uncovered_groups(ink_mask(image), boxes, rules)
    if not words:
        return []
    if len(words) > MOST:
        largest = set(sorted(words, key=lambda wd: -(wd[2] - wd[0]) * (wd[3] - wd[1]))[:MOST])
        words = [wd for wd in words if wd in largest]
    heights = sorted(b.bottom - b.top for b in boxes)
    line = heights[len(heights) // 2] if heights else 2 * char
    out: list[Box] = []
    for word in words:
        text, score = read(crop(image, boxes, word, char))
        text = text.strip()
        if not text or score < SURE:
            continue
        mid = (word[1] + word[3]) / 2
        half = max(line, word[3] - word[1]) / 2
        out.append(Box(text, float(word[0]), float(word[2]), mid - half, mid + half, float(score), None))
    return out
