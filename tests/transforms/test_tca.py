"""TCA: the eigenproblem, MMD reduction, new-sample embeddings, accuracy on a shift."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import rbf_kernel

from helpers import rotated_shifted_task
from tftransfer.transforms import TCA
from tftransfer.transforms.tca import median_heuristic_gamma


def rbf_mmd2(zs, zt):
    """Biased RBF MMD² after joint standardisation, bandwidth by the median heuristic."""
    z = np.vstack([zs, zt]).astype(np.float64)
    z = (z - z.mean(0)) / z.std(0)
    k = rbf_kernel(z, gamma=median_heuristic_gamma(z))
    n = len(zs)
    return k[:n, :n].mean() + k[n:, n:].mean() - 2 * k[:n, n:].mean()


@pytest.mark.parametrize("kernel", ["linear", "rbf"])
def test_components_solve_the_papers_eigenproblem(kernel, rng):
    xs, xt = rng.normal(size=(30, 3)), rng.normal(size=(25, 3)) + 1.0
    tca = TCA(n_components=2, kernel=kernel, mu=0.5).fit(xs, xt)
    x = np.vstack([xs, xt])
    k = x @ x.T if kernel == "linear" else rbf_kernel(x, gamma=tca.gamma_)
    n = len(x)
    e = np.r_[np.full(30, 1 / 30), np.full(25, -1 / 25)]
    h = np.eye(n) - np.ones((n, n)) / n
    m = np.linalg.solve(k @ np.outer(e, e) @ k + 0.5 * np.eye(n), k @ h @ k)
    values, vectors = np.linalg.eig(m)
    top = np.argsort(-values.real)[:2]
    np.testing.assert_allclose(tca.eigenvalues_, values.real[top], rtol=1e-6)
    expected = vectors.real[:, top] / np.linalg.norm(vectors.real[:, top], axis=0)
    for j in range(2):  # unit columns, equal up to sign
        np.testing.assert_allclose(np.abs(tca.components_[:, j] @ expected[:, j]), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(tca.components_, axis=0), 1.0)


@pytest.mark.parametrize("kernel", ["linear", "rbf", "primal"])
def test_new_sample_embeddings_match_fit_transform(kernel, rng):
    xs, xt = rng.normal(size=(40, 4)), rng.normal(size=(30, 4)) * 2
    tca = TCA(n_components=3, kernel=kernel)
    zs, zt = tca.fit_transform(xs, xt)
    assert zs.shape == (40, 3) and zt.shape == (30, 3) and zs.dtype == np.float32
    np.testing.assert_allclose(tca.transform_source(xs), zs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tca.transform_target(xt), zt, rtol=1e-5, atol=1e-5)
    x_new = rng.normal(size=(7, 4))
    x_train = np.vstack([xs, xt])
    if kernel == "rbf":
        expected = rbf_kernel(x_new, x_train, gamma=tca.gamma_) @ tca.components_
    elif kernel == "linear":
        expected = x_new @ x_train.T @ tca.components_
    else:
        expected = x_new @ tca.components_
    np.testing.assert_allclose(tca.transform_target(x_new), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(tca.transform_source(x_new), tca.transform_target(x_new))


def mean_discrepancy(zs, zt):
    """‖mean(zs) − mean(zt)‖² / total variance: the linear-kernel MMD², scale-free."""
    z = np.vstack([zs, zt]).astype(np.float64)
    return np.sum((zs.mean(0) - zt.mean(0)) ** 2) / np.trace(np.atleast_2d(np.cov(z.T)))


@pytest.mark.parametrize("kernel,k", [("linear", 1), ("primal", 1), ("rbf", 2)])
def test_tca_reduces_the_mmd_between_domains(kernel, k):
    linear_ratios, rbf_ratios = [], []
    for seed in range(3):
        xs, _, xt, _ = rotated_shifted_task(seed)
        zs, zt = TCA(n_components=k, kernel=kernel).fit_transform(xs, xt)
        linear_ratios.append(mean_discrepancy(zs, zt) / mean_discrepancy(xs, xt))
        rbf_ratios.append(rbf_mmd2(zs, zt) / rbf_mmd2(xs, xt))
    # Measured ratios embedded / raw (seeds 0-2), mean discrepancy and RBF MMD²:
    # linear ~0 and 0.18 / 0.15 / 0.17; primal 0.009 and 0.16 / 0.13 / 0.15;
    # rbf (k=2) 0.003 and 0.35 / 0.32 / 0.31.
    assert max(linear_ratios) < 0.02, linear_ratios
    assert max(rbf_ratios) < (0.5 if kernel == "rbf" else 0.25), rbf_ratios


@pytest.mark.parametrize("kernel", ["linear", "primal"])
def test_tca_beats_no_adaptation_on_a_mean_shift_and_rotation(kernel):
    results = []
    for seed in range(3):
        xs, ys, xt, yt = rotated_shifted_task(seed)
        baseline = LogisticRegression().fit(xs, ys).score(xt, yt)
        zs, zt = TCA(n_components=1, kernel=kernel).fit_transform(xs, xt)
        results.append((baseline, LogisticRegression().fit(zs, ys).score(zt, yt)))
    baseline, adapted = np.mean(results, axis=0)
    # Measured: baseline 0.667, linear TCA 0.972, primal TCA 0.965 (means over 3 seeds).
    assert adapted > baseline + 0.2, results


def test_explicit_gamma_is_used(rng):
    xs, xt = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    assert TCA(n_components=2, kernel="rbf", gamma=0.3).fit(xs, xt).gamma_ == 0.3
    assert TCA(n_components=2, kernel="linear").fit(xs, xt).gamma_ is None


@pytest.mark.parametrize("options, error, match", [
    ({"kernel": "poly"}, ValueError, "'linear', 'rbf', 'primal'"),
    ({"mu": 0.0}, ValueError, "mu"),
    ({"mu": "1"}, TypeError, "mu"),
    ({"n_components": 0}, ValueError, "n_components"),
    ({"n_components": 2.0}, TypeError, "n_components"),
    ({"kernel": "rbf", "gamma": -1.0}, ValueError, "gamma"),
    ({"kernel": "linear", "gamma": 1.0}, ValueError, "only to kernel='rbf'"),
])
def test_bad_arguments_raise(options, error, match):
    with pytest.raises(error, match=match):
        TCA(**options)


def test_too_many_components_raise(rng):
    xs, xt = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match="n_source \\+ n_target = 9"):
        TCA(n_components=10).fit(xs, xt)
    with pytest.raises(ValueError, match="n_features = 3"):
        TCA(n_components=4, kernel="primal").fit(xs, xt)


@pytest.mark.parametrize("kernel, d, expected", [("primal", 4, 4), ("primal", 40, 30),
                                                 ("linear", 4, 30)])
def test_default_components_are_thirty_or_what_the_data_allow(kernel, d, expected, rng):
    xs, xt = rng.normal(size=(25, d)), rng.normal(size=(20, d)) + 0.5
    tca = TCA(kernel=kernel).fit(xs, xt)
    assert tca.n_components_ == expected and tca.components_.shape[1] == expected
    np.testing.assert_array_equal(tca.components_,
                                  TCA(n_components=expected, kernel=kernel).fit(xs, xt).components_)


def test_features_on_a_huge_scale_get_a_clear_error(rng):
    xs, xt = rng.normal(size=(40, 3)), rng.normal(size=(30, 3)) + 0.5
    xs[:, :2] *= 1e6
    xt[:, :2] = xt[:, :2] * 1e6 + [3e6, 2e6]  # two large shifts: K L K + μI loses its μ
    with pytest.raises(ValueError, match="numerically singular.*standardise them first"):
        TCA(kernel="linear").fit(xs, xt)  # K = X Xᵀ: entries of 1e12 against μ = 1
