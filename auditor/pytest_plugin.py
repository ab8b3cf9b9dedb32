"""pytest plugin: budget audits and rule self-tests as pytest items (docs/pytest.md).

Registered through the entry point ``[project.entry-points.pytest11] budget_auditor``, so it is
loaded in every pytest run once the package is installed; it does nothing unless its options are
used, and imports nothing from auditor until then.

``pytest --budget PATH``
    one item per (document, selected rule), node id ``<file>::<CODE>``; the item fails when the rule
    has findings at or above ``--audit-fail-on`` (default: the config's ``fail_on``, else error) and
    its failure text is the findings table. A document that cannot be loaded is one failing item
    ``<file>::load``. Documents are loaded once per process and audited once (all rules); each item
    reports its rule's slice of that Report.
``pytest --rule-tests PATH`` (a YAML pack, a plugin ``.py``, a directory of either, or ``builtin``)
    one item per rule case, ``<CODE>::fires[<case>]`` or ``<CODE>::quiet[<case>]``.
Fixtures ``budget`` and ``audit``
    the loaded Budget / its Report, parametrized over the documents given with ``--budget``.

When only these options are given (no test paths), the configured test paths are not collected, so
``pytest --budget FILE`` runs just the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .pytest_failures import AuditFailed, CrashLine, LoadItem, ShowsFailureText, findings_table, rule_heading
from .pytest_rule_cases import rule_collectors

MARKERS = {
    "audit": "a budget audit item (pytest --budget): one rule on one document",
    "rule_tests": "a rule self-test item (pytest --rule-tests): one case of one rule",
}
SEVERITY_MARKERS = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")


def tag_marker(tag: str) -> str:
    """The marker of a rule tag: ``audit_sangong``, ``audit_cross_table``."""
    return "audit_" + tag.replace("-", "_")


# ----------------------------------------------------------------------------------------------
# options


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("budget-auditor", "budget audits (auditor)")
    g.addoption(
        "--budget",
        action="append",
        default=[],
        metavar="PATH",
        dest="audit_budget",
        help="audit this disclosure (.txt/.pdf/.xlsx/.json) or directory of them: one item per (document, rule); repeatable",
    )
    g.addoption(
        "--rule-tests",
        action="append",
        default=[],
        metavar="PATH",
        dest="audit_rule_tests",
        help="run the cases of the rules in this YAML pack, plugin .py or directory ('builtin': the built-in rules); repeatable",
    )
    g.addoption(
        "--audit-config",
        metavar="FILE",
        dest="audit_config",
        help="auditor config file (default: nearest auditor.toml or pyproject.toml [tool.auditor])",
    )
    g.addoption(
        "--audit-select",
        action="append",
        default=[],
        metavar="X",
        dest="audit_select",
        help="only rules with this code, code prefix, name or tag (repeatable, comma-separated)",
    )
    g.addoption(
        "--audit-ignore",
        action="append",
        default=[],
        metavar="X",
        dest="audit_ignore",
        help="skip rules with this code, code prefix, name or tag (repeatable, comma-separated)",
    )
    g.addoption(
        "--audit-rules",
        action="append",
        default=[],
        metavar="PATH",
        dest="audit_rules",
        help="an extra YAML rule pack (file or directory; repeatable)",
    )
    g.addoption(
        "--audit-plugin",
        action="append",
        default=[],
        metavar="FILE.py",
        dest="audit_plugin",
        help="an auditor plugin module file (repeatable)",
    )
    g.addoption(
        "--audit-fail-on",
        choices=FAIL_ON,
        default=None,
        dest="audit_fail_on",
        help="lowest severity that fails an item (default: the config's fail_on, else error)",
    )
    g.addoption(
        "--audit-previous",
        metavar="FILE",
        dest="audit_previous",
        help="last year's disclosure of the same department (year-over-year rules)",
    )
    g.addoption(
        "--audit-baseline", metavar="FILE", dest="audit_baseline", help="report only findings not in this baseline file"
    )
    g.addoption(
        "--audit-show-waived",
        action="store_true",
        default=False,
        dest="audit_show_waived",
        help="keep waived findings (as info, with the justification)",
    )
    g.addoption(
        "--audit-rule-timeout",
        type=float,
        metavar="SECONDS",
        dest="audit_rule_timeout",
        help="time limit per rule (default 10)",
    )


# ----------------------------------------------------------------------------------------------
# per-session state


@dataclass
class Document:
    path: Path  # as given (relative to the invocation directory when it was relative)
    name: str  # the node id

    @property
    def label(self) -> str:
        return self.path.as_posix()


@dataclass
class State:
    documents: list[Document] = field(default_factory=list)
    rule_sources: list[str] = field(default_factory=list)
    config: Any = None  # auditor Config (None while only --rule-tests is used)
    engine: Any = None
    previous: Any = None
    budgets: dict[str, Any] = field(default_factory=dict)  # name -> Budget or the LoadError
    reports: dict[str, Any] = field(default_factory=dict)  # name -> Report

    def budget(self, doc: Document) -> Any:
        if doc.name not in self.budgets:
            from .errors import LoadError
            from .testing import load_budget

            try:
                self.budgets[doc.name] = load_budget(doc.path)
            except LoadError as exc:
                self.budgets[doc.name] = exc
        got = self.budgets[doc.name]
        if isinstance(got, BaseException):
            raise got
        return got

    def report(self, doc: Document) -> Any:
        """The document's Report: every selected rule, run once per process."""
        if doc.name not in self.reports:
            from .engine import audit

            budget = self.budget(doc)
            self.reports[doc.name] = audit(budget, self.config, previous=self.previous, engine=self.engine)
        return self.reports[doc.name]


