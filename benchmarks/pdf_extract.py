"""PDF text extraction speed: auditor's pypdfium2 line builder vs pdfplumber's extract_text.

Run: .venv/bin/python benchmarks/pdf_extract.py [--runs N] [PDF ...]
(defaults to the three corpus PDFs in ../shared/corpus). Prints the median of N runs per file.
The auditor column is Document building only (character boxes -> located lines and cells),
not table parsing; pdfplumber's column is `page.extract_text()` over every page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.loaders.pdf import read_document  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    pdfs = args.pdfs or sorted(CORPUS.glob("*.pdf"))
    print(f"{'file':40} {'pages':>5} {'auditor s':>10} {'pdfplumber s':>13} {'ratio':>6}")
    for path in pdfs:
        doc = read_document(path)
        ours = _median(lambda path=path: read_document(path), args.runs)
        theirs = _median(lambda path=path: _plumber(path), args.runs)
        print(f"{path.name:40} {doc.pages:>5} {ours:>10.3f} {theirs:>13.3f} {ours / theirs:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
