"""Kernel Mean Matching weights: analytic density ratios, constraints, optimality."""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.stats import spearmanr
from sklearn.metrics.pairwise import rbf_kernel

from helpers import gaussian_shift_1d, gaussian_shift_2d
from tftransfer.instance import kmm_weights




def test_spread_and_mean_shift_in_1d():
    # Source N(0, 1), target N(0.5, 0.7²): w(x) = N(x; 0.5, 0.7²) / N(x; 0, 1).
    correlations = []
    for seed in range(3):
        xs, xt, true = gaussian_shift_1d(seed)  # 1-D inputs accepted
        beta = kmm_weights(xs, xt)
        assert beta.dtype == np.float32 and beta.shape == (300,) and beta.min() >= 0
        assert abs(beta.mean() - 1.0) < 0.05
        correlations.append(spearmanr(beta, true)[0])
    # Measured: 0.964 / 0.980 / 0.886.
    assert min(correlations) > 0.8, correlations


def test_spread_and_mean_shift_in_2d():
    cov_s, cov_t = np.array([[1.0, 0.5], [0.5, 1.0]]), np.diag([0.5, 0.5])
    correlations = []
    for seed in range(3):
        xs, xt, true = gaussian_shift_2d(seed, cov_s, cov_t)
        beta = kmm_weights(xs, xt)
        assert abs(beta.mean() - 1.0) < 0.05
        correlations.append(spearmanr(beta, true)[0])
    # Measured: 0.928 / 0.936 / 0.894 (ridge=0, the paper's exact problem: 0.82 / 0.23 / 0.25).
    assert min(correlations) > 0.8, correlations


def test_identical_domains_give_weights_near_one(rng):
    x = rng.normal(size=(300, 2))
    # Measured: max |β − 1| 0.07 for one sample used twice; mean |β − 1| 0.16 for two
    # samples of one distribution (sampling noise that KMM partly matches).
    np.testing.assert_allclose(kmm_weights(x, x.copy()), 1.0, atol=0.1)
    beta = kmm_weights(x, rng.normal(size=(300, 2)))
    assert np.abs(beta - 1.0).mean() < 0.25 and abs(beta.mean() - 1.0) < 0.05


def test_constraints_hold(rng):
    xs, xt = rng.normal(0, 1, (200, 2)), rng.normal(1.5, 0.5, (150, 2))
    beta = kmm_weights(xs, xt, B=3.0, eps=0.01)
    assert beta.max() <= 3.0 + 1e-6 and beta.min() >= 0.0
    assert abs(beta.sum() - 200) <= 200 * 0.01 + 1e-3
    beta = kmm_weights(xs, xt, B=3.0, eps=0.01, kernel="linear")
    assert abs(beta.sum() - 200) <= 200 * 0.01 + 1e-3


@pytest.mark.parametrize("eps", [0.05, 0.9])
def test_matches_a_generic_constrained_solver(eps, rng):
    # The paper's problem (ridge 0) on a small instance, against SLSQP.
    xs, xt = rng.normal(0, 1, (40, 2)), rng.normal(0.8, 0.6, (30, 2))
    gamma, upper = 0.3, 5.0
    k = rbf_kernel(xs, gamma=gamma)
    kappa = 40 / 30 * rbf_kernel(xs, xt, gamma=gamma).sum(1)

    def objective(b):
        return 0.5 * b @ k @ b - kappa @ b

    ours = kmm_weights(xs, xt, gamma=gamma, B=upper, eps=eps, ridge=0.0).astype(np.float64)
    ref = minimize(
        lambda b: (objective(b), k @ b - kappa), np.ones(40), jac=True, method="SLSQP",
        bounds=[(0, upper)] * 40,
        constraints=[{"type": "ineq", "fun": lambda b: 40 * (1 + eps) - b.sum()},
                     {"type": "ineq", "fun": lambda b: b.sum() - 40 * (1 - eps)}],
        options={"maxiter": 1000, "ftol": 1e-12},
    )
    assert ref.success
    assert abs(ours.sum() - 40) <= 40 * eps + 1e-3
    assert objective(ours) <= ref.fun + 1e-3 * abs(ref.fun)


def test_callable_kernel(rng):
    xs, xt = rng.normal(size=(50, 2)), rng.normal(size=(40, 2)) + 0.5
    via_callable = kmm_weights(xs, xt, kernel=lambda a, b: rbf_kernel(a, b, gamma=0.5))
    np.testing.assert_allclose(via_callable, kmm_weights(xs, xt, gamma=0.5), atol=1e-5)


def test_bad_inputs_raise(rng):
    xs, xt = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    with pytest.raises(ValueError, match="'rbf', 'linear'"):
        kmm_weights(xs, xt, kernel="poly")
    with pytest.raises(ValueError, match="only to kernel='rbf'"):
        kmm_weights(xs, xt, kernel="linear", gamma=1.0)
    with pytest.raises(ValueError, match="gamma"):
        kmm_weights(xs, xt, gamma=0.0)
    with pytest.raises(ValueError, match="B"):
        kmm_weights(xs, xt, B=-1.0)
    with pytest.raises(ValueError, match="infeasible"):
        kmm_weights(xs, xt, B=0.5, eps=0.1)
    with pytest.raises(ValueError, match="eps"):
        kmm_weights(xs, xt, eps=-0.1)
    with pytest.raises(ValueError, match="ridge"):
        kmm_weights(xs, xt, ridge=float("nan"))
    with pytest.raises(TypeError, match="max_iter"):
        kmm_weights(xs, xt, max_iter=10.5)
    with pytest.raises(ValueError, match="same feature shape"):
        kmm_weights(xs, xt[:, :1])
    with pytest.raises(ValueError, match="NaN"):
        kmm_weights(xs, np.full((3, 2), np.nan))
    with pytest.raises(ValueError, match="at least 1 sample"):
        kmm_weights(np.zeros((0, 2)), xt)
    with pytest.raises(ValueError, match="kernel callable returned"):
        kmm_weights(xs, xt, kernel=lambda a, b: np.ones((2, 2)))
