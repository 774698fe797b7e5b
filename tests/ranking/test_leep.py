"""LEEP against a hand-computed 2x2 case, its bounds and its relation to NCE."""

import math

import numpy as np
import pytest

from tftransfer.ranking import leep, nce


def test_two_by_two_case_by_hand():
    theta = np.array([[0.8, 0.2], [0.3, 0.7]])
    labels = np.array([0, 1])
    # P(y, z) = theta rows / 2: y=0 -> (0.4, 0.1), y=1 -> (0.15, 0.35); P(z) = (0.55, 0.45).
    eep_0 = 0.8 * 0.4 / 0.55 + 0.2 * 0.1 / 0.45
    eep_1 = 0.3 * 0.15 / 0.55 + 0.7 * 0.35 / 0.45
    assert leep(theta, labels) == pytest.approx((math.log(eep_0) + math.log(eep_1)) / 2, abs=1e-12)


def entropy_of(labels):
    p = np.bincount(labels) / len(labels)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def random_probabilities(rng, n, z, scale):
    logits = scale * rng.normal(size=(n, z))
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(5))
def test_bounds_minus_label_entropy_and_zero(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, 50)
    value = leep(random_probabilities(rng, 50, 6, scale=3.0), labels)
    assert -entropy_of(labels) - 1e-12 <= value <= 0.0


def test_uniform_predictions_score_minus_label_entropy(rng):
    labels = rng.integers(0, 3, 40)
    assert leep(np.full((40, 5), 0.2), labels) == pytest.approx(-entropy_of(labels), abs=1e-12)


def test_one_hot_predictions_equal_nce_of_their_labels(rng):
    source = rng.integers(0, 6, 80)
    labels = (source + rng.integers(0, 2, 80)) % 3
    assert leep(np.eye(6)[source], labels) == pytest.approx(nce(source, labels), abs=1e-12)


def test_informative_predictions_beat_random_ones(rng):
    labels = rng.integers(0, 3, 300)
    logits = rng.normal(size=(300, 10))
    logits[np.arange(300), labels * 3] += 4.0     # source class 3y fires for target class y
    informative = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert leep(informative, labels) > leep(random_probabilities(rng, 300, 10, 1.0), labels) + 0.3


def test_bad_inputs_raise_clear_errors(rng):
    p, labels = random_probabilities(rng, 8, 3, 1.0), np.arange(8) % 2
    with pytest.raises(ValueError, match="must be probabilities .* apply a softmax"):
        leep(np.log(p), labels)   # log-probabilities are negative
    with pytest.raises(ValueError, match="rows must sum to 1"):
        leep(p * 2, labels)
    with pytest.raises(ValueError, match="must be probabilities"):
        leep(p - 0.5, labels)
    bad = p.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="finite"):
        leep(bad, labels)
    with pytest.raises(ValueError, match=r"must lie in \[0, 2\)"):
        leep(p, np.arange(8) % 3, num_classes=2)
    with pytest.raises(ValueError, match="at least 2 classes"):
        leep(p, np.ones(8, int))
