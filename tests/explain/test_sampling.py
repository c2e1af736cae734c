"""Stratified samples cover every stratum and are reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.explain._sampling import design_weights, explanation_strata, medoid_background, stratified_sample


def test_every_stratum_is_drawn_proportionally():
    strata = np.repeat([0, 1, 2], [900, 90, 10])
    s = stratified_sample(strata, 100, np.random.default_rng(0))
    assert len(s) == 100 and len(np.unique(s)) == 100 and (np.diff(s) > 0).all()
    counts = np.bincount(strata[s], minlength=3)
    # one row each, then the 97 left by largest remainder of 899:89:9 -> 87.5, 8.7, 0.9
    assert counts.tolist() == [88, 10, 2]
    assert (counts >= 1).all()
    again = stratified_sample(strata, 100, np.random.default_rng(0))
    assert (s == again).all()


def test_design_weights_restore_stratum_sizes():
    strata = np.repeat([0, 1], [300, 20])
    s = stratified_sample(strata, 40, np.random.default_rng(1))
    w = design_weights(strata, s)
    assert np.isclose(w.sum(), 320)
    assert np.isclose(w[strata[s] == 1].sum(), 20)


def test_strata_cross_label_and_groups():
    sens = pd.DataFrame({"sex": ["F", "M", "F", "M"], "race": ["a", "a", "b", "a"]})
    codes = explanation_strata(sens, np.array([0, 0, 0, 1]))
    assert len(set(codes.tolist())) == 4
    assert codes[1] != codes[3]  # same groups, different label


def test_medoid_background_picks_real_rows_weighted_by_cluster():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.1, (80, 2)), rng.normal(5, 0.1, (20, 2))])
    pos, w = medoid_background(X, 2, np.random.default_rng(0))
    assert len(pos) == 2 and np.isclose(w.sum(), 1)
    assert sorted(np.round(w, 2).tolist()) == [0.2, 0.8]
