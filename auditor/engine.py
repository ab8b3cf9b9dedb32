"""The Engine (plugins, rules, loaders and reporters of one configuration) and running rules on budgets:
containment, waivers, baselines.

``audit(source, config)`` is the library entry point; ``audit_paths(paths, config)`` audits many
documents, yielding a Report with ``error`` set for a document that cannot be loaded so that one bad
file never stops the others.

Containment: a rule that raises or overruns ``config.rule_timeout`` becomes an ``internal`` finding
(rule = its code, severity error) naming the rule, the exception and the rule file:line where it
raised; the other rules still run and the run exits 3.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import plugins as plugins_mod
from . import selection
from .baseline import is_known, read_baseline
from .config import Config
from .errors import EXIT_CRASH, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError, LoadError, PluginError, RuleError
from .findings import Finding, Location, Report
from .locate import attach_boxes
from .rules import AuditContext, Rule
from .rules import __file__ as _RULES_FILE
from .yamlrules import load_pack

#: File suffixes audited when a directory is given.
SOURCE_SUFFIXES = {".txt", ".pdf", ".xlsx", ".json"}


class DocumentTimeout(BaseException):
    """Raised when a document overran its CPU budget (loading and auditing together); never contained by a rule."""


@contextmanager
def cpu_budget(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with DocumentTimeout after `seconds` of CPU time (SIGPROF; main thread only).

    CPU time, not wall time: a busy machine does not make a document fail. Rule time limits
    (SIGALRM) nest inside it.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds or seconds <= 0:
        yield
        return
    state = {"done": False}

    def on_prof(signum: int, frame: Any) -> None:
        if not state["done"]:
            raise DocumentTimeout()

    old = signal.signal(signal.SIGPROF, on_prof)
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.05)
    try:
        yield
    finally:
        while True:
            try:
                state["done"] = True
                break
            except DocumentTimeout:
                continue
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


class RuleTimeout(BaseException):
    """Raised inside a rule that overran its time limit (a BaseException, so `except Exception` in a rule cannot swallow it)."""


class Engine:
    """The plugin manager of one configuration and everything resolved from it, once.

    Built from a Config: it registers the plugins (built-ins, then entry points, then the config's
    and ``--plugin`` files), calls ``auditor_configure``, and resolves what the plugins provide with
    one precedence, **later overrides earlier**:

    - ``reporters``: a format name maps to the reporter of the last plugin that registers it;
    - ``loaders``: tried newest plugin first, so a plugin's loader is asked before the built-ins
      (a loader with the name of an earlier one replaces it);
    - ``rules``: collected in registration order; a rule code may be defined only once (a duplicate
      is a RuleError naming both places), so a rule is replaced by ignoring it and adding another.

    ``auditor.load``, ``auditor.audit`` and ``auditor.render`` use :func:`default_engine`;
    :func:`prepare` returns the engine of a given Config (built once per Config object).
    """

    def __init__(self, config: Config | None = None):
        self.config = config = config or Config()
        self.pm = plugins_mod.build_manager(
            plugin_files=config.plugins, builtin=config.builtin, entry_points=config.entry_points
        )
        self.loaders: list[Any] = self._resolve_loaders()
        plugins_mod.call_hook(self.pm, "auditor_configure", config=config)
        self.all_rules: list[Rule] = self._resolve_rules()  # every loaded rule, selected or not
        self.reporters: dict[str, Any] = {}
        for _plugin, table in plugins_mod.call_hook(self.pm, "auditor_register_reporters"):
            self.reporters.update(table)
        settings: dict[str, dict[str, Any]] = {}
        for _plugin, table in plugins_mod.call_hook(self.pm, "auditor_settings"):
            settings.update(table)
        selection.check(config, self.all_rules, settings)  # every selector and setting names something
        self.rules: list[Rule] = [r for r in self.all_rules if config.is_selected(r)]  # in run order

    def _resolve_loaders(self) -> list[Any]:
        groups = [list(found) for _plugin, found in plugins_mod.call_hook(self.pm, "auditor_register_loaders")]
        out: list[Any] = []
        for group in reversed(groups):  # the newest plugin first
            out.extend(ld for ld in group if all(ld.name != o.name for o in out))
        return out

    def _resolve_rules(self) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, Rule] = {}

        def add(r: Any, origin: str) -> None:
            if not isinstance(r, Rule):
                raise PluginError(
                    f"auditor_register_rules returned {type(r).__name__}, not a Rule (use @auditor.rule)", path=origin
                )
            other = seen.get(r.code)
            if other is r:
                return
            if other is not None:
                raise RuleError(
                    f"duplicate rule code {r.code} (also defined at {other.where()})",
                    path=r.origin or origin,
                    line=r.line,
                )
            seen[r.code] = r
            rules.append(r)

        for plugin, result in plugins_mod.call_hook(self.pm, "auditor_register_rules"):
            origin = plugins_mod.plugin_label(self.pm, plugin)
            for r in [result] if isinstance(result, Rule) else result:
                add(r, origin)
        paths: list[Path] = []
        for _plugin, result in plugins_mod.call_hook(self.pm, "auditor_rule_paths"):
            paths.extend(Path(p) for p in ([result] if isinstance(result, (str, Path)) else result))
        paths.extend(Path(p) for p in self.config.rules)
        for p in paths:
            for r in load_pack(p):
                add(r, str(p))
        return rules

    def rule(self, code: str) -> Rule | None:
        """A loaded rule by code (selected or not)."""
        return next((r for r in self.all_rules if r.code == code), None)

    def load(self, path: str | Path, **options: Any) -> Any:
        """Load a disclosure with the first of this engine's loaders that claims it; `options`
        (``ocr``, ``jobs``, ``cache_dir``, ``progress``) override the config's loader settings."""
        from .loaders import load

        settings = self.config.load_options()
        settings.update({k: v for k, v in options.items() if v is not None})
        return load(path, self.loaders, **settings)

    def budget(self, source: Any) -> Any:
        """A Budget from a path (loaded) or a Budget (as given); None stays None."""
        if source is None:
            return None
        return self.load(source) if isinstance(source, (str, Path)) else source

    def reporter(self, name: str) -> Any:
        """The render callable of a ``--format`` name (ConfigError naming the known formats)."""
        found = self.reporters.get(name)
        if found is None:
            raise ConfigError(f"unknown format {name!r} (known: {', '.join(self.formats())})")
        return found

    def formats(self) -> list[str]:
        """The format names, the built-ins first, then plugins' in name order."""
        from .report import available_formats

        return available_formats(self.reporters)

    def render(self, reports: Any, format: str = "text", options: Any = None) -> str:
        """Render one Report or a list of them with this engine's reporter for `format`."""
        from .report import render

        return render(reports, format, options, table=self.reporters)

    def audit(self, source: Any, *, previous: Any = None) -> Report:
        """Audit one document (a path or a Budget); see :func:`audit`."""
        config = self.config
        budget = self.budget(source)
        prev = self.budget(previous)
        context = AuditContext(budget, prev)
        document = getattr(budget.meta, "source", None)
        findings: list[Finding] = []
        applicable = applicable_rules(self.rules, budget)
        for r in applicable:
            findings.extend(run_rule_contained(r, budget, config, context))
        if getattr(getattr(budget, "meta", None), "from_ocr", False):
            from .ocr_notes import annotate  # figures read by OCR: say where a misreading is possible

            findings = annotate(findings, budget) or findings
        report = Report(
            document=document_info(budget), findings=findings, budget=budget, rules=applicable, previous=prev
        )
        findings = attach_boxes(findings, budget)  # location.bbox on PDFs, before plugins see the findings
        findings = self._modify(report, findings, document)
        findings = apply_waivers(findings, config, document)
        if config.baseline:
            known = read_baseline(config.baseline)
            findings = [f for f in findings if "internal" in f.tags or not is_known(f, known, document)]
        findings.sort(key=Finding.sort_key)
        report.findings = findings
        return report

    def _modify(self, report: Report, findings: list[Finding], document: str | None) -> list[Finding]:
        """auditor_modify_findings as a pipeline; a crashing implementation becomes an internal finding."""
        crashes: list[Finding] = []
        results = plugins_mod.call_hook(
            self.pm,
            "auditor_modify_findings",
            chain="findings",
            on_error=lambda message, _exc: crashes.append(internal_finding("PLUGIN", message, document=document)),
            report=report,
            findings=list(findings),
        )
        return [*(list(results[-1][1]) if results else findings), *crashes]


