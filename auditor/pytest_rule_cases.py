"""The pytest plugin's rule self-tests: one item per case a rule declares (``--rule-tests``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .pytest_failures import AuditFailed, CrashLine, LoadItem, ShowsFailureText, findings_table, short_path


def rule_collectors(session: pytest.Session, sources: list[tuple[str, Path]], base: Path) -> list[pytest.Collector]:
    from .builtin import rules_dir
    from .config import Config
    from .engine import prepare
    from .errors import AuditorError

    out: list[pytest.Collector] = []
    seen: set[tuple[str, str | None]] = set()
    for src, path in sources:  # as given, and resolved against the invocation directory
        try:
            if src == "builtin" or (path.is_dir() and path.resolve() == rules_dir().resolve()):
                cfg = Config(entry_points=False)
            elif path.is_file() and path.suffix == ".py":
                cfg = Config(builtin=False, entry_points=False, plugins=[path])
            elif path.is_file() or path.is_dir():
                plugins = (
                    []
                    if path.is_file()
                    else sorted(p for p in path.glob("*.py") if not p.name.startswith(("_", "test_", "conftest")))
                )
                cfg = Config(builtin=False, entry_points=False, rules=[path], plugins=plugins)
            else:
                raise AuditorError("no such file or directory", path=src)
            rules = prepare(cfg).all_rules
        except AuditorError as exc:
            parent = RuleSourceError.from_parent(session, name=src, path=path if path.exists() else base, nodeid=src)
            parent.error = str(exc)
            out.append(parent)
            continue
        for r in sorted(rules, key=lambda r: r.code):
            key = (r.code, r.origin)
            if key in seen or not r.cases:
                continue
            seen.add(key)
            origin = Path(r.origin) if r.origin else base
            out.append(RuleCases.from_parent(session, name=r.code, path=origin, nodeid=r.code, rule=r))
    return out


class RuleSourceError(pytest.Collector):
    error: str = ""

    def collect(self) -> Any:
        yield LoadItem.from_parent(self, name="load", error=self.error, marker="rule_tests")


class RuleCases(pytest.Collector):
    """One rule's own cases: ``fires[...]`` (it must find something) and ``quiet[...]`` (it must not)."""

    def __init__(self, *, rule: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.rule = rule

    def collect(self) -> Any:
        from .testing import case_fires, case_name

        used: dict[str, int] = {}
        for i, case in enumerate(self.rule.cases):
            label = case_name(case, i).replace("::", ":").replace("\n", " ")
            kind = "fires" if case_fires(case) else "quiet"
            name = f"{kind}[{label}]"
            used[name] = used.get(name, 0) + 1
            if used[name] > 1:
                name = f"{kind}[{label} #{used[name]}]"
            yield RuleCaseItem.from_parent(self, name=name, rule=self.rule, case=case, index=i)


class RuleCaseItem(ShowsFailureText, pytest.Item):
    def __init__(self, *, rule: Any, case: dict[str, Any], index: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.rule = rule
        self.case = case
        self.index = index
        self.add_marker("rule_tests")
        self.extra_keyword_matches.update({rule.name, *rule.tags})

    def runtest(self) -> None:
        from .testing import case_expects, case_name, run_rule_case

        ok, found = run_rule_case(self.rule, self.case)
        if ok:
            return
        import yaml

        name = case_name(self.case, self.index)
        want = case_expects(self.case)
        got = f"{len(found)} finding{'s' if len(found) != 1 else ''}"
        lines = [
            f"rule {self.rule.code} {self.rule.name} ({short_path(self.rule.where())}) case {name!r}",
            f"expected: {want}",
            f"actual:   {got}",
        ]
        if found:
            lines += ["", findings_table(found, "")]
        given = {k: v for k, v in self.case.items() if k in ("params", "budget")}
        if given:
            dumped = (
                yaml.safe_dump(given, allow_unicode=True, sort_keys=False, default_flow_style=None)
                .rstrip()
                .splitlines()
            )
            if len(dumped) > 40:
                dumped = dumped[:40] + [f"... ({len(dumped) - 40} more lines)"]
            lines += ["", "case input:", *("  " + x for x in dumped)]
        crash = CrashLine(
            self.rule.origin or self.rule.code, self.rule.line, f"case {name!r}: expected {want}, got {got}"
        )
        raise AuditFailed("\n".join(lines), crash)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, (self.rule.line - 1) if self.rule.line else None, self.nodeid
