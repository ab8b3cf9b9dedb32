"""Engine overhead: loading every rule pack and plugin, and evaluating 100 trivial YAML rules.

    .venv/bin/python benchmarks/engine_overhead.py [--runs 7] [--source FILE]

Prints medians (seconds) of:
- cold start: a fresh interpreter importing auditor and loading all plugins and rule packs;
- warm reload: the same in-process with the YAML cache and plugin manager rebuilt;
- 100 trivial YAML rules (`assert: "total >= 0"` over the budget's tables) on one Budget;
- every built-in rule on the same Budget (for scale).
The Budget is the Minhang OCR text when it loads, else a realistic 20-row gpb_function table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor import audit, load  # noqa: E402
from auditor.config import Config  # noqa: E402
from auditor.engine import prepare  # noqa: E402
from auditor.testing import budget_from_dict  # noqa: E402
from auditor.yamlrules import clear_cache  # noqa: E402

MINHANG = Path("/work/shared/corpus/minhang-police-2024-budget.txt")
TABLES = ["gpb_function", "expenditure_summary", "income_summary", "gpb_basic_economic", "gov_fund_function"]


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def synthetic_budget():
    rows = [
        {"code": None, "name": "合计", "total": "2082935857.58", "basic": "1500000000.00", "project": "582935857.58"}
    ]
    for i in range(19):
        code = [
            "204",
            "20402",
            "2040201",
            "2040202",
            "2040299",
            "208",
            "20805",
            "2080505",
            "2080506",
            "210",
            "21011",
            "2101101",
            "221",
            "22102",
            "2210201",
            "201",
            "20103",
            "2010301",
            "2010350",
        ][i]
        rows.append(
            {
                "code": code,
                "name": f"科目{i}",
                "total": f"{1000 + i}.00",
                "basic": f"{600 + i}.00",
                "project": "400.00",
                "line": 100 + i,
            }
        )
    return budget_from_dict({"tables": {"gpb_function": rows}})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--source", default=str(MINHANG))
    args = ap.parse_args()

    try:
        budget = load(args.source)
        label = args.source
    except Exception as exc:  # noqa: BLE001
        print(f"(could not load {args.source}: {exc}; using a synthetic 20-row gpb_function)")
        budget, label = synthetic_budget(), "synthetic 20-row gpb_function"

    cold = []
    for _ in range(max(3, args.runs // 2)):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time; t=time.perf_counter(); from auditor.engine import prepare; from auditor.config import Config; "
                "e=prepare(Config()); print(time.perf_counter()-t, len(e.all_rules))",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        secs, n_rules = out.stdout.split()
        cold.append(float(secs))

    def warm() -> None:
        clear_cache()
        prepare(Config())

    warm_t = median_time(warm, args.runs)

    with tempfile.TemporaryDirectory() as d:
        for i in range(100):
            t = TABLES[i % len(TABLES)]
            Path(d, f"r{i:03d}.yaml").write_text(
                f'code: B{i:03d}\nname: trivial-{i}\ntags: [arithmetic]\ntable: {t}\nassert: "total >= 0"\n',
                encoding="utf-8",
            )
        cfg = Config(builtin=False, entry_points=False, rules=[Path(d)])
        t0 = time.perf_counter()
        engine = prepare(cfg)
        parse_100 = time.perf_counter() - t0
        assert len(engine.rules) == 100
        eval_100 = median_time(lambda: audit(budget, cfg, engine=engine), args.runs)

    full_cfg = Config()
    full_engine = prepare(full_cfg)
    full = median_time(lambda: audit(budget, full_cfg, engine=full_engine), args.runs)

    print(f"budget: {label}")
    print(
        f"cold start, import + load all plugins and rule packs ({n_rules} rules): median {statistics.median(cold) * 1000:.0f} ms over {len(cold)} runs"
    )
    print(f"warm reload of all plugins and rule packs: median {warm_t * 1000:.1f} ms over {args.runs} runs")
    print(f"parse 100 trivial YAML rules (first load): {parse_100 * 1000:.1f} ms")
    print(
        f"evaluate 100 trivial YAML rules on the budget: median {eval_100 * 1000:.1f} ms over {args.runs} runs ({eval_100 * 10:.2f} ms/rule)"
    )
    print(
        f"all {len(full_engine.rules)} built-in rules on the budget: median {full * 1000:.1f} ms over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
