"""Configuration: ``[tool.auditor]`` in pyproject.toml, an ``auditor.toml``, or ``--config FILE``.

Keys (all optional)::

    select = ["AR", "sangong"]          # codes, code prefixes, rule names or tags; empty = all
    ignore = ["NV003"]
    fail_on = "error"                   # error | warning | info | never
    rules = ["my-rules/"]               # extra YAML rule packs (relative to the config file)
    plugins = ["my_plugin.py"]          # extra plugin files
    rule_timeout = 10                   # seconds per rule
    baseline = "auditor-baseline.json"
    show_waived = false
    ocr = "auto"                        # scanned pages: auto | always | never (docs/ocr.md)
    cache_dir = "~/.cache/budget-auditor"  # recognised pages are cached here (OCR)
    [tool.auditor.severity]             # severity overrides per rule code or name
    NV003 = "warning"
    [tool.auditor.params.SG006]         # parameters per rule (code or name; see `auditor explain SG006`)
    cap_total = "50.00"
    [tool.auditor.settings.my-plugin]   # a plugin's own settings (declared by its auditor_settings hook)
    region = "普陀区"
    [[tool.auditor.waivers]]
    rule = "AR002"
    location = "gpb_function/2040299/*"   # substring or glob of Location.key(), or a table/row/... table
    justification = "OCR misread; the printed PDF is correct"
    owner = "审计局 张三"
    expires = 2026-12-31
    # or: fingerprint = "3f2a9c0d1b7e4a55"  (the finding's JSON "fingerprint"; survives moved lines)
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import SEVERITIES, Finding

FAIL_ON = ("error", "warning", "info", "never")
KEYS = {
    "select", "ignore", "fail_on", "rules", "plugins", "rule_timeout", "baseline", "show_waived",
    "severity", "params", "waivers", "ocr", "cache_dir", "settings",
}  # fmt: skip
OCR_MODES = ("auto", "always", "never")


@dataclass
class Waiver:
    """An accepted finding: which rule, where, why, who, until when."""

    rule: str
    justification: str
    location: str | dict[str, Any] | None = None
    owner: str | None = None
    expires: dt.date | None = None
    document: str | None = None  # glob of the document path (optional)
    fingerprint: str | None = None  # Finding.fingerprint() (stable when lines move)

    def expired(self, today: dt.date | None = None) -> bool:
        return self.expires is not None and self.expires < (today or dt.date.today())

    def applies_to(self, document: str | None) -> bool:
        """Whether the waiver covers this document (every document when it names none)."""
        if not self.document or not document:
            return True
        return fnmatch.fnmatch(document, self.document) or self.document in document

    def matches(self, finding: Finding) -> bool:
        if finding.rule != self.rule and finding.name != self.rule:
            return False
        if self.fingerprint and finding.fingerprint() != self.fingerprint:
            return False
        if not self.applies_to(finding.document):
            return False
        loc = self.location
        if loc is None or loc == "":
            return True
        if isinstance(loc, dict):
            got = finding.location.to_dict()
            return all(str(got.get(k)) == str(v) for k, v in loc.items())
        key = finding.location.key()
        if any(ch in loc for ch in "*?["):
            return fnmatch.fnmatchcase(key, loc)
        return loc in key


@dataclass
class Config:
    """The resolved configuration of one run (file settings merged with command-line flags)."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    rules: list[Path] = field(default_factory=list)
    plugins: list[Path] = field(default_factory=list)
    rule_timeout: float = 10.0
    #: CPU seconds one document may take, loading and auditing together (0: no limit)
    document_timeout: float = 300.0
    #: MiB of memory one document may add, loading and auditing together (0: no limit; Linux)
    document_memory: int = 0
    baseline: Path | None = None
    show_waived: bool = False
    severity: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    #: a plugin's own settings, ``[tool.auditor.settings.NAME]`` (checked against its auditor_settings hook)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None  # the file it came from
    #: where each selector and setting came from, for messages: (key, token) -> "file:line" or "--option"
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    #: whether the built-in rules and plugins (entry points) are loaded; tests turn these off.
    builtin: bool = True
    entry_points: bool = True
    #: scanned PDF pages: "auto" (pages without a text layer), "always" or "never" (docs/ocr.md)
    ocr: str = "auto"
    #: worker processes recognising pages (None: the cores this process may use)
    ocr_jobs: int | None = None
    #: cache of recognised pages (None: the user cache directory)
    cache_dir: Path | None = None
    #: a progress bar per recognised page (None: when stderr is a terminal)
    ocr_progress: bool | None = None

    def load_options(self) -> dict[str, Any]:
        """The loader settings of this run (for ``auditor.load``)."""
        return {"ocr": self.ocr, "jobs": self.ocr_jobs, "cache_dir": self.cache_dir, "progress": self.ocr_progress}

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    def is_selected(self, rule: Any) -> bool:
        """Select/ignore by code, code prefix, rule name or tag (ignore wins)."""
        if any(_matches(tok, rule) for tok in self.ignore):
            return False
        if not self.select:
            return True
        return any(_matches(tok, rule) for tok in self.select)

    def params_for(self, rule: Any) -> dict[str, Any] | None:
        """The configured parameters of a rule (keyed by its code or its name)."""
        return self.params.get(rule.code, self.params.get(rule.name))

    def severity_for(self, rule: Any) -> str | None:
        """The configured severity of a rule (keyed by its code or its name), None when not overridden."""
        return self.severity.get(rule.code, self.severity.get(rule.name))

    def source(self, key: str, token: str = "") -> str:
        """Where a setting came from: ``file:line``, ``--option`` or the config file."""
        return self.sources.get((key, token)) or (str(self.path) if self.path else "config")

    def fails(self, severity: str) -> bool:
        """True when a finding of this severity makes the run fail (exit 1)."""
        if self.fail_on == "never":
            return False
        order = {s: i for i, s in enumerate(reversed(SEVERITIES))}  # info 0, warning 1, error 2
        return order.get(severity, 0) >= order[self.fail_on]