_ENGINES: dict[int, tuple[Config, Engine]] = {}
_DEFAULT: Engine | None = None


def prepare(config: Config | None = None) -> Engine:
    """The Engine of `config`, built on first use and reused (the default engine when None)."""
    if config is None:
        return default_engine()
    cached = _ENGINES.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    engine = Engine(config)
    _ENGINES[id(config)] = (config, engine)
    return engine


def default_engine() -> Engine:
    """The engine of the default Config, built once per process (``auditor.load/audit/render``)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Engine(Config())
    return _DEFAULT


# ----------------------------------------------------------------------------------------------
# containment


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with RuleTimeout after `seconds` (SIGALRM on the main thread; else no-op)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread() and seconds > 0
    if not usable:
        yield
        return

    state: dict[str, Any] = {"fired": 0, "done": False, "trace": None}

    def on_alarm(signum: int, frame: Any) -> None:
        if state["done"]:
            return
        if state["fired"] and _in_machinery(frame):  # a repeat tick: wait for the rule's own code (50 ms)
            return
        state["fired"] += 1
        if state["fired"] > _SWALLOWED:
            _raise_on_every_line(frame, state)
        raise RuleTimeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    # after the first alarm, again every 50 ms: a rule that swallows RuleTimeout is interrupted again
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        pending: BaseException | None = None
        while True:  # an alarm may land on this very line: once `done` is set, none raises
            try:
                state["done"] = True
                break
            except RuleTimeout:
                continue
            except BaseException as exc:  # noqa: BLE001 - e.g. the document's budget: disarm first, then raise it
                pending = exc
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if state["trace"] is not None:
            sys.settrace(state["trace"][0])
        if pending is not None:
            raise pending
    if state["fired"]:  # the block swallowed the timeout and returned: it still overran
        raise RuleTimeout()


#: Ticks a rule may swallow before every line it runs raises the time-out (a rule that catches it
#: in a loop, sleeping: it uses no CPU, so the document's CPU budget would never end it).
_SWALLOWED = 3
_MACHINERY = {__file__, contextmanager.__code__.co_filename}


def _raise_on_every_line(frame: Any, state: dict[str, Any]) -> None:
    """Trace the rule's frames (and the frames it calls) so that its next line raises RuleTimeout:
    the ``except`` line that swallowed the last one raises again, outside the ``try`` it caught it in.
    Frames of the engine and of ``rules.py`` (the rule runner's own ``finally``) are left alone."""

    def tracer(fr: Any, event: str, arg: Any) -> Any:
        if state["done"]:
            return None
        if event == "line" and fr.f_code.co_filename not in _MACHINERY and not _in_machinery(fr):
            raise RuleTimeout()
        return tracer

    if state["trace"] is None:
        state["trace"] = (sys.gettrace(),)
    f = frame
    while f is not None and f.f_code.co_filename not in _MACHINERY | {_RULES_FILE}:
        f.f_trace, f.f_trace_lines = tracer, True
        f = f.f_back
    sys.settrace(tracer)


def _in_machinery(frame: Any) -> bool:
    """Whether `frame` runs an import, a finaliser or an unraisable-exception hook.

    A repeated RuleTimeout raised there is swallowed or printed as "unraisable" instead of
    reaching the rule (and can break the hook itself), so the next tick is left to stop the rule.
    """
    depth = 0
    while frame is not None and depth < 50:
        code = frame.f_code
        if code.co_filename == __file__:
            return False  # the rule runner: what runs the engine itself (`python -m`: runpy) is no part of it
        if code.co_name == "__del__" or "unraisable" in code.co_name or code.co_filename.startswith("<frozen"):
            return True
        frame = frame.f_back
        depth += 1
    return False


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
    params = config.params_for(rule)
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
    except (KeyboardInterrupt, DocumentTimeout):
        raise  # a real Ctrl-C stops the run; the document's budget stops the whole document
    except BaseException as exc:  # noqa: BLE001 - containment is the point: SystemExit, GeneratorExit, ... too
        site = _raise_site(exc, rule)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        msg = f"rule {rule.code} ({rule.name}) crashed: {type(exc).__name__}{': ' + detail if detail else ''} at {site}"
        return [internal_finding(rule.code, msg, document=document, name=rule.name)]
    elapsed = time.perf_counter() - start
    override = config.severity_for(rule)
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


def load(path: str | Path, **options: Any) -> Any:
    """Load a disclosure (text, PDF, workbook or JSON) into a Budget with the default engine's loaders;
    `options` are the OCR settings of scanned PDFs (``ocr``, ``jobs``, ``cache_dir``; docs/ocr.md)."""
    return default_engine().load(path, **options)


def render(reports: Any, format: str = "text", options: Any = None) -> str:
    """Render one Report or a list of them with the default engine's reporter for `format`."""
    return default_engine().render(reports, format, options)


def audit(source: Any, config: Config | None = None, *, previous: Any = None, engine: Engine | None = None) -> Report:
    """Audit one document (a path or a Budget) and return its Report.

    `previous` (a path or Budget of last year's disclosure) is given to rules as ``ctx.previous``.
    Neither budget is changed: what the audit derives lives in its AuditContext. Uses `engine`,
    else the engine of `config`, else the default engine (built once and reused).
    Raises LoadError when the source cannot be read, RuleError/PluginError/ConfigError when the
    rules or plugins cannot be loaded.
    """
    return (engine or prepare(config)).audit(source, previous=previous)


WAIVER_RULE = "CFG001"


def apply_waivers(findings: list[Finding], config: Config, document: str | None, today: Any = None) -> list[Finding]:
    """Drop waived findings (or keep them with a note when show_waived); expired waivers become CFG001 findings.

    An expired waiver no longer applies: the finding it covered is reported again, and the waiver
    itself is reported (rule CFG001, severity warning, no family tag) so that someone renews or removes it.
    """
    if not config.waivers:
        return findings
    active = [w for w in config.waivers if not w.expired(today)]
    expired = [w for w in config.waivers if w.expired(today) and w.applies_to(document)]
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
    engine = prepare(config)
    prev = engine.budget(previous)
    for p in expand_paths(paths):
        try:
            budget = engine.load(p)
        except LoadError as exc:
            yield Report(document={"path": str(p)}, error=str(exc))
            continue
        yield engine.audit(budget, previous=prev)


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
