"""Text from the user reaches matplotlib through one escaping path: any column
name, group label, class name or model name draws, renders and appears escaped
in the HTML."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from matplotlib.figure import Figure
from sklearn.linear_model import LinearRegression, LogisticRegression

from auditor import (
    AgreementSection,
    Auditor,
    FairnessSection,
    ImportanceSection,
    LimeSection,
    PerformanceSection,
    ShapSection,
)
from auditor.plots._text import MAX_LABEL, figure_text, legend_label
from auditor.render import render_html

pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

SPECIAL = ["$", "$x$", "$$", "$\\frac{$", "$_$", "cost $5 to $10", "\\", "\\$", "a$b$c\\frac{", "$\\alpha", "<script>alert(1)</script>", '"', "'",
           "&amp;", "_hidden", "tab\there", "nul\x00byte", "μ-ünïcødé ✓", "日本語"]


def _names():
    long = st.text(min_size=1, max_size=4).map(lambda s: (s * 500)[:500])
    return st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=24), long,
                     st.text(alphabet="$\\<>&\"' _", min_size=1, max_size=8))


def _drawn(ax) -> None:
    """Draw to SVG, as the report does: mathtext errors surface only here."""
    import io

    ax.figure.savefig(io.BytesIO(), format="svg")


@pytest.mark.parametrize("text", SPECIAL)
def test_figure_text_draws_exactly_the_text(text):
    fig = Figure()
    ax = fig.add_subplot()
    label = ax.set_title(figure_text(text, max_len=None))
    _drawn(ax)
    shown = re.sub("\ufffd", "", label._preprocess_math(label.get_text())[0])
    assert shown == re.sub(r"[\x00]", "", text)  # every character as typed, control characters aside
    assert not label._preprocess_math(label.get_text())[1]  # never mathtext


def test_long_labels_keep_both_ends_and_legend_keeps_underscore_labels():
    name = "start_" + "x" * 600 + "_end"
    short = figure_text(name)
    assert len(short) == MAX_LABEL and short.startswith("start_") and short.endswith("_end") and "…" in short
    assert not legend_label("_hidden").startswith("_")


def _audit(features, groups, classes, model_name, task):
    rng = np.random.default_rng(0)
    n = 120
    X = pd.DataFrame({name: rng.normal(size=n) for name in features})
    # an object Series, not np.where: numpy's fixed-width strings drop trailing NUL characters
    pick = rng.random(n) < 0.5
    sensitive = pd.Series([groups[0] if p else groups[1] for p in pick], dtype=object, name=features[-1] + " group")
    if task == "regression":
        y = pd.Series(X.iloc[:, 0] * 2 + rng.normal(size=n), name="target")
        model = LinearRegression().fit(X, y)
    else:
        hit = (X.iloc[:, 0] + rng.normal(scale=0.5, size=n) > 0).to_numpy()
        y = pd.Series([classes[1] if h else classes[0] for h in hit], dtype=object, name="t")
        model = LogisticRegression().fit(X, y)
    sections = [PerformanceSection(), ImportanceSection(n_repeats=2), ShapSection(n_bootstrap=0, beeswarm_points=50),
                LimeSection(num_samples=50, max_auto_rows=2), AgreementSection(),
                FairnessSection(proxies=False, mitigation=False)]
    kwargs = {} if task == "regression" else {"pos_label": classes[1]}
    return Auditor(model, X, y, sensitive_features=sensitive, sections=sections, n_bootstrap=10,
                   model_name=model_name, **kwargs).run()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    features=st.lists(_names(), min_size=2, max_size=3, unique=True),
    groups=st.lists(_names(), min_size=2, max_size=2, unique=True),
    classes=st.lists(_names(), min_size=2, max_size=2, unique=True),
    model_name=_names(),
)
@example(features=["$\\frac{$", "<script>alert(1)</script>"], groups=["$$", "a$b"], classes=["$_$", "_no"],
         model_name="$\\alpha$ & <b>")
def test_every_plot_and_the_html_take_any_text(features, groups, classes, model_name):
    result = _audit(features, groups, classes, model_name, "binary")
    assert not result.failures, result.failures
    html = render_html(result)  # draws every figure of every section
    for text in [*features, *groups, *classes, model_name]:
        assert str(escape(text)) in html, text
    assert "<script>" not in html  # the one tag-like name of the explicit example is never raw markup


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(features=st.lists(_names(), min_size=2, max_size=2, unique=True), groups=st.lists(_names(), min_size=2,
       max_size=2, unique=True))
def test_regression_plots_take_any_text(features, groups):
    result = _audit(features, groups, None, "m", "regression")
    assert not result.failures, result.failures
    html = render_html(result)
    assert all(str(escape(f)) in html for f in features)