def matches(token: str, rule: Any) -> bool:
    """Whether a select/ignore token (code, code prefix, name, tag or ALL) matches a rule."""
    return _matches(token, rule)


def _matches(token: str, rule: Any) -> bool:
    token = token.strip()
    if not token:
        return False
    if token.upper() == "ALL":
        return True
    return rule.code == token or rule.code.startswith(token) or token in rule.tags or token == rule.name


def find_config(start: Path | None = None) -> Path | None:
    """The nearest auditor.toml, or pyproject.toml with a [tool.auditor] table, from `start` upward."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        a = d / "auditor.toml"
        if a.is_file():
            return a
        p = d / "pyproject.toml"
        if p.is_file():
            try:
                if "auditor" in tomllib.loads(p.read_text(encoding="utf-8")).get("tool", {}):
                    return p
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def load_config(path: str | Path | None = None, *, discover: bool = True) -> Config:
    """Read a config file (or the nearest one when `path` is None and `discover`); defaults when none."""
    if path is None:
        found = find_config() if discover else None
        if found is None:
            return Config()
        path = found
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file ({exc.strerror})", path=str(p)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            f"malformed TOML: {str(exc).split(' (at line')[0]}", path=str(p), line=int(m.group(1)) if m else None
        ) from None
    if "tool" in data and isinstance(data["tool"], dict) and "auditor" in data["tool"]:
        table = data["tool"]["auditor"]
    elif p.name == "pyproject.toml":
        table = {}
    else:
        table = data
    return config_from_dict(table, path=p, text=text)


def _line_of(text: str | None, *needles: str) -> int | None:
    """The line of the last needle, each searched from the line of the one before (None when absent)."""
    if not text:
        return None
    lines = text.splitlines()
    at, found = 0, None
    for needle in needles:
        hit = next((i for i in range(at, len(lines)) if needle in lines[i]), None)
        if hit is None:
            return found
        at, found = hit, hit + 1
    return found


def config_from_dict(data: dict[str, Any], *, path: Path | None = None, text: str | None = None) -> Config:
    """Build a Config from a mapping (the [tool.auditor] table), checking every key.

    What can only be checked against the loaded rules (that each selector, severity, parameter and
    waiver names one) is checked by ``auditor.selection`` when the engine is prepared; the file:line
    of every such setting is kept in ``Config.sources`` for its messages.
    """
    where = str(path) if path else "<config>"

    def err(problem: str, *needles: str) -> ConfigError:
        return ConfigError(problem, path=where, line=_line_of(text, *needles) if needles else None)

    def at(*needles: str) -> str:
        line = _line_of(text, *needles)
        return f"{where}:{line}" if line else where

    for k in data:
        if k not in KEYS:
            raise err(f"unknown key {k!r} in [tool.auditor] (known: {', '.join(sorted(KEYS))})", k)
    base = path.parent if path else Path.cwd()
    cfg = Config(path=path)
    sources = cfg.sources

    def str_list(key: str) -> list[str]:
        v = data.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise err(f"{key} must be a list of strings", key)
        return v

    cfg.select = str_list("select")
    cfg.ignore = str_list("ignore")
    for key in ("select", "ignore"):
        for tok in getattr(cfg, key):
            sources[(key, tok)] = at(key, f'"{tok}"') if f'"{tok}"' in (text or "") else at(key, f"'{tok}'")
    cfg.rules = [base / r for r in str_list("rules")]
    cfg.plugins = [base / r for r in str_list("plugins")]
    fail_on = data.get("fail_on", "error")
    if fail_on not in FAIL_ON:
        raise err(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}", "fail_on")
    cfg.fail_on = fail_on
    timeout = data.get("rule_timeout", 10)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise err("rule_timeout must be a positive number of seconds", "rule_timeout")
    cfg.rule_timeout = float(timeout)
    if data.get("baseline"):
        cfg.baseline = base / str(data["baseline"])
        sources[("baseline", "")] = at("baseline")
    cfg.show_waived = bool(data.get("show_waived", False))
    ocr = data.get("ocr", "auto")
    if ocr not in OCR_MODES:
        raise err(f"ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}", "ocr")
    cfg.ocr = ocr
    if data.get("cache_dir"):
        cfg.cache_dir = (base / Path(str(data["cache_dir"])).expanduser()).resolve()
    sev = data.get("severity", {})
    if not isinstance(sev, dict):
        raise err('severity must be a table of CODE = "error|warning|info"', "severity")
    for code, s in sev.items():
        if s not in SEVERITIES:
            raise err(f"severity of {code} must be one of {', '.join(SEVERITIES)}, not {s!r}", "severity", code)
        sources[("severity", code)] = at("severity", code)
    cfg.severity = dict(sev)
    params = data.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise err("params must be tables per rule code ([tool.auditor.params.CODE])", "params")
    cfg.params = {k: dict(v) for k, v in params.items()}
    for code, values in cfg.params.items():
        sources[("params", code)] = at(f"params.{code}") if f"params.{code}" in (text or "") else at("params", code)
        for name in values:
            sources[("params", f"{code}.{name}")] = (
                at(f"params.{code}", name) if f"params.{code}" in (text or "") else at("params", code, name)
            )
    settings = data.get("settings", {})
    if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        raise err("settings must be tables per plugin ([tool.auditor.settings.NAME])", "settings")
    cfg.settings = {k: dict(v) for k, v in settings.items()}
    for name, values in cfg.settings.items():
        sources[("settings", name)] = at(f"settings.{name}")
        for key in values:
            sources[("settings", f"{name}.{key}")] = at(f"settings.{name}", key)
    waivers = data.get("waivers", [])
    if not isinstance(waivers, list):
        raise err("waivers must be an array of tables ([[tool.auditor.waivers]])", "waivers")
    for w in waivers:
        cfg.waivers.append(_waiver(w, err))
    _waiver_sources(cfg, text, where)
    return cfg


def _waiver_sources(cfg: Config, text: str | None, where: str) -> None:
    """file:line of each waiver's ``rule = ...`` line (the i-th ``rule`` key after a waivers header)."""
    lines = (text or "").splitlines()
    starts = [i for i, ln in enumerate(lines) if re.match(r"\s*\[\[\s*(tool\.auditor\.)?waivers\s*\]\]", ln)]
    for i, _w in enumerate(cfg.waivers):
        line = None
        if i < len(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            line = next((j + 1 for j in range(starts[i], end) if re.match(r"\s*rule\s*=", lines[j])), starts[i] + 1)
        cfg.sources[("waivers", str(i))] = f"{where}:{line}" if line else where


def _waiver(w: Any, err: Any) -> Waiver:
    if not isinstance(w, dict):
        raise err("each waiver is a table with rule, location, justification, owner, expires", "waivers")
    unknown = set(w) - {"rule", "location", "justification", "owner", "expires", "document", "fingerprint"}
    if unknown:
        raise err(f"unknown waiver key {sorted(unknown)[0]!r}", sorted(unknown)[0])
    if not w.get("rule"):
        raise err("a waiver needs the rule it waives", "waivers")
    if not w.get("justification"):
        raise err(f"the waiver of {w['rule']} needs a justification", str(w["rule"]))
    exp = w.get("expires")
    if isinstance(exp, str):
        try:
            exp = dt.date.fromisoformat(exp)
        except ValueError:
            raise err(f"waiver of {w['rule']}: expires must be YYYY-MM-DD, not {exp!r}", exp) from None
    elif isinstance(exp, dt.datetime):
        exp = exp.date()
    elif exp is not None and not isinstance(exp, dt.date):
        raise err(f"waiver of {w['rule']}: expires must be a date YYYY-MM-DD", str(w["rule"]))
    loc = w.get("location")
    if loc is not None and not isinstance(loc, (str, dict)):
        raise err(
            f"waiver of {w['rule']}: location is text (substring/glob of table/row/column@page:line) or a table",
            str(w["rule"]),
        )
    return Waiver(
        rule=str(w["rule"]),
        justification=str(w["justification"]),
        location=loc,
        owner=w.get("owner"),
        expires=exp,
        document=w.get("document"),
        fingerprint=str(w["fingerprint"]) if w.get("fingerprint") else None,
    )


def split_list(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def config_from_flags(args: Any, flag: str = "--") -> Config:
    """The config file's settings (``args.config``) overridden by command-line flags.

    ``flag`` is how the flags are spelt in messages: ``--`` for ``auditor``, ``--audit-`` for pytest.
    """
    cfg = load_config(getattr(args, "config", None))
    changes: dict[str, Any] = {}
    sources = dict(cfg.sources)
    if getattr(args, "select", None):
        changes["select"] = split_list(args.select)
        sources.update({("select", t): f"{flag}select" for t in changes["select"]})
    if getattr(args, "ignore", None):
        changes["ignore"] = [*cfg.ignore, *split_list(args.ignore)]
        sources.update({("ignore", t): f"{flag}ignore" for t in split_list(args.ignore)})
    if getattr(args, "rules", None):
        changes["rules"] = [*cfg.rules, *(Path(p) for p in args.rules)]
    if getattr(args, "plugin", None):
        changes["plugins"] = [*cfg.plugins, *(Path(p) for p in args.plugin)]
    if getattr(args, "fail_on", None):
        changes["fail_on"] = args.fail_on
    if getattr(args, "baseline", None):
        changes["baseline"] = Path(args.baseline)
        sources[("baseline", "")] = f"{flag}baseline"
    if getattr(args, "show_waived", False):
        changes["show_waived"] = True
    if getattr(args, "rule_timeout", None):
        if args.rule_timeout <= 0:
            raise ConfigError(f"{flag}rule-timeout must be positive")
        changes["rule_timeout"] = args.rule_timeout
    if getattr(args, "ocr", None):
        changes["ocr"] = args.ocr
    if getattr(args, "cache_dir", None):
        changes["cache_dir"] = Path(args.cache_dir).expanduser()
    if getattr(args, "jobs", None):
        changes["ocr_jobs"] = args.jobs
    if getattr(args, "quiet", False) or getattr(args, "no_progress", False):
        changes["ocr_progress"] = False
    if getattr(args, "document_timeout", None) is not None:
        if args.document_timeout < 0:
            raise ConfigError(f"{flag}document-timeout must not be negative")
        changes["document_timeout"] = args.document_timeout
    if getattr(args, "memory_limit", None) is not None:
        if args.memory_limit < 0:
            raise ConfigError(f"{flag}memory-limit must not be negative")
        changes["document_memory"] = args.memory_limit
    if getattr(args, "baseline", None) and not Path(args.baseline).is_file():
        raise ConfigError("baseline file does not exist", path=args.baseline)
    if changes:
        changes["sources"] = sources
    return cfg.replace(**changes) if changes else cfg
