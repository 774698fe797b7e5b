"""roc_auc against scikit-learn, and the one-class tasks' splits."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from tftransfer.anomaly import AnomalyTask, digits_anomaly_task, roc_auc, two_machines_task
from tftransfer.data.loaders import default_data_dir

needs_data = pytest.mark.skipif(default_data_dir() is None,
                                reason="benchmark data folder (../shared/data) not present")


def test_roc_auc_matches_scikit_learn_with_ties(rng):
    y = rng.integers(0, 2, 200)
    scores = np.round(rng.normal(size=200) + y, 1)  # many ties
    assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    assert roc_auc([0, 0, 1], [0.1, 0.2, 0.3]) == 1.0
    assert roc_auc([True, False], [0.0, 1.0]) == 0.0


@pytest.mark.parametrize("y, s, match", [
    ([0, 0], [1.0, 2.0], "both anomalies"),
    ([0, 1], [1.0, np.nan], "scores.*finite"),
    ([0, 2], [1.0, 2.0], r"\[0, 2\)"),
    ([0, 1, 1], [1.0, 2.0], "one label per sample"),
])
def test_roc_auc_rejects_bad_input(y, s, match):
    with pytest.raises(ValueError, match=match):
        roc_auc(y, s)


def test_two_machines_task_split():
    task = two_machines_task(0)
    assert task.source_x.shape == (300, 8) and task.target_x.shape == (300, 8)
    assert task.target_is_anomaly.sum() == 30 and task.target_normal_x.shape == (270, 8)
    again = two_machines_task(0)
    np.testing.assert_array_equal(task.target_x, again.target_x)
    with pytest.raises(ValueError, match="contamination"):
        two_machines_task(0, contamination=0.0)


def test_anomaly_task_validation():
    ok = np.zeros((4, 2))
    with pytest.raises(ValueError, match="normal points and anomalies"):
        AnomalyTask("t", ok, ok, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="target_x.*finite"):
        AnomalyTask("t", ok, np.full((4, 2), np.nan), [0, 0, 0, 1])
    with pytest.raises(ValueError, match="same feature shape"):
        AnomalyTask("t", ok, np.zeros((4, 3)), [0, 0, 0, 1])
    with pytest.raises(ValueError, match="source_x.*n >= 2"):
        AnomalyTask("t", np.zeros((1, 2)), ok, [0, 0, 0, 1])


@needs_data
def test_digits_task_has_ten_percent_anomalies_from_the_other_digits():
    from tftransfer.data.benchmarks import load_mnist_usps_jda

    task = digits_anomaly_task("M->U", 3, seed=0)
    usps = load_mnist_usps_jda("U")
    n_normal = int((usps.y == 3).sum())
    assert task.name == "M->U:3" and task.source_x.shape[1] == 256
    assert int((task.target_is_anomaly == 0).sum()) == n_normal
    assert task.target_is_anomaly.mean() == pytest.approx(0.1, abs=0.01)
    other = digits_anomaly_task("M->U", 3, seed=1)
    assert not np.array_equal(task.target_x, other.target_x)
    with pytest.raises(ValueError, match="M->U, U->M"):
        digits_anomaly_task("M->M", 3)
    with pytest.raises(ValueError, match="normal_digit"):
        digits_anomaly_task("U->M", 10)
