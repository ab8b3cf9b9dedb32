"""End to end on a generated corpus: --jobs 2 and a dask LocalCluster give identical findings; the tables load into pandas.

    .venv/bin/python benchmarks/corpus_run.py [-n 1000] [--dir benchmarks/out/corpus] [--jobs 2]

Generates the corpus (benchmarks/generate.py, seed 7) unless it is there, then runs the CLI:
1. ``run_batch(jobs=2)`` (what ``auditor audit DIR --jobs 2`` runs), writing the JSONL, Parquet
   and CSV outputs of ``--format jsonl|parquet|csv`` in one pass;
2. ``run_dask`` on a LocalCluster of 2 worker processes (``auditor audit DIR --dask --jobs 2``);
compares the two JSONL texts byte for byte, loads Parquet and CSV with pandas, prints the
timings and writes them to benchmarks/out/corpus_run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


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
    res: dict = {"documents": args.n, "jobs": args.jobs, "cores": os.cpu_count()}
    files = {k: OUT / f"corpus-{k}" for k in ("local.jsonl", "dask.jsonl", "findings.parquet", "findings.csv")}
    from auditor.batch import run_batch
    from auditor.batch_dask import run_dask
    from auditor.config import Config
    from auditor.engine import exit_code
    from auditor.report.tabular import open_writer

    config = Config()
    # one local pass writes the JSONL, the Parquet and the CSV together (what --format jsonl|parquet|csv write)
    t = time.perf_counter()
    reports_code = 0
    with (
        open(files["local.jsonl"], "w", encoding="utf-8") as jl,
        open_writer("parquet", files["findings.parquet"]) as pw,
        open_writer("csv", files["findings.csv"]) as cw,
    ):
        for rep in run_batch([corpus], config, jobs=args.jobs):
            jl.write(json.dumps(rep.to_dict(), ensure_ascii=False) + "\n")
            pw.add(rep)
            cw.add(rep)
            reports_code = max(reports_code, exit_code([rep], config))
    res["local_s"], res["exit_code"] = time.perf_counter() - t, reports_code
    t = time.perf_counter()
    with open(files["dask.jsonl"], "w", encoding="utf-8") as jl:
        for rep in run_dask([corpus], config, n_workers=args.jobs):
            jl.write(json.dumps(rep.to_dict(), ensure_ascii=False) + "\n")
    res["dask_s"] = time.perf_counter() - t
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
    res["docs_per_s_local"] = round(args.n / res["local_s"], 2)
    res["docs_per_s_dask"] = round(args.n / res["dask_s"], 2)
    res["errors_by_department_top3"] = pq[pq.severity == "error"].groupby("department").size().nlargest(3).to_dict()
    for k, v in res.items():
        print(f"{k:28} {v}")
    (OUT / "corpus_run.json").write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if res["identical_findings"] and res["tables_agree"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
