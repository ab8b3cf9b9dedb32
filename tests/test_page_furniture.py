"""Page numbers and running headers printed on every page are no part of the document's tables or prose.

None of the corpus PDFs prints them; many disclosures do. Each case here adds them to a corpus
document — to its PDF lines, and to a text of it whose pages end in form feeds — and must give the
document's own tables and findings: before, ``- 14 -`` at the foot of a table page was read as a row of
14.00 (a false AR016 error) and a footer cut a paragraph continued on the next page (a false ED002).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from corpus import needs_corpus
from layout_variants import pdf_lines, unlined

from auditor import audit
from auditor.document import Document, Line, lines_from_text, page_breaks
from auditor.furniture import furniture, without_furniture
from auditor.loaders import load
from auditor.parse import parse_document


def _lines(*texts: str, page: int | None = None) -> list[Line]:
    return [Line(text=t, line=n, page=page, cells=(t.strip(),) if t.strip() else ()) for n, t in enumerate(texts, 1)]


def _paged(pages: list[list[str]]) -> tuple[list[Line], list[list[int]]]:
    lines: list[Line] = []
    index: list[list[int]] = []
    for p, texts in enumerate(pages, 1):
        index.append(list(range(len(lines), len(lines) + len(texts))))
        lines.extend(_lines(*texts, page=p))
    return lines, index


_WORDS = "甲乙丙丁戊己庚辛壬癸"


def _body(n: int) -> list[str]:
    """Two lines of prose of page `n` (pages print different text)."""
    return [f"正文{_WORDS[n]}之一，", f"正文{_WORDS[n]}之二。"]


@pytest.mark.parametrize(
    "footer",
    ["- {n} -", "—{n}—", "第 {n} 页", "第{n}页 共5页", "第{n}页，共5页", "{n}/5", "{n} / 5", "{n}"],
)
def test_page_numbers_at_the_foot_of_each_page_are_furniture(footer):
    lines, pages = _paged([[*_body(n), footer.format(n=n + 2)] for n in range(5)])
    assert [lines[i].text for i in sorted(furniture(lines, pages))] == [footer.format(n=n + 2) for n in range(5)]


def test_page_numbers_in_words_are_furniture_anywhere_even_without_pages():
    lines = _lines("正文，", "- 3 -", "第 4 页", "3/30", "12", "正文。")
    assert [lines[i].text for i in sorted(furniture(lines, [list(range(len(lines)))]))] == ["- 3 -", "第 4 页"]


def test_a_bare_number_is_a_page_number_only_when_such_numbers_run_with_the_pages():
    # the figures ending these pages (a cell, a 目录 entry's page number) do not run with the pages
    lines, pages = _paged([[*_body(p), n] for p, n in enumerate(("12", "3", "30", "7"))])
    assert furniture(lines, pages) == set()
    # two pages with numbers are not enough, nor one page's two edges counted twice
    lines, pages = _paged([[*_body(1), "1"], [*_body(2), "2"], _body(3)])
    assert furniture(lines, pages) == set()
    lines, pages = _paged([["5", *_body(1), "5"], [*_body(2), "6"], _body(3)])
    assert furniture(lines, pages) == set()
    # a cell of a table printed a cell per line (plain pdftotext): zero and codes are no page numbers
    lines, pages = _paged([[*_body(1), "0"], [*_body(2), "01"], [*_body(3), "02"], [*_body(4), "03"]])
    assert furniture(lines, pages) == set()


def test_a_running_header_is_furniture_but_on_the_first_page_and_table_lines_are_not():
    header = "上海市普陀区某某局2024年部门预算"
    unit = "编制单位：上海市普陀区某某局    单位：元"
    lines, pages = _paged([[header, "封面"], *([header, unit, *_body(n)] for n in range(2, 6))])
    assert [(lines[i].page, lines[i].text) for i in sorted(furniture(lines, pages))] == [
        (p, header) for p in range(2, 6)
    ]
    # a running footer with the page in it, on every page but the cover
    lines, pages = _paged([["封面"], *([*_body(n), f"某某局 第{n}页"] for n in range(1, 5))])
    assert len(furniture(lines, pages)) == 4


def test_a_line_repeated_on_few_pages_is_not_a_running_header():
    lines, pages = _paged([["某某支出情况"], ["某某支出情况"], ["某某支出情况"], *(_body(n) for n in range(7))])
    assert furniture(lines, pages) == set()


def test_the_document_keeps_what_it_sets_aside_and_the_input_is_not_changed():
    lines, _ = _paged([[*_body(n), f"- {n} -"] for n in range(1, 4)])
    doc = Document(path="x.txt", lines=lines, kind="pdf")
    out = without_furniture(doc)
    assert [ln.text for ln in out.lines] == [*_body(1), *_body(2), *_body(3)]
    assert [ln.text for ln in out.furniture] == ["- 1 -", "- 2 -", "- 3 -"]
    assert len(doc.lines) == 9 and doc.furniture == []


def test_text_pages_are_found_by_their_form_feeds():
    text = "一\n二\f三\n\f四\n"
    assert [ln.text for ln in lines_from_text(text)] == ["一", "二", "三", "", "四"]
    assert page_breaks(text) == (2, 4)
    assert page_breaks("一\n二\f") == ()
    assert page_breaks("一\n二") == ()


# ------------------------------------------------------------------------------------------------
# corpus documents with page furniture added

DOCUMENTS = [
    "putuo-commerce-2025-budget",
    "putuo-wanli-street-2025-budget",
    "putuo-planning-resources-2024-final-accounts",
]
#: (header or None, footer) of each page: the document's title over a centred page number, or a
#: running footer carrying the page, or a bare page number
STYLES = {
    "title-and-dashes": ("{title}", "- {n} -"),
    "footer-with-page": (None, "{dept}  第{n}页 共{m}页"),
    "bare-number": (None, "{n}"),
}


def _findings(budget) -> list[tuple]:
    return sorted((f.rule, f.severity, f.location.page, f.message) for f in audit(budget).findings)


def _frames(budget) -> dict:
    return {k: v.drop(columns=["line"], errors="ignore").to_dict("list") for k, v in budget.frames.items()}


def _furnished(doc: Document, style: str) -> Document:
    """`doc` with a header above and a footer below the text of every page but the cover."""
    head, foot = STYLES[style]
    budget = parse_document(doc)
    title = f"{budget.meta.department}{budget.meta.year}年{budget.meta.kind}"
    m = max(ln.page for ln in doc.lines)
    lines: list[Line] = []
    for page in range(1, m + 1):
        on = [ln for ln in doc.lines if ln.page == page]
        if page > 1 and on:
            words = {"title": title, "dept": budget.meta.department, "n": page, "m": m}
            if head:
                lines.append(
                    dataclasses.replace(
                        on[0], text=head.format(**words), line=0, cells=(head.format(**words),), cell_x=()
                    )
                )
            lines.extend(on)
            text = foot.format(**words)
            lines.append(dataclasses.replace(on[-1], text=text, line=on[-1].line + 1, cells=(text,), cell_x=()))
        else:
            lines.extend(on)
    return dataclasses.replace(doc, lines=lines)


@needs_corpus
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdf_lines_with_page_furniture_read_as_the_document(name, style):
    doc = pdf_lines(name)
    base, varied = parse_document(doc), parse_document(_furnished(doc, style))
    assert len(varied.document.furniture) >= max(ln.page for ln in doc.lines) - 1
    assert _frames(varied) == _frames(base)
    assert _findings(varied) == _findings(base)


def _as_text(doc: Document) -> str:
    """The document's lines as text, cells tab-separated, pages ended by form feeds."""
    pages: dict[int, list[str]] = {}
    for ln in doc.lines:
        pages.setdefault(ln.page, []).append("\t".join(ln.cells) if ln.cell_x else ln.text)
    return "\f".join("\n".join(texts) for texts in pages.values())


def _unnumbered(findings: list[tuple]) -> list[tuple]:
    """Findings without the line numbers their messages name (lines added to a text renumber it)."""
    return [(rule, severity, re.sub(r"第 ?\d+ ?行", "第…行", message)) for rule, severity, _, message in findings]


@needs_corpus
@pytest.mark.parametrize("name", DOCUMENTS)
def test_text_with_page_furniture_reads_as_the_text(name, tmp_path):
    plain, furnished = tmp_path / "plain.txt", tmp_path / "furnished.txt"
    plain.write_text(_as_text(pdf_lines(name)), encoding="utf-8")
    furnished.write_text(_as_text(_furnished(pdf_lines(name), "title-and-dashes")), encoding="utf-8")
    base, varied = load(plain), load(furnished)
    pages = max(ln.page for ln in pdf_lines(name).lines)
    assert [ln.text for ln in varied.document.furniture if ln.text.startswith("-")] == [
        f"- {n} -" for n in range(2, pages + 1)
    ]
    assert len(varied.document.furniture) == 2 * (pages - 1)
    assert unlined(varied) == unlined(base)
    assert _unnumbered(_findings(varied)) == _unnumbered(_findings(base))
