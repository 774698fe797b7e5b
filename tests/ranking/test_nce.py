"""NCE against a hand-computed case and its bounds."""

import math

import numpy as np
import pytest

from tftransfer.ranking import nce


def test_small_case_by_hand():
    source = np.array([0, 0, 1, 1, 1])
    labels = np.array([0, 1, 1, 1, 0])
    # z=0 (2/5): y is 0 or 1 -> H = log 2; z=1 (3/5): y = 1, 1, 0 -> H = -(2/3 log 2/3 + 1/3 log 1/3)
    h_given_1 = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    expected = -(2 / 5 * math.log(2) + 3 / 5 * h_given_1)
    assert nce(source, labels) == pytest.approx(expected, abs=1e-12)


def test_source_labels_that_determine_the_target_score_zero():
    source = np.array([4, 4, 9, 9, 2, 2])
    assert nce(source, np.array([0, 0, 1, 1, 1, 1])) == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_bounds_minus_label_entropy_and_zero(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, 60)
    p = np.bincount(labels) / 60
    entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    value = nce(rng.integers(0, 7, 60), labels)
    assert -entropy - 1e-12 <= value <= 0.0


def test_independent_labels_score_minus_label_entropy():
    # Every (z, y) pair equally often: Y independent of Z, so H(Y|Z) = H(Y) = log 3.
    source = np.repeat(np.arange(2), 3)
    labels = np.tile(np.arange(3), 2)
    assert nce(source, labels) == pytest.approx(-math.log(3), abs=1e-12)


def test_bad_inputs_raise_clear_errors():
    labels = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="one label per sample"):
        nce(np.array([0, 1, 2]), labels)
    with pytest.raises(ValueError, match="non-negative"):
        nce(np.array([0, -1, 2, 1]), labels)
    with pytest.raises(ValueError, match="at least 2 classes"):
        nce(np.array([0, 1, 2, 1]), np.zeros(4, int))
    with pytest.raises(ValueError, match=r"must lie in \[0, 2\)"):
        nce(np.array([0, 1, 2, 1]), np.array([0, 1, 2, 1]), num_classes=2)
    with pytest.raises(ValueError, match="integer class indices"):
        nce(np.array([0.5, 1, 2, 1]), labels)
