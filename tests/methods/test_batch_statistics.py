"""`batch_statistics`: BatchNorm over the joint paired batch, or over each domain's batch."""

import keras
import numpy as np
import pytest

from helpers import tiny_task
from tftransfer import methods
from tftransfer.training import fit_task


def _trained_weights(batch_statistics, target_shift):
    """Deep CORAL on a linear backbone (so the bottleneck's BatchNorm sees an affine map of
    the inputs), trained 2 epochs with SGD on a task whose target is shifted by
    `target_shift` along every feature; the source, splits and seeds do not depend on it."""
    task = tiny_task(shift=target_shift)
    keras.utils.set_random_seed(3)
    backbone = keras.Sequential([keras.Input(task.input_shape), keras.layers.Dense(8)])
    model = methods.get("deep_coral")(backbone, num_classes=task.num_classes,
                                      batch_statistics=batch_statistics)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    fit_task(model, task, epochs=2, batch_size=16, seed=0)
    return model, [w.numpy() for w in model.trainable_weights]


def _largest_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def test_per_domain_statistics_remove_a_mean_shift_of_the_target():
    # Each domain normalised by its own batch mean: moving every target input by the same
    # vector changes nothing the step computes (BatchNorm's input gradient sums to zero over
    # the batch), so the trained weights are the same; the pooled mean of a joint batch moves.
    _, near = _trained_weights("per_domain", 1.5)
    _, far = _trained_weights("per_domain", 4.0)
    assert _largest_difference(near, far) < 1e-4
    _, near_joint = _trained_weights("joint", 1.5)
    _, far_joint = _trained_weights("joint", 4.0)
    assert _largest_difference(near_joint, far_joint) > 1e-2


def test_the_engine_default_is_joint_deep_corals_per_domain_and_it_round_trips(tmp_path):
    task = tiny_task()
    backbone = keras.Sequential([keras.Input(task.input_shape), keras.layers.Dense(8)])
    assert methods.get("dann")(backbone, num_classes=3).batch_statistics == "joint"
    assert methods.get("deep_coral")(backbone, num_classes=3).batch_statistics == "per_domain"
    assert methods.get("deep_coral")(backbone, num_classes=3,
                                     batch_statistics="joint").batch_statistics == "joint"
    model, _ = _trained_weights("per_domain", 1.5)
    assert model.get_config()["batch_statistics"] == "per_domain"
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.batch_statistics == "per_domain"
    np.testing.assert_allclose(loaded.predict(task.target_test.x, verbose=0),
                               model.predict(task.target_test.x, verbose=0), atol=1e-6)


def test_an_unknown_mode_is_refused_with_the_valid_ones():
    task = tiny_task()
    backbone = keras.Sequential([keras.Input(task.input_shape), keras.layers.Dense(8)])
    with pytest.raises(ValueError, match="`batch_statistics` must be one of 'joint', 'per_domain'"):
        methods.get("dann")(backbone, num_classes=3, batch_statistics="separate")
