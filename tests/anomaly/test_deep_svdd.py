"""AlignedDeepSVDD: alignment helps where it must, bad inputs, config round trip, determinism."""

import keras
import numpy as np
import pytest

from tftransfer.anomaly import AlignedDeepSVDD, fit_detector, roc_auc, two_machines_task
from tftransfer.reproducibility import set_seed


def _trained(task, alignment, steps=60, seed=0, source=None, units=(64, 16)):
    set_seed(seed)
    model = AlignedDeepSVDD(units=units, alignment=alignment)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    fit_detector(model, task.source_x if source is None else source, task.target_x,
                 steps=steps, batch_size=64, seed=seed)
    return model


def test_mmd_alignment_beats_source_only_on_an_operating_point_shift():
    # Machine B's normal data are machine A's moved by 4; its faults lie on a shell of
    # radius 3 around B's normal points, half of them nearer to A than B's normal data.
    task = two_machines_task(0)
    auc = {a: roc_auc(task.target_is_anomaly, _trained(task, a).score(task.target_x))
           for a in ("none", "mmd")}
    assert auc["none"] < 0.65  # measured 0.52 (seed 0); MMD 0.945
    assert auc["mmd"] > auc["none"] + 0.1
    oracle = _trained(task, "none", source=task.target_normal_x)
    assert roc_auc(task.target_is_anomaly, oracle.score(task.target_x)) > 0.9


def test_same_seed_gives_bit_identical_scores():
    task = two_machines_task(1, n_source=100, n_target=100)
    first = _trained(task, "coral", steps=10, seed=3).score(task.target_x)
    keras.backend.clear_session()
    second = _trained(task, "coral", steps=10, seed=3).score(task.target_x)
    assert np.array_equal(first, second)


def test_training_logs_each_term_and_reduces_the_svdd_loss():
    task = two_machines_task(0, n_source=100, n_target=100)
    set_seed(0)
    model = AlignedDeepSVDD(units=(16, 4), alignment="mmd", alignment_weight=0.5)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = fit_detector(model, task.source_x, task.target_x, steps=30, batch_size=32)
    assert {"loss", "svdd_loss", "alignment_loss"} <= set(history.history)
    before = model.score(task.source_x).mean()
    fit_detector(model, task.source_x, task.target_x, steps=30, batch_size=32)
    assert model.score(task.source_x).mean() < before
    # The centre stays where initialize_center put it (the mean of the INITIAL features).
    assert np.all(np.abs(np.asarray(model.center)) >= 0.1 - 1e-7)


def test_get_config_round_trip_and_saved_model_scores(tmp_path):
    task = two_machines_task(0, n_source=50, n_target=50)
    model = _trained(task, "coral", steps=5)
    config = model.get_config()
    assert config["units"] == [64, 16] and config["alignment"] == "coral"
    clone = AlignedDeepSVDD.from_config(config)
    assert clone.get_config() == config
    path = tmp_path / "detector.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, AlignedDeepSVDD)
    np.testing.assert_array_equal(loaded.center, model.center)
    np.testing.assert_allclose(loaded.score(task.target_x), model.score(task.target_x),
                               rtol=1e-6)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"alignment": "kmm"}, ValueError, "alignment.*one of 'none', 'coral', 'mmd'"),
    ({"units": ()}, ValueError, "units"),
    ({"units": (8, 0)}, ValueError, "units"),
    ({"alignment_weight": -1.0}, ValueError, "alignment_weight"),
    ({"weight_decay": "a"}, TypeError, "weight_decay"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        AlignedDeepSVDD(**kwargs)


def _compiled(alignment="mmd"):
    model = AlignedDeepSVDD(units=(8, 4), alignment=alignment)
    model.compile(optimizer="adam")
    return model


@pytest.mark.parametrize("xs, xt, match", [
    (np.full((10, 3), np.nan), np.zeros((10, 3)), "x_source.*finite.*30 NaN"),
    (np.zeros((10, 3)), np.zeros((0, 3)), "x_target.*n >= 1"),
    (np.zeros((10, 3)), np.zeros((10, 4)), "same feature shape"),
    (np.zeros((1, 3)), np.zeros((10, 3)), "x_source.*at least 2 rows"),
    (np.zeros((10, 3, 2)), np.zeros((10, 3, 2)), "x_source.*2-D"),
    (np.zeros((10, 3)), None, "needs `x_target`"),
])
def test_bad_training_data_is_rejected_at_the_boundary(xs, xt, match):
    with pytest.raises(ValueError, match=match):
        fit_detector(_compiled(), xs, xt, steps=1)


def test_scoring_before_the_centre_is_set_is_an_error():
    model = _compiled("none")
    model.build((None, 3))
    with pytest.raises(RuntimeError, match="initialize_center"):
        model.score(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="`x` must hold finite values"):
        model.score(np.array([[0.0, np.inf, 1.0]]))
