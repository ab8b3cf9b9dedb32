"""OCR figures and the scanned-corpus check; written to benchmarks/out/ocr.json.

    make bench-ocr                      # one whole scanned corpus budget (the smallest)
    .venv/bin/python benchmarks/ocr.py --all      # every corpus budget PDF (the acceptance check)
    .venv/bin/python benchmarks/ocr.py --pages 10,14 putuo-wanli-street-2024-budget.pdf

For each document: a scanned copy is made (``auditor.scancopy.make_scan``: 150 dpi, ±1° skew
alternating by page, grey noise, JPEG quality 60, no text layer), audited with a fresh page cache,
and compared with the text-layer original: the findings as (rule, page) pairs, and every table cell
for cell. Reported: OCR CPU-seconds per page (the workers' own CPU time), pages per second (wall),
peak memory of the worker processes and of this process, and the cached re-audit time (a second
audit of the same scan). Skipped, with a note, when the ``ocr`` extra is not installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import CORPUS, budgets  # noqa: E402


def _findings(report) -> Counter:
    return Counter((f.rule, f.location.page) for f in report.findings)


def run_one(src: Path, work: Path, pages: list[int] | None, jobs: int | None) -> dict:
    import pypdfium2 as pdfium

    from auditor.config import Config
    from auditor.engine import audit, prepare
    from auditor.scancopy import make_scan
    from auditor.table_diff import table_differences

    if pages:
        subset = pdfium.PdfDocument.new()
        with pdfium.PdfDocument(str(src)) as pdf:
            subset.import_pages(pdf, [p - 1 for p in pages])
        text = work / f"{src.stem}-text.pdf"
        subset.save(str(text))
        subset.close()
    else:
        text = src
    scan = work / f"{src.stem}-scan.pdf"
    make_scan(text, scan, dpi=150, skew=1.0, quality=60, noise=8.0)
    cache = work / f"{src.stem}-cache"
    config = Config().replace(ocr_jobs=jobs, cache_dir=cache, ocr_progress=False)
    engine = prepare(config)
    original = audit(text, config, engine=engine)
    started = time.perf_counter()
    scanned = audit(scan, config, engine=engine)
    wall = time.perf_counter() - started
    started = time.perf_counter()
    again = audit(scan, config, engine=engine)
    cached = time.perf_counter() - started
    prov = scanned.budget.document.ocr or {}
    n = len(prov.get("pages", []))
    cpu = float(prov.get("cpu_seconds") or 0.0)
    got, want = _findings(scanned), _findings(original)
    tables = table_differences(scanned.budget, original.budget)
    turned = {p: i["rotation"] for p, i in prov.get("page_info", {}).items() if i.get("rotation")}
    return {
        "document": src.name,
        "pages": n,
        "ocr_cpu_s_per_page": round(cpu / n, 2) if n else None,
        "pages_per_s": round(n / wall, 3) if wall else None,
        "wall_s": round(wall, 1),
        "cached_reaudit_s": round(cached, 3),
        "cached_same_findings": _findings(again) == got,
        "findings_original": sum(want.values()),
        "findings_scan": sum(got.values()),
        "same_findings": got == want,
        "only_in_scan": sorted(f"{r}@p{p}" for r, p in (got - want).elements()),
        "only_in_original": sorted(f"{r}@p{p}" for r, p in (want - got).elements()),
        "tables_equal": not tables,
        "table_differences": tables[:40],
        "turned_pages": turned,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("documents", nargs="*", help="corpus PDF names (default: the smallest budget; --all: every one)")
    ap.add_argument("--all", action="store_true", help="every corpus budget PDF")
    ap.add_argument("--pages", default="", help="only these pages (1-based, comma-separated)")
    ap.add_argument("--jobs", type=int, default=None, help="OCR worker processes (default: all cores)")
    ap.add_argument("--work", default=None, help="keep the scans and caches here (default: a temporary directory)")
    args = ap.parse_args(argv)
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        print("OCR benchmark skipped: the ocr extra is not installed (pip install 'budget-auditor[ocr]')")
        return 0
    pdfs = budgets(suffix=".pdf")
    if args.documents:
        pdfs = [CORPUS / d for d in args.documents]
    elif not args.all:
        pdfs = sorted(pdfs, key=lambda p: p.stat().st_size)[:1]
    if not pdfs:
        print(f"OCR benchmark skipped: no corpus PDFs at {CORPUS}")
        return 0
    pages = [int(p) for p in args.pages.split(",") if p.strip()] or None
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for pdf in pdfs:
            r = run_one(pdf, work, pages, args.jobs)
            results.append(r)
            print(
                f"{r['document']}: {r['pages']} pages, {r['ocr_cpu_s_per_page']} CPU-s/page, "
                f"{r['pages_per_s']} pages/s, cached re-audit {r['cached_reaudit_s']} s; "
                f"findings {r['findings_scan']} vs {r['findings_original']} "
                f"({'same' if r['same_findings'] else 'DIFFERENT'}), tables "
                f"{'equal' if r['tables_equal'] else 'DIFFERENT'}",
                flush=True,
            )
            for line in r["only_in_scan"] + r["only_in_original"] + r["table_differences"]:
                print("   ", line)
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages_total = sum(r["pages"] for r in results)
    cpu_total = sum((r["ocr_cpu_s_per_page"] or 0) * r["pages"] for r in results)
    summary = {
        "documents": results,
        "ocr_cpu_s_per_page": round(cpu_total / pages_total, 2) if pages_total else None,
        "peak_worker_rss_mb": round(peak_children),
        "peak_parent_rss_mb": round(peak_self),
    }
    print(
        f"OCR: {summary['ocr_cpu_s_per_page']} CPU-s/page over {pages_total} pages; peak RSS "
        f"{summary['peak_worker_rss_mb']} MB per worker, {summary['peak_parent_rss_mb']} MB this process; "
        f"cached re-audit {max(r['cached_reaudit_s'] for r in results)} s (slowest)"
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "ocr.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
