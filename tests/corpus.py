"""Where the tests find the corpus of real disclosures, and what kind each file is.

The one place that knows the corpus path: ``AUDITOR_CORPUS``, or ``../shared/corpus`` beside the
checkout. Tests that need it use :data:`needs_corpus` (one skip message) and pick files by kind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("AUDITOR_CORPUS") or Path(__file__).resolve().parents[1].parent / "shared" / "corpus")

BUDGET = "部门预算"
UNIT_BUDGET = "单位预算"
FINAL_ACCOUNTS = "部门决算"

#: Every corpus file with the kind of disclosure it is (its ``meta.kind`` once loaded).
KINDS: dict[str, str] = {
    "minhang-police-2024-budget.txt": BUDGET,
    "putuo-commerce-2025-budget.pdf": BUDGET,
    "putuo-government-office-2025-budget.pdf": BUDGET,
    "putuo-government-office-2025-unit-budget.pdf": UNIT_BUDGET,
    "putuo-wanli-street-2024-budget.pdf": BUDGET,
    "putuo-wanli-street-2025-budget.pdf": BUDGET,
    "final-accounts-template.pdf": FINAL_ACCOUNTS,
    "putuo-finance-bureau-2024-final-accounts.pdf": FINAL_ACCOUNTS,
    "putuo-planning-resources-2024-final-accounts.pdf": FINAL_ACCOUNTS,
}

MINHANG = CORPUS / "minhang-police-2024-budget.txt"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS} (set AUDITOR_CORPUS)")


def documents(*kinds: str, suffix: str | None = None) -> list[Path]:
    """Corpus files of the given kinds (all kinds when none is given), sorted by name; [] without a corpus."""
    if not CORPUS.is_dir():
        return []
    return [
        CORPUS / name
        for name, kind in sorted(KINDS.items())
        if (not kinds or kind in kinds) and (suffix is None or name.endswith(suffix)) and (CORPUS / name).is_file()
    ]


def budgets(suffix: str | None = None) -> list[Path]:
    """The corpus budgets: 部门预算 and 单位预算."""
    return documents(BUDGET, UNIT_BUDGET, suffix=suffix)
