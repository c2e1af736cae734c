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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")

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
