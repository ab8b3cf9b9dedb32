"""Regenerate tests/data/corpus-findings.json: the findings of the default audit on every corpus document.

    .venv/bin/python tools/snapshot_findings.py          # rewrite the snapshot
    .venv/bin/python tools/snapshot_findings.py --check  # exit 1 and print the difference if it is stale

tests/test_findings_snapshot.py compares live findings to the snapshot, so a refactor that changes
a finding fails. Change findings on purpose? Regenerate, and explain the diff in the commit message.
Each finding is recorded as [rule, severity, table, row, column, page, line, message].
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "corpus-findings.json"
FIELDS = ("rule", "severity", "table", "row", "column", "page", "line", "message")


def finding_row(f) -> list:
    loc = f.location
    return [f.rule, f.severity, loc.table, loc.row, loc.column, loc.page, loc.line, f.message]


def document_findings(path: Path) -> list[list]:
    """The findings of the default audit of one document, in report order."""
    from auditor.engine import audit

    return [finding_row(f) for f in audit(path).findings]


def live() -> dict:
    """Corpus file name -> its findings, for every corpus document (tests/corpus.py documents())."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import documents

    return {"fields": list(FIELDS), "documents": {p.name: document_findings(p) for p in documents()}}


def dumps(data: dict) -> str:
    """One finding per line, so that a diff of the snapshot reads finding by finding."""
    lines = ["{", f'  "fields": {json.dumps(data["fields"], ensure_ascii=False)},', '  "documents": {']
    docs = list(data["documents"].items())
    for i, (name, rows) in enumerate(docs):
        lines.append(f"    {json.dumps(name, ensure_ascii=False)}: [")
        lines.extend(
            f"      {json.dumps(r, ensure_ascii=False)}{',' if j < len(rows) - 1 else ''}" for j, r in enumerate(rows)
        )
        lines.append(f"    ]{',' if i < len(docs) - 1 else ''}")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when stale")
    args = ap.parse_args(argv)
    data = live()
    if not data["documents"]:
        print("no corpus found (set AUDITOR_CORPUS)", file=sys.stderr)
        return 2
    text = dumps(data)
    if args.check:
        old = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
        if old == text:
            return 0
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), str(SNAPSHOT), "live"))
        return 1
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}: {sum(map(len, data['documents'].values()))} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
