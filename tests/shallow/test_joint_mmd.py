"""The low-rank joint MMD matrix: the paper's M, missing classes skipped, unit norm."""

import numpy as np

from tftransfer.shallow.mmd import joint_mmd_factors


def dense(columns, weights):
    return (columns * weights) @ columns.T


def test_matches_the_reference_construction():
    ys, yt = np.array([0, 0, 1, 2, 2]), np.array([1, 0, 0, 2])
    n_s, n_t, mu, classes = 5, 4, 0.3, 3
    e = np.r_[np.full(n_s, 1 / n_s), np.full(n_t, -1 / n_t)]
    expected = (1 - mu) * classes * np.outer(e, e)
    for c in range(classes):
        e_c = np.r_[(ys == c) / np.sum(ys == c), -1.0 * (yt == c) / np.sum(yt == c)]
        expected += mu * np.outer(e_c, e_c)
    expected /= np.linalg.norm(expected)
    columns, weights, skipped = joint_mmd_factors(ys, yt, n_t, classes, mu)
    np.testing.assert_allclose(dense(columns, weights), expected, atol=1e-12)
    assert skipped == []


def test_missing_class_is_skipped_and_the_norm_stays_one():
    ys, yt = np.array([0, 1, 2, 0, 1, 2]), np.array([0, 0, 1, 1])
    columns, weights, skipped = joint_mmd_factors(ys, yt, 4, 3, 1.0)
    assert skipped == [2] and columns.shape == (10, 2)  # mu = 1 drops the marginal term
    m = dense(columns, weights)
    assert np.all(np.isfinite(m)) and np.isclose(np.linalg.norm(m), 1.0)
    assert np.all(m[:, [2, 5]] == 0)  # the source samples of class 2 take no part


def test_first_iteration_and_class_weights():
    ys = np.array([0, 0, 0, 1])
    columns, weights, _ = joint_mmd_factors(ys, None, 3, 2, 0.9)
    e = np.r_[np.full(4, 1 / 4), np.full(3, -1 / 3)]
    np.testing.assert_allclose(dense(columns, weights), np.outer(e, e) / (e @ e))
    yt = np.array([1, 1, 0])
    columns, _, _ = joint_mmd_factors(ys, yt, 3, 2, 0.5, class_weighted=True)
    # alpha_1 = P_t(1) / P_s(1) = (2/3) / (1/4): the target part of e_1 sums to -alpha_1.
    np.testing.assert_allclose(columns[4:, 2].sum(), -(2 / 3) / (1 / 4))
