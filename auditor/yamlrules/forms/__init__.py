"""The table of check forms: each YAML rule has exactly one of these keys, built by the form's module.

A form's ``build(builder, spec, table)`` validates the rule's body (errors through ``builder.error`` so
they name file and line) and returns ``check(budget, ctx) -> list[Finding]``. Adding a form is adding a
module here and one row to ``FORMS``; the order of the table is the order error messages list them in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import assertion, compare, fact, hierarchy, join, pattern, require

FormBuilder = Callable[..., Callable[[Any, Any], list[Any]]]

FORMS: dict[str, FormBuilder] = {
    "assert": assertion.build,
    "hierarchy": hierarchy.build,
    "compare": compare.build,
    "join": join.build,
    "require": require.build,
    "pattern": pattern.build,
    "fact": fact.build,
}
