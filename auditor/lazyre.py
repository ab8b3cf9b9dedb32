"""Regular expressions compiled when first used: ``lazyre.compile`` is the one way to write a
module-level (or class-level) pattern in auditor and the built-in plugins.

Compiling is most of what importing a parser or rule module costs: ``re`` builds a table for every
character class, and a class over CJK text (``[\\u4e00-\\u9fff]``, ``[一二三四五六七八九十]``) costs
0.5-3 ms. A command runs one document kind and a fraction of the rules, so a pattern compiled at import
is often never used. ``compile`` returns a stand-in that compiles on its first use and from then on
hands out the compiled pattern's own bound methods (an attribute lookup, no forwarding call), so a
pattern in a hot loop costs what an ``re.Pattern`` costs.

``.pattern`` is readable without compiling (patterns are built from others' sources). The stand-in is
not an ``re.Pattern``: pass ``.compiled`` where one is required (``re.sub(X.compiled, ...)``,
``isinstance`` checks). Patterns built inside functions keep using ``re`` directly.
"""

from __future__ import annotations

import re
from typing import Any

#: what a compiled pattern offers, copied onto the stand-in on first use
_FORWARDED = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "flags",
    "groups",
    "groupindex",
)


class LazyPattern:
    """An ``re.Pattern`` compiled on first use (see the module docstring)."""

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled ``re.Pattern`` (compiled now if it was not yet)."""
        found = self.__dict__.get("_compiled")
        if found is None:
            found = re.compile(self.pattern, self._flags)
            for name in _FORWARDED:
                self.__dict__[name] = getattr(found, name)
            self.__dict__["_compiled"] = found
        return found

    def __getattr__(self, name: str) -> Any:  # only for what is not yet in __dict__: the first use
        if name.startswith("__") or name not in _FORWARDED:
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (LazyPattern, (self.pattern, int(self._flags)))

    def __repr__(self) -> str:
        return f"lazyre.compile({self.pattern!r}{f', {self._flags!r}' if self._flags else ''})"


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> LazyPattern:  # noqa: A001 - mirrors re.compile
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return LazyPattern(pattern, flags)
