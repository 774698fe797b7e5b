"""Temperature scaling of shallow class scores: recovers a known temperature, keeps argmax."""

import numpy as np
import pytest

from tftransfer.shallow.calibration import fit_temperature, scaled_logits


def _labels_from(logits, seed=0):
    rng = np.random.default_rng(seed)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(len(row), p=row) for row in p])


def test_recovers_the_temperature_of_scaled_logits():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (4000, 5))
    labels = _labels_from(logits)
    # Scores 7 times the calibrated logits (e.g. a distance scale): T* ≈ 7.
    assert fit_temperature(7.0 * logits, labels) == pytest.approx(7.0, rel=0.08)
    assert fit_temperature(0.2 * logits, labels) == pytest.approx(0.2, rel=0.08)


def test_perfectly_separated_scores_get_the_rule_of_succession_confidence():
    # Every score ranks its true class first by a wide margin: maximum likelihood would send
    # T to 0 (a one-hot softmax); the smoothed fit keeps the confidence near 1 − 1/(n + 2).
    rng = np.random.default_rng(1)
    n, classes = 30, 4
    labels = rng.integers(0, classes, n)
    scores = rng.normal(0, 1, (n, classes))
    scores[np.arange(n), labels] += 20.0
    logits = scaled_logits(scores, fit_temperature(scores, labels))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    confidence = p[np.arange(n), labels].mean()
    epsilon = 1 / (n + 2)
    assert 1 - 2 * epsilon < confidence < 1 - epsilon / 4
    entropy = -(p * np.log(p)).sum(axis=1).mean()
    assert entropy > 0.05  # not the 1e-50 of an unbounded fit


def test_scaling_changes_no_prediction_and_keeps_minus_inf():
    scores = np.array([[-3.0, -1.0, -np.inf], [-0.5, -4.0, -2.0]])
    logits = scaled_logits(scores, 0.25)
    assert (logits.argmax(axis=1) == scores.argmax(axis=1)).all()
    assert np.isneginf(logits[0, 2])
    assert logits[0, 0] == -12.0


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="NaN"):
        fit_temperature([[np.nan, 1.0], [0.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match="labels"):
        fit_temperature([[0.0, 1.0], [0.0, 1.0]], [0, 2])
    with pytest.raises(ValueError, match="true class has score -inf"):
        fit_temperature([[0.0, -np.inf], [0.0, 1.0]], [1, 1])
    with pytest.raises(ValueError, match="temperature"):
        scaled_logits([[0.0, 1.0]], 0.0)
