"""``pattern``: a regular expression over the document's lines (prose, a section, everything)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...findings import Finding
from ...rules import RuleContext
from ...userregex import UserPatternError, compile_pattern

if TYPE_CHECKING:
    from ..builder import Builder


def build(b: Builder, spec: dict[str, Any], table: str | None) -> Callable[[Any, RuleContext], list[Finding]]:
    body = spec["pattern"]
    if isinstance(body, str):
        body = {"regex": body}
    if not isinstance(body, dict) or "regex" not in body:
        raise b.error("pattern needs regex", "pattern")
    try:
        rx = compile_pattern(str(body["regex"]), ignore_case=bool(body.get("ignore_case")))
    except UserPatternError as exc:
        raise b.error(f"regular expression {body['regex']!r}: {exc}", "pattern") from None
    where = body.get("in", "prose")
    if not (where in ("prose", "all", "tables") or str(where).startswith("section:")):
        raise b.error("pattern in: must be prose, all, tables or section:<key>", "pattern")
    must = body.get("must", "not_match")
    if must not in ("match", "not_match"):
        raise b.error("pattern must: is match or not_match", "pattern")
    message = b.template(spec.get("message"), "message", None)

    def check(budget: Any, ctx: RuleContext) -> list[Finding]:
        doc = budget.document
        if doc is None:
            return []
        lines = scoped_lines(budget, where)
        if lines is None:
            return []
        out = []
        found = False
        for ln in lines:
            m = rx.search(ln.text)
            if not m:
                continue
            found = True
            if must == "not_match":
                special = {"match": m.group(0), "text": ln.text.strip(), "line": ln.line, "page": ln.page}
                out.append(
                    ctx.finding(
                        message.render(f"line matches {rx.pattern!r}: {ln.text.strip()[:80]}", None, special, set()),
                        line=ln.line,
                        page=ln.page,
                        actual=m.group(0),
                    )
                )
        if must == "match" and not found:
            out.append(
                ctx.finding(
                    message.render(f"no line in {where} matches {rx.pattern!r}", None, {"missing": rx.pattern}, set())
                )
            )
        return out

    return check


def scoped_lines(budget: Any, where: str) -> list[Any] | None:
    """The document lines a pattern searches: prose (single-cell lines), tables, all, or one section."""
    lines = budget.document.lines
    if where == "all":
        return lines
    if where == "prose":
        return [ln for ln in lines if len(ln.cells) <= 1 and ln.text.strip()]
    if where == "tables":
        return [ln for ln in lines if len(ln.cells) > 1]
    key = where.split(":", 1)[1]
    sec = budget.meta.sections.get(key)
    if sec is None:
        return None
    pos = {(ln.line, ln.page): i for i, ln in enumerate(lines)}
    starts = sorted(pos.get((s.line, s.page), -1) for s in budget.meta.sections.values())
    start = pos.get((sec.line, sec.page))
    if start is None:
        return None
    later = [s for s in starts if s > start]
    end = later[0] if later else len(lines)
    return lines[start:end]
