"""The curated list of superseded 科目 names (``auditor/data/subject_names.yaml``), read once.

The 政府收支分类科目 renames entries from one year to the next (医疗卫生与计划生育支出 became
卫生健康支出 in 2019). The list holds only the renames the maintainers are sure of, each with the
first year of the new name and a confidence; the subject-name rules of budgets and of final
accounts read it here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .yamltext import safe_load


@lru_cache(maxsize=1)
def renames() -> list[dict]:
    """The curated superseded names (code, old, new, since, confidence)."""
    text = resources.files("auditor").joinpath("data/subject_names.yaml").read_text(encoding="utf-8")
    return list((safe_load(text) or {}).get("renames") or [])


@lru_cache(maxsize=1)
def _renames_by_old() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in renames():
        out.setdefault(r["old"], []).append(r)
    return out


def superseded(name: str, year: int | None, code: str | None = None) -> dict | None:
    """The rename entry when `name` is an old name (of `code`, if given) already replaced in `year`."""
    for r in _renames_by_old().get(name, ()):
        if (
            r["old"] == name
            and (code is None or str(r["code"]) == str(code))
            and (year is None or year >= int(r["since"]))
        ):
            return r
    return None
