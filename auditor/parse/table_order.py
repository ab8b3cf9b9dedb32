"""Coded-table rows in the order of a PDF's text objects, as pdfium (``get_text_range``) and pdf.js give it.

Those extractors print the text objects in the order the content stream draws them and start a
new line only where the producer moved to a new line. Many producers draw a block of table rows
as one run, so one printed line can hold several rows, cells single-spaced::

    302 04 手续费 2,000.00 2,000.00 302 07 邮电费 30,000.00 30,000.00 302 11 差旅费 50,000.00 50,000.00

and a row's last amount can be cut from the next row's codes only by a space, so ``0 204 公共安全支出``
reads, left to right, as four amounts and a name. The codes of a row stand right before its name:
a 类 code (3 digits, or 5 or 7 when printed joined) followed by at most two 款/项 codes of one or two
digits, or codes run into the name (``2010399其他政府办公厅事务支出``). Read backwards from each name,
that pattern says where the row starts, whatever amounts precede it; a 合计 after a row's name
starts the total row. :func:`split_rows` cuts a line's tokens there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazyre
from ..text import HAN

if TYPE_CHECKING:  # table_rows reads its lines through this module
    from .table_rows import Token

_TOTAL_WORDS = {"合计", "总计"}
#: digits run into a name at the start of a text token (``2010399其他…``, ``07绩效工资``)
_BARE = lazyre.compile(r"\d{1,7}")
_GLUED_CODE = lazyre.compile(r"^(\d{1,7})\s*(?=[^\d\s,.，．%])")


def _digits(tok: Token) -> str | None:
    """The token's digits when it is a bare whole number (a code or an amount without separators)."""
    if tok.kind != "amount" or "," in tok.text or "." in tok.text:
        return None
    text = tok.text.strip()
    return text if _BARE.fullmatch(text) else None


def _is_name(tok: Token) -> bool:
    return tok.kind == "text" and bool(HAN.search(tok.text))


def _row_start(tokens: list[Token], q: int, lengths: tuple[int, ...]) -> int | None:
    """Where the row whose name is ``tokens[q]`` starts (its first code), or None when no codes precede it."""
    name = tokens[q]
    glued = _GLUED_CODE.match(name.text.strip())
    groups = 0
    if glued:
        lead = glued.group(1)
        if len(lead) in lengths:
            return q  # the whole code is run into the name
        if len(lead) > 2:
            return None
        groups = 1
    k = q - 1
    while k >= 0 and groups < 2 and (d := _digits(tokens[k])) is not None and len(d) <= 2:
        groups += 1
        k -= 1
    if k < 0:
        return None
    head = _digits(tokens[k])
    if head is None:
        return None
    if len(head) == 3 or (groups == 0 and len(head) in lengths):
        return k
    return None


def _words(tokens: list[Token]) -> list[Token]:
    """Text tokens parted where a 合计 or a name with its codes run into it stands among other words
    (single-spaced text keeps ``年金缴费支出 合计`` in one cell)."""
    out: list[Token] = []
    for t in tokens:
        words = t.text.split() if t.kind == "text" else []
        if len(words) < 2:
            out.append(t)
            continue
        run: list[str] = []
        for w in words:
            alone = w in _TOTAL_WORDS or bool(_GLUED_CODE.match(w) and HAN.search(w))
            if alone and run:
                out.append(type(t)("text", " ".join(run), t.index, t.start))
                run = []
            run.append(w)
            if alone:
                out.append(type(t)("text", w, t.index, t.start))
                run = []
        if run:
            out.append(type(t)("text", " ".join(run), t.index, t.start))
    return out


def split_rows(tokens: list[Token], lengths: tuple[int, ...]) -> list[list[Token]]:
    """The tokens of one printed line cut into the table rows it holds (``[tokens]`` for a line of one row).

    A row starts at the codes before a name, or at a 合计, once the part before it already has its
    name: a name wrapped onto the next token, or a row that prints no amounts, stays whole.
    """
    texts = [t for t in tokens if t.kind == "text"]
    if not texts or (len(texts) == 1 and len(texts[0].text.split()) < 2):
        return [tokens]  # a cut stands at a second name or 合计: one single-word text holds none
    words = _words(tokens)
    cuts = _cuts(words, lengths)
    if not cuts:
        return [tokens]
    bounds = [0, *cuts, len(words)]
    return [words[a:b] for a, b in zip(bounds, bounds[1:])]


def _cuts(tokens: list[Token], lengths: tuple[int, ...]) -> list[int]:
    """Where in `tokens` a row after the first starts."""
    where = [n for n, t in enumerate(tokens) if t.kind != "blank"]
    live = [tokens[n] for n in where]
    cuts: list[int] = []
    named_at: int | None = None  # where the current part's name (or 合计) stands
    for q, tok in enumerate(live):
        if tok.kind != "text":
            continue
        total = "".join(tok.text.split()) in _TOTAL_WORDS  # (spaces and ideographic spaces out)
        if not total and not _is_name(tok):
            continue
        at = q if total else _row_start(live, q, lengths)
        if at is None:
            if named_at is None:
                named_at = q  # a row's name with no codes in front (the first part of the line)
            continue
        if named_at is not None and at > named_at:
            # a new row's codes after the current row's name; a 合计 only after the row's amounts
            # (a header line prints 合计 among its column names)
            if not total or any(t.kind == "amount" for t in live[named_at + 1 : at]):
                cuts.append(where[at])
        named_at = q
    return cuts
