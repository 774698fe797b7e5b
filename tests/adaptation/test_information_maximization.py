"""Information maximisation (SHOT's L_IM) against hand-computed values."""

import numpy as np
import pytest

from tftransfer.adaptation.information_maximization import (InformationMaximizationLoss,
                                                            information_maximization)


def _softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_matches_the_hand_computed_value():
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]], dtype="float32")
    p = _softmax(logits.astype(np.float64))
    conditional = np.mean(-(p * np.log(p)).sum(1))
    mean_p = p.mean(0)
    marginal = -(mean_p * np.log(mean_p + 1e-5)).sum()
    np.testing.assert_allclose(float(information_maximization(logits)), conditional - marginal,
                               rtol=1e-5)
    np.testing.assert_allclose(float(information_maximization(logits, diversity_weight=0.0)),
                               conditional, rtol=1e-5)


def test_confident_and_diverse_is_the_minimum():
    confident_diverse = np.array([[20.0, 0, 0], [0, 20.0, 0], [0, 0, 20.0]], "float32")
    collapsed = np.array([[20.0, 0, 0]] * 3, "float32")
    uncertain = np.zeros((3, 3), "float32")
    values = [float(information_maximization(z)) for z in (confident_diverse, collapsed, uncertain)]
    np.testing.assert_allclose(values[0], -np.log(3), atol=1e-4)  # 0 − log K
    assert values[0] < values[1] and values[0] < values[2]


def test_the_loss_reads_only_the_target_logits():
    loss = InformationMaximizationLoss()
    loss.build((5, 2))  # the engine builds its losses with the model
    logits = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    value = loss(None, np.zeros((5, 2), "float32"), None, logits)
    np.testing.assert_allclose(float(value), float(information_maximization(logits)), rtol=1e-6)
    assert InformationMaximizationLoss.from_config(loss.get_config()).diversity_weight == 1.0
    with pytest.raises(ValueError, match="diversity_weight"):
        InformationMaximizationLoss(diversity_weight=-1.0)
