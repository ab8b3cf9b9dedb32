"""Regenerate docs/rules/ (one page per built-in rule) from the rule definitions."""

from __future__ import annotations

from pathlib import Path

from auditor.ruledocs import builtin_rules, render_all

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    target = ROOT / "docs" / "rules"
    target.mkdir(parents=True, exist_ok=True)
    pages = render_all(builtin_rules(), ROOT)
    for old in target.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
