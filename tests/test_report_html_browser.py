"""The HTML report in a real headless browser: loads without console errors, script runs, charts drawn.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-noto-cjk``); skipped when absent.
Set ``AUDITOR_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.report import ReportOptions, render
from auditor.report.sample import SAMPLE_RULES, sample_report


def find_chromium() -> str | None:
    env = os.environ.get("AUDITOR_CHROMIUM")
    if env:
        return env
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no headless browser: install Debian's chromium (apt-get install -y chromium) to run this test",
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--enable-logging=stderr",
    "--v=0",
]


def run_chromium(tmp_path: Path, html: str, *args: str) -> subprocess.CompletedProcess:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def console_errors(stderr: str) -> list[str]:
    return [
        ln
        for ln in stderr.splitlines()
        if "Uncaught" in ln or "ERROR:CONSOLE" in ln or ("CONSOLE" in ln and "error" in ln.lower())
    ]


@pytest.mark.parametrize(
    "reports",
    [
        pytest.param(lambda: [sample_report(previous=True)], id="one-document"),
        pytest.param(lambda: [sample_report(), sample_report(with_budget=False, source="b.pdf")], id="corpus"),
    ],
)
def test_report_loads_without_console_errors_and_draws_charts(tmp_path, reports):
    html = render(reports(), "html", ReportOptions(rules=SAMPLE_RULES))
    proc = run_chromium(tmp_path, html, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_errors(proc.stderr) == [], proc.stderr[-2000:]
    dom = proc.stdout
    # the inline script ran to its end
    assert 'data-report-ready="1"' in dom
    n_charts = int(re.search(r'data-charts="(\d+)"', dom).group(1))
    assert n_charts >= 2 and n_charts == dom.count('<svg class="chart-svg"')
    assert dom.count("<rect ") >= 8
    shown = int(re.search(r'data-shown="(\d+)"', dom).group(1))
    assert shown == dom.count('<tbody class="finding"') > 0
    assert "findings shown" in dom


def test_screenshot_renders(tmp_path):
    html = render([sample_report(previous=True)], "html", ReportOptions(rules=SAMPLE_RULES))
    proc = run_chromium(tmp_path, html, f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1280,1600")
    assert proc.returncode == 0, proc.stderr[-2000:]
    shot = tmp_path / "shot.png"
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_console_error_detection_works(tmp_path):
    """Guard the guard: a page whose script throws is caught by `console_errors`."""
    proc = run_chromium(
        tmp_path, "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>", "--dump-dom"
    )
    assert console_errors(proc.stderr), proc.stderr[-2000:]
