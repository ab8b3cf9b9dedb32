"""Regular expressions written by rule authors (``pattern:`` rules, ``matches()``), in linear time.

With the ``re2`` extra installed (google-re2, the RE2 engine's own binding) patterns run on RE2,
whose matching time is linear in the text whatever the pattern; constructs RE2 does not have
(backreferences, lookaround, possessive or atomic groups) are refused when the rule is loaded.
Without it patterns run on Python's ``re`` and the constructs that make ``re`` backtrack
exponentially are refused instead: backreferences, lookaround, conditionals, and an unbounded
repeat of a group that itself repeats a varying number of times or branches (``(a+)+``,
``(a|ab)*``; ``(\\d{3},)+`` is fine). Either way a refused
pattern is a :class:`UserPatternError`, which the rule loaders report at file:line.

Under RE2, ``\\d`` and ``\\w`` are ASCII only (Python's match full-width digits too): write
``[0-9０-９]`` where full-width digits matter.
"""

from __future__ import annotations

import functools
import re
from typing import Any

try:
    import re._parser as _sre  # Python 3.11+
    from re._constants import MAXREPEAT
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre  # type: ignore[no-redef]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef]


@functools.lru_cache(maxsize=1)
def _re2_module() -> Any:
    """The re2 extra's module (None when it is not installed), imported when first needed: most runs
    compile no user pattern, and importing the binding costs ≈ 4 ms."""
    try:
        import re2
    except ImportError:  # pragma: no cover - exercised by forcing ENGINE = "re"
        return None
    return re2


def _engine() -> str:
    found = globals().get("ENGINE")  # set once found (or by a test)
    if found is None:
        found = globals()["ENGINE"] = "re2" if _re2_module() is not None else "re"
    return found


def __getattr__(name: str) -> Any:
    """``ENGINE``: which engine user patterns run on, "re2" when the extra is installed, else "re"."""
    if name == "ENGINE":
        return _engine()
    if name == "_re2":
        return _re2_module()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Longest pattern accepted (a pattern is a line of a rule file, not a program).
MAX_PATTERN = 2_000


class UserPatternError(ValueError):
    """A pattern that cannot be used: bad syntax, or a construct without a linear-time match."""


def compile_pattern(pattern: str, *, ignore_case: bool = False) -> Any:
    """The compiled pattern (``.search(text)`` returns a match with ``.group(0)``, or None)."""
    return _compile(str(pattern), bool(ignore_case), _engine())


def search_series(pattern: str, values: Any) -> Any:
    """Whether each text of a pandas Series contains a match (nullable boolean; missing stays missing)."""
    rx = compile_pattern(pattern)
    return values.map(lambda v: rx.search(v) is not None, na_action="ignore").astype("boolean")


@functools.lru_cache(maxsize=512)
def _compile(pattern: str, ignore_case: bool, engine: str) -> Any:
    if len(pattern) > MAX_PATTERN:
        raise UserPatternError(f"pattern longer than {MAX_PATTERN} characters")
    try:
        parsed = _sre.parse(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise UserPatternError(f"cannot be read: {exc}") from None
    why = _refused(parsed, nested_ok=engine == "re2")
    if why:
        raise UserPatternError(f"{why}: no linear-time match (docs/writing-rules.md, 'Patterns')")
    _re2 = _re2_module() if engine == "re2" else None
    if _re2 is not None:
        options = _re2.Options()
        options.log_errors = False  # the error is ours to report, not a line on stderr
        options.case_sensitive = not ignore_case
        try:
            return _re2.compile(pattern, options)
        except _re2.error as exc:
            detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
            raise UserPatternError(f"not supported by RE2: {detail}") from None
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _refused(items: Any, *, nested_ok: bool, inside_repeat: bool = False) -> str | None:
    """Why the parsed pattern is refused (None: accepted). RE2 handles nested repeats itself."""
    for op, arg in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return "a backreference or conditional"
        if name in ("ASSERT", "ASSERT_NOT"):
            return "a lookahead or lookbehind"
        if name in _REPEATS:
            lo, hi, body = arg
            if inside_repeat and not nested_ok and lo != hi:
                return "a repeat of varying length inside a repeat"
            unbounded = hi == MAXREPEAT or hi > 100
            why = _refused(body, nested_ok=nested_ok, inside_repeat=inside_repeat or unbounded)
            if why:
                return why
        elif name == "BRANCH":
            if inside_repeat and not nested_ok:
                return "alternatives inside a repeat"
            for alt in arg[1]:
                why = _refused(alt, nested_ok=nested_ok, inside_repeat=inside_repeat)
                if why:
                    return why
        elif name == "SUBPATTERN":
            why = _refused(arg[-1], nested_ok=nested_ok, inside_repeat=inside_repeat)
            if why:
                return why
        elif name == "ATOMIC_GROUP":
            why = _refused(arg, nested_ok=nested_ok, inside_repeat=inside_repeat)
            if why:
                return why
    return None
