"""The long fuzz profile (`make fuzz`): mutated corpus texts, PDFs, JSON exports and workbooks.

    python tools/fuzz.py [--count 20000] [--start 0] [--seed 1] [--jobs 2] [--out fuzz-out]

Prints a JSON summary (outcomes, escaped exceptions, contained crashes, hangs, inputs over 10 s CPU,
peak memory) and writes it to OUT/summary.json with a minimal repro of every failure in OUT/repros/.
Exits 1 when any input escaped, crashed, hung, died, or ran over the CPU limit.
Re-run one input with --only N (prints its outcome).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--start", type=int, default=0, help="first input number (continue a campaign in parts)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "fuzz-out")
    ap.add_argument("--slow", type=float, default=10.0, help="CPU seconds over which an input counts as slow")
    ap.add_argument("--kill", type=float, default=60.0, help="CPU seconds after which an input counts as a hang")
    ap.add_argument("--memory", type=int, default=4096, help="memory cap per worker, MiB")
    ap.add_argument("--only", type=int, help="run this one input in-process and print its outcome")
    args = ap.parse_args(argv)

    from corpus import CORPUS

    from auditor.fuzz.campaign import run_campaign, write_repros
    from auditor.fuzz.inputs import load_seeds

    seeds = load_seeds(CORPUS)
    if args.only is not None:
        import tempfile

        from auditor.engine import prepare
        from auditor.fuzz.harness import fuzz_config, run_input
        from auditor.fuzz.inputs import make_input

        config = fuzz_config()
        inp = make_input(seeds, args.seed, args.only)
        with tempfile.TemporaryDirectory() as tmp:
            out = run_input(inp, prepare(config), config, Path(tmp))
        print(json.dumps({"kind": inp.kind, "mutations": inp.mutations, "outcome": out.__dict__}, ensure_ascii=False))
        return 0
    last = [time.monotonic()]

    args.out.mkdir(parents=True, exist_ok=True)

    def progress(summary) -> None:
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            print(f"{summary.inputs}/{args.count} {dict(sorted(summary.counts.items()))}", file=sys.stderr, flush=True)
            # the figures so far, so that a long run can be read (or stopped) at any time
            partial = summary.to_dict() | {"seed": args.seed, "start": args.start, "partial": True}
            (args.out / "summary.json").write_text(
                json.dumps(partial, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )

    summary, firsts = run_campaign(
        seeds,
        seed=args.seed,
        count=args.count,
        first=args.start,
        jobs=args.jobs,
        slow_cpu=args.slow,
        kill_cpu=args.kill,
        memory_mb=args.memory,
        progress=progress,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    written = write_repros(seeds, args.seed, firsts, args.out / "repros")
    data = summary.to_dict()
    data["seed"] = args.seed
    data["start"] = args.start
    data["repros"] = [os.path.relpath(p, args.out) for p in written]
    (args.out / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data, ensure_ascii=False, indent=2))
    bad = data["escaped"] + data["contained"] + data["hangs"] + data["died"] + data["over_slow_cpu"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
