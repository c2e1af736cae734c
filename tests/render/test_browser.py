"""The report as a browser shows it: headless Chromium loads every figure.

The report itself has no script. A test-only copy gets a probe that, after the
page loads, writes how many images there are and how many failed to decode;
Chromium's --dump-dom returns it. Skipped where Chromium is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from auditor import Auditor
from auditor.render import render_html


def _working_chromium() -> str | None:
    """A headless Chromium that actually starts, or None: it is a system program the
    README's commands do not install (``.ci/run`` adds it where it can), and a
    stub on the PATH (e.g. a snap wrapper) must skip, not fail."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path is None:
            continue
        try:
            ok = subprocess.run([path, "--headless", "--no-sandbox", "--version"], capture_output=True,
                                timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return path
    return None


CHROMIUM = _working_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (optional: apt-get install chromium)")

PROBE = (
    '<script>window.addEventListener("load",function(){var i=Array.from(document.images);'
    'document.body.setAttribute("data-images",i.length+":"+i.filter(function(x){return !x.complete||x.naturalWidth===0}).length)})'
    "</script>"
)


def _images(html: str, tmp_path) -> tuple[int, int]:
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    found = re.search(r'data-images="(\d+):(\d+)"', proc.stdout)
    assert found, proc.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


def test_every_figure_loads_in_chromium(binary_data, binary_pipeline, tmp_path):
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=30).run()
    html = render_html(result)
    total, broken = _images(html, tmp_path)
    assert total == html.count("<img ") and total >= 3
    assert broken == 0


def test_the_probe_sees_a_broken_image(tmp_path):
    total, broken = _images('<html><body><img src="data:image/png;base64,AAAA" alt="x"></body></html>', tmp_path)
    assert (total, broken) == (1, 1)


# the report runs in a 400 px frame (Chromium's windows are at least 500 px wide)
# and writes what it measured into the page around it
WIDTH_PROBE = (
    '<script>window.addEventListener("load",function(){var w=window.innerWidth,bad=[];'
    'function boxed(e){for(var p=e.parentElement;p&&p!==document.body;p=p.parentElement){'
    'var o=getComputedStyle(p).overflowX;if(o==="auto"||o==="scroll")return true}return false}'
    'document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();'
    'if(r.right>w+1&&!boxed(e)){bad.push(e.tagName+"."+(e.className||"")+":"+Math.round(r.right))}});'
    'parent.document.body.setAttribute("data-width",document.documentElement.scrollWidth+":"+w+":"+bad.slice(0,8).join("|"))})'
    "</script>"
)


def test_a_narrow_screen_scrolls_wide_tables_inside_their_box(tmp_path):
    """At 400 px, the page itself never scrolls sideways: every wide table scrolls
    inside its own box (an element may stick out only inside such a box)."""
    from auditor import LimeSection, ShapSection
    from tests.explain.models import frame, hgb_pipeline

    X, y = frame(300)
    model = hgb_pipeline(300)  # cached and shared: never refit
    result = Auditor(model, X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=20, n_jobs=1,
                     sections=["performance", "fairness", "importance", ShapSection(n_bootstrap=10),
                               LimeSection(max_auto_rows=2, num_samples=200), "agreement"]).run()
    (tmp_path / "report.html").write_text(render_html(result).replace("</body>", WIDTH_PROBE + "</body>"), encoding="utf-8")
    page = tmp_path / "narrow.html"
    page.write_text('<html><body><iframe src="report.html" width="400" height="3000" style="border:0"></iframe></body></html>')
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=800,3000",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    found = re.search(r'data-width="(\d+):(\d+):([^"]*)"', proc.stdout)
    assert found, proc.stderr[-2000:]
    scroll, width, _ = int(found.group(1)), int(found.group(2)), found.group(3)
    assert scroll <= width, f"the page is {scroll} px wide at a {width} px window: {found.group(3)}"