STATE = pytest.StashKey[State]()


def _state(config: pytest.Config) -> State | None:
    return config.stash.get(STATE, None)


def _resolve(base: Path, p: str) -> Path:
    q = Path(p)
    return q if q.is_absolute() else base / q


def _shown(base: Path, p: Path) -> Path:
    """A path as the user would write it: relative to the invocation directory when inside it."""
    try:
        return p.relative_to(base)
    except ValueError:
        return p


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    budgets = config.getoption("audit_budget", None) or []
    rule_tests = config.getoption("audit_rule_tests", None) or []
    if not budgets and not rule_tests:
        return  # not used: stay out of the way
    from .findings import TAGS

    for tag in TAGS:
        config.addinivalue_line("markers", f"{tag_marker(tag)}: audit items of rules tagged {tag}")
    for sev in SEVERITY_MARKERS:
        config.addinivalue_line("markers", f"audit_{sev}: audit items of rules of severity {sev}")
    state = State(rule_sources=list(rule_tests))
    base = config.invocation_params.dir
    if budgets:
        state.documents = _documents(base, budgets)
        _prepare_audit(config, state, base)
    config.stash[STATE] = state
    # `pytest --budget FILE` with no test paths: audit only, do not also collect testpaths / the directory
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = []


def _documents(base: Path, given: list[str]) -> list[Document]:
    from .engine import SOURCE_SUFFIXES

    paths: list[Path] = []
    for p in given:
        full = _resolve(base, p)
        if full.is_dir():
            found = sorted(q for q in full.rglob("*") if q.is_file() and q.suffix.lower() in SOURCE_SUFFIXES)
            if not found:
                raise pytest.UsageError(f"--budget {p}: no disclosures (.txt, .pdf, .xlsx, .json) in this directory")
            paths.extend(_shown(base, q) for q in found)
        elif full.exists():
            paths.append(_shown(base, full) if Path(p).is_absolute() else Path(p))
        else:
            raise pytest.UsageError(f"--budget {p}: no such file or directory")
    unique: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        key = _resolve(base, str(p)).resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    names = [p.name for p in unique]
    return [Document(path=p, name=p.name if names.count(p.name) == 1 else p.as_posix()) for p in unique]


def _prepare_audit(config: pytest.Config, state: State, base: Path) -> None:
    from types import SimpleNamespace

    from .config import config_from_flags
    from .engine import prepare
    from .errors import AuditorError

    opt = config.option
    args = SimpleNamespace(
        config=opt.audit_config,
        select=opt.audit_select,
        ignore=opt.audit_ignore,
        rules=opt.audit_rules,
        plugin=opt.audit_plugin,
        fail_on=opt.audit_fail_on,
        baseline=opt.audit_baseline,
        show_waived=opt.audit_show_waived,
        rule_timeout=opt.audit_rule_timeout,
    )
    try:
        state.config = config_from_flags(args, flag="--audit-")
        state.engine = prepare(state.config)
        from .findings import TAGS

        for tag in sorted({t for r in state.engine.all_rules for t in r.tags} - set(TAGS)):  # authors' own tags
            config.addinivalue_line("markers", f"{tag_marker(tag)}: audit items of rules tagged {tag}")
        if opt.audit_previous:
            from .testing import load_budget

            state.previous = load_budget(_resolve(base, opt.audit_previous))
    except AuditorError as exc:
        raise pytest.UsageError(f"auditor: {exc}") from None


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    state = _state(config)
    if state is None:
        return None
    lines = []
    if state.documents:
        n = len(state.documents)
        lines.append(
            f"budget-auditor: {n} document{'s' if n != 1 else ''}, {len(state.engine.rules)} rule{'s' if len(state.engine.rules) != 1 else ''}, "
            f"items fail on {state.config.fail_on}"
        )
    if state.rule_sources:
        lines.append(f"budget-auditor: rule tests from {', '.join(state.rule_sources)}")
    return lines


# ----------------------------------------------------------------------------------------------
# collection: our collectors are added to the session's own top-level collectors


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    rep = yield
    if isinstance(collector, pytest.Session) and rep.passed:
        state = _state(collector.config)
        if state is not None:
            rep.result.extend(_top_collectors(collector, state))
    return rep


