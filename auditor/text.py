"""Text helpers for reading the prose, shared by the parser and by rules (which never import the parser).

- ``normalise``: full-width punctuation to ASCII, one character for one (offsets map back to the print);
  cached, since the parser and several rules normalise the same paragraphs and headings.
- ``NUMBER`` / ``read_number``: a printed number and its exact value (malformed ones get their likely reading).
- ``snippet``: the offending text with a little context, for a finding's ``actual``.
- ``is_garbled``: an OCR line of noise rather than Chinese prose.
- ``strip_heading_tail``: a heading OCR glued to the end of a paragraph, dropped.

Numbering markers (一、 （一） 1. …) are read by :mod:`auditor.numbering`.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from . import lazyre, numbering

#: Punctuation normalised to ASCII, one character for one (offsets are preserved).
_FULLWIDTH = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "“": '"',
        "”": '"',
        "＂": '"',
        "．": ".",
        "％": "%",
        "　": " ",
        "〔": "(",
        "〕": ")",
        "【": "[",
        "】": "]",
        "‘": "'",
        "’": "'",
        "﹪": "%",
        "＜": "<",
        "＞": ">",
        "＝": "=",
        "、": "、",
    }
)


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Full-width punctuation to ASCII, same length (so offsets map back to the printed text)."""
    return text.translate(_FULLWIDTH)


#: A printed number: digits with commas, dots and OCR spaces inside (validated by ``read_number``).
#: At most 40 characters after the first digit (far beyond any real figure), so that a long run of
#: digits cannot make every search start over it again: scanning stays linear in the text.
NUMBER = r"\d(?:[\d,]|\.(?=\s*\d)|\s(?=[\d,.])){0,40}"
#: A run of CJK unified ideographs (汉字), for the text's Han characters (``"".join(HAN.findall(t))``)
#: or whether it has any (``HAN.search(t)``): one compiled class over the range, shared — compiling
#: it costs ≈ 1 ms, twice when a pattern begins with the bare class.
HAN = lazyre.compile(r"[\u4e00-\u9fff]+")
_WELL = lazyre.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def read_number(printed: str) -> tuple[Decimal | None, bool]:
    """(value, malformed) of a printed number; malformed numbers get their likely reading.

    ``208, 293. 59`` is well formed (spaces only). ``4.820.58`` (two points), ``10,754,11`` (a comma
    where the decimal point belongs) are malformed; the last separator followed by 1–2 digits is
    read as the decimal point, the others as thousands separators.
    """
    s = "".join(printed.split()).rstrip(",.")  # (str.split's spaces are `\s`'s)
    if _WELL.match(s):
        try:
            return Decimal(s.replace(",", "")), False
        except InvalidOperation:
            return None, False
    m = re.match(r"^([\d,.]*?)[,.](\d{1,2})$", s)
    if m:
        whole = re.sub(r"[,.]", "", m.group(1))
        if whole.isdigit():
            return Decimal(f"{whole}.{m.group(2)}"), True
    digits = re.sub(r"[,.]", "", s)
    if digits.isdigit():
        return Decimal(digits), True
    return None, True


def snippet(text: str, start: int, end: int, pad: int = 10) -> str:
    """The offending text with a little context either side (``…`` where cut)."""
    a = max(0, start - pad)
    b = min(len(text), end + pad)
    return ("…" if a > 0 else "") + text[a:b] + ("…" if b < len(text) else "")


_WIDTHS: dict[str, int] = {}


@lru_cache(maxsize=4096)
def display_width(text: str) -> int:
    """Columns `text` takes in a terminal or a layout extractor's grid: 2 for an east-Asian wide or
    full-width character, 0 for a combining mark, else 1."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        w = _WIDTHS.get(ch)
        if w is None:
            w = _WIDTHS[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1)
        total += w
    return total


@lru_cache(maxsize=8192)  # pure in the text; several rules ask about the same paragraphs
def is_garbled(text: str) -> bool:
    """An OCR line of noise (katakana, box symbols, stray letters) rather than Chinese prose."""
    t = re.sub(r"\s+", "", text)
    if len(t) < 6:
        return False
    kana = sum(1 for ch in t if "\u3040" <= ch <= "\u30ff")
    han = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff")
    odd = sum(1 for ch in t if unicodedata.category(ch) in ("So", "Co", "Cn") or ch == "\ufffd")
    return kana >= 3 or (han / len(t) < 0.3 and odd + kana >= 2) or odd / len(t) > 0.2


#: A short heading (一、实施周期 / 2、绩效目标) right after the last full stop of a paragraph, to its end.
_TAIL_BODY = lazyre.compile(r"[^。，,；;]{2,16}[:：]?$")


def strip_heading_tail(text: str) -> str:
    """Drop a heading OCR glued to the end of a paragraph (``…执行项目预算。 五、实施周期``)."""
    cut = max(text.rfind(c) for c in "。；;")
    if cut < 0:
        return text
    n = numbering.parse(text, cut + 1)
    if n is None or n.separator != "、" or n.style not in ("一、", "1."):
        return text
    if not _TAIL_BODY.match(text, n.start + len(n.marker)):
        return text
    return text[: cut + 1]
