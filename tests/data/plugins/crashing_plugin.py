"""A test plugin: one rule that raises, one that finds something, one that sleeps past the limit."""

import time

from auditor import hookimpl, rule


@rule("ZZ001", name="always-crashes", tags=["arithmetic"])
def always_crashes(budget):
    raise ValueError("boom in plugin rule")


@rule("ZZ002", name="always-finds", severity="warning", tags=["editorial"])
def always_finds(budget, ctx):
    yield ctx.finding("found something", table="gpb_function", row="204", line=3)


@rule("ZZ003", name="too-slow", tags=["editorial"])
def too_slow(budget):
    time.sleep(5)


@hookimpl
def auditor_register_rules():
    return [always_crashes, always_finds, too_slow]
