"""The ``auditor`` command: audit, parse, rules, explain.

Exit codes (docs/cli.md): 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad input,
bad rule, bad config or bad command line (one line on stderr, no traceback); 3 a rule or plugin
crashed (reported as an ``internal`` finding; the other findings are still reported); 130 Ctrl-C
(the report covers the documents that finished).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cliutil import exit_now, settle_collector, show_warning, shown, statistics, stdin_as_file, tune_collector, width
from .errors import EXIT_CRASH, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, AuditorError

PROG = "auditor"

AUDIT_EPILOG = """examples:
  auditor audit disclosure.pdf                     findings as a table; exit 1 on errors
  auditor audit 2025.pdf --previous 2024.pdf       also the year-over-year checks
  auditor audit corpus/ --previous corpus-2024/    each document with its predecessor
  auditor audit x.pdf --select sangong --ignore SG004 --fail-on warning
  auditor audit x.pdf -q                           one line per finding (-qq: exit code only)
  auditor audit x.pdf --statistics                 number of findings per rule
  cat x.txt | auditor audit -                      a document on standard input
  auditor audit corpus/ -j 2 -f jsonl -o findings.jsonl

exit codes:
  0  no finding at or above --fail-on (default error), or --exit-zero
  1  findings at or above --fail-on
  2  bad input, rule, configuration or command line (one line on stderr naming the place)
  3  a rule or plugin crashed (an internal finding; the other findings are still reported)
  130  interrupted (Ctrl-C): the report covers the documents that finished
