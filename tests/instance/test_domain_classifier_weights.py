"""Domain-classifier importance weights against analytic density ratios."""

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.svm import LinearSVC

from helpers import gaussian_shift_1d, gaussian_shift_2d
from tftransfer.instance import domain_classifier_weights




def _quadratic_classifier():
    # The log-ratio of two Gaussians with different spreads is quadratic in x.
    return make_pipeline(PolynomialFeatures(2), StandardScaler(), LogisticRegression(max_iter=1000))


def test_spread_and_mean_shift_in_1d_quadratic_classifier():
    # Source N(0, 1), target N(0.5, 0.7²): w(x) = N(x; 0.5, 0.7²) / N(x; 0, 1), not monotone.
    correlations = []
    for seed in range(3):
        xs, xt, true = gaussian_shift_1d(seed, column=True)
        w = domain_classifier_weights(xs, xt, classifier=_quadratic_classifier(), seed=seed)
        assert w.dtype == np.float32 and w.shape == (300,) and w.min() >= 0
        assert abs(w.mean() - 1.0) < 1e-5
        correlations.append(spearmanr(w, true)[0])
    # Measured: 0.984 / 0.963 / 0.988.
    assert min(correlations) > 0.9, correlations


def test_mean_shift_in_2d_default_classifier():
    # Shared covariance: the log-ratio is linear, which the default classifier models exactly.
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    correlations = []
    for seed in range(3):
        xs, xt, true = gaussian_shift_2d(seed, cov, cov, n_t=200)
        w = domain_classifier_weights(xs, xt, seed=seed)
        correlations.append(spearmanr(w, true)[0])
        # The magnitudes follow too, not only the ranks.
        assert np.abs(w - true / true.mean()).mean() < 0.25
    # Measured: 0.997 / 0.995 / 0.996 (mean |w − w_true| 0.125 / 0.067 / 0.165).
    assert min(correlations) > 0.9, correlations


def test_identical_domains_give_weights_near_one(rng):
    x = rng.normal(size=(300, 2))
    # Measured: mean |w − 1| 0.032 (max 0.14) for one sample used twice, 0.034 (max 0.32)
    # for two samples of one distribution.
    w_same = np.abs(domain_classifier_weights(x, x.copy()) - 1.0)
    assert w_same.mean() < 0.06 and w_same.max() < 0.25
    w = domain_classifier_weights(x, rng.normal(size=(300, 2)))
    assert np.abs(w - 1.0).mean() < 0.08 and abs(w.mean() - 1.0) < 1e-5


def test_clipping_and_margin_classifier_with_calibration(rng):
    xs, xt = rng.normal(0, 1, (200, 2)), rng.normal(2.5, 1, (200, 2))
    w = domain_classifier_weights(xs, xt, clip=(0.1, 10.0))
    # clipped to [0.1, 10] before the normalisation to mean 1
    assert w.max() / w.min() <= 100.0 + 1e-3 and abs(w.mean() - 1) < 1e-5
    w_svm = domain_classifier_weights(xs, xt, classifier=LinearSVC(), clip=None)
    w_lr = domain_classifier_weights(xs, xt, clip=None)
    assert spearmanr(w_svm, w_lr)[0] > 0.95


def test_weights_are_reproducible_and_the_classifier_untouched(rng):
    xs, xt = rng.normal(size=(80, 3)), rng.normal(size=(60, 3)) + 0.5
    clf = LogisticRegression()
    a = domain_classifier_weights(xs, xt, classifier=clf, seed=3)
    b = domain_classifier_weights(xs, xt, classifier=clf, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not hasattr(clf, "coef_")


def test_bad_inputs_raise(rng):
    xs, xt = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    with pytest.raises(ValueError, match="same feature shape"):
        domain_classifier_weights(xs, xt[:, :1])
    with pytest.raises(ValueError, match="NaN"):
        domain_classifier_weights(np.where(xs > 1, np.inf, xs), xt)
    with pytest.raises(ValueError, match="at least 1 sample"):
        domain_classifier_weights(np.zeros((0, 2)), xt)
    with pytest.raises(ValueError, match="2-D"):
        domain_classifier_weights(np.zeros((4, 2, 2)), xt)
    with pytest.raises(ValueError, match="at least 2 samples"):
        domain_classifier_weights(xs[:1], xt)
    for bad in ((1.0,), (0.0, 1.0), (2.0, 1.0), "0.1"):
        with pytest.raises(ValueError, match="clip"):
            domain_classifier_weights(xs, xt, clip=bad)
    with pytest.raises(ValueError, match="cv"):
        domain_classifier_weights(xs, xt, cv=1)
    with pytest.raises(TypeError, match="predict_proba"):
        domain_classifier_weights(xs, xt, classifier=LinearSVC(), calibrate=False)
    with pytest.raises(TypeError, match="calibrate"):
        domain_classifier_weights(xs, xt, calibrate="yes")
