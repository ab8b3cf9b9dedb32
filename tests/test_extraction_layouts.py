"""Every corpus document, in every text layout extractors produce, loads and gets no error that its
PDF does not have: a table the text does not let us read is an extraction warning, never a defect.

The texts are made here from the PDFs, once per session: pdfplumber's ``extract_text()`` (cells
single-spaced) and, when poppler's
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
from corpus import KINDS, documents, needs_corpus

import auditor

PDFS = documents(suffix=".pdf")
#: pdfium's text (the content stream's order) is not among them: its cells come out of visual order
#: (``422,900 0 422,900`` for 合计, 财政拨款, 事业收入), which no row reading can undo; see docs/extraction.md
LAYOUTS = ["pdfplumber", "pdftotext -layout", "pdftotext"]
_TEXTS: dict[tuple[str, str], Path] = {}
STORED_PLUMBER = Path(__file__).parent / "data" / "plumber"
SNAPSHOT = json.loads((Path(__file__).parent / "data" / "corpus-findings.json").read_text(encoding="utf-8"))


def _extract(pdf: Path, layout: str, out: Path) -> None:
    if layout == "pdfplumber":
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
