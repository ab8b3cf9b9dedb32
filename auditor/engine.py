"""Running rules on budgets: rule collection from plugins, containment, waivers, baselines.

``audit(source, config)`` is the library entry point; ``audit_paths(paths, config)`` audits many
documents, yielding a Report with ``error`` set for a document that cannot be loaded so that one bad
file never stops the others.

Containment: a rule that raises or overruns ``config.rule_timeout`` becomes an ``internal`` finding
(rule = its code, severity error) naming the rule, the exception and the rule file:line where it
raised; the other rules still run and the run exits 3.
"""

from __future__ import annotations

import signal
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import plugins as plugins_mod
from .baseline import is_known, read_baseline
from .config import Config
from .errors import EXIT_CRASH, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError, LoadError, PluginError, RuleError
from .findings import Finding, Location, Report
from .rules import AuditContext, Rule
from .yamlrules import load_pack

#: File suffixes audited when a directory is given.
SOURCE_SUFFIXES = {".txt", ".pdf", ".xlsx", ".json"}


class RuleTimeout(BaseException):
    """Raised inside a rule that overran its time limit (a BaseException, so `except Exception` in a rule cannot swallow it)."""


@dataclass
class Engine:
    """The rules and plugins of one configuration, prepared once and reused for every document."""

    config: Config
    pm: Any
    rules: list[Rule]  # the selected rules, in run order
    all_rules: list[Rule] = field(default_factory=list)  # every loaded rule, selected or not
    reporters: dict[str, Any] = field(default_factory=dict)

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.all_rules if r.code == code), None)


_ENGINES: dict[int, tuple[Config, Engine]] = {}


def prepare(config: Config | None = None) -> Engine:
    """Load plugins and rule packs for `config` (cached per Config object)."""
    config = config or Config()
    cached = _ENGINES.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    pm = plugins_mod.build_manager(
        plugin_files=config.plugins, builtin=config.builtin, entry_points=config.entry_points
    )
    from .loaders import register_loader

    for _plugin, loaders in plugins_mod.call_each(pm, "auditor_register_loaders"):
        for ld in loaders:
            register_loader(ld)
    plugins_mod.call_each(pm, "auditor_configure", config=config)
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}

    def add(r: Any, origin: str) -> None:
        if not isinstance(r, Rule):
            raise PluginError(
                f"auditor_register_rules returned {type(r).__name__}, not a Rule (use @auditor.rule)", path=origin
            )
        if r.code in seen:
            other = seen[r.code]
            if other is r:
                return
            raise RuleError(
                f"duplicate rule code {r.code} (also defined at {other.where()})", path=r.origin or origin, line=r.line
            )
        seen[r.code] = r
        rules.append(r)

    for plugin, result in plugins_mod.call_each(pm, "auditor_register_rules"):
        origin = plugins_mod.plugin_label(pm, plugin)
        if isinstance(result, Rule):
            result = [result]
        for r in result:
            add(r, origin)
    paths: list[Path] = []
    for _plugin, result in plugins_mod.call_each(pm, "auditor_rule_paths"):
        paths.extend(Path(p) for p in ([result] if isinstance(result, (str, Path)) else result))
    paths.extend(Path(p) for p in config.rules)
    for p in paths:
        for r in load_pack(p):
            add(r, str(p))
    reporters: dict[str, Any] = {}
    for _plugin, result in plugins_mod.call_each(pm, "auditor_register_reporters"):
        reporters.update(result)
    for code in list(config.severity) + list(config.params):
        if code not in seen:
            raise ConfigError(
                f"config names unknown rule {code} (see `auditor rules`)",
                path=str(config.path) if config.path else None,
            )
    selected = [r for r in rules if config.is_selected(r)]
    engine = Engine(config=config, pm=pm, rules=selected, all_rules=rules, reporters=reporters)
    _ENGINES[id(config)] = (config, engine)
    return engine


