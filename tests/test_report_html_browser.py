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
from corpus import documents, needs_corpus

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


def run_chromium(tmp_path: Path, html: str, *args: str, name: str = "report.html") -> subprocess.CompletedProcess:
    page = tmp_path / name
    page.write_text(html, encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path)


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
    assert shown == dom.count('<article class="finding"') > 0
    assert "条发现" in dom  # the counter, in the default language


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


#: Run at the end of the page: every element of every document that sticks out of the viewport
#: (outside a deliberately scrollable box), and findings whose message column is too narrow to read.
OVERFLOW_PROBE = """<script>
(function () {
  var root = document.documentElement, w = root.clientWidth, bad = [];
  Array.prototype.forEach.call(document.querySelectorAll("section.document, section.corpus"), function (sec) {
    var n = 0;
    Array.prototype.forEach.call(sec.querySelectorAll("*"), function (el) {
      var r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1 && !(el.parentElement && el.parentElement.closest(".scroll"))) { n += 1; }
    });
    if (n) { bad.push((sec.getAttribute("data-path") || sec.id) + ":" + n); }
  });
  var narrow = 0, messages = document.querySelectorAll("article.finding .msg");
  Array.prototype.forEach.call(messages, function (m) { if (m.getBoundingClientRect().width < 200) { narrow += 1; } });
  root.setAttribute("data-viewport", String(w));
  root.setAttribute("data-scroll-width", String(root.scrollWidth));
  root.setAttribute("data-overflow", bad.join(" "));
  root.setAttribute("data-messages", String(messages.length));
  root.setAttribute("data-narrow-messages", String(narrow));
}());
</script>"""


@pytest.fixture(scope="module")
def corpus_html():
    """One report of every corpus document (each document's section is checked on its own)."""
    from auditor.engine import audit

    reports = [audit(p) for p in documents()]
    return render(reports, "html", ReportOptions(lang="zh")), len(reports), sum(len(r.findings) for r in reports)


WIDTHS = (360, 768, 1400)


def frames_page(widths) -> str:
    """A page showing report.html in one frame per width, copying each frame's probe results onto
    its own root as ``data-w<width>-<name>`` (headless Chromium will not make a window narrower
    than about 500 px; a frame is exactly as wide as it is told)."""
    frames = "".join(
        f'<iframe id="w{w}" src="report.html" style="width:{w}px;height:900px;border:0;display:block"></iframe>'
        for w in widths
    )
    return f"""<!DOCTYPE html><html><body>{frames}<script>
window.addEventListener("load", function () {{
  var root = document.documentElement;
  Array.prototype.forEach.call(document.querySelectorAll("iframe"), function (f) {{
    var inner = f.contentDocument.documentElement;
    Array.prototype.forEach.call(inner.attributes, function (a) {{
      if (a.name.indexOf("data-") === 0) {{ root.setAttribute("data-" + f.id + "-" + a.name.slice(5), a.value); }}
    }});
  }});
  root.setAttribute("data-frames-ready", "1");
}});
</script></body></html>"""


@needs_corpus
def test_every_corpus_document_fits_the_screen_at_three_widths(tmp_path, corpus_html):
    html, n_docs, n_findings = corpus_html
    (tmp_path / "report.html").write_text(html.replace("</body>", OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    proc = run_chromium(
        tmp_path, frames_page(WIDTHS), "--dump-dom", "--allow-file-access-from-files", name="frames.html"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_errors(proc.stderr) == [], proc.stderr[-2000:]
    dom = proc.stdout
    assert 'data-frames-ready="1"' in dom
    for w in WIDTHS:

        def attr(name, w=w):
            m = re.search(rf'data-w{w}-{name}="([^"]*)"', dom)
            assert m, f"no {name} for width {w}"
            return m.group(1)

        viewport = int(attr("viewport"))  # the frame's width less its vertical scrollbar
        assert attr("report-ready") == "1" and w - 20 <= viewport <= w
        assert attr("overflow") == "", f"{w}px: {attr('overflow')}"  # nothing wider than the screen
        assert int(attr("scroll-width")) <= viewport
        assert int(attr("messages")) == n_findings and attr("narrow-messages") == "0"
    assert html.count('<section class="document"') == n_docs
