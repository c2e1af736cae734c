"""Progress: stages and their long steps reach a reporter, never the result."""

from __future__ import annotations

import pytest

from auditor import Auditor, ImportanceSection, LimeSection, PerformanceSection, ShapSection
from auditor.progress import Silent, TqdmProgress, as_reporter
from tests.helpers import json_without_timestamp


class Recorder:
    def __init__(self):
        self.stages, self.steps = [], {}

    def stage(self, name, event, seconds):
        self.stages.append((name, event))

    def step(self, label, done, total):
        self.steps.setdefault(label, []).append((done, total))


@pytest.fixture(scope="module")
def tree_model(binary_data):
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = binary_data
    cols = [f"num_{i}" for i in range(5)]
    return HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X[cols], y), X[cols + ["group"]], y


def _sections():
    return [PerformanceSection(), ImportanceSection(n_repeats=2), ShapSection(n_bootstrap=20),
            LimeSection(max_auto_rows=2, num_samples=100), "fairness"]


def test_reporter_hears_stages_and_long_steps(tree_model):
    model, X, y = tree_model
    rec = Recorder()
    result = Auditor(model, X, y, sensitive_features=["group"], n_bootstrap=30, n_jobs=1,
                     sections=_sections()).run(progress=rec)
    assert rec.stages[0] == ("predict", "start") and ("fairness", "done") in rec.stages
    labels = set(rec.steps)
    assert {"bootstrap resamples", "permutation importance, columns", "LIME rows"} <= labels
    assert any(label.startswith("TreeSHAP") for label in labels)
    for label, ticks in rec.steps.items():
        done, total = ticks[-1]
        assert done == total, label  # every long step reaches its end
    assert rec.steps["LIME rows"][-1][1] == len(result.lime.rows)
    # progress never changes a number nor reaches the JSON
    quiet = Auditor(model, X, y, sensitive_features=["group"], n_bootstrap=30, n_jobs=1,
                    sections=_sections()).run(progress=False)
    assert json_without_timestamp(quiet) == json_without_timestamp(result)
    assert "TreeSHAP, " not in quiet.to_json() and "permutation importance, columns" not in quiet.to_json()


def test_callable_progress_keeps_working(binary_data, binary_pipeline):
    X, y = binary_data
    events = []
    Auditor(binary_pipeline, X, y, n_bootstrap=5, sections=["performance"]).run(
        progress=lambda s, e, t: events.append((s, e)))
    assert events == [("predict", "start"), ("predict", "done"), ("performance", "start"), ("performance", "done")]


def test_default_is_silent_outside_a_notebook(binary_data, binary_pipeline, capfd):
    X, y = binary_data
    Auditor(binary_pipeline, X, y, n_bootstrap=5, sections=["performance"]).run()
    assert capfd.readouterr().err == ""
    reporter, _ = as_reporter(None, [])
    assert isinstance(reporter, Silent)


def test_true_draws_bars_on_stderr(binary_data, binary_pipeline, capfd):
    X, y = binary_data
    Auditor(binary_pipeline, X, y, n_bootstrap=50, sections=["performance"]).run(progress=True)
    err = capfd.readouterr().err
    assert "performance" in err and "bootstrap resamples" in err
    reporter, close = as_reporter(True, ["a"])
    assert isinstance(reporter, TqdmProgress)
    close()


def test_bad_progress_is_a_clear_error(binary_data, binary_pipeline):
    X, y = binary_data
    with pytest.raises(TypeError, match="Expected progress to be None, True, False"):
        Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"]).run(progress="yes")
