"""The plugin manager: built-in plugins, entry points (group ``auditor``), and plugin files.

Registration order: the built-in plugin (``auditor.builtin``, which also brings the repository's
``plugins/builtin/*.py`` files and its ``rules/`` pack; left out with ``Config(builtin=False)``),
the reporters (``auditor.report``) and the loaders (``auditor.loaders``), then
installed packages with an ``auditor`` entry point, then plugin files from the config, then
``--plugin FILE.py``. Every plugin is loaded in isolation: one that cannot be imported or registered
is a PluginError naming it (exit 2), never a silent skip.

Hooks are called only through :func:`call_hook`, which runs the implementations in registration
order (``tryfirst`` ones before, ``trylast`` ones after). The engine (``auditor.engine.Engine``)
owns the manager and resolves what the hooks return; this module knows nothing of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
import types
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .errors import AuditorError, AuditorWarning, PluginError

PROJECT = "auditor"


class _Manager(pluggy.PluginManager):
    """pluggy's manager, reading a module plugin's own namespace first.

    pluggy looks every name of a plugin up with ``inspect.getattr_static`` (so that no descriptor
    runs); for the built-in rule modules, full of imports, constants and rules, that cost more than
    the rest of registering them. A module's attribute that is not a function, or a function without
    the hookimpl marker, is no hook implementation whichever way it is looked up, so it is answered
    here; everything else (the implementations, dunder names, non-module plugins) is pluggy's to
    decide."""

    _MARKER = f"{PROJECT}_impl"
    _HOOKABLE = (types.FunctionType, staticmethod, classmethod, types.MethodType)

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if type(plugin) is ModuleType and not name.startswith("__"):
            value = plugin.__dict__.get(name)
            if not isinstance(value, self._HOOKABLE) or (
                type(value) is types.FunctionType and getattr(value, self._MARKER, None) is None
            ):
                return None
        return super().parse_hookimpl_opts(plugin, name)


def new_manager() -> pluggy.PluginManager:
    """A manager with the hookspecs and nothing registered."""
    pm = _Manager(PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _where(exc: BaseException, path: str | None) -> int | None:
    """The line in `path` where `exc` was raised (the innermost frame in that file)."""
    if path is None:
        return None
    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if Path(fs.filename).resolve() == Path(path).resolve():
            line = fs.lineno
    if (
        line is None
        and isinstance(exc, SyntaxError)
        and exc.filename
        and Path(exc.filename).resolve() == Path(path).resolve()
    ):
        line = exc.lineno
    return line


def load_plugin_file(path: str | Path) -> ModuleType:
    """Import a plugin ``.py`` file as a uniquely named module (PluginError naming file:line on failure)."""
    p = Path(path)
    if not p.is_file():
        raise PluginError("plugin file does not exist", path=str(p))
    if p.suffix != ".py":
        raise PluginError("a plugin file must be a .py module", path=str(p))
    digest = hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:10]
    name = f"auditor_plugin_{p.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:  # pragma: no cover - .py files always get a spec
        raise PluginError("cannot import plugin file", path=str(p))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except AuditorError:
        sys.modules.pop(name, None)
        raise
    except BaseException as exc:  # noqa: BLE001 - any import failure is reported, with its line
        sys.modules.pop(name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise PluginError(
            f"cannot load plugin: {type(exc).__name__}: {exc}", path=str(p), line=_where(exc, str(p))
        ) from exc
    return module


def register(pm: pluggy.PluginManager, plugin: Any, name: str, origin: str | None = None) -> None:
    """Register one plugin object, turning pluggy's validation errors into PluginError."""
    if pm.get_plugin(name) is not None or pm.is_registered(plugin):
        return
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"invalid plugin {name}: {exc}", path=origin) from exc
    except ValueError as exc:
        raise PluginError(f"cannot register plugin {name}: {exc}", path=origin) from exc


def register_file(pm: pluggy.PluginManager, path: str | Path) -> None:
    """Register a plugin file; one that implements no hook (registers nothing) gets an AuditorWarning."""
    module = load_plugin_file(path)
    name = f"file:{Path(path).resolve()}"
    fresh = pm.get_plugin(name) is None
    register(pm, module, name=name, origin=str(path))
    if fresh and not pm.get_hookcallers(module):
        rules = [v for v in vars(module).values() if type(v).__name__ == "Rule"]
        hint = (
            f"it defines {len(rules)} rule(s) but no auditor_register_rules hook returns them"
            if rules
            else "it has no @auditor.hookimpl function"
        )
        warnings.warn(f"{path}: plugin registers nothing ({hint})", AuditorWarning, stacklevel=2)


def declared_entry_points(group: str = PROJECT) -> set[str] | None:
    """The names of the entry points in `group` that the distributions on ``sys.path`` declare, read
    from their ``*.dist-info`` / ``*.egg-info`` ``entry_points.txt``; None when a place on the path is
    not a plain directory (a zip, an egg) or a finder other than the standard one may hold
    distributions, where only importlib.metadata can tell.

    A quick look before importlib.metadata, which reads every distribution's metadata (and imports
    the email package to do so): a tenth of the command's start-up when only the built-in plugin,
    already registered, is declared.
    """
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return None
    header = f"[{group}]"
    names: set[str] = set()
    for entry in sys.path:
        base = Path(entry or ".")
        if not base.is_dir():
            if base.exists():
                return None  # a zip or a file importlib.metadata knows how to read
            continue
        if base.suffix == ".egg":
            return None
        try:
            infos = [c for c in base.iterdir() if c.suffix in (".dist-info", ".egg-info")]
        except OSError:
            return None
        for info in infos:
            try:
                text = (info / "entry_points.txt").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # no entry points (or an egg-info file)
            section = None
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("["):
                    section = line
                elif section == header and "=" in line and not line.startswith(("#", ";")):
                    names.add(line.split("=", 1)[0].strip())
    return names


