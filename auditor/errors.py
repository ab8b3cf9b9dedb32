"""Errors the user sees as one clear line, each with the exit code it maps to."""

from __future__ import annotations

#: Exit codes (documented in README and docs/cli.md), ruff/semgrep style.
EXIT_OK = 0  # nothing at or above --fail-on
EXIT_FINDINGS = 1  # findings at or above --fail-on
EXIT_USAGE = 2  # bad input, bad rule, bad config, bad command line
EXIT_CRASH = 3  # a rule or plugin crashed (reported as an `internal` finding)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT): the report covers the documents that finished


#: The longest message an error carries (one line on a terminal, however hostile its input).
MAX_MESSAGE = 500


def clip(message: str, limit: int = MAX_MESSAGE) -> str:
    """`message` cut to `limit` characters, saying how much was cut."""
    message = str(message)
    if len(message) <= limit:
        return message
    return f"{message[: limit - 40]}… ({len(message) - limit + 40} more characters)"


class AuditorError(Exception):
    """Base class: an error with a message fit for one line on stderr."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        super().__init__(clip(message))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.args[0]}"


class LoadError(AuditorError):
    """A source that cannot be read as a budget disclosure."""


class RuleError(AuditorError):
    """A rule file or rule definition that cannot be loaded."""


class ConfigError(AuditorError):
    """A configuration file or option that cannot be used."""


class PluginError(AuditorError):
    """A plugin that cannot be imported or registered."""


class AuditorWarning(UserWarning):
    """Something the user should fix that does not stop the run (printed as ``auditor: warning: ...``)."""
