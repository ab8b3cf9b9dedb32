"""Rule tags: the built-in families with their meaning, and the form of a rule author's own tags.

Every rule carries one or more tags. The built-in tags name the families of checks (reports group
and order findings by them, ``--select``/``--ignore`` accept them); a rule author may add their own
tags (lower-case words joined by hyphens, e.g. ``district-policy``), which select and ignore the same
way and are listed by ``auditor rules --tags``. ``internal`` is reserved for findings about the
auditor itself (a rule that crashed).
"""

from __future__ import annotations

from . import lazyre

#: The built-in tags, in report order, with what a rule so tagged checks (docs/writing-rules.md).
BUILTIN_TAGS: dict[str, str] = {
    "schema": "the tables have the columns and value types of the data model",
    "arithmetic": "a table adds up: parts sum to their totals, rows to their parents",
    "cross-table": "the same figure agrees between two tables",
    "disclosure": "a required table, section or statement is present",
    "empty-fund": "an empty table carries the statement that the fund has no spending",
    "sangong": "三公 expenditure: components add up, changes explained, caps respected",
    "procurement": "government procurement figures and their shares (small and micro enterprises)",
    "kpi": "performance targets (绩效目标): indicators present, measurable and complete",
    "project-funds": "project expenditure agrees with the project tables",
    "narrative": "the prose states the figures the tables print",
    "number-format": "amounts are printed in the unit and precision the template asks for",
    "assets": "state-owned assets (vehicles, large equipment) figures agree",
    "year-over-year": "a change against last year's disclosure is consistent and explained",
    "editorial": "wording and layout: titles, numbering, repeated or garbled text",
    "extraction": "a table that cannot be read consistently from the document (not a defect of the document)",
    "internal": "the auditor itself failed (a rule or plugin crashed); reserved",
}

#: The form of a tag: lower-case letters and digits, words joined by single hyphens.
TAG_RE = lazyre.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
RESERVED = frozenset({"internal"})


def tag_problem(tag: object) -> str | None:
    """None when `tag` may be put on a rule, else what is wrong with it."""
    if not isinstance(tag, str) or not TAG_RE.match(tag):
        return f"tag {tag!r} must be lower-case words joined by hyphens (e.g. district-policy)"
    if tag in RESERVED:
        return f"tag {tag!r} is reserved for the auditor's own findings"
    return None
