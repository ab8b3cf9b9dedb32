"""Double-spaced text (a blank line after every line) reads as the text without those blank lines.

Before ``auditor.line_spacing`` every wrapped line of a paragraph was a paragraph of its own (false
NV001/ST004 errors: "支出总计 0万元" read from a line's tail), and the 决算 template's cover lost its
department (141 FA012 warnings instead of the one "unfilled template" note).
"""

from __future__ import annotations

import re

import pytest
from corpus import MINHANG, needs_corpus
from layout_variants import pdf_lines, unlined

from auditor import audit
from auditor.document import Document, lines_from_text, page_breaks
from auditor.line_spacing import is_double_spaced, single_spaced
from auditor.parse import parse_document


def _text_doc(text: str) -> Document:
    return Document(path="x.txt", lines=lines_from_text(text), kind="text", page_breaks=page_breaks(text))


def _double(text: str) -> str:
    return "".join(line + "\n" if line.endswith("\n") else line for line in text.splitlines(keepends=True))


def test_blank_lines_are_halved_and_pages_kept():
    single = "".join(f"第{n}行的文字\n" for n in range(30)) + "\n" + "".join(f"后{n}\n" for n in range(20)) + "\f末页\n"
    doc = _text_doc(_double(single))
    assert is_double_spaced(doc)
    read = single_spaced(doc)
    assert [ln.text for ln in read.lines] == [ln.text for ln in _text_doc(single).lines]
    assert read.lines[1].line == 3  # lines keep their numbers in the file
    assert [read.lines[i].text for i in read.page_breaks] == ["末页"]
    assert doc.lines[1].text == ""  # the input is not changed


def test_single_spaced_text_and_short_texts_are_left_as_they_are():
    text = "".join(f"第{n}行\n" + ("\n" if n % 3 == 0 else "") for n in range(60))
    doc = _text_doc(text)
    assert not is_double_spaced(doc) and single_spaced(doc) is doc
    short = _text_doc(_double("".join(f"第{n}行\n" for n in range(20))))
    assert single_spaced(short) is short


def _no_lines(value, key: str = ""):
    """`value` with the file's line numbers inside cells (``ocr_twins``' lines, ``funding_lines``) blanked."""
    if key == "line" or key.endswith("_lines"):
        return None
    if isinstance(value, dict):
        return {k: _no_lines(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_lines(v, key) for v in value]
    return value


def _findings(budget) -> list[tuple]:
    # (a message may name another line of the file: 首次在第 831 行)
    return sorted((f.rule, f.severity, re.sub(r"第 \d+(?:、\d+)* 行", "第 N 行", f.message)) for f in audit(budget).findings)


def _pdf_as_text(name: str) -> str:
    """The corpus PDF's lines as layout text: a line per printed line, pages ending in form feeds."""
    doc = pdf_lines(name)
    out: list[str] = []
    for i, ln in enumerate(doc.lines):
        if i and ln.page != doc.lines[i - 1].page:
            out[-1] += "\f"
        out.append(ln.text)
    return "\n".join(out) + "\n"


@needs_corpus
@pytest.mark.parametrize(
    "name", [None, "final-accounts-template", "putuo-wanli-street-2024-budget", "putuo-finance-bureau-2024-final-accounts"]
)
def test_a_double_spaced_text_reads_as_the_text(name):
    text = MINHANG.read_text(encoding="utf-8") if name is None else _pdf_as_text(name)
    base, read = parse_document(_text_doc(text)), parse_document(_text_doc(_double(text)))
    assert read.meta.department == base.meta.department
    assert _no_lines(unlined(read)) == _no_lines(unlined(base))
    assert _findings(read) == _findings(base)
