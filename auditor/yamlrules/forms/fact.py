"""``fact``: a prose fact compared with a value, a parameter, or a table cell (a ``compare`` underneath)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...findings import Finding
from ...rules import RuleContext
from .compare import build_compare_list, compare_check

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["fact"]
    if not isinstance(body, dict) or "key" not in body:
        raise b.error("fact needs key (and value, param, ref or expr)", "fact")
    right = {k: body[k] for k in ("value", "param", "unit", "expr") if k in body}
    if "ref" in body:
        right = body["ref"]
    if not right:
        raise b.error("fact needs value, param, ref or expr to compare with", "fact")
    item = {
        "left": {"fact": body["key"], **({"field": body["field"]} if "field" in body else {})},
        "right": right,
        "op": body.get("op", "=="),
        "tolerance": body.get("tolerance"),
        "missing": body.get("missing", "skip"),
    }
    return compare_check(b, spec, build_compare_list(b, [item], "fact", spec.get("tolerance"), "skip"))
