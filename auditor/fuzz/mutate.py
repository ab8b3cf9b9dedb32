"""Mutations of real disclosures: what damaged, re-typed or hostile copies of a document look like.

Every mutator takes a ``random.Random`` and returns a new value (inputs are never changed), so an
input is fully determined by its seed. Text mutators work on the document's text (tables as
tab-separated lines, as OCR and extractors give them); structured mutators on the dict of a JSON
export (:func:`auditor.export.budget_to_dict`); byte mutators on a PDF or workbook file.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from random import Random
from typing import Any

from .. import lazyre

_NUMBER = lazyre.compile(r"\d[\d,.]*")

#: Printed figures no real document holds, but a damaged or hostile one may.
EXTREME_FIGURES = [
    "9" * 25,
    "9223372036854775808",  # 2**63
    "92233720368547758.08",  # 2**63 fen
    "18446744073709551616",  # 2**64
    "1e30",
    "1E+400",
    "0.000000000000000001",
    "-0",
    "-9223372036854775809",
    "1" + "0" * 400,
    "1,234,567,890,123,456,789,012.34",
    "１２３，４５６．７８",  # full-width digits
    "١٢٣٤٥",  # Arabic-Indic digits
    "NaN",
    "Infinity",
]

#: Characters that trip up text handling: invisible, bidi, combining, odd line breaks, brackets.
ODD_CHARACTERS = [
    "\u200b",
    "\ufeff",
    "\u202e",
    "\u0301",
    "\u3000",
    "\u2028",
    "\x0b",
    "\x0c",
    "\r",
    "\x00",
    "（",
    "）",
    "【",
    "“",
    "\t",
    "\ud800",  # a lone surrogate: not encodable, kept through surrogatepass / errors
    "🧾",
    "﹩",
    "元",
    "万元",
    "亿元",
    "合计",
    "单位：亿元",
    "。",
    "%",
]

#: Lines longer than any real cell or paragraph.
LONG_LINE_PIECES = ["（", "1 234 567 ", "1,", "2024年", "万元", "比2023年增加", "a", "。", "、", "\t", "“", "科目"]


# ------------------------------------------------------------------------------ text


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_block(rng: Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    n = rng.choice([1, 1, 2, 5, 20, 100])
    return "\n".join(lines[:i] + lines[i + n :])


def duplicate_block(rng: Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    n = rng.choice([1, 3, 10, 50])
    j = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:j] + lines[i : i + n] + lines[j:])


def swap_blocks(rng: Random, text: str) -> str:
    lines = _lines(text)
    if len(lines) < 4:
        return text
    a, b = sorted(rng.sample(range(len(lines)), 2))
    n = max(1, min(rng.choice([1, 5, 30]), b - a))
    out = lines[:a] + lines[b : b + n] + lines[a + n : b] + lines[a : a + n] + lines[b + n :]
    return "\n".join(out)


def cut(rng: Random, text: str) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    return text[:i] if rng.random() < 0.5 else text[i:]


def digit_edit(rng: Random, text: str) -> str:
    spans = [m.span() for m in _NUMBER.finditer(text)]
    if not spans:
        return text
    out = text
    for _ in range(rng.choice([1, 1, 3, 10])):
        s, e = rng.choice(spans)
        if e > len(out):
            continue
        word = out[s:e]
        k = rng.randrange(len(word))
        op = rng.randrange(5)
        if op == 0:
            word = word[:k] + str(rng.randrange(10)) + word[k + 1 :]
        elif op == 1:
            word = word[:k] + rng.choice("0123456789,. ") + word[k:]
        elif op == 2:
            word = word[:k] + word[k + 1 :]
        elif op == 3:
            word = word[:k] + rng.choice([",", ".", ". ", ", "]) + word[k:]
        else:
            word = "-" + word
        out = out[:s] + word + out[e:]
    return out


def extreme_number(rng: Random, text: str) -> str:
    spans = [m.span() for m in _NUMBER.finditer(text)]
    if not spans:
        return text + rng.choice(EXTREME_FIGURES)
    s, e = rng.choice(spans)
    figure = rng.choice(EXTREME_FIGURES)
    if rng.random() < 0.02:
        figure = "9" * rng.choice([5_000, 100_000])
    return text[:s] + figure + text[e:]


def unit_swap(rng: Random, text: str) -> str:
    units = ["元", "万元", "亿元", "千元", ""]
    hits = [m.span() for m in re.finditer(r"万元|亿元|元", text)]
    if not hits:
        return text
    s, e = rng.choice(hits)
    return text[:s] + rng.choice(units) + text[e:]


def odd_characters(rng: Random, text: str) -> str:
    out = text
    for _ in range(rng.choice([1, 3, 20])):
        i = rng.randrange(len(out) + 1)
        out = out[:i] + rng.choice(ODD_CHARACTERS) * rng.choice([1, 1, 2, 50]) + out[i:]
    return out


def long_line(rng: Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    n = rng.choice([5_000, 20_000, 65_536])
    if rng.random() < 0.5 and lines[i].strip():
        base = lines[i]
    else:
        base = rng.choice(LONG_LINE_PIECES)
    line = (base * (n // max(1, len(base)) + 1))[:n]
    return "\n".join(lines[:i] + [line] + lines[i + 1 :])


def relayout(rng: Random, text: str) -> str:
    """The same document as another extractor lays it out."""
    op = rng.randrange(6)
    if op == 0:
        return text.replace("\t", "  ")  # cells on runs of spaces (pdftotext -layout)
    if op == 1:
        return text.replace("\t", " ")  # single-spaced (pdfplumber extract_text)
    if op == 2:
        return text.replace("\n", "\r\n")
    if op == 3:
        width = rng.choice([20, 40, 80])  # hard-wrapped lines
        return "\n".join(ln[k : k + width] for ln in _lines(text) for k in range(0, max(len(ln), 1), width))
    if op == 4:
        return re.sub(r"[ \t]+", "", text)
    return "\n".join(ln.strip() for ln in _lines(text) if ln.strip())


def join_lines(rng: Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    n = rng.choice([2, 10, 200, 2000])
    return "\n".join(lines[:i] + [" ".join(lines[i : i + n])] + lines[i + n :])


TEXT_MUTATORS: dict[str, Callable[[Random, str], str]] = {
    "delete_block": delete_block,
    "duplicate_block": duplicate_block,
    "swap_blocks": swap_blocks,
    "cut": cut,
    "digit_edit": digit_edit,
    "extreme_number": extreme_number,
    "unit_swap": unit_swap,
    "odd_characters": odd_characters,
    "long_line": long_line,
    "relayout": relayout,
    "join_lines": join_lines,
}


def encode(rng: Random, text: str) -> tuple[bytes, str]:
    """Bytes of the text in an encoding a user may hand over (sometimes damaged), and its name."""
    choice = rng.choices(
        ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-odd", "utf-16-be", "bad-bytes", "latin-1"],
        weights=[70, 5, 8, 4, 3, 2, 5, 3],
    )[0]
    if choice == "utf-16-odd":
        data = text.encode("utf-16", errors="surrogatepass")
        return data[: len(data) - 1 if len(data) % 2 == 0 else len(data)], choice
    if choice == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be", errors="surrogatepass"), choice
    if choice == "bad-bytes":
        data = bytearray(text.encode("utf-8", errors="surrogatepass"))
        for _ in range(rng.choice([1, 5, 50])):
            data.insert(rng.randrange(len(data) + 1), rng.choice([0x80, 0xFF, 0xC3, 0xED, 0xF4, 0x00]))
        return bytes(data), choice
    if choice == "latin-1":
        return text.encode("gb18030", errors="replace").decode("latin-1").encode("utf-8"), choice
    return text.encode(choice, errors="surrogatepass" if choice.startswith("utf") else "replace"), choice


# ------------------------------------------------------------------------------ structured (JSON / workbook)

#: Values that a hand-edited workbook or JSON may put where a model value belongs.
ODD_VALUES: list[Any] = [
    None,
    "",
    True,
    0,
    -1,
    2**63,
    -(2**63) - 1,
    10**30,
    1e30,
    float("inf"),
    float("nan"),
    "Infinity",
    "NaN",
    "1e999999",
    "9" * 400,
    "12.345",
    "二〇二四",
    "2024",
    "x" * 10_000,
    [],
    {},
    [1, [2, [3]]],
    {"a": {"b": None}},
    "\ud800",
]


def _paths(data: Any, limit: int = 6000, depth: int = 6) -> list[tuple]:
    """Key/index paths in a nested structure (breadth first, at most `depth` deep, 50 items a list)."""
    out: list[tuple] = []
    queue: list[tuple[tuple, Any]] = [((), data)]
    while queue and len(out) < limit:
        prefix, node = queue.pop(0)
        if len(prefix) >= depth:
            continue
        items = node.items() if isinstance(node, dict) else enumerate(node[:50]) if isinstance(node, list) else ()
        for k, v in items:
            out.append((*prefix, k))
            queue.append(((*prefix, k), v))
    return out


def _set(data: Any, path: tuple, value: Any) -> None:
    for k in path[:-1]:
        data = data[k]
    data[path[-1]] = value


def _delete(data: Any, path: tuple) -> None:
    for k in path[:-1]:
        data = data[k]
    del data[path[-1]]


def deep_value(depth: int) -> str:
    """A marker that :func:`dump_json` writes as a value nested `depth` lists deep."""
    return f"__deep_{depth}__"


def expand_deep(text: str) -> str:
    """JSON text with every deep-nesting marker written out as nested lists."""
    return re.sub(r'"__deep_(\d+)__"', lambda m: "[" * int(m.group(1)) + "1" + "]" * int(m.group(1)), text)


def mutate_structure(rng: Random, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of an export dict with 1-3 edits: odd values, deleted keys, wrong shapes, deep nesting."""
    out = copy.deepcopy(data)
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        paths = _paths(out)
        if not paths:
            break
        op = rng.randrange(8)
        if op <= 3:
            p = rng.choice(paths)
            value = rng.choice(ODD_VALUES)
            _set(out, p, value)
            done.append(f"set {'.'.join(map(str, p))}")
        elif op == 4:
            p = rng.choice(paths)
            _delete(out, p)
            done.append(f"delete {'.'.join(map(str, p))}")
        elif op == 5:
            key = rng.choice(["meta", "tables", "schema", "projects", "facts", "indicators"])
            out[key] = rng.choice([None, [], "text", 12, {"x": 1}, [[1]], True])
            done.append(f"shape {key}")
        elif op == 6:
            top = rng.choice([("meta", "tables"), ("meta", "sections"), ("meta", "year"), ("meta", "toc")])
            if isinstance(out.get("meta"), dict):
                out["meta"][top[1]] = rng.choice([None, "text", 3, [None], {"k": "v"}, {"k": None}, 2**70])
                done.append(f"meta {top[1]}")
        else:
            p = rng.choice(paths)
            _set(out, p, deep_value(rng.choice([50, 500, 5000])))
            done.append(f"deep {'.'.join(map(str, p))}")
    return out, done


