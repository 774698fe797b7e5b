"""GBC against hand-computed Bhattacharyya distances, its bounds and bad inputs."""

import math

import numpy as np
import pytest

from tftransfer.ranking import gbc


def test_equal_variances_by_hand():
    # Class 0: -1, 1 (mean 0, variance 1); class 1: 2, 4 (mean 3, variance 1).
    # D_B = (3 - 0)^2 / (8 * 1) = 1.125 in both directions: GBC = -2 exp(-1.125).
    features = np.array([[-1.0], [1.0], [2.0], [4.0]])
    assert gbc(features, np.array([0, 0, 1, 1])) == pytest.approx(-2 * math.exp(-1.125), abs=1e-12)


def test_unequal_variances_by_hand():
    # Class 1: 1, 5 (mean 3, variance 4). Average variance 2.5:
    # D_B = 9 / (8 * 2.5) + 0.5 * (ln 2.5 - 0.5 * (ln 1 + ln 4)).
    features = np.array([[-1.0], [1.0], [1.0], [5.0]])
    distance = 9 / 20 + 0.5 * (math.log(2.5) - 0.5 * math.log(4.0))
    assert gbc(features, np.array([0, 0, 1, 1])) == pytest.approx(-2 * math.exp(-distance), abs=1e-12)


def test_spherical_log_determinant_counts_every_dimension():
    # Two 2-D classes with equal means and spherical variances 1 and 4: only the
    # log-determinant term remains, d/2 (ln 2.5 - 0.5 ln 4) with d = 2.
    class_0 = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    features = np.vstack([class_0, 2 * class_0])
    labels = np.repeat([0, 1], 4)
    distance = (math.log(2.5) - 0.5 * math.log(4.0))
    assert gbc(features, labels, pca_components=None) == pytest.approx(-2 * math.exp(-distance), abs=1e-12)


@pytest.mark.parametrize("gaussian", ["spherical", "diagonal"])
def test_bounds_and_separation(rng, gaussian):
    labels = rng.integers(0, 4, 400)
    separating = 10 * np.eye(8)[labels] + rng.normal(size=(400, 8))
    noise = rng.normal(size=(400, 8))
    high, low = gbc(separating, labels, gaussian=gaussian), gbc(noise, labels, gaussian=gaussian)
    assert -12.0 <= low < high <= 0.0          # C(C-1) = 12
    assert low < -10.0 and high > -1e-3


@pytest.mark.parametrize("labels, options, match", [
    (np.r_[np.zeros(9, int), 1], {}, "at least 2 examples"),
    (None, {"gaussian": "full"}, "`gaussian` must be one of 'spherical', 'diagonal'"),
    (None, {"pca_components": 0}, "`pca_components` must be"),
    (None, {"min_variance": 0.0}, "`min_variance` must be"),
])
def test_bad_inputs_raise_clear_errors(rng, labels, options, match):
    features = rng.normal(size=(10, 3))
    with pytest.raises(ValueError, match=match):
        gbc(features, np.arange(10) % 2 if labels is None else labels, **options)