def load_entry_points(pm: pluggy.PluginManager) -> None:
    """Register installed plugins (entry-point group ``auditor``), each in isolation."""
    declared = declared_entry_points()
    if declared is not None and all(pm.get_plugin(n) is not None or pm.is_blocked(n) for n in declared):
        return  # all of them registered already (the built-in plugin is registered directly)
    from importlib.metadata import entry_points

    for ep in entry_points(group=PROJECT):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # noqa: BLE001
            raise PluginError(
                f"cannot load plugin {ep.name!r} ({ep.value}): {type(exc).__name__}: {exc}", path=ep.value
            ) from exc
        register(pm, plugin, name=ep.name, origin=ep.value)


def build_manager(
    *,
    plugin_files: Iterable[str | Path] = (),
    builtin: bool = True,
    entry_points: bool = True,
) -> pluggy.PluginManager:
    """A manager with the built-in plugins, installed plugins and plugin files registered."""
    pm = new_manager()
    if builtin:
        from . import builtin as builtin_module

        register(pm, builtin_module, name="builtin", origin=builtin_module.__file__)
        for f in builtin_module.plugin_files():
            register_file(pm, f)
    # the built-in formats and loaders: registered even without the built-in rules
    from . import loaders as loaders_module
    from . import report as report_module

    register(pm, report_module, name="report", origin=report_module.__file__)
    register(pm, loaders_module, name="loaders", origin=loaders_module.__file__)
    if entry_points:
        load_entry_points(pm)
    for f in plugin_files:
        register_file(pm, f)
    return pm


def plugin_label(pm: pluggy.PluginManager, plugin: Any) -> str:
    """A plugin's name for messages: its file when it has one."""
    f = getattr(plugin, "__file__", None)
    return f or pm.get_name(plugin) or repr(plugin)


def hook_impls(pm: pluggy.PluginManager, hook: str) -> list[Any]:
    """The implementations of `hook` in the order auditor calls them: registration order, with
    ``tryfirst`` implementations before the others and ``trylast`` ones after (each group in
    registration order). pluggy itself calls the last registered first; auditor never relies on that.
    """
    impls = getattr(pm.hook, hook).get_hookimpls()
    wrappers = [i for i in impls if i.hookwrapper or getattr(i, "wrapper", False)]
    if wrappers:
        raise PluginError(f"hook wrappers are not supported ({hook})", path=plugin_label(pm, wrappers[0].plugin))
    # pluggy keeps [trylast (newest first), plain (oldest first), tryfirst (oldest first)]
    first = [i for i in impls if i.tryfirst]
    last = [i for i in impls if i.trylast][::-1]
    plain = [i for i in impls if not (i.tryfirst or i.trylast)]
    return [*first, *plain, *last]


def call_hook(
    pm: pluggy.PluginManager,
    hook: str,
    *,
    chain: str | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
    **kwargs: Any,
) -> list[tuple[Any, Any]]:
    """Call every implementation of `hook` separately, in the order of :func:`hook_impls`.

    Returns (plugin, result) pairs for the implementations that returned something other than None.
    Each implementation gets the subset of `kwargs` it names. With `chain`, a non-None result
    replaces ``kwargs[chain]`` for the implementations after it (a pipeline: the last result is the
    outcome). A failing implementation raises PluginError naming its file and line; with `on_error`,
    ``on_error(message, exc)`` is called instead and the next implementation runs.
    """
    out = []
    for impl in hook_impls(pm, hook):
        args = {k: kwargs[k] for k in impl.argnames if k in kwargs}
        try:
            result = impl.function(**args)
        except (AuditorError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - reported with its place (SystemExit too: it must not end the run)
            label = plugin_label(pm, impl.plugin)
            frames = traceback.extract_tb(exc.__traceback__)
            line = _where(exc, label if Path(str(label)).exists() else None)
            if on_error is None:
                raise PluginError(
                    f"plugin hook {hook} failed: {type(exc).__name__}: {exc}", path=label, line=line
                ) from exc
            site = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else label
            on_error(f"plugin {label} crashed in {hook}: {type(exc).__name__}: {exc} at {site}", exc)
            continue
        if result is not None:
            out.append((impl.plugin, result))
            if chain is not None:
                kwargs[chain] = result
    return out


def hook_names() -> list[str]:
    """Every hook name, in the order of hookspecs.py."""
    return [n for n in vars(hookspecs) if n.startswith("auditor_") and callable(getattr(hookspecs, n))]


def hook_docs() -> dict[str, str]:
    """Hook name -> its one-line docstring."""
    return {n: (getattr(hookspecs, n).__doc__ or "").strip().splitlines()[0] for n in hook_names()}
