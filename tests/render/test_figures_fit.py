"""No text is clipped in any figure: every title, label, tick label and legend of
every figure of four audits (Adult, German credit, a regression, a multiclass
model) lies inside its canvas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from auditor import Auditor, FairnessSection, LimeSection, ShapSection
from auditor.render import build_view

#: Pixels a text may stick out by (antialiasing).
TOLERANCE = 1.0


def _drawn_texts(fig):
    """The texts a draw shows: tick labels only for ticks inside the axis range
    (matplotlib keeps label objects for the others but does not draw them)."""
    skip = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (lo - 1e-9 * (abs(lo) + 1) <= loc <= hi + 1e-9 * (abs(hi) + 1)):
                    skip.update({id(tick.label1), id(tick.label2)})
    return [t for t in fig.findobj(Text) if id(t) not in skip]


def _outside(fig) -> list[str]:
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    bad = []
    for t in _drawn_texts(fig):
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.x0 < -TOLERANCE or box.y0 < -TOLERANCE or box.x1 > width + TOLERANCE or box.y1 > height + TOLERANCE:
            bad.append(f"{t.get_text()[:40]!r} at x {box.x0:.0f}..{box.x1:.0f}, y {box.y0:.0f}..{box.y1:.0f} "
                       f"of {width:.0f}x{height:.0f}")
    return bad


@pytest.fixture
def checked(monkeypatch):
    """Check every figure a view draws, as it is saved."""
    import auditor.render._figures as figures

    found: dict[str, list[str]] = {}
    original = figures._save

    def save(fig, buf, fmt, dpi):
        title = fig.axes[0].get_title() if fig.axes else "?"
        found[f"{len(found)}:{title}"] = _outside(fig)
        return original(fig, buf, fmt, dpi)

    monkeypatch.setattr(figures, "_save", save)
    return found


def _audits(make_demo):
    from sklearn.datasets import load_diabetes, load_wine
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    small = dict(n_bootstrap=20, n_jobs=1)
    sections = ["performance", "fairness", "importance", ShapSection(n_bootstrap=10, n_samples=40),
                LimeSection(max_auto_rows=3, num_samples=300), "agreement"]
    # with a reference, so the data-quality and drift chapters draw their figures too
    referenced = sections + ["data_quality", "drift"]
    adult = make_demo("adult")
    yield "adult", Auditor(adult.model, adult.X_test.iloc[:3000], adult.y_test.iloc[:3000],
                           X_reference=adult.X_reference.iloc[:3000], y_reference=adult.y_reference.iloc[:3000],
                           sensitive_features=list(adult.sensitive_features), sections=referenced, **small)
    german = make_demo("german")
    yield "german", Auditor(german.model, german.X_test, german.y_test, sensitive_features=["sex", "age"],
                            X_reference=german.X_reference, y_reference=german.y_reference,
                            sections=[s if not (isinstance(s, str) and s == "fairness") else
                                      FairnessSection(bins={"age": [25]}) for s in referenced],
                            **small)
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    g = pd.Series(np.where(X["sex"] > 0, "a", "b"), index=X.index, name="sex group")
    yield "diabetes", Auditor(Ridge().fit(X, y), X, y, sensitive_features=g, sections=sections, **small)
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.05)).fit(X, y)
    g = pd.Series(np.where(X["alcohol"] > 13, "high alcohol", "low alcohol"), index=X.index, name="alcohol level")
    yield "wine", Auditor(model, X, y, sensitive_features=g, sections=sections, **small)


@pytest.mark.slow
def test_no_text_is_clipped_in_any_figure(checked, demos):
    clipped = {}
    for name, auditor in _audits(demos):  # the session's demo setups (tests/conftest.py)
        checked.clear()
        build_view(auditor.run())
        assert checked, f"{name}: no figure drawn"
        clipped.update({f"{name} {k}": v for k, v in checked.items() if v})
    assert clipped == {}, "\n".join(f"{k}: {v}" for k, v in clipped.items())
