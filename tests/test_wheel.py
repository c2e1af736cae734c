"""The built wheel carries the templates and renders a report from an install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (whl,) = out.glob("auditor-*.whl")
    return whl


def test_wheel_contains_templates_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "auditor/templates/report.html.j2" in names
    assert "auditor/templates/styles/report.css" in names
    assert any(n.startswith("auditor/templates/sections/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_installed_wheel_renders_a_report(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    script = (
        "import auditor, numpy as np, pandas as pd\n"
        "from pathlib import Path\n"
        "from sklearn.linear_model import LogisticRegression\n"
        f"assert Path(auditor.__file__).is_relative_to({str(target)!r}), auditor.__file__\n"
        "from auditor.render import default_template_dir\n"
        f"assert default_template_dir().is_relative_to({str(target)!r})\n"
        "X = pd.DataFrame({'a': np.arange(60.0) % 7, 'b': np.arange(60.0) % 5})\n"
        "y = (X.a > 3).astype(int)\n"
        "r = auditor.Auditor(LogisticRegression().fit(X, y), X, y, n_bootstrap=10).run()\n"
        "p = r.save('report.html')\n"
        "assert 'Model performance' in p.read_text()\n"
    )
    # run outside the source tree so that only the installed copy is importable
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.html").is_file()
