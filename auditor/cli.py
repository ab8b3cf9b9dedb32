"""The ``auditor`` command: audit, parse, rules, explain.

Exit codes (docs/cli.md): 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad input,
bad rule, bad config or bad command line (one line on stderr, no traceback); 3 a rule or plugin
crashed (reported as an ``internal`` finding; the other findings are still reported).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .errors import EXIT_CRASH, EXIT_OK, EXIT_USAGE, AuditorError, ConfigError

PROG = "auditor"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as our one-line error and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise AuditorError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog=PROG, description="Audit Chinese department budget disclosures (部门预算公开).")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    a = sub.add_parser("audit", help="audit disclosures and report findings")
    a.add_argument("paths", nargs="+", metavar="PATH", help="disclosure files (.txt, .pdf, .xlsx, .json) or directories")
    a.add_argument("--format", "-f", default="text", help="text (default), json, jsonl, markdown, sarif, junit, html")
    a.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    a.add_argument("--select", action="append", default=[], metavar="X", help="only rules with this code, code prefix or tag (repeatable, comma-separated)")
    a.add_argument("--ignore", action="append", default=[], metavar="X", help="skip rules with this code, code prefix or tag (repeatable, comma-separated)")
    a.add_argument("--rules", action="append", default=[], metavar="PATH", help="an extra YAML rule pack (file or directory; repeatable)")
    a.add_argument("--plugin", action="append", default=[], metavar="FILE.py", help="a plugin module file (repeatable)")
    a.add_argument("--config", metavar="FILE", help="config file (default: nearest auditor.toml or pyproject.toml [tool.auditor])")
    a.add_argument("--fail-on", choices=["error", "warning", "info", "never"], help="lowest severity that makes the exit code 1 (default: error)")
    a.add_argument("--previous", metavar="FILE", help="last year's disclosure of the same department (year-over-year rules)")
    a.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline file")
    a.add_argument("--write-baseline", metavar="FILE", help="write the findings to a baseline file")
    a.add_argument("--show-waived", action="store_true", help="keep waived findings (as info, with the justification)")
    a.add_argument("--rule-timeout", type=float, metavar="SECONDS", help="time limit per rule (default 10)")
    a.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    a.add_argument("--verbose", "-v", action="store_true", help="add references and source excerpts")
    a.add_argument("--no-color", action="store_true", help="no colour (also when NO_COLOR is set or output is not a terminal)")

    pa = sub.add_parser("parse", help="show what the loader reads from a disclosure")
    pa.add_argument("path", metavar="FILE")
    pa.add_argument("--format", "-f", choices=["json", "table", "xlsx"], default="json")
    pa.add_argument("--output", "-o", metavar="PATH")

    r = sub.add_parser("rules", help="list the rules")
    r.add_argument("--tag", action="append", default=[], help="only rules with this tag")
    r.add_argument("--format", "-f", choices=["text", "json"], default="text")
    r.add_argument("--rules", action="append", default=[], metavar="PATH")
    r.add_argument("--plugin", action="append", default=[], metavar="FILE.py")
    r.add_argument("--config", metavar="FILE")

    e = sub.add_parser("explain", help="explain one rule: what, why, reference, parameters, example")
    e.add_argument("code")
    e.add_argument("--rules", action="append", default=[], metavar="PATH")
    e.add_argument("--plugin", action="append", default=[], metavar="FILE.py")
    e.add_argument("--config", metavar="FILE")
    return p


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def resolve_config(args: argparse.Namespace) -> Any:
    """The config file's settings overridden by command-line flags."""
    from .config import load_config

    cfg = load_config(getattr(args, "config", None))
    changes: dict[str, Any] = {}
    if getattr(args, "select", None):
        changes["select"] = _split(args.select)
    if getattr(args, "ignore", None):
        changes["ignore"] = [*cfg.ignore, *_split(args.ignore)]
    if getattr(args, "rules", None):
        changes["rules"] = [*cfg.rules, *(Path(p) for p in args.rules)]
    if getattr(args, "plugin", None):
        changes["plugins"] = [*cfg.plugins, *(Path(p) for p in args.plugin)]
    if getattr(args, "fail_on", None):
        changes["fail_on"] = args.fail_on
    if getattr(args, "baseline", None):
        changes["baseline"] = Path(args.baseline)
    if getattr(args, "show_waived", False):
        changes["show_waived"] = True
    if getattr(args, "rule_timeout", None):
        if args.rule_timeout <= 0:
            raise ConfigError("--rule-timeout must be positive")
        changes["rule_timeout"] = args.rule_timeout
    if getattr(args, "baseline", None) and not Path(args.baseline).is_file():
        raise ConfigError("baseline file does not exist", path=args.baseline)
    return cfg.replace(**changes) if changes else cfg


def _write(text: str | bytes, output: str | None) -> None:
    if output:
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(output, mode, **({} if isinstance(text, bytes) else {"encoding": "utf-8"})) as fh:
            fh.write(text)
        return
    if isinstance(text, bytes):
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    sys.stdout.flush()


