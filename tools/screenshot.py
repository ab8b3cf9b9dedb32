#!/usr/bin/env python3
"""Render the HTML report of the Minhang example and take a screenshot with headless Chromium.

    python tools/screenshot.py                      # -> docs/report-screenshot.png (+ docs/report-example.html with --keep-html)
    python tools/screenshot.py --source FILE --out PNG --window-size 1280,2400

Needs Debian's chromium (``apt-get install -y chromium fonts-noto-cjk``; the CJK fonts are needed for
the Chinese text to show). ``--no-builtin`` audits without the built-in rule pack (figures and charts
only), for when the rules cannot be loaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SOURCE = ROOT.parent / "shared" / "corpus" / "minhang-police-2024-budget.txt"
DEFAULT_OUT = ROOT / "docs" / "report-screenshot.png"


def chromium() -> str:
    for candidate in (
        os.environ.get("AUDITOR_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    sys.exit("no chromium: apt-get install -y chromium fonts-noto-cjk")


def build_report(source: Path, previous: Path | None, builtin: bool):
    from auditor.config import Config
    from auditor.engine import audit

    config = Config() if builtin else Config(builtin=False, entry_points=False)
    return audit(str(source), config, previous=str(previous) if previous else None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--previous", type=Path, default=None, help="last year's disclosure of the same department")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--window-size", default="1280,2400")
    ap.add_argument("--keep-html", type=Path, default=None, help="also write the rendered HTML here")
    ap.add_argument("--no-builtin", action="store_true", help="audit without the built-in rules")
    args = ap.parse_args(argv)

    from auditor.report import ReportOptions, render

    report = build_report(args.source, args.previous, builtin=not args.no_builtin)
    # the report names the document as given on the command line: keep it relative to the repo
    try:
        rel = os.path.relpath(args.source, ROOT)
    except ValueError:
        rel = args.source.name
    report.document["path"] = args.source.name if rel.startswith("..") else rel
    html = render([report], "html", ReportOptions())
    if args.keep_html:
        args.keep_html.parent.mkdir(parents=True, exist_ok=True)
        args.keep_html.write_text(html, encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        cmd = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--window-size={args.window_size}",
            f"--screenshot={args.out.resolve()}",
            page.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        if proc.returncode != 0 or not args.out.exists():
            sys.stderr.write(proc.stderr)
            return 1
    print(f"{args.out} ({report.summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
