"""Smoke audit for .ci/min-versions: every section, every output format, the
JSON archive read back, and the command line on a skops model."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from pypdf import PdfReader
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from auditor import Auditor, AuditResult

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
n = 400
X = pd.DataFrame({
    "age": rng.integers(18, 80, n).astype(float),
    "hours": rng.normal(40, 8, n),
    "colour": rng.choice(["red", "green", "blue"], n),
    "sex": rng.choice(["Female", "Male"], n),
})
y = pd.Series((X["hours"] + 5 * (X["colour"] == "red") + rng.normal(0, 5, n) > 42).astype(int), name="outcome")
model = Pipeline([
    ("pre", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
                               ("num", StandardScaler(), ["age", "hours"])])),
    ("clf", GradientBoostingClassifier(n_estimators=30, random_state=0)),
]).fit(X.drop(columns=["sex"]), y)

sections = ["performance", "importance", "shap", "lime", "agreement", "fairness"]
result = Auditor(model, X, y, sensitive_features=["sex"], n_bootstrap=50, sections=sections).run()
assert not result.failures, result.failures
for suffix in ("json", "html", "pdf"):
    result.save(out / f"audit.{suffix}")
pages = PdfReader(io.BytesIO((out / "audit.pdf").read_bytes())).pages
assert len(pages) >= 4 and "Executive summary" in pages[0].extract_text()
again = AuditResult.from_json(out / "audit.json")
assert again.to_json() == result.to_json()
again.save(out / "again.html")

# the command line, on a model saved with skops
import skops.io as sio  # noqa: E402

sio.dump(model, out / "model.skops")
frame = X.assign(outcome=y)
frame.to_csv(out / "data.csv", index=False)
untrusted = sio.get_untrusted_types(file=out / "model.skops")
cmd = [sys.executable, "-m", "auditor", "run", "--model", str(out / "model.skops"), "--data", str(out / "data.csv"),
       "--target", "outcome", "--sensitive", "sex", "--n-bootstrap", "30", "--sections", "performance", "fairness",
       "--pdf", str(out / "cli.pdf"), "--json", str(out / "cli.json"), "-q"]
for t in untrusted:
    cmd += ["--trust-type", t]
proc = subprocess.run(cmd, capture_output=True, text=True)
assert proc.returncode in (0, 1), (proc.returncode, proc.stdout, proc.stderr)
assert (out / "cli.pdf").read_bytes().startswith(b"%PDF-")
print(f"smoke audit passed: verdict {result.verdict.value}, {len(pages)} PDF pages, CLI exit {proc.returncode}")
