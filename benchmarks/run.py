"""The speed figures of issue 7, as one table; written to benchmarks/out/results.json.

    make bench        # = .venv/bin/python benchmarks/run.py [--quick]

(a) the Minhang text, full audit in-process (load + validate + every built-in rule, warm), median
    CPU time of ≥15 (wall time alongside);
(b) a ~30-page text-layer PDF: auditor's load (the whole Budget, and its lines alone) vs pypdfium2's
    own ``get_text_range`` of every page, interleaved in 9 rounds (CPU time; a ratio is the median of
    the rounds' ratios);
    pdfplumber's extract_text alongside for reference;
(c) a generated corpus of text disclosures (benchmarks/generate.py): documents/s with --jobs 1 and
    --jobs 2, and peak RSS of the auditor process tree for 100 vs 400 documents;
(d) cold start of ``auditor audit examples/minhang-police-2024-budget.txt`` vs
    ``python -c "import pandas"``: CPU time (user + system) of each subprocess, median of 7 runs each,
    alternated, with byte-code caching on (as in an installed package) after one warm-up run each.
    CPU time, not wall time, so that other load on the machine does not skew the ratio.
Targets are printed next to the figures; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

CORPUS = Path(os.environ.get("AUDITOR_CORPUS") or ROOT.parent / "shared" / "corpus")
EXAMPLE = ROOT / "examples" / "minhang-police-2024-budget.txt"
BIN = Path(sys.executable).parent
AUDITOR = str(BIN / "auditor")


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def cpu(fn) -> float:
    """CPU time of this process for one call of `fn`."""
    t = time.process_time()
    fn()
    return time.process_time() - t


def median_cpu(fn, runs: int) -> float:
    """Median CPU time of this process (less sensitive than wall time to other load on the machine)."""
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def in_process(runs: int) -> dict:
    from auditor.config import Config
    from auditor.engine import audit, prepare
    from auditor.loaders import load

    cfg = Config()
    engine = prepare(cfg)
    audit(EXAMPLE, cfg, engine=engine)  # warm: regexes compiled, lazy imports done
    full, _ = median_time(lambda: audit(EXAMPLE, cfg, engine=engine), runs)
    loaded, _ = median_time(lambda: load(EXAMPLE), runs)
    budget = load(EXAMPLE)
    rules_only, _ = median_time(lambda: audit(budget, cfg, engine=engine), runs)
    cpu = median_cpu(lambda: audit(EXAMPLE, cfg, engine=engine), runs)
    return {
        "runs": runs,
        "full_cpu_ms": cpu * 1000,
        "full_ms": full * 1000,
        "load_ms": loaded * 1000,
        "rules_ms": rules_only * 1000,
        "rules": len(engine.rules),
    }


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _pdfium_text(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        pdf.close()


def pdf_vs_pdfium(runs: int) -> dict:
    """auditor's PDF load against pypdfium2's own text extraction of the same file (CPU time)."""
    from auditor.loaders import load
    from auditor.loaders.pdf import read_document

    pdfs = sorted(CORPUS.glob("*.pdf"))
    if not pdfs:
        return {"skipped": "no PDFs in ../shared/corpus"}
    import pypdfium2

    path = min(pdfs, key=lambda p: abs(len(pypdfium2.PdfDocument(str(p))) - 30))
    pages = len(pypdfium2.PdfDocument(str(path)))
    load(path)
    _pdfium_text(path)
    # interleaved: each round times the three back to back, and a ratio is the median of the
    # rounds' ratios, so that other load on a shared machine (which can halve the speed within
    # seconds) weighs on both sides of each ratio alike
    rounds = [
        (cpu(lambda: _pdfium_text(path)), cpu(lambda: read_document(path)), cpu(lambda: load(path)))
        for _ in range(runs)
    ]
    base, lines, whole = (statistics.median(r[i] for r in rounds) for i in range(3))
    return {
        "file": path.name,
        "pages": pages,
        "pdfium_text_s": base,
        "auditor_lines_s": lines,
        "auditor_load_s": whole,
        "lines_ratio": statistics.median(r[1] / r[0] for r in rounds),
        "load_ratio": statistics.median(r[2] / r[0] for r in rounds),
    }


def pdf_vs_plumber(runs: int) -> dict:
    from auditor.loaders import load
    from auditor.loaders.pdf import read_document

    pdfs = sorted(CORPUS.glob("*.pdf"))
    if not pdfs:
        return {"skipped": "no PDFs in ../shared/corpus"}
    import pypdfium2

    # the one closest to 30 pages
    path = min(pdfs, key=lambda p: abs(len(pypdfium2.PdfDocument(str(p))) - 30))
    pages = len(pypdfium2.PdfDocument(str(path)))
    load(path)
    ours, _ = median_time(lambda: load(path), runs)
    lines, _ = median_time(lambda: read_document(path), runs)
    try:
        theirs, _ = median_time(lambda: _plumber(path), runs)
    except ImportError:
        return {"file": path.name, "pages": pages, "auditor_load_s": ours, "skipped": "pdfplumber not installed"}
    return {
        "file": path.name,
        "pages": pages,
        "auditor_load_s": ours,
        "auditor_lines_s": lines,
        "pdfplumber_s": theirs,
        "ratio": ours / theirs,
    }


def _tree_rss(proc) -> int:
    try:
        total = proc.memory_info().rss
        for c in proc.children(recursive=True):
            try:
                total += c.memory_info().rss
            except Exception:  # noqa: BLE001 - a worker that just ended
                pass
        return total
    except Exception:  # noqa: BLE001
        return 0


def run_measured(cmd: list[str]) -> dict:
    """Wall time and peak RSS (main process, and whole tree) of a subprocess."""
    import psutil

    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ps = psutil.Process(p.pid)
    peak_main = peak_tree = 0
    while p.poll() is None:
        try:
            peak_main = max(peak_main, ps.memory_info().rss)
        except Exception:  # noqa: BLE001
            pass
        peak_tree = max(peak_tree, _tree_rss(ps))
        time.sleep(0.05)
    return {
        "s": time.perf_counter() - t,
        "rc": p.returncode,
        "peak_main_mb": peak_main / 2**20,
        "peak_tree_mb": peak_tree / 2**20,
    }


def not_audited(report: Path) -> int:
    """Documents of a JSONL batch report that were not audited (a load error, a worker that died,
    a crashed rule): a speed figure over documents that failed says nothing."""
    failed = 0
    lines = report.read_text(encoding="utf-8").splitlines() if report.exists() else []
    for line in lines:
        doc = json.loads(line)
        failed += bool(doc.get("error")) or any("internal" in f.get("tags", ()) for f in doc["findings"])
    return failed


def corpus(small: int, large: int, tmp: Path) -> dict:
    import generate

    out: dict = {}
    for n in (small, large):
        d = tmp / f"n{n}"
        generate.generate(d, n, seed=7, text_only=True)

    def batch(n: int, jobs: int) -> dict:
        report = tmp / f"n{n}-jobs{jobs}.jsonl"
        cmd = [AUDITOR, "audit", str(tmp / f"n{n}"), "--jobs", str(jobs), "--format", "jsonl", "-o", str(report)]
        r = run_measured(cmd)
        return {"documents": n, **r, "docs_per_s": n / r["s"], "not_audited": not_audited(report)}

    for jobs in (1, 2):
        out[f"jobs{jobs}"] = batch(small, jobs)
    out[f"jobs2_n{large}"] = batch(large, 2)
    out["speedup_2_vs_1"] = out["jobs2"]["docs_per_s"] / out["jobs1"]["docs_per_s"]
    return out


def child_cpu(cmd: list[str]) -> float:
    """CPU seconds (user + system) a subprocess used, with byte-code caching on."""
    import resource

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


COLD_TARGET = 1.2  # `auditor audit` cold start at most 1.2x `python -c "import pandas"`


def cold_start(runs: int = 15) -> dict:
    """(d): CPU of `auditor audit` on the example against `python -c "import pandas"`, alternated.

    The ratio is the median of the rounds' ratios (each round runs the three commands back to back),
    which a change in the shared machine's load between rounds moves less than a ratio of medians.
    "imports" is the imports of a text audit, started and ended as the console script starts and ends.
    """
    commands = {
        "auditor": [AUDITOR, "audit", str(EXAMPLE), "-q"],
        "pandas": [sys.executable, "-c", "import pandas"],
        "imports": [
            sys.executable,
            "-c",
            "from auditor.cliutil import exit_now, tune_collector\ntune_collector()\n"
            "import auditor.cli, auditor.engine, auditor.loaders.text, auditor.parse\n"
            "import gc\ngc.freeze()\nexit_now(0)",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():
        child_cpu(cmd)  # warm-up: byte-code written, files in the page cache, the YAML kept
    for _ in range(runs):  # alternated, so that a burst of load hits both alike
        for name, cmd in commands.items():
            times[name].append(child_cpu(cmd))
    ours, pandas = statistics.median(times["auditor"]), statistics.median(times["pandas"])
    return {
        "runs": runs,
        "auditor_cpu_s": ours,
        "import_pandas_cpu_s": pandas,
        "import_auditor_cpu_s": statistics.median(times["imports"]),
        "ratio": statistics.median(a / p for a, p in zip(times["auditor"], times["pandas"])),
        "ratio_of_medians": ours / pandas,
        "target": COLD_TARGET,
        "all": times,
    }


def row(name: str, value: str, target: str, ok: bool | None) -> list[str]:
    return [name, value, target, "" if ok is None else ("ok" if ok else "MISSED")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--small", type=int, default=100)
    ap.add_argument("--large", type=int, default=400)
    ap.add_argument("--quick", action="store_true", help="fewer runs and a smaller corpus (a smoke test of the script)")
    ap.add_argument("--cold-start", action="store_true", help="only figure (d), the cold start")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.small, args.large = 5, 20, 60
    OUT.mkdir(exist_ok=True)
    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    try:
        results["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        pass
    print(f"budget-auditor benchmark: {results['cores']} cores, Python {results['python']}", flush=True)
    if args.cold_start:
        d = cold_start()
        print(
            f"(d) cold start: auditor audit {d['auditor_cpu_s']:.2f} s CPU vs import pandas {d['import_pandas_cpu_s']:.2f} s"
            f" = {d['ratio']:.2f}× (target ≤ {COLD_TARGET}×; imports alone {d['import_auditor_cpu_s']:.2f} s)"
        )
        return 0
    results["a_in_process"] = a = in_process(max(15, args.runs))
    print(f"(a) done: {a['full_cpu_ms']:.0f} ms CPU", flush=True)
    results["b_pdf_pdfium"] = bp = pdf_vs_pdfium(9)
    results["b_pdf"] = b = pdf_vs_plumber(5)
    print("(b) done", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        results["c_corpus"] = c = corpus(args.small, args.large, Path(tmp))
    print("(c) done", flush=True)
    results["d_cold_start"] = d = cold_start()

    from tabulate import tabulate

    rows = [
        row(
            "(a) Minhang full audit in-process (warm), median CPU",
            f"{a['full_cpu_ms']:.0f} ms CPU (wall {a['full_ms']:.0f} ms: load {a['load_ms']:.0f} + rules {a['rules_ms']:.0f}; "
            f"{a['rules']} rules, {a['runs']} runs)",
            "≤ 50 ms CPU",
            a["full_cpu_ms"] <= 50,
        ),
    ]
    if "load_ratio" in bp:
        rows.append(
            row(
                f"(b) {bp['file']} ({bp['pages']} p.) load vs pypdfium2 get_text_range, median CPU",
                f"{bp['auditor_load_s']:.3f} s vs {bp['pdfium_text_s']:.3f} s = {bp['load_ratio']:.2f}× "
                f"(lines alone {bp['auditor_lines_s']:.3f} s = {bp['lines_ratio']:.2f}×)",
                "≤ 2×",
                bp["load_ratio"] <= 2,
            )
        )
    else:
        rows.append(row("(b) PDF load vs pypdfium2", bp.get("skipped", "?"), "≤ 2×", None))
    if "ratio" in b:
        rows.append(
            row(
                f"(b) {b['file']} ({b['pages']} p.) load vs pdfplumber text",
                f"{b['auditor_load_s']:.3f} s vs {b['pdfplumber_s']:.3f} s = {b['ratio']:.2f}× (lines only {b['auditor_lines_s']:.3f} s)",
                "≤ 0.5×",
                b["ratio"] <= 0.5,
            )
        )
    else:
        rows.append(row("(b) PDF load vs pdfplumber", b.get("skipped", "?"), "≤ 0.5×", None))
    j1, j2, big = c["jobs1"], c["jobs2"], c[f"jobs2_n{args.large}"]
    rows += [
        row(
            f"(c) corpus {args.small} text docs, --jobs 1", f"{j1['docs_per_s']:.1f} docs/s ({j1['s']:.1f} s)", "", None
        ),
        row(
            f"(c) corpus {args.small} text docs, --jobs 2",
            f"{j2['docs_per_s']:.1f} docs/s ({j2['s']:.1f} s)",
            "≥ 20 docs/s",
            j2["docs_per_s"] >= 20,
        ),
        row(
            "(c) documents not audited (load error, worker died, rule crashed)",
            f"{j1['not_audited']} / {j2['not_audited']} / {big['not_audited']} (jobs 1 / jobs 2 / jobs 2, {args.large})",
            "0",
            j1["not_audited"] + j2["not_audited"] + big["not_audited"] == 0,
        ),
        row("(c) speed-up 2 jobs vs 1", f"{c['speedup_2_vs_1']:.2f}×", "≥ 1.6×", c["speedup_2_vs_1"] >= 1.6),
        row(
            f"(c) peak RSS, {args.small} vs {args.large} docs (--jobs 2)",
            f"main {j2['peak_main_mb']:.0f} vs {big['peak_main_mb']:.0f} MB; all processes {j2['peak_tree_mb']:.0f} vs {big['peak_tree_mb']:.0f} MB",
            "flat",
            big["peak_tree_mb"] <= j2["peak_tree_mb"] * 1.15 + 20,
        ),
        row(
            "(d) cold start `auditor audit` example vs `python -c 'import pandas'`, CPU, median of rounds",
            f"{d['auditor_cpu_s']:.2f} s vs {d['import_pandas_cpu_s']:.2f} s = {d['ratio']:.2f}× "
            f"(auditor's imports alone {d['import_auditor_cpu_s']:.2f} s; {d['runs']} runs)",
            f"≤ {COLD_TARGET}×",
            d["ratio"] <= COLD_TARGET,
        ),
    ]
    print(
        tabulate(
            rows,
            headers=["figure", f"measured ({results['cores']} cores)", "target", ""],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
