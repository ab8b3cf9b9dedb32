"""Reading rule packs: files and directories of YAML, parsed once per process (cached by path, mtime, size)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import RuleError
from ..rules import Rule
from ..yamltext import loader as _loader
from ..yamltext import remembered
from .builder import build_rule

_CACHE: dict[tuple[str, int, int], list[Rule]] = {}


def clear_cache() -> None:
    """Forget parsed packs (tests use this)."""
    _CACHE.clear()


def rule_files(path: str | Path) -> list[Path]:
    """The YAML files of a pack (a file, or a directory searched recursively), sorted."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
    raise RuleError("rule path does not exist", path=str(p))


def load_pack(path: str | Path) -> list[Rule]:
    """All rules of a pack (file or directory); codes must be unique within it."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for f in rule_files(path):
        for r in load_file(f):
            if r.code in seen:
                raise RuleError(
                    f"duplicate rule code {r.code} (also at {seen[r.code].where()})", path=str(f), line=r.line
                )
            seen[r.code] = r
            rules.append(r)
    return rules


def load_file(path: str | Path) -> list[Rule]:
    """Parse one YAML file into rules (cached by path + mtime + size)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise RuleError(f"cannot read rule file ({exc.strerror})", path=str(p)) from exc
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key in _CACHE:
        return _CACHE[key]
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file ({exc})", path=str(p)) from exc
    rules = parse_rules(text, str(p), keep=True)
    _CACHE[key] = rules
    return rules


#: The largest rule file read (the built-in packs are a few KiB each).
MAX_RULE_FILE = 2_000_000


#: How many values a rule file may hold once its aliases are expanded (the built-in packs: a few thousand).
MAX_EXPANDED = 100_000


def _expanded_size(root: Any, path: str) -> int:
    """How many nodes the document holds with every alias written out (linear in the distinct nodes)."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            if known < 0:
                raise RuleError(
                    "YAML alias refers to itself (a recursive structure)", path=path, line=node.start_mark.line + 1
                )
            return known
        sizes[id(node)] = -1
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        sizes[id(node)] = total
        return total

    return size(root)


def _limit_aliases(node: Any, path: str) -> None:
    """Aliases may repeat a value (a shared reference list); they may not multiply a file into gigabytes."""
    if node is None:
        return
    total = _expanded_size(node, path)
    if total > MAX_EXPANDED:
        raise RuleError(
            f"YAML aliases expand this file to {total:,} values (the limit is {MAX_EXPANDED:,}): write it out",
            path=path,
        )


def parse_rules(text: str, path: str = "<string>", *, keep: bool = False) -> list[Rule]:
    """Parse YAML text holding one rule or a list of rules.

    With `keep` (a rule file) the YAML read of the text — its data, the lines of its rules and of
    their keys — is kept between runs (``auditor.yamltext.remembered``); the rules are built from it
    on every run.
    """
    if len(text) > MAX_RULE_FILE:
        raise RuleError(f"rule file too large ({len(text)} characters; the limit is {MAX_RULE_FILE})", path=path)
    if keep:
        composed = remembered("rules", text, lambda: _compose(text, path), __file__)
    else:
        composed = _compose(text, path)
    data = composed["data"]
    if data is None:
        return []
    if isinstance(data, dict):
        items = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise RuleError("a rule file holds a mapping (one rule) or a list of rules", path=path, line=1)
    out = []
    for item, line, key_lines in zip(items, composed["lines"], composed["keys"]):
        if not isinstance(item, dict):
            raise RuleError("each rule must be a mapping", path=path, line=line)
        out.append(build_rule(item, path=path, line=line, key_lines=key_lines))
    return out


def _compose(text: str, path: str) -> dict[str, Any]:
    """The text's data, with the line of each rule (the document, or each item of a list) and of its keys."""
    import yaml

    try:
        loader = _loader()(text)  # composed once: the nodes give the rules' lines and then their data
        try:
            node = loader.get_single_node()
            if "*" in text:
                _limit_aliases(node, path)
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"malformed YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from None
    except RecursionError:
        raise RuleError("malformed YAML: nested too deeply", path=path) from None
    nodes = [node] if isinstance(data, dict) else list(node.value) if isinstance(data, list) else []
    return {
        "data": data,
        "lines": [n.start_mark.line + 1 for n in nodes],
        "keys": [
            {k.value: k.start_mark.line + 1 for k, _ in n.value} if isinstance(n, yaml.MappingNode) else {}
            for n in nodes
        ],
    }
