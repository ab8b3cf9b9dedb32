"""Reading YAML the one way the project does: PyYAML's safe loader (libyaml's when PyYAML was built
with it: several times faster than the pure-Python one, the same data), and what was read kept
between runs.

Every command reads the built-in rule packs and data files, and importing PyYAML costs more than
reading them (≈ 35 ms: its pure-Python reader, scanner and resolver modules come with the package,
and the reader compiles a large character class). So the parsed data are kept as JSON in the user
cache directory (``$XDG_CACHE_HOME/budget-auditor/yaml``, else ``~/.cache/budget-auditor/yaml``),
one file per text, named by the SHA-256 of the text together with what produced the data (the
installed PyYAML and the module that read the nodes, by path, size and modification time). A
changed text, PyYAML or reader is therefore a new name: a kept entry is never stale.

Only data JSON writes back exactly are kept: strings, integers, finite floats, booleans, None,
lists and mappings with string keys, no value reached twice (a YAML alias) — anything else (a
date, a set, an integer key) is read with PyYAML on every run. Nothing is kept for a text PyYAML
rejects, so its error is raised every time. A cache directory that cannot be written is not an
error: the text is read as it would be without one. The entries are data only (never code), read
with ``json``: a rule pack from a stranger can at worst write its own data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from collections.abc import Callable
from typing import Any

#: What a kept entry's name depends on besides the text (bump to drop every entry).
FORMAT = "1"


def loader() -> Any:
    """libyaml's safe loader class when available, else the pure-Python one (imports PyYAML)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The data of a YAML document (safe: plain scalars, lists and mappings only)."""
    return remembered("data", text, lambda: _parse(text), __file__)


def _parse(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=loader())  # noqa: S506 - a safe loader


def cache_dir() -> str | None:
    """Where parsed YAML is kept (None when there is no home directory to put it in)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = os.path.join(os.path.expanduser("~"), ".cache")
        except (KeyError, RuntimeError):
            return None
        if base.startswith("~"):  # no home directory known
            return None
    return os.path.join(base, "budget-auditor", "yaml")


def remembered(kind: str, text: str, parse: Callable[[], Any], producer: str) -> Any:
    """``parse()``'s data for `text`, from the cache when it was kept there by an earlier run.

    `kind` names what `parse` makes of a text and `producer` is the file of the code that makes it:
    both are part of the entry's name, with PyYAML's installed files (see the module docstring).
    """
    path = _entry(kind, text, producer)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                return json.loads(fh.read())
        except (OSError, ValueError):
            pass  # not kept yet (or unreadable): read the text
    data = parse()
    if path is not None and plain(data):
        _keep(path, data)
    return data


def _stamp(path: str) -> str:
    st = os.stat(path)
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _yaml_stamp() -> str | None:
    from importlib.util import find_spec

    spec = find_spec("yaml")
    if spec is None or not spec.origin:
        return None
    stamps = [_stamp(spec.origin)]
    for loc in spec.submodule_search_locations or ():
        for name in sorted(os.listdir(loc)):
            if name.startswith("_yaml") or name in ("cyaml.py", "constructor.py", "resolver.py"):
                stamps.append(_stamp(os.path.join(loc, name)))
    return "|".join(stamps)


_YAML_STAMP: list[str | None] = []


def _entry(kind: str, text: str, producer: str) -> str | None:
    """The file that keeps `text`'s data (None when nothing can be kept)."""
    root = cache_dir()
    if root is None:
        return None
    try:
        if not _YAML_STAMP:
            _YAML_STAMP.append(_yaml_stamp())
        yaml_stamp = _YAML_STAMP[0]
        if yaml_stamp is None:
            return None
        head = f"{FORMAT}\0{kind}\0{yaml_stamp}\0{_stamp(producer)}\0"
    except (OSError, ValueError, ImportError):
        return None
    digest = hashlib.sha256(head.encode("utf-8", "surrogatepass"))
    digest.update(text.encode("utf-8", "surrogatepass"))
    return os.path.join(root, digest.hexdigest() + ".json")


def plain(data: Any) -> bool:
    """Whether JSON gives `data` back exactly (see the module docstring); iterative, any depth."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str or t is int or t is bool or v is None:
            continue
        if t is float:
            if not math.isfinite(v):
                return False
            continue
        if t is not list and t is not dict:
            return False
        if id(v) in seen:  # an alias: JSON would make two values of one
            return False
        seen.add(id(v))
        if t is dict:
            if any(type(k) is not str for k in v):
                return False
            stack.extend(v.values())
        else:
            stack.extend(v)
    return True


def _keep(path: str, data: Any) -> None:
    """Write the entry atomically (a concurrent reader sees all of it or none); failures are ignored."""
    tmp = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        payload = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except (OSError, ValueError, RecursionError):  # UnicodeEncodeError (a lone surrogate) is a ValueError
        with contextlib.suppress(OSError):
            os.unlink(tmp)
