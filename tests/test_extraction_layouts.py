"""Every corpus document, in every text layout extractors produce, loads and gets no error that its
PDF does not have: a table the text does not let us read is an extraction warning, never a defect.

The texts are made here from the PDFs, once per session: pdfplumber's ``extract_text()`` (cells
single-spaced), pdfium's ``get_text_range()`` (the text objects in content-stream order, as pdf.js
gives them: several table rows on one line) and, when poppler's
``pdftotext`` is installed, its ``-layout`` text (cells spaced to their columns) and its plain text
(a cell per line, column after column). Pages are joined with form feeds, as the tools print them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from corpus import KINDS, budgets, documents, needs_corpus

import auditor

PDFS = documents(suffix=".pdf")
LAYOUTS = ["pdfplumber", "pdfium", "pdftotext -layout", "pdftotext"]
_TEXTS: dict[tuple[str, str], Path] = {}
STORED_PLUMBER = Path(__file__).parent / "data" / "plumber"
SNAPSHOT = json.loads((Path(__file__).parent / "data" / "corpus-findings.json").read_text(encoding="utf-8"))


def pdfium_text(pdf: Path) -> str:
    """pdfium's text of each page (``get_text_range``), line ends as LF, pages joined by a form feed."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return "\n\f".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in pages)


def _extract(pdf: Path, layout: str, out: Path) -> None:
    if layout == "pdfium":
        out.write_text(pdfium_text(pdf), encoding="utf-8")
    elif layout == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(pdf) as doc:
            out.write_text("\f".join(page.extract_text() or "" for page in doc.pages), encoding="utf-8")
    else:
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        args = ["pdftotext", *(["-layout"] if layout.endswith("-layout") else []), str(pdf), str(out)]
        subprocess.run(args, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def texts(tmp_path_factory):
    """(document, layout) -> the extracted text file, made on first use and kept for the session."""
    root = tmp_path_factory.mktemp("layouts")

    def get(pdf: Path, layout: str) -> Path:
        key = (pdf.name, layout)
        stored = STORED_PLUMBER / f"{pdf.stem}.txt"
        if layout == "pdfplumber" and stored.is_file():
            return stored  # the same extraction, kept in tests/data (test_builtin_corpus compares it too)
        if key not in _TEXTS:
            out = root / f"{pdf.stem}-{layout.replace(' ', '').replace('-', '_')}.txt"
            _extract(pdf, layout, out)
            _TEXTS[key] = out
        return _TEXTS[key]

    return get


def _errors(report) -> Counter:
    return Counter(f.rule for f in report.findings if f.severity == "error")


@needs_corpus
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_extracted_text_loads_and_gets_no_error_its_pdf_lacks(pdf, layout, texts):
    # the PDF's own errors, as the findings snapshot holds them (test_findings_snapshot keeps it current)
    pdf_errors = Counter(f[0] for f in SNAPSHOT["documents"][pdf.name] if f[1] == "error")
    path = texts(pdf, layout)
    report = auditor.audit(path)  # a loader crash fails here
    assert report.error is None and report.document["kind"] == KINDS[pdf.name]
    extra = _errors(report) - pdf_errors
    assert not extra, f"{layout} text of {pdf.name}: errors the PDF does not have: " + "; ".join(
        f"{f.rule} {f.location.line}: {f.message}" for f in report.findings if f.rule in extra and f.severity == "error"
    )


@needs_corpus
@pytest.mark.parametrize("pdf", budgets(suffix=".pdf"), ids=lambda p: p.stem)
def test_pdfium_text_reads_every_budget_table_as_the_pdf(pdf, texts):
    """pdfium's text prints blocks of coded-table rows on one line (``parse/table_order``): every table
    read from it equals the table read from the PDF, locations aside, and the audit finds what the
    PDF's finds (the findings snapshot), rule by rule and row by row."""
    from auditor.model import TABLE_COLUMNS

    a, b = auditor.load(pdf), auditor.load(texts(pdf, "pdfium"))
    differ = [
        key
        for key, (columns, _) in TABLE_COLUMNS.items()
        if not a.frames[key][columns].reset_index(drop=True).equals(b.frames[key][columns].reset_index(drop=True))
    ]
    assert differ == []
    report = auditor.audit(texts(pdf, "pdfium"))
    found = Counter((f.rule, f.severity, f.location.table, f.location.row) for f in report.findings)
    assert found == Counter(tuple(f[:4]) for f in SNAPSHOT["documents"][pdf.name])