def _top_collectors(session: pytest.Session, state: State) -> list[pytest.Collector]:
    base = session.config.invocation_params.dir
    out: list[pytest.Collector] = []
    for doc in state.documents:
        out.append(BudgetFile.from_parent(session, path=_resolve(base, str(doc.path)), nodeid=doc.name, document=doc))
    if state.rule_sources:
        out.extend(rule_collectors(session, [(src, _resolve(base, src)) for src in state.rule_sources], base))
    return out


class BudgetFile(pytest.File):
    """One disclosure: an item per selected rule (or one failing ``load`` item)."""

    def __init__(self, *, document: Document, **kw: Any) -> None:
        super().__init__(**kw)
        self.document = document

    def collect(self) -> Any:
        from .errors import LoadError

        state = _state(self.config)
        assert state is not None
        try:
            budget = state.budget(self.document)
        except LoadError as exc:
            yield LoadItem.from_parent(self, name="load", error=str(exc), marker="audit")
            return
        cfg = state.config
        codes = set()
        from .engine import applicable_rules

        for r in sorted(applicable_rules(state.engine.rules, budget), key=lambda r: r.code):
            codes.add(r.code)
            yield AuditItem.from_parent(self, name=r.code, rule=r, code=r.code)
        # findings that come from no rule: expired waivers (CFG001), crashed modify hooks (PLUGIN)
        from .engine import WAIVER_RULE
        from .plugins import hook_impls

        if cfg.waivers and WAIVER_RULE not in codes:
            yield AuditItem.from_parent(self, name=WAIVER_RULE, rule=None, code=WAIVER_RULE)
        if hook_impls(state.engine.pm, "auditor_modify_findings") and "PLUGIN" not in codes:
            yield AuditItem.from_parent(self, name="PLUGIN", rule=None, code="PLUGIN")


class AuditItem(ShowsFailureText, pytest.Item):
    """One rule on one document."""

    def __init__(self, *, rule: Any, code: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.rule = rule
        self.code = code
        state = _state(self.config)
        assert state is not None
        self.add_marker("audit")
        if rule is not None:
            severity = state.config.severity.get(rule.code, rule.severity)
            self.add_marker(f"audit_{severity}")
            for tag in rule.tags:
                self.add_marker(tag_marker(tag))
            self.extra_keyword_matches.update({rule.name, *rule.tags})
        self.user_properties.append(("document", self.parent.document.label))
        self.user_properties.append(("rule", code))

    def runtest(self) -> None:
        state = _state(self.config)
        assert state is not None
        doc = self.parent.document
        report = state.report(doc)
        mine = [f for f in report.findings if f.rule == self.code]
        if self.code == "PLUGIN":  # also the findings of codes that no item owns
            owned = {r.code for r in state.engine.rules} | {"CFG001", "PLUGIN"}
            mine += [f for f in report.findings if f.rule not in owned]
        failing = [f for f in mine if state.config.fails(f.severity)]
        self.user_properties.append(("findings", str(len(mine))))
        severity = state.config.severity.get(self.code, self.rule.severity) if self.rule is not None else None
        if mine and not failing:
            text = "\n".join([*rule_heading(self.rule, self.code, severity), "", findings_table(mine, doc.label)])
            self.add_report_section("call", "findings below fail-on", text)
        if not failing:
            return
        head = rule_heading(self.rule, self.code, severity)
        n, total = len(failing), len(mine)
        summary = f"{n} finding{'s' if n != 1 else ''} at or above {state.config.fail_on}"
        if total > n:
            summary += f" (of {total})"
        text = "\n".join([*head, "", f"{summary} in {doc.label}:", "", findings_table(mine, doc.label)])
        first = failing[0]
        crash = CrashLine(doc.label, first.location.line, f"{summary}: {first.message}")
        raise AuditFailed(text, crash)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"{self.code} in {self.parent.document.name}"  # the failure heading


# ----------------------------------------------------------------------------------------------
# fixtures


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "auditor_document" not in metafunc.fixturenames:
        return
    state = _state(metafunc.config)
    if state is None or not state.documents:
        return  # the fixture skips
    if any("auditor_document" in _argnames(m) for m in metafunc.definition.iter_markers("parametrize")):
        return
    metafunc.parametrize("auditor_document", state.documents, ids=[d.name for d in state.documents])


def _argnames(mark: Any) -> list[str]:
    names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
    return [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)


@pytest.fixture
def auditor_document(request: pytest.FixtureRequest) -> Any:
    """The document a ``budget`` / ``audit`` test runs on (parametrized over ``--budget``)."""
    param = getattr(request, "param", None)
    if param is None:
        pytest.skip("no disclosures to audit: run pytest with --budget PATH")
    return param


@pytest.fixture
def budget(request: pytest.FixtureRequest, auditor_document: Any) -> Any:
    """The loaded Budget of each document given with ``--budget`` (shared per process: do not modify)."""
    state = _state(request.config)
    assert state is not None
    return state.budget(auditor_document)


@pytest.fixture
def audit(request: pytest.FixtureRequest, auditor_document: Any) -> Any:
    """The Report of each document given with ``--budget`` (all selected rules, run once per process)."""
    state = _state(request.config)
    assert state is not None
    return state.report(auditor_document)