# ----------------------------------------------------------------------------------------------
# containment


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with RuleTimeout after `seconds` (SIGALRM on the main thread; else no-op)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread() and seconds > 0
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise RuleTimeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _raise_site(exc: BaseException, rule: Rule) -> str:
    """file:line where the exception was raised: the deepest frame in the rule's file, else the deepest."""
    frames = traceback.extract_tb(exc.__traceback__)
    if rule.origin:
        origin = str(Path(rule.origin).resolve())
        mine = [f for f in frames if str(Path(f.filename).resolve()) == origin]
        if mine:
            return f"{mine[-1].filename}:{mine[-1].lineno}"
        if rule.kind == "yaml":
            return rule.where()
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return rule.where()


def internal_finding(
    code: str, message: str, *, document: str | None, name: str | None = None, note: str | None = None
) -> Finding:
    return Finding(
        rule=code,
        severity="error",
        message=message,
        tags=["internal"],
        location=Location(),
        name=name,
        document=document,
        note=note,
    )


def run_rule_contained(rule: Rule, budget: Any, config: Config, audit: AuditContext | None = None) -> list[Finding]:
    """Run one rule with its configured params and severity; a crash or overrun becomes an internal finding."""
    document = getattr(getattr(budget, "meta", None), "source", None)
    params = config.params.get(rule.code)
    start = time.perf_counter()
    try:
        with time_limit(config.rule_timeout):
            found = rule.run(budget, params, audit=audit)
    except RuleTimeout:
        return [
            internal_finding(
                rule.code,
                f"rule {rule.code} ({rule.name}) exceeded the time limit of {config.rule_timeout:g} s and was stopped ({rule.where()})",
                document=document,
                name=rule.name,
            )
        ]
    except Exception as exc:  # noqa: BLE001 - containment is the point
        site = _raise_site(exc, rule)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        msg = f"rule {rule.code} ({rule.name}) crashed: {type(exc).__name__}{': ' + detail if detail else ''} at {site}"
        return [internal_finding(rule.code, msg, document=document, name=rule.name)]
    elapsed = time.perf_counter() - start
    override = config.severity.get(rule.code)
    if override:
        for f in found:
            f.severity = override
    if elapsed > config.rule_timeout:
        found.append(
            internal_finding(
                rule.code,
                f"rule {rule.code} ({rule.name}) took {elapsed:.1f} s, over the time limit of {config.rule_timeout:g} s ({rule.where()})",
                document=document,
                name=rule.name,
            )
        )
    for f in found:
        if f.document is None:
            f.document = document
    return found


# ----------------------------------------------------------------------------------------------
# auditing


def document_info(budget: Any, path: str | None = None) -> dict[str, Any]:
    meta = getattr(budget, "meta", None)
    doc = getattr(budget, "document", None)
    return {
        "path": path or getattr(meta, "source", None),
        "department": getattr(meta, "department", None),
        "year": getattr(meta, "year", None),
        "kind": getattr(meta, "kind", None),
        "source": getattr(doc, "kind", None),
    }


def applicable_rules(rules: Iterable[Rule], budget: Any) -> list[Rule]:
    """The rules that apply to this document's kind (budget rules never run on a 决算, nor 决算 rules on a budget)."""
    kind = getattr(getattr(budget, "meta", None), "kind", None)
    return [r for r in rules if r.applies_to(kind)]


def _load(source: Any) -> Any:
    if source is None:
        return None
    if isinstance(source, (str, Path)):
        from .loaders import load

        return load(source)
    return source


def audit(source: Any, config: Config | None = None, *, previous: Any = None, engine: Engine | None = None) -> Report:
    """Audit one document (a path or a Budget) and return its Report.

    `previous` (a path or Budget of last year's disclosure) is given to rules as ``ctx.previous``.
    Neither budget is changed: what the audit derives lives in its AuditContext.
    Raises LoadError when the source cannot be read, RuleError/PluginError/ConfigError when the
    rules or plugins cannot be loaded.
    """
    config = config or Config()
    engine = engine or prepare(config)
    budget = _load(source)
    prev = _load(previous)
    context = AuditContext(budget, prev)
    document = getattr(budget.meta, "source", None)
    findings: list[Finding] = []
    applicable = applicable_rules(engine.rules, budget)
    for r in applicable:
        findings.extend(run_rule_contained(r, budget, config, context))
    report = Report(document=document_info(budget), findings=findings, budget=budget, rules=applicable, previous=prev)
    findings = _modify(engine, report, findings, document)
    findings = apply_waivers(findings, config, document)
    if config.baseline:
        known = read_baseline(config.baseline)
        findings = [f for f in findings if "internal" in f.tags or not is_known(f, known, document)]
    findings.sort(key=Finding.sort_key)
    report.findings = findings
    return report