def _color(args: argparse.Namespace) -> bool:
    if args.no_color or os.environ.get("NO_COLOR") or args.output:
        return False
    return sys.stdout.isatty()


def cmd_audit(args: argparse.Namespace) -> int:
    from .baseline import write_baseline
    from .engine import audit_paths, exit_code, prepare

    config = resolve_config(args)
    engine = prepare(config)
    render = _reporter(engine, args.format)
    reports = list(audit_paths(args.paths, config, previous=args.previous))
    for rep in reports:
        if rep.error:
            print(f"{PROG}: error: {rep.error}", file=sys.stderr)
    if args.write_baseline:
        n = write_baseline(args.write_baseline, reports)
        print(f"{PROG}: wrote {n} findings to baseline {args.write_baseline}", file=sys.stderr)
    from .report import ReportOptions

    options = ReportOptions(
        color=_color(args),
        verbose=args.verbose,
        quiet=args.quiet,
        rules={r.code: r for r in engine.all_rules},
        previous=next((r.previous for r in reports if r.previous is not None), None),
    )
    _write(render(reports, options), args.output)
    code = exit_code(reports, config)
    if code == EXIT_CRASH:
        print(f"{PROG}: error: a rule or plugin crashed (see the internal findings)", file=sys.stderr)
    return code


def _reporter(engine: Any, name: str) -> Any:
    if name in engine.reporters:
        return engine.reporters[name]
    try:
        from .report import get_reporter

        return get_reporter(name, engine.pm)
    except KeyError:
        known = ", ".join(sorted(engine.reporters)) or "text, json"
        raise AuditorError(f"unknown format {name!r} (known: {known})") from None


def cmd_parse(args: argparse.Namespace) -> int:
    from . import export
    from .loaders import load

    budget = load(args.path)
    if args.format == "xlsx":
        if not args.output:
            raise AuditorError("--format xlsx needs --output FILE.xlsx")
        export.write_workbook(budget, args.output)
        return EXIT_OK
    text = export.budget_to_json(budget) if args.format == "json" else export.budget_table_text(budget)
    _write(text, args.output)
    return EXIT_OK


def _rules_engine(args: argparse.Namespace) -> Any:
    from .engine import prepare

    config = resolve_config(args)
    return prepare(config)


def cmd_rules(args: argparse.Namespace) -> int:
    engine = _rules_engine(args)
    rules = [r for r in engine.all_rules if not args.tag or any(t in r.tags for t in args.tag)]
    rules.sort(key=lambda r: r.code)
    if args.format == "json":
        _write(json.dumps([r.to_dict() for r in rules], ensure_ascii=False, indent=2), None)
        return EXIT_OK
    from tabulate import tabulate

    rows = [[r.code, r.name, r.severity, ",".join(r.tags), r.kind, (r.title or "")[:70]] for r in rules]
    _write(tabulate(rows, headers=["code", "name", "severity", "tags", "kind", "title"], tablefmt="simple"), None)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    import yaml

    engine = _rules_engine(args)
    r = engine.rule(args.code) or engine.rule(args.code.upper())
    if r is None:
        raise AuditorError(f"no rule {args.code!r} (see `auditor rules`)")
    out = [f"{r.code}  {r.name}  [{r.severity}]  tags: {', '.join(r.tags) or '-'}"]
    if r.title:
        out += ["", r.title]
    if r.description and r.description != r.title:
        out += ["", r.description.strip()]
    ref = r.reference_text()
    if ref:
        out += ["", f"Reference: {ref}"]
    if r.params:
        out += ["", "Parameters (set in [tool.auditor.params." + r.code + "]):"]
        out += [f"  {k} = {v!r}" for k, v in r.params.items()]
    out += ["", f"Defined in: {r.where()} ({r.kind})"]
    if r.spec:
        body = {k: v for k, v in r.spec.items() if k not in ("tests", "description", "reference", "title")}
        out += ["", "Check:", yaml.safe_dump(body, allow_unicode=True, sort_keys=False).rstrip()]
    if r.cases:
        out += ["", "Examples:"]
        for c in r.cases:
            fires = c.get("fires")
            verdict = "fires" if fires is True else "passes" if fires in (False, 0) else f"fires {fires}x"
            out.append(f"  - {c.get('name', '?')}: {verdict}")
    _write("\n".join(out), None)
    return EXIT_OK


COMMANDS = {"audit": cmd_audit, "parse": cmd_parse, "rules": cmd_rules, "explain": cmd_explain}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the exit code."""
    code = run(argv)
    if argv is None:
        sys.exit(code)
    return code


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if not args.command:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return COMMANDS[args.command](args)
    except AuditorError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - never a traceback: an unexpected error is a crash (exit 3)
        print(f"{PROG}: error: internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        return EXIT_CRASH
