"""H-score against hand-computed cases, its bounds and invariance."""

import numpy as np
import pytest

from tftransfer.ranking import hscore


def test_two_feature_case_by_hand():
    # Column 0: 0, 0.2 | 1, 1.2 -> total variance 0.26, between-class variance 0.25.
    # Column 1: +-1, uncorrelated with column 0 and with the classes -> contributes 0.
    features = np.array([[0.0, 1.0], [0.2, -1.0], [1.0, -1.0], [1.2, 1.0]])
    assert hscore(features, np.array([0, 0, 1, 1])) == pytest.approx(0.25 / 0.26, abs=1e-12)


def test_correlated_case_by_hand():
    # cov = [[0.26, -0.1], [-0.1, 1]], between-class covariance 0.25 e0 e0^T:
    # H = 0.25 (cov^-1)_00 = 0.25 / (0.26 - 0.01) = 1.
    features = np.array([[0.0, 1.0], [0.2, -1.0], [1.0, 1.0], [1.2, -1.0]])
    assert hscore(features, np.array([0, 0, 1, 1])) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_bounds_zero_and_classes_minus_one(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, 40)
    features = rng.normal(size=(40, 6)) + 3 * labels[:, None]
    value = hscore(features, labels)
    assert 0.0 <= value <= 2.0 + 1e-9


def test_invariant_to_an_invertible_linear_map(rng):
    labels = rng.integers(0, 4, 200)
    features = rng.normal(size=(200, 5)) + np.eye(5)[labels]
    mixing = rng.normal(size=(5, 5)) + 3 * np.eye(5)
    assert hscore(features @ mixing + 7.0, labels) == pytest.approx(hscore(features, labels), rel=1e-9)


def test_separating_features_beat_random_ones(rng):
    labels = rng.integers(0, 4, 400)
    separating = np.eye(4)[labels] + 0.3 * rng.normal(size=(400, 4))
    assert hscore(separating, labels) > hscore(rng.normal(size=(400, 4)), labels) + 1.0


def test_rank_deficient_features_use_the_pseudo_inverse(rng):
    labels = rng.integers(0, 3, 100)
    base = rng.normal(size=(100, 3)) + np.eye(3)[labels]
    duplicated = np.hstack([base, base, np.zeros((100, 2))])   # rank 3 of 8 columns
    assert hscore(duplicated, labels) == pytest.approx(hscore(base, labels), rel=1e-8)


def test_shrinkage_lowers_the_score_and_keeps_the_order(rng):
    labels = rng.integers(0, 3, 60)
    good = np.eye(3)[labels] @ rng.normal(size=(3, 40)) + 0.5 * rng.normal(size=(60, 40))
    bad = rng.normal(size=(60, 40))
    shrunk_good = hscore(good, labels, shrinkage="ledoit_wolf")
    shrunk_bad = hscore(bad, labels, shrinkage="ledoit_wolf")
    assert shrunk_good > shrunk_bad
    assert 0.0 <= shrunk_good <= hscore(good, labels)


def test_bad_inputs_raise_clear_errors(rng):
    features, labels = rng.normal(size=(10, 3)), np.arange(10) % 2
    with pytest.raises(ValueError, match="must vary"):
        hscore(np.ones((10, 3)), labels)
    with pytest.raises(ValueError, match="`shrinkage` must be one of None, 'ledoit_wolf'"):
        hscore(features, labels, shrinkage="oas")
    with pytest.raises(ValueError, match="`rcond` must be"):
        hscore(features, labels, rcond=1.0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        hscore(features, np.zeros(10, int))
    nan = features.copy()
    nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        hscore(nan, labels)
