"""MAE / RMSE / R²: the streaming Keras metric and the numpy scores, against hand values."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from tftransfer.regression import R2, regression_scores


def test_regression_scores_hand_computed():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.0, 3.0, 2.0, 4.0])
    scores = regression_scores(y, p)
    # Residuals 0, −1, 1, 0: MSE 0.5, MAE 0.5; SS_tot = 2.25 + .25 + .25 + 2.25 = 5 (×1/4).
    assert scores["mse"] == pytest.approx(0.5)
    assert scores["mae"] == pytest.approx(0.5)
    assert scores["rmse"] == pytest.approx(np.sqrt(0.5))
    assert scores["r2"] == pytest.approx(1 - 2.0 / 5.0)


def test_r2_metric_streams_to_the_value_of_the_whole_set(rng):
    y = rng.normal(size=(50, 2)).astype("float32")
    p = (y + rng.normal(0, 0.5, (50, 2))).astype("float32")
    metric = R2(num_outputs=2)
    for start in range(0, 50, 7):  # uneven batches
        metric.update_state(y[start:start + 7], p[start:start + 7])
    expected = r2_score(y, p, multioutput="uniform_average")
    assert float(metric.result()) == pytest.approx(expected, abs=1e-5)
    metric.reset_state()
    w = rng.uniform(0.1, 2.0, 50).astype("float32")
    metric.update_state(y, p, sample_weight=w)
    assert float(metric.result()) == pytest.approx(
        r2_score(y, p, sample_weight=w, multioutput="uniform_average"), abs=1e-5)
    assert regression_scores(y, p, w)["r2"] == pytest.approx(float(metric.result()), abs=1e-5)


def test_r2_of_constant_targets_is_zero_and_sizes_must_match():
    metric = R2()
    metric.update_state(np.ones(4), np.zeros(4))
    assert float(metric.result()) == 0.0
    with pytest.raises(ValueError, match="one prediction per target"):
        regression_scores(np.ones(4), np.ones(3))
