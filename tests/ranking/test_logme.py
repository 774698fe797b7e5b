"""LogME against the maximum of the evidence computed directly, and its properties."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.stats import multivariate_normal

from tftransfer.ranking import logme


def direct_evidence(features, column, alpha, beta):
    """log p(y | F, alpha, beta) = log N(y; 0, I/beta + F F^T/alpha): the marginal likelihood
    written as one Gaussian density, without the SVD or the closed form of the module."""
    n = features.shape[0]
    covariance = np.eye(n) / beta + features @ features.T / alpha
    return multivariate_normal(np.zeros(n), covariance).logpdf(column)


def direct_logme(features, labels):
    """Mean over classes of max_{alpha, beta} evidence / n, maximised numerically."""
    values = []
    for c in np.unique(labels):
        column = (labels == c).astype(float)
        result = minimize(lambda p: -direct_evidence(features, column, math.exp(p[0]), math.exp(p[1])),
                          x0=np.zeros(2), method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
        values.append(-result.fun / len(labels))
    return float(np.mean(values))


@pytest.mark.parametrize("n, d", [(6, 2), (5, 8)])   # D < n and D > n (rank-deficient A)
def test_equals_the_numerically_maximised_evidence(n, d):
    rng = np.random.default_rng(n + d)
    labels = np.arange(n) % 2
    features = rng.normal(size=(n, d)) + labels[:, None]
    assert logme(features, labels) == pytest.approx(direct_logme(features, labels), abs=1e-6)


def test_two_by_two_case_by_hand():
    # F = I (2 examples, 2 features), y_0 = (1, 0), y_1 = (0, 1). By symmetry each class has
    # the same evidence: covariance (1/beta + 1/alpha) I only depends on s = 1/beta + 1/alpha,
    # and log N(e_1; 0, s I) = -log(2 pi s) - 1/(2 s) is maximised at s = 1/2:
    # evidence = -log(pi) - 1, per example (n = 2) -(log(pi) + 1) / 2.
    features, labels = np.eye(2), np.array([0, 1])
    # The maximiser is a ridge (any alpha, beta with 1/alpha + 1/beta = 1/2): allow for the
    # fixed point stopping on it at 1e-6 relative change.
    assert logme(features, labels) == pytest.approx(-(math.log(math.pi) + 1) / 2, abs=1e-5)


def test_separating_features_beat_random_ones(rng):
    labels = rng.integers(0, 4, 400)
    separating = np.eye(4)[labels] + 0.3 * rng.normal(size=(400, 4))
    noise = rng.normal(size=(400, 4))
    assert logme(separating, labels) > logme(noise, labels) + 0.3


def test_more_noise_scores_lower(rng):
    labels = rng.integers(0, 3, 300)
    base, noise = np.eye(3)[labels], rng.normal(size=(300, 3))
    values = [logme(base + s * noise, labels) for s in (0.1, 0.5, 2.0)]
    assert values[0] > values[1] > values[2]


def test_labels_need_not_be_contiguous(rng):
    labels = rng.integers(0, 3, 60)
    features = rng.normal(size=(60, 5)) + labels[:, None]
    assert logme(features, labels * 7 + 2) == pytest.approx(logme(features, labels))


def _with_nan(features):
    bad = features.copy()
    bad[3, 1] = np.nan
    return bad


@pytest.mark.parametrize("call, error, match", [
    (lambda f, y: logme(_with_nan(f), y), ValueError, "`features` must hold finite values"),
    (lambda f, y: logme(f, np.arange(10) % 3, num_classes=2), ValueError,
     r"`labels` must lie in \[0, 2\)"),
    (lambda f, y: logme(f, y - 1), ValueError, "non-negative"),
    (lambda f, y: logme(f, np.zeros(10, int)), ValueError, "at least 2 classes"),
    (lambda f, y: logme(f, y[:9]), ValueError, "one label per sample"),
    (lambda f, y: logme(f[:, 0], y), ValueError, "must be 2-D"),
    (lambda f, y: logme(f, y, tol=0), ValueError, "`tol` must be"),
    (lambda f, y: logme(f, np.array(["a", "b"] * 5)), TypeError, "integer class indices"),
])
def test_bad_inputs_raise_clear_errors(rng, call, error, match):
    features, labels = rng.normal(size=(10, 3)), np.arange(10) % 2
    with pytest.raises(error, match=match):
        call(features, labels)