"""


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as our one-line error and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise AuditorError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog=PROG, description="Audit Chinese department budget disclosures (部门预算公开).")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    a = sub.add_parser(
        "audit",
        help="audit disclosures and report findings",
        epilog=AUDIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="disclosure files (.txt, .pdf, .xlsx, .json), directories, globs, or - for standard input",
    )
    a.add_argument(
        "--format",
        "-f",
        default=None,
        help="text (default), json, jsonl, markdown, sarif, junit, html, csv, parquet (all findings as one table), "
        "checklist (the 检查表 workbook); inferred from --output's extension when not given",
    )
    a.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    a.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="X",
        help="only rules with this code, code prefix or tag (repeatable, comma-separated)",
    )
    a.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="X",
        help="skip rules with this code, code prefix or tag (repeatable, comma-separated)",
    )
    a.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="an extra YAML rule pack (file or directory; repeatable)",
    )
    a.add_argument("--plugin", action="append", default=[], metavar="FILE.py", help="a plugin module file (repeatable)")
    a.add_argument(
        "--config", metavar="FILE", help="config file (default: nearest auditor.toml or pyproject.toml [tool.auditor])"
    )
    a.add_argument(
        "--fail-on",
        choices=["error", "warning", "info", "never"],
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    a.add_argument(
        "--previous",
        metavar="FILE|DIR",
        help="last year's disclosure of the same department (year-over-year rules); a directory: each "
        "document is paired with its predecessor there",
    )
    a.add_argument(
        "--previous-force",
        action="store_true",
        help="compare with --previous FILE even when it is not the same department's disclosure of the year before",
    )
    a.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline file")
    a.add_argument("--write-baseline", metavar="FILE", help="write the findings to a baseline file")
    a.add_argument("--show-waived", action="store_true", help="keep waived findings (as info, with the justification)")
    a.add_argument("--rule-timeout", type=float, metavar="SECONDS", help="time limit per rule (default 10)")
    a.add_argument(
        "--document-timeout",
        type=float,
        metavar="SECONDS",
        help="CPU time one document may take, loading included (default 300; 0: no limit)",
    )
    a.add_argument(
        "--memory-limit",
        type=int,
        metavar="MIB",
        help="memory one document may add, loading included, in MiB (default: no limit; Linux)",
    )
    a.add_argument(
        "--quiet",
        "-q",
        action="count",
        default=0,
        help="print only the findings, one line each (-qq: nothing; the exit code tells)",
    )
    a.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings reach --fail-on (2 and 3 still apply)"
    )
    a.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule instead of the findings"
    )
    a.add_argument("--verbose", "-v", action="store_true", help="add references and source excerpts")
    a.add_argument(
        "--no-color", action="store_true", help="no colour (also when NO_COLOR is set or output is not a terminal)"
    )
    rep = a.add_argument_group("reports")
    rep.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report (default: zh)")
    rep.add_argument("--url", metavar="URL", help="where the disclosure is published (the checklist's 公开网址)")
    rep.add_argument(
        "--checklist-severity",
        choices=["error", "warning", "info"],
        default="warning",
        help="lowest severity that makes a checklist part 否 (default: warning)",
    )
    rep.add_argument("--checklist-template", metavar="FILE.xlsx", help="fill this 检查表 workbook instead of a new one")
    b = a.add_argument_group("batch runs")
    b.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="documents audited in parallel processes (default: all cores; 1 = in this process)",
    )
    b.add_argument("--dask", action="store_true", help="run on a local dask.distributed cluster (needs the dask extra)")
    b.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on this dask.distributed scheduler (workers must see the files)",
    )
    b.add_argument(
        "--no-progress", action="store_true", help="no progress bar (there is none when stderr is not a terminal)"
    )

    _ocr_arguments(a)

    pa = sub.add_parser("parse", help="show what the loader reads from a disclosure")
    pa.add_argument("path", metavar="FILE")
    _ocr_arguments(pa)
    pa.add_argument("--jobs", "-j", type=int, metavar="N", help="OCR worker processes (default: all cores)")
    pa.add_argument("--format", "-f", choices=["json", "table", "xlsx"], default="json")
    pa.add_argument("--output", "-o", metavar="PATH")

    r = sub.add_parser("rules", help="list the rules")
    r.add_argument("--tag", action="append", default=[], help="only rules with this tag")
    r.add_argument("--tags", action="store_true", help="list the tags (built-in ones with their meaning) instead")
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


def _ocr_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("scanned PDFs (the ocr extra; docs/ocr.md)")
    g.add_argument(
        "--ocr",
        choices=["auto", "always", "never"],
        help="recognise pages without a text layer (auto, default), every page (always), or none (never)",
    )
    g.add_argument("--cache-dir", metavar="DIR", help="cache of recognised pages (default: the user cache directory)")


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


#: Formats whose reporters only read findings and document metadata (no Budget needed).
_LEAN_FORMATS = {"text", "json", "jsonl", "markdown", "sarif", "junit", "csv", "parquet"}


def _progress_bar(args: argparse.Namespace, total: int) -> Any:
    """A tqdm bar on stderr when it is a terminal (and tqdm is installed), else None."""
    if args.quiet or args.no_progress or total < 2 or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False, dynamic_ncols=True)


def _batch(args: argparse.Namespace, config: Any, files: list, keep_budget: bool, progress: Any) -> Any:
    from . import batch

    if args.jobs is not None and args.jobs < 1:
        raise AuditorError("--jobs must be at least 1")
    if args.scheduler or args.dask:
        if args.scheduler and not args.scheduler.startswith(
            ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")
        ):
            raise AuditorError(f"--scheduler wants an address like tcp://HOST:PORT, not {args.scheduler!r}")
        from . import batch_dask

        return batch_dask.run_dask(
            args.paths,
            config,
            scheduler=args.scheduler,
            previous=args.previous,
            previous_force=args.previous_force,
            keep_budget=keep_budget,
            progress=progress,
            expanded=files,
            n_workers=args.jobs,
        )
    return batch.run_batch(
        args.paths,
        config,
        jobs=args.jobs,
        previous=args.previous,
        previous_force=args.previous_force,
        keep_budget=keep_budget,
        progress=progress,
        expanded=files,
    )


def _needs_budget(engine: Any, fmt: str, verbose: bool, table_fmt: str | None) -> bool:
    """Whether reports must keep their Budget: HTML (figures, excerpts), verbose text (excerpts),
    and any reporter a plugin provides (it may read anything)."""
    from .report import BUILTIN_FORMATS

    if table_fmt:
        return False
    builtin = engine.reporters.get(fmt, BUILTIN_FORMATS.get(fmt)) is BUILTIN_FORMATS.get(fmt)
    if not builtin or fmt not in _LEAN_FORMATS:
        return True
    return fmt == "text" and verbose


def cmd_audit(args: argparse.Namespace) -> int:
    from .config import config_from_flags
    from .engine import prepare
    from .report import format_for_output
    from .report.tabular import TABULAR_FORMATS, require_pyarrow

    config = config_from_flags(args)
    engine = prepare(config)
    settle_collector()  # started: the documents' work collects as Python does
    fmt = args.format or format_for_output(args.output)
    if fmt == "checklist" and not args.output:
        raise AuditorError("--format checklist needs --output FILE.xlsx (or DIR/ for one workbook per document)")
    table_fmt = fmt if fmt in TABULAR_FORMATS and fmt not in engine.reporters else None
    render = None if table_fmt else engine.reporter(fmt)
    if table_fmt == "parquet":
        require_pyarrow()
        if not args.output:
            raise AuditorError("--format parquet needs --output FILE.parquet")
    if args.statistics and fmt != "text":
        raise AuditorError("--statistics prints a text table: leave out --format or use --format text")
    with stdin_as_file(args.paths) as paths:
        code = _audit(args, config, engine, fmt, table_fmt, render, paths)
    if args.exit_zero and code == EXIT_FINDINGS:
        return EXIT_OK
    return code


def _audit(
    args: argparse.Namespace, config: Any, engine: Any, fmt: str, table_fmt: Any, render: Any, paths: list[str]
) -> int:
    from . import batch
    from .baseline import write_baseline
    from .engine import exit_code
    from .report.tabular import open_writer

    files = batch.expand_sources(paths)
    keep_budget = _needs_budget(engine, fmt, args.verbose, table_fmt)
    stream = table_fmt is not None or fmt == "jsonl"  # written document by document, in constant memory
    bar = _progress_bar(args, len(files))
    line_options = _options(args, engine, None, config)
    stats = batch.CorpusStats()
    code = EXIT_OK
    kept: list[Any] = []  # what the baseline and whole-corpus reporters need
    writer = None
    out_fh = None
    interrupted = False
    try:
        if table_fmt:
            writer = open_writer(table_fmt, args.output if args.output else sys.stdout)
        elif stream and args.output:
            out_fh = open(args.output, "w", encoding="utf-8")
        pairing_dir = bool(args.previous) and Path(args.previous).is_dir()
        for rep in _batch(args, config, files, keep_budget, bar.update if bar is not None else None):
            rep = shown(rep, paths, args.paths)
            msg = None
            if rep.error:
                msg = f"{PROG}: error: {rep.error}"
            elif pairing_dir and not args.quiet:
                prev = rep.document.get("previous")
                path = rep.document.get("path")
                msg = (
                    f"{PROG}: {path}: compared with {prev}"
                    if prev
                    else f"{PROG}: {path}: no predecessor in {args.previous}"
                )
            if msg:
                if bar is not None:
                    bar.write(msg, file=sys.stderr)
                else:
                    print(msg, file=sys.stderr)
            stats.add(rep)
            code = max(code, exit_code([rep], config))
            if writer is not None:
                writer.add(rep)
            elif stream:
                text = render([rep], line_options)
                (out_fh or sys.stdout).write(text)
            if not stream or args.write_baseline:
                kept.append(rep)
    except KeyboardInterrupt:  # Ctrl-C: report the documents that finished, then exit 130
        interrupted = True
        print(
            f"{PROG}: interrupted: the report covers the {stats.documents} of {len(files)} documents finished",
            file=sys.stderr,
        )
    finally:
        if bar is not None:
            bar.close()
        if writer is not None:
            writer.close()
        if out_fh is not None:
            out_fh.close()
        elif stream:
            sys.stdout.flush()
    if args.write_baseline:
        n = write_baseline(args.write_baseline, kept)
        print(f"{PROG}: wrote {n} findings to baseline {args.write_baseline}", file=sys.stderr)
    if not stream:
        previous = None
        if args.previous and keep_budget and Path(args.previous).is_file():  # workers drop it; the charts want it
            previous = engine.budget(args.previous)
        options = _options(args, engine, previous, config)
        if args.statistics:
            _write(statistics(kept, engine), args.output)
        elif fmt == "checklist":  # a workbook (or a directory of them), not text
            from .report.checklist import write_checklists

            write_checklists(kept, args.output, options)
        elif not (fmt == "text" and args.quiet >= 2 and not args.output):
            text = render(kept, options)
            if fmt == "text" and not args.quiet and stats.documents > 1 and len(stats.failed) < stats.documents:
                text = text.rstrip("\n") + "\n\n" + stats.text() + "\n"
            _write(text, args.output)
    elif stats.documents > 1 and not args.quiet and sys.stderr.isatty():
        print(stats.text(), file=sys.stderr)
    if stats.documents > 1 and len(stats.failed) == stats.documents:
        print(f"{PROG}: error: none of the {stats.documents} documents could be loaded", file=sys.stderr)
        code = max(code, EXIT_USAGE)
    if code == EXIT_CRASH:
        print(f"{PROG}: error: a rule or plugin crashed (see the internal findings)", file=sys.stderr)
    return EXIT_INTERRUPTED if interrupted else code


def _options(args: argparse.Namespace, engine: Any, previous: Any, config: Any = None) -> Any:
    from .report import ReportOptions

    return ReportOptions(
        color=_color(args),
        verbose=args.verbose,
        quiet=bool(args.quiet),
        rules={r.code: r for r in engine.all_rules},
        previous=previous,
        lang=args.lang,
        url=args.url,
        fail_on=getattr(config, "fail_on", None) or "error",
        checklist_severity=args.checklist_severity,
        checklist_template=args.checklist_template,
        width=width(args),
    )


def cmd_parse(args: argparse.Namespace) -> int:
    from . import export
    from .engine import load

    if args.jobs is not None and args.jobs < 1:
        raise AuditorError("--jobs must be at least 1")
    budget = load(args.path, ocr=args.ocr, jobs=args.jobs, cache_dir=args.cache_dir)
    if args.format == "xlsx":
        if not args.output:
            raise AuditorError("--format xlsx needs --output FILE.xlsx")
        export.write_workbook(budget, args.output)
        return EXIT_OK
    text = export.budget_to_json(budget) if args.format == "json" else export.budget_table_text(budget)
    _write(text, args.output)
    return EXIT_OK


def _rules_engine(args: argparse.Namespace) -> Any:
    from .config import config_from_flags
    from .engine import prepare

    config = config_from_flags(args)
    return prepare(config)


def _tag_rows(rules: list[Any]) -> list[dict[str, Any]]:
    from collections import Counter

    from .tags import BUILTIN_TAGS

    counts = Counter(t for r in rules for t in r.tags)
    rows = [{"tag": t, "rules": counts.get(t, 0), "meaning": m, "builtin": True} for t, m in BUILTIN_TAGS.items()]
    rows += [
        {"tag": t, "rules": n, "meaning": "(a rule author's own tag)", "builtin": False}
        for t, n in sorted(counts.items())
        if t not in BUILTIN_TAGS
    ]
    return rows


def cmd_rules(args: argparse.Namespace) -> int:
    from .selection import did_you_mean

    engine = _rules_engine(args)
    known = {t for r in engine.all_rules for t in r.tags}
    for t in args.tag:
        if t not in known:
            raise AuditorError(
                f"--tag: no rule has the tag {t!r}" + did_you_mean(t, known, "see `auditor rules --tags`")
            )
    if args.tags:
        rows = _tag_rows(engine.all_rules)
        if args.format == "json":
            _write(json.dumps(rows, ensure_ascii=False, indent=2), None)
            return EXIT_OK
        from tabulate import tabulate

        table = [[r["tag"], r["rules"], r["meaning"]] for r in rows]
        _write(tabulate(table, headers=["tag", "rules", "meaning"], tablefmt="simple", disable_numparse=True), None)
        return EXIT_OK
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

    from .selection import find_rule, unknown_rule

    engine = _rules_engine(args)
    r = find_rule(engine.all_rules, args.code)
    if r is None:
        raise AuditorError(unknown_rule(engine.all_rules, args.code))
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
        from .params import declared_types

        types = declared_types(r.params, r.param_types)
        out += [f"  {k} = {v!r}  ({types[k]})" for k, v in r.params.items()]
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
    """Entry point of the console script; returns (and exits with) the exit code.

    As the console script (``argv`` None) the process is the command's own: its garbage collector is
    set for its start-up (``cliutil.tune_collector``; this module imports no pandas, so that comes
    first), and at the end it skips the interpreter's last collections — ``gc.freeze()`` moves every
    object to the permanent generation, which the collections Python runs while shutting down do not
    scan (with pandas loaded they cost 0.2-0.3 s of CPU) — and then its teardown (``cliutil.exit_now``:
    atexit handlers run and output is flushed first).
    """
    if argv is None:
        tune_collector()
    code = run(argv)
    if argv is None:
        gc.freeze()
        exit_now(code)
        sys.exit(code)
    return code


def run(argv: Sequence[str] | None = None) -> int:
    with warnings.catch_warnings():
        from .errors import AuditorWarning

        warnings.simplefilter("always", AuditorWarning)
        warnings.showwarning = show_warning
        return _run(argv)


def _run(argv: Sequence[str] | None = None) -> int:
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
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - never a traceback: an unexpected error is a crash (exit 3)
        print(f"{PROG}: error: internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        return EXIT_CRASH
