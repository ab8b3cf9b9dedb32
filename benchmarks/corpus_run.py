"""End to end on a generated corpus: --jobs 2 and a dask LocalCluster give identical findings; the tables load into pandas.

    .venv/bin/python benchmarks/corpus_run.py [-n 1000] [--dir benchmarks/out/corpus] [--jobs 2]

Generates the corpus (benchmarks/generate.py, seed 7) unless it is there, then runs the CLI:
1. ``auditor audit DIR --jobs 2 --format jsonl`` and ``--format parquet`` and ``--format csv``;
2. ``auditor audit DIR --dask --jobs 2 --format jsonl`` (a LocalCluster of 2 worker processes);
compares the two JSONL outputs byte for byte, loads Parquet and CSV with pandas, prints the
timings and writes them to benchmarks/out/corpus_run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
AUDITOR = [str(Path(sys.executable).parent / "auditor")]


def timed(cmd: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - t, rc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--dir", type=Path, default=OUT / "corpus")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    sys.path.insert(0, str(HERE))
    import generate

    corpus = args.dir / f"n{args.n}"
    if not (corpus / generate.MANIFEST).exists():
        generate.generate(corpus, args.n)
    j = str(args.jobs)
    res: dict = {"documents": args.n, "jobs": args.jobs, "cores": os.cpu_count()}
    files = {k: OUT / f"corpus-{k}" for k in ("local.jsonl", "dask.jsonl", "findings.parquet", "findings.csv")}
    res["local_jsonl_s"], res["exit_code"] = timed([*AUDITOR, "audit", str(corpus), "--jobs", j, "--format", "jsonl", "-o", str(files["local.jsonl"])])
    res["dask_jsonl_s"], res["dask_exit_code"] = timed([*AUDITOR, "audit", str(corpus), "--dask", "--jobs", j, "--format", "jsonl", "-o", str(files["dask.jsonl"])])
    res["parquet_s"], _ = timed([*AUDITOR, "audit", str(corpus), "--jobs", j, "--format", "parquet", "-o", str(files["findings.parquet"])])
    res["csv_s"], _ = timed([*AUDITOR, "audit", str(corpus), "--jobs", j, "--format", "csv", "-o", str(files["findings.csv"])])
    local = files["local.jsonl"].read_text(encoding="utf-8")
    remote = files["dask.jsonl"].read_text(encoding="utf-8")
    res["identical_findings"] = local == remote
    lines = [json.loads(x) for x in local.splitlines()]
    res["documents_reported"] = len(lines)
    res["failed_loads"] = sum(1 for x in lines if "error" in x)
    res["findings"] = sum(len(x["findings"]) for x in lines)
    import pandas as pd

    pq = pd.read_parquet(files["findings.parquet"])
    csv = pd.read_csv(files["findings.csv"], dtype={"row": "string"})
    res["parquet_rows"], res["csv_rows"] = len(pq), len(csv)
    res["tables_agree"] = len(pq) == len(csv) == res["findings"] and pq["rule"].tolist() == csv["rule"].tolist()
    res["docs_per_s_local"] = round(args.n / res["local_jsonl_s"], 2)
    res["docs_per_s_dask"] = round(args.n / res["dask_jsonl_s"], 2)
    res["errors_by_department_top3"] = pq[pq.severity == "error"].groupby("department").size().nlargest(3).to_dict()
    for k, v in res.items():
        print(f"{k:28} {v}")
    (OUT / "corpus_run.json").write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if res["identical_findings"] and res["tables_agree"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