def _modify(engine: Engine, report: Report, findings: list[Finding], document: str | None) -> list[Finding]:
    caller = engine.pm.hook.auditor_modify_findings
    for impl in reversed(caller.get_hookimpls()):
        args = {k: v for k, v in {"report": report, "findings": list(findings)}.items() if k in impl.argnames}
        try:
            result = impl.function(**args)
        except Exception as exc:  # noqa: BLE001
            label = plugins_mod.plugin_label(engine.pm, impl.plugin)
            frames = traceback.extract_tb(exc.__traceback__)
            site = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else label
            findings.append(
                internal_finding(
                    "PLUGIN",
                    f"plugin {label} crashed in auditor_modify_findings: {type(exc).__name__}: {exc} at {site}",
                    document=document,
                )
            )
            continue
        if result is not None:
            findings = list(result)
    return findings


WAIVER_RULE = "CFG001"


def apply_waivers(findings: list[Finding], config: Config, document: str | None, today: Any = None) -> list[Finding]:
    """Drop waived findings (or keep them with a note when show_waived); expired waivers become CFG001 findings.

    An expired waiver no longer applies: the finding it covered is reported again, and the waiver
    itself is reported (rule CFG001, severity warning, no family tag) so that someone renews or removes it.
    """
    if not config.waivers:
        return findings
    active = [w for w in config.waivers if not w.expired(today)]
    expired = [w for w in config.waivers if w.expired(today)]
    out = []
    for f in findings:
        if "internal" in f.tags:
            out.append(f)
            continue
        w = next((w for w in active if w.matches(f)), None)
        if w is None:
            out.append(f)
        elif config.show_waived:
            f.note = (
                (f.note + "; ") if f.note else ""
            ) + f"waived: {w.justification} ({w.owner or 'no owner'}, until {w.expires or 'no expiry'})"
            f.severity = "info"
            out.append(f)
    src = str(config.path) if config.path else "config"
    for w in expired:
        loc = (
            w.location
            if isinstance(w.location, str)
            else (",".join(f"{k}={v}" for k, v in w.location.items()) if w.location else "*")
        )
        out.append(
            Finding(
                rule=WAIVER_RULE,
                severity="warning",
                message=f"waiver of {w.rule} at {loc} expired on {w.expires} (owner: {w.owner or 'none'}; in {src}): renew it or fix the finding",
                tags=[],
                location=Location(row=f"waiver:{w.rule}:{loc}"),
                expected=None,
                actual=str(w.expires),
                name="waiver-expired",
                document=document,
                note=w.justification,
            )
        )
    return out


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to audit: files as given, directories searched (sorted) for known source suffixes."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SOURCE_SUFFIXES))
        else:
            out.append(p)
    return out


def audit_paths(paths: Iterable[str | Path], config: Config | None = None, *, previous: Any = None) -> Iterator[Report]:
    """Audit each document; a document that cannot be loaded yields a Report with `error` set.

    Rule and plugin loading errors (RuleError, PluginError, ConfigError) still raise: they affect every document.
    """
    config = config or Config()
    engine = prepare(config)
    prev = _load(previous) if previous is not None else None
    for p in expand_paths(paths):
        try:
            budget = _load(p)
        except LoadError as exc:
            yield Report(document={"path": str(p)}, error=str(exc))
            continue
        yield audit(budget, config, previous=prev, engine=engine)


def exit_code(reports: Iterable[Report], config: Config) -> int:
    """3 if a rule or plugin crashed; else 2 if a document failed to load; else 1 if a finding is at or
    above fail_on; else 0."""
    code = EXIT_OK
    for rep in reports:
        if rep.crashed:
            return EXIT_CRASH
        if rep.error:
            code = max(code, EXIT_USAGE)
        elif any(config.fails(f.severity) for f in rep.findings):
            code = max(code, EXIT_FINDINGS)
    return code
