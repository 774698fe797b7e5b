"""BDA: mu = 1/2 is JDA, mu = 0 is the marginal-only problem, the estimated mu, W-BDA."""

import numpy as np
import pytest
from shift_data import missing_class_task, nuisance_shift_task

from tftransfer.shallow import BDA, JDA


def test_half_is_jda_and_estimated_mu_lies_in_the_unit_interval():
    xs, ys, xt, _ = nuisance_shift_task(0)
    jda = JDA(n_components=4).fit(xs, ys, xt)
    half = BDA(n_components=4, mu=0.5).fit(xs, ys, xt)
    np.testing.assert_array_equal(half.predict(xt), jda.predict(xt))
    np.testing.assert_allclose(half.components_, jda.components_)
    auto = BDA(n_components=4, n_iter=4).fit(xs, ys, xt)
    assert all(0.0 <= mu <= 1.0 for mu in auto.mu_) and auto.balance_.mu == auto.mu_[-1]


def test_mu_zero_never_uses_the_pseudo_labels():
    xs, ys, xt, _ = nuisance_shift_task(1)
    marginal = BDA(n_components=4, mu=0.0, n_iter=5).fit(xs, ys, xt)
    assert marginal.n_iter_ == 2  # iteration 2 rebuilds iteration 1's M: a fixed point
    first = JDA(n_components=4, n_iter=1).fit(xs, ys, xt)
    np.testing.assert_allclose(marginal.components_, first.components_)


def test_class_weighted_runs_with_a_missing_class():
    xs, ys, xt, _ = missing_class_task(1)
    model = BDA(n_components=2, mu=0.8, class_weighted=True, n_iter=3).fit(xs, ys, xt)
    assert 2 in model.skipped_classes_[-1]
    assert np.all(np.isfinite(model.predict_scores(xt)))


def test_bad_mu_raises():
    with pytest.raises(ValueError, match=r"in \[0, 1\] or 'auto'.*mu=1.5"):
        BDA(mu=1.5)
    with pytest.raises(ValueError, match="mu='estimate'"):
        BDA(mu="estimate")
    with pytest.raises(TypeError, match="mu=None"):
        BDA(mu=None)
    with pytest.raises(TypeError, match="class_weighted"):
        BDA(class_weighted="yes")
