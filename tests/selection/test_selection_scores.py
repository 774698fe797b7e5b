"""The criteria on numpy arrays: formulas, equalities and bad inputs."""

import numpy as np
import pytest

from tftransfer import selection


@pytest.fixture
def logits_and_labels(rng):
    return rng.normal(0, 2, (50, 4)), rng.integers(0, 4, 50)


@pytest.mark.parametrize("metric", ["accuracy", "cross_entropy"])
def test_iwcv_with_constant_weights_is_source_validation(logits_and_labels, metric):
    logits, y = logits_and_labels
    plain = selection.source_validation_score(logits, y, metric)
    for c in (1.0, 0.3, 7.0):
        assert selection.iwcv_score(logits, y, np.full(50, c), metric) == pytest.approx(
            plain, abs=1e-12)


def test_iwcv_weights_move_the_score(logits_and_labels):
    logits, y = logits_and_labels
    correct = logits.argmax(1) == y
    # All the weight on the correctly classified rows: weighted accuracy 1.
    assert selection.iwcv_score(logits, y, correct.astype(float)) == pytest.approx(1.0)


def test_dev_risk_control_variate(rng):
    loss, w = rng.exponential(1.0, 40), rng.exponential(1.0, 40)
    big_l = w * loss
    eta = -np.cov(big_l, w)[0, 1] / np.var(w, ddof=1)
    assert selection.dev_risk(loss, w) == pytest.approx(big_l.mean() + eta * w.mean() - eta)
    # Constant weights: no variance to remove, the risk is the weighted mean.
    assert selection.dev_risk(loss, np.ones(40)) == pytest.approx(loss.mean())


def test_entropy_bounds():
    assert selection.mean_prediction_entropy(np.zeros((5, 4))) == pytest.approx(np.log(4))
    confident = np.eye(4)[[0, 1, 2, 3, 0]] * 50
    assert selection.mean_prediction_entropy(confident) == pytest.approx(0.0, abs=1e-12)


def test_snd_prefers_clustered_over_scattered_predictions(rng):
    y = np.arange(60) % 3
    clustered = np.log(np.eye(3)[y] * 0.9 + 0.05)
    scattered = np.log(rng.dirichlet(np.ones(3), 60))
    assert selection.soft_neighborhood_density(clustered) > \
        selection.soft_neighborhood_density(scattered)
    # Three tight clusters of 20: each row spreads over its 19 neighbours.
    assert selection.soft_neighborhood_density(clustered) == pytest.approx(np.log(19), abs=1e-3)


def test_reverse_validation_score_single_pseudo_class():
    x = np.arange(10.0)[:, None]
    y = np.array([0] * 7 + [1] * 3)
    # A model that predicts one class everywhere: the reverse classifier can only echo it.
    assert selection.reverse_validation_score(x, np.zeros(10, int), x, y) == pytest.approx(0.7)


@pytest.mark.parametrize("call", [
    lambda a: selection.mean_prediction_entropy(a),
    lambda a: selection.soft_neighborhood_density(a),
    lambda a: selection.source_validation_score(a, np.zeros(len(a), int)),
])
def test_bad_logits_raise(call):
    with pytest.raises(ValueError, match="`logits` must be non-empty"):
        call(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"non-finite values \(1 NaN"):
        call(np.array([[0.0, np.nan], [1.0, 2.0]]))
    with pytest.raises(ValueError, match=r"shape \(n, num_classes >= 2\). Received: logits of "
                                         r"shape \(4,\)"):
        call(np.zeros(4))


def test_bad_labels_and_weights_raise(logits_and_labels):
    logits, y = logits_and_labels
    with pytest.raises(ValueError, match=r"one label per sample \(50\). Received: 49 labels"):
        selection.source_validation_score(logits, y[:49])
    with pytest.raises(ValueError, match=r"must lie in \[0, 4\)"):
        selection.source_validation_score(logits, y + 4)
    with pytest.raises(ValueError, match="`weights` must be finite, >= 0"):
        selection.iwcv_score(logits, y, -np.ones(50))
    with pytest.raises(ValueError, match="same length|one length"):
        selection.dev_risk(np.ones(3), np.ones(4))
