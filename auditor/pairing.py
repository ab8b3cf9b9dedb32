"""Which disclosure may serve as ``--previous`` of another: the pairing rule, in one place.

A document is compared with its predecessor: the same department (names compared after
normalisation: full-width forms, spaces and punctuation ignored), the same kind (部门预算 with 部门预算,
单位预算 with 单位预算, 决算 with 决算), and the year before. A final account (决算) may also be checked
against the budget (预算) of the same department, level and year. ``problem(current, previous)``
says why a pair is refused (None when it is accepted); ``predecessor(current, candidates)`` picks
the one candidate that pairs with a document (``--previous DIR``).

Both take anything with ``department``, ``year`` and ``kind`` attributes (``Budget.meta``) or such
a mapping (``Report.document``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import lazyre

_NOISE = lazyre.compile(r"[\s\u3000·・,，.。:：;；'\"“”‘’()（）\[\]【】《》<>-]+")


def normalise_department(name: Any) -> str:
    """The department name as compared: NFKC, no spaces or punctuation (``上海市 公安局（闵行分局）`` ~ ``上海市公安局闵行分局``)."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name or "")))


def _get(meta: Any, key: str) -> Any:
    return meta.get(key) if isinstance(meta, dict) else getattr(meta, key, None)


@dataclass(frozen=True)
class Identity:
    """What a pairing looks at: department, year, kind."""

    department: str | None
    year: int | None
    kind: str | None

    @classmethod
    def of(cls, meta: Any) -> Identity:
        year = _get(meta, "year")
        try:
            year = int(year) if year is not None else None
        except (TypeError, ValueError):
            year = None
        return cls(_get(meta, "department"), year, _get(meta, "kind"))

    def __str__(self) -> str:
        return f"{self.department or '(department unknown)'} {self.year or '(year unknown)'} {self.kind or ''}".strip()


def _level(kind: str | None) -> str:
    """部门 or 单位 (a 部门预算 pairs with a 部门决算, not with a 单位决算)."""
    return (kind or "")[:2]


def _is_final(kind: str | None) -> bool:
    return (kind or "").endswith("决算")


def _is_budget(kind: str | None) -> bool:
    return (kind or "").endswith("预算")


def problem(current: Any, previous: Any) -> str | None:
    """Why `previous` is not the disclosure to compare `current` with; None when it is.

    Accepted: the same department, the same kind and the year before; or a 决算 against the 预算 of
    the same department, level and year.
    """
    cur, prev = Identity.of(current), Identity.of(previous)
    if not cur.department or not prev.department or cur.year is None or prev.year is None:
        return f"cannot tell whether {prev} is the predecessor of {cur} (department or year not found)"
    if normalise_department(cur.department) != normalise_department(prev.department):
        return f"{prev} is another department than {cur}"
    if _is_final(cur.kind) and _is_budget(prev.kind) and _level(cur.kind) == _level(prev.kind):
        if prev.year == cur.year:
            return None
        return f"{prev} is not the budget of the same year as {cur} (a 决算 is checked against its year's 预算)"
    if cur.kind and prev.kind and cur.kind != prev.kind:
        return f"{prev} is another kind of disclosure than {cur}"
    if prev.year != cur.year - 1:
        return f"{prev} is not the year before {cur} (expected {cur.year - 1})"
    return None


@dataclass(frozen=True)
class Candidate:
    """A possible predecessor: its path and identity (read once, in the parent process)."""

    path: str
    identity: Identity


def index(paths: Iterable[str | Path], load: Any) -> list[Candidate]:
    """The identities of the candidate predecessors (documents that cannot be loaded are left out)."""
    from .errors import LoadError

    out = []
    for p in paths:
        try:
            meta = load(p).meta
        except LoadError:
            continue
        out.append(Candidate(str(p), Identity.of(meta)))
    return out


def predecessor(current: Any, candidates: Iterable[Candidate], exclude: str | None = None) -> Candidate | None:
    """The candidate that pairs with `current`: the same kind the year before first, else (for a 决算)
    the same year's budget; None when there is none."""
    ok = [c for c in candidates if c.path != exclude and problem(current, c.identity) is None]
    same_kind = [c for c in ok if c.identity.kind == Identity.of(current).kind]
    best = same_kind or ok
    return best[0] if best else None
