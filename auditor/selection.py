"""Every selector and setting must name something: the check of a Config against the loaded rules.

``check(config, rules)`` is called once the rules are loaded (``engine.prepare``). It refuses, as a
ConfigError (exit 2) of one line naming the token, where it came from (``file:line`` or the
command-line option) and the nearest valid ones:

- a ``select``/``ignore`` token (``--select``, ``--ignore``, config) that is no rule code, code
  prefix, rule name or tag;
- a ``[severity]`` or ``[params.X]`` key, or a waiver's ``rule``, that is no rule code or name;
- a parameter a rule does not declare, or a value of the wrong type (auditor.params);
- a baseline entry of a rule that is not loaded;
- a ``[settings.NAME]`` table no plugin declares (hook ``auditor_settings``), or a key it does not.

``find_rule(rules, token)`` resolves a code or a name (``explain sangong-cap``) the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .errors import ConfigError
from .params import check_value, declared_types, infer_type

#: Findings the engine itself makes (not rules), which waivers and baselines may still name.
ENGINE_CODES = {"CFG001": "waiver-expired"}


def _near(token: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to `token` (case-insensitive), best first; only those about as close as the best."""
    by_lower: dict[str, str] = {}
    for c in candidates:
        by_lower.setdefault(c.lower(), c)
    t = token.lower()
    if t in by_lower:
        return [by_lower[t]]
    import difflib  # only for a name that is not known: an error message

    scored = []
    for k in by_lower:
        m = difflib.SequenceMatcher(None, t, k)
        if m.real_quick_ratio() >= 0.6 and m.quick_ratio() >= 0.6:
            r = m.ratio()
            if r >= 0.6:
                scored.append((-r, k))
    scored.sort()
    if not scored:
        return []
    best = -scored[0][0]
    return [by_lower[k] for r, k in scored[:n] if -r >= best - 0.05]


def did_you_mean(token: str, candidates: Iterable[str], fallback: str = "see `auditor rules`") -> str:
    near = _near(token, candidates)
    if not near:
        return f" ({fallback})"
    return " (did you mean " + " or ".join(near) + "?)"


def find_rule(rules: Sequence[Any], token: str) -> Any | None:
    """The rule with this code (any case) or name, None when there is none."""
    t = token.strip()
    for r in rules:
        if r.code == t or r.name == t:
            return r
    up = t.upper()
    return next((r for r in rules if r.code == up), None)


def unknown_rule(rules: Sequence[Any], token: str, what: str = "rule") -> str:
    """The message for a code or name that is no rule: ``no rule 'SG03' (did you mean SG003?)``."""
    return f"no {what} {token!r}" + did_you_mean(token, [*(r.code for r in rules), *(r.name for r in rules)])


def _selector_candidates(rules: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for r in rules:
        out += [r.code, r.name, *r.tags]
    return out


def _source_error(config: Any, key: str, token: str, message: str) -> ConfigError:
    where = config.source(key, token)
    if where.startswith("--") and message.startswith(f"{key} "):
        message = message[len(key) + 1 :]  # "--select: 'NV03' matches ...", not "--select: select 'NV03' ..."
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return ConfigError(message, path=path, line=int(line))
    return ConfigError(message, path=where)


def check_selectors(config: Any, rules: Sequence[Any]) -> None:
    from .config import matches

    candidates = _selector_candidates(rules)
    for key in ("select", "ignore"):
        for token in getattr(config, key):
            if not token.strip() or any(matches(token, r) for r in rules):
                continue
            raise _source_error(
                config,
                key,
                token,
                f"{key} {token!r} matches no rule code, code prefix, name or tag" + did_you_mean(token, candidates),
            )


def _rule_for(config: Any, rules: Sequence[Any], key: str, token: str, what: str) -> Any:
    r = next((x for x in rules if token in (x.code, x.name)), None)
    if r is None:
        names = [*(x.code for x in rules), *(x.name for x in rules)]
        raise _source_error(config, key, token, f"{what} names unknown rule {token!r}" + did_you_mean(token, names))
    return r


def check_params(config: Any, rules: Sequence[Any]) -> None:
    for code in config.severity:
        _rule_for(config, rules, "severity", code, "severity")
    for code, values in config.params.items():
        r = _rule_for(config, rules, "params", code, f"params.{code}")
        types = declared_types(r.params, getattr(r, "param_types", None))
        for name, value in values.items():
            if name not in types:
                takes = f"{r.code} takes {', '.join(types)}" if types else f"{r.code} ({r.name}) takes no parameters"
                near = _near(name, types)
                hint = f" (did you mean {' or '.join(near)}? {takes})" if near else f" ({takes})"
                raise _source_error(
                    config, "params", f"{code}.{name}", f"params.{code}: unknown parameter {name!r}{hint}"
                )
            problem = check_value(types[name], value)
            if problem:
                raise _source_error(
                    config, "params", f"{code}.{name}", f"params.{code}.{name} must be {problem} ({r.code} {r.name})"
                )


def check_waivers(config: Any, rules: Sequence[Any]) -> None:
    names = [*(r.code for r in rules), *(r.name for r in rules), *ENGINE_CODES, *ENGINE_CODES.values()]
    for i, w in enumerate(config.waivers):
        if w.rule in names:
            continue
        raise _source_error(
            config, "waivers", str(i), f"waiver names unknown rule {w.rule!r}" + did_you_mean(w.rule, names)
        )


def check_baseline(config: Any, rules: Sequence[Any]) -> None:
    if not config.baseline:
        return
    from .baseline import baseline_rules

    known = {r.code for r in rules} | set(ENGINE_CODES)
    for code in sorted(baseline_rules(config.baseline) - known):
        raise ConfigError(
            f"baseline holds findings of rule {code}, which is not loaded"
            + did_you_mean(code, known, "load its plugin or rule pack, or write the baseline again"),
            path=str(config.baseline),
        )


def check_settings(config: Any, declared: dict[str, dict[str, Any]]) -> None:
    """``[settings.NAME]`` tables against what the plugins declare (``auditor_settings``)."""
    for name, values in getattr(config, "settings", {}).items():
        if name not in declared:
            raise _source_error(
                config,
                "settings",
                name,
                f"settings.{name}: no loaded plugin declares these settings"
                + did_you_mean(name, declared, "a plugin declares its settings with the auditor_settings hook"),
            )
        keys = declared[name]
        for key, value in values.items():
            if key not in keys:
                raise _source_error(
                    config,
                    "settings",
                    f"{name}.{key}",
                    f"settings.{name}: unknown key {key!r}"
                    + did_you_mean(key, keys, f"known: {', '.join(keys) or '-'}"),
                )
            problem = check_value(infer_type(keys[key]), value)
            if problem:
                raise _source_error(config, "settings", f"{name}.{key}", f"settings.{name}.{key} must be {problem}")


def check(config: Any, rules: Sequence[Any], settings: dict[str, dict[str, Any]] | None = None) -> None:
    """Refuse any selector or setting of `config` that names nothing among `rules` (ConfigError)."""
    check_selectors(config, rules)
    check_params(config, rules)
    check_waivers(config, rules)
    check_baseline(config, rules)
    check_settings(config, settings or {})