def dump_json(rng: Random, data: Any) -> bytes:
    """JSON text of (possibly odd) data: non-finite floats as JS literals, deep nests written out."""
    text = expand_deep(json.dumps(data, ensure_ascii=rng.random() < 0.2, allow_nan=True))
    if rng.random() < 0.02:
        text = "[" * 100_000 + "]" * 100_000
    return text.encode("utf-8", errors="surrogatepass")


# ------------------------------------------------------------------------------ bytes (PDF, xlsx)


def mutate_bytes(rng: Random, data: bytes) -> tuple[bytes, str]:
    """A damaged copy of a binary file: cut, flipped bytes, a deleted or repeated range."""
    buf = bytearray(data)
    op = rng.randrange(5)
    if op == 0:
        return bytes(buf[: rng.randrange(len(buf))]), "truncate"
    if op == 1:
        for _ in range(rng.choice([1, 10, 100])):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf), "flip"
    i = rng.randrange(len(buf))
    n = rng.choice([16, 512, 8192])
    if op == 2:
        del buf[i : i + n]
        return bytes(buf), "delete"
    if op == 3:
        buf[i:i] = buf[i : i + n]
        return bytes(buf), "repeat"
    buf[i:i] = bytes(rng.randrange(256) for _ in range(n))
    return bytes(buf), "insert"
