"""Every method takes the same SGD steps on 2 replicas (MirroredStrategy, 2 logical CPUs)
as on one device."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import tiny_task
from tftransfer import backbones, methods
from tftransfer.data import labelled_dataset, paired_dataset

# Options that exercise every engine path: adaptation losses on the gathered batch,
# semi-supervised target labels, importance weights, L2-SP and layer-wise learning rates.
CASES = {
    "source_only": {},
    "target_only": {},
    "dann": {"lambda_": 0.7},
    "dan": {"lambda_": 2.0},
    "deep_coral": {"lambda_": 50.0},
    "finetune": {"l2sp_alpha": 0.5, "l2sp_beta": 0.1, "backbone_lr_multiplier": 0.5},
    # Dropout draws its mask per replica (like mixup), so the dropout of CDAN's discriminator
    # and of MDD's bottleneck is off here (docs/distributed.md).
    "cdan": {"entropy_conditioning": True, "max_map_dim": 16, "discriminator_units": (32, 32),
             "discriminator_dropout": 0.0},
    "cdan_e": {"discriminator_units": (32, 32), "discriminator_dropout": 0.0},
    "mdd": {"margin": 2.0, "bottleneck_dropout": 0.0},
    "mcc": {"lambda_": 1.5, "temperature": 2.0},
    "cdan_mcc": {"temperature": 2.0, "lambda_schedule": "constant", "discriminator_dropout": 0.0},
}


def test_every_registered_method_is_covered():
    assert sorted(CASES) == sorted(methods.names())


def _train(name, strategy, task, init=None, semi_supervised=False, weighted=False, **options):
    with strategy.scope():
        fe = backbones.get("mlp", input_shape=task.input_shape, units=(16, 8))
        model = methods.get(name)(fe, num_classes=task.num_classes, **{**CASES[name], **options})
        model.compile(optimizer=keras.optimizers.SGD(0.1))
        model.build((None,) + task.input_shape)
        if init is not None:
            model.set_weights(init)
        start = model.get_weights()
        xs, ys = task.source_train.x, task.source_train.y
        weights = np.linspace(0.5, 1.5, len(xs)).astype("float32") if weighted else None
        if methods.get(name).uses_target or semi_supervised:
            y_t = task.target_partial_labels(2, seed=0) if semi_supervised else None
            data = paired_dataset(xs, ys, task.target_train.x, y_t, batch_size=16, seed=0,
                                  source_weight=weights)
        else:
            data = labelled_dataset(xs, ys, batch_size=16, shuffle=True, seed=0, repeat=True,
                                    drop_remainder=True, sample_weight=weights)
        history = model.fit(data, epochs=1, steps_per_epoch=4, verbose=0, shuffle=False)
    return start, model.get_weights(), history.history


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_replicas_equal_one_device(name, two_cpu_strategy):
    task = tiny_task()
    start, one_device, logs_1 = _train(name, tf.distribute.get_strategy(), task)
    _, two_replicas, logs_2 = _train(name, two_cpu_strategy, task, init=start)
    assert max(np.max(np.abs(a - b)) for a, b in zip(start, one_device)) > 1e-3  # it trained
    for a, b in zip(one_device, two_replicas):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key in logs_1:
        np.testing.assert_allclose(logs_1[key], logs_2[key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,semi,weighted", [("dann", True, False), ("dan", False, True)])
def test_two_replicas_semi_supervised_and_weighted(name, semi, weighted, two_cpu_strategy):
    task = tiny_task()
    start, one_device, logs_1 = _train(name, tf.distribute.get_strategy(), task,
                                       semi_supervised=semi, weighted=weighted)
    _, two_replicas, logs_2 = _train(name, two_cpu_strategy, task, init=start,
                                     semi_supervised=semi, weighted=weighted)
    if semi:
        assert "target_loss" in logs_1
    for a, b in zip(one_device, two_replicas):
        np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize("name", ["dann", "deep_coral"])
def test_two_replicas_with_per_domain_batch_statistics(name, two_cpu_strategy):
    # Each domain's batch normalised by its statistics over the global batch (the bottleneck's
    # BatchNorm is synchronized), so 2 replicas still take the one device's steps.
    task = tiny_task()
    start, one_device, logs_1 = _train(name, tf.distribute.get_strategy(), task,
                                       batch_statistics="per_domain")
    _, two_replicas, logs_2 = _train(name, two_cpu_strategy, task, init=start,
                                     batch_statistics="per_domain")
    _, joint, _ = _train(name, tf.distribute.get_strategy(), task, init=start,
                         batch_statistics="joint")
    assert max(np.max(np.abs(a - b)) for a, b in zip(one_device, joint)) > 1e-3  # not the joint step
    for a, b in zip(one_device, two_replicas):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key in logs_1:
        np.testing.assert_allclose(logs_1[key], logs_2[key], rtol=1e-5, atol=1e-6)
