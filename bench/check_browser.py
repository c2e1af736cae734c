"""The report as a browser shows it, in headless Chromium: every figure loads, and
at 400 px the page never scrolls sideways.

    python bench/check_browser.py

Chromium is a system program the README's commands do not install, so this is a
check for a machine that has it (``.ci/run`` installs it where it can and runs
this script), not part of the test suite; the suite checks in Python that every
figure decodes (tests/render/test_document.py). The report itself has no script:
a copy gets a probe that writes what it measured into the page, and Chromium's
--dump-dom returns it. Exits 0 when every check passes, 1 when one fails, and 0
with a message when no working Chromium is found.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor import Auditor, LimeSection, ShapSection  # noqa: E402
from auditor.render import render_html  # noqa: E402
from tests.explain.models import frame, hgb_pipeline  # noqa: E402


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

PROBE = (
    '<script>window.addEventListener("load",function(){var i=Array.from(document.images);'
    'document.body.setAttribute("data-images",i.length+":"+i.filter(function(x){return !x.complete||x.naturalWidth===0}).length)})'
    "</script>"
)


def _images(html: str, tmp_path: Path) -> tuple[int, int]:
    tmp_path.mkdir(parents=True, exist_ok=True)
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


def every_figure_loads(html: str, tmp_path: Path) -> None:
    # the probe must see a broken image, or its "0 broken" below means nothing
    total, broken = _images('<html><body><img src="data:image/png;base64,AAAA" alt="x"></body></html>', tmp_path / "probe")
    assert (total, broken) == (1, 1), "the probe does not see a broken image"
    total, broken = _images(html, tmp_path / "report")
    assert total == html.count("<img ") and total >= 3, f"{total} images loaded of {html.count('<img ')}"
    assert broken == 0, f"{broken} of {total} figures failed to decode"


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


def narrow_screen_scrolls_wide_tables_inside_their_box(html: str, tmp_path: Path) -> None:
    """At 400 px, the page itself never scrolls sideways: every wide table scrolls
    inside its own box (an element may stick out only inside such a box)."""
    (tmp_path / "report.html").write_text(html.replace("</body>", WIDTH_PROBE + "</body>"), encoding="utf-8")
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


def main() -> int:
    if CHROMIUM is None:
        print("check_browser: no working headless Chromium (apt-get install chromium); nothing checked")
        return 0
    X, y = frame(300)
    result = Auditor(hgb_pipeline(300), X, y, sensitive_features=["group"], pos_label="yes", n_bootstrap=20, n_jobs=1,
                     sections=["performance", "fairness", "importance", ShapSection(n_bootstrap=10),
                               LimeSection(max_auto_rows=2, num_samples=200), "agreement"]).run(progress=False)
    html = render_html(result)
    failed = 0
    for check in (every_figure_loads, narrow_screen_scrolls_wide_tables_inside_their_box):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                check(html, Path(tmp))
                print(f"check_browser: {check.__name__}: ok")
            except AssertionError as exc:
                failed += 1
                print(f"check_browser: {check.__name__}: FAILED {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
