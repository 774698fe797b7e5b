"""FineTuner: frozen layers and frozen BatchNorm statistics do not move; L2-SP pulls back."""

import keras
import numpy as np
import pytest

from helpers import tiny_task
from tftransfer import backbones, methods
from tftransfer.training import fit_task


def _backbone(task, batch_norm=True):
    return backbones.get("mlp", input_shape=task.input_shape, units=(16, 16, 8), batch_norm=batch_norm)


def test_frozen_layers_and_bn_statistics_are_bit_unchanged():
    task = tiny_task()
    fe = _backbone(task)
    model = methods.get("finetune")(fe, num_classes=3, freeze_depth=1)
    model.compile(optimizer="adam")
    model.build((None,) + task.input_shape)
    groups = backbones.weighted_layers(fe)
    frozen = [layer for group in groups[:-1] for layer in group]
    trainable = groups[-1]
    before = {l.name: [w.numpy().copy() for w in l.weights] for l in fe.layers}
    model.fit(task.target_train.x, task.target_train.y, epochs=3, batch_size=16, verbose=0)
    for layer in frozen:  # Dense kernels AND BN gamma/beta/moving mean/variance
        for old, new in zip(before[layer.name], layer.weights):
            np.testing.assert_array_equal(old, new.numpy(), err_msg=layer.name)
    moved = [not np.array_equal(o, n.numpy()) for l in trainable for o, n in zip(before[l.name], l.weights)]
    assert all(moved)


def test_fit_task_pretrains_on_source_then_fine_tunes_on_few_labels():
    task = tiny_task()
    model = methods.get("finetune")(_backbone(task, batch_norm=False), num_classes=3,
                                    freeze_depth=2, l2sp_alpha=0.1)
    model.compile(optimizer="adam")
    model.build((None,) + task.input_shape)
    history = fit_task(model, task, epochs=2, batch_size=16, seed=0, target_labels_per_class=4)
    assert len(model.pretrain_history.history["loss"]) == 2
    assert len(history.history["loss"]) == 2
    # w⁰ is the source-pretrained backbone, taken after pretraining, and a copy of it.
    assert model.reference_weights
    moved = [not np.array_equal(r.numpy(), w.numpy())
             for r, w in zip(model.reference_weights, model.feature_extractor.trainable_weights)]
    assert any(moved)


def test_finetune_without_target_labels_is_an_error():
    task = tiny_task()
    model = methods.get("finetune")(_backbone(task), num_classes=3)
    model.compile(optimizer="adam")
    with pytest.raises(ValueError, match="target_labels_per_class >= 1"):
        fit_task(model, task, epochs=1, batch_size=16, seed=0)


def _distance_from_start(alpha):
    keras.utils.set_random_seed(0)
    task = tiny_task()
    fe = _backbone(task, batch_norm=False)
    model = methods.get("finetune")(fe, num_classes=3, l2sp_alpha=alpha, backbone_lr_multiplier=1.0)
    # SGD: Adam normalises the step size and would hide the pull over a few steps.
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    model.build((None,) + task.input_shape)
    start = [w.numpy().copy() for w in fe.trainable_weights]
    model.fit(task.target_train.x, task.target_train.y, epochs=10, batch_size=16, verbose=0)
    return sum(float(np.sum((w.numpy() - s) ** 2)) for w, s in zip(fe.trainable_weights, start))


def test_l2sp_keeps_weights_closer_to_the_source():
    assert _distance_from_start(10.0) < 0.5 * _distance_from_start(0.0)


def test_backbone_lr_multiplier_zero_leaves_the_backbone_untouched():
    task = tiny_task()
    fe = _backbone(task, batch_norm=False)
    model = methods.get("finetune")(fe, num_classes=3, backbone_lr_multiplier=0.0)
    model.compile(optimizer="adam")
    model.build((None,) + task.input_shape)
    start = [w.numpy().copy() for w in fe.weights]
    head = [w.numpy().copy() for w in model.classifier.weights]
    model.fit(task.target_train.x, task.target_train.y, epochs=2, batch_size=16, verbose=0)
    for s, w in zip(start, fe.weights):
        np.testing.assert_array_equal(s, w.numpy())
    assert not np.array_equal(head[0], model.classifier.weights[0].numpy())


def test_backbone_lr_multiplier_scales_the_sgd_step():
    """With SGD the backbone's first update is exactly multiplier × the head-rate update."""
    task = tiny_task()
    steps = {}
    for multiplier in (1.0, 0.25):
        keras.utils.set_random_seed(0)
        fe = _backbone(task, batch_norm=False)
        model = methods.get("finetune")(fe, num_classes=3, backbone_lr_multiplier=multiplier)
        model.compile(optimizer=keras.optimizers.SGD(0.1))
        model.build((None,) + task.input_shape)
        start = fe.weights[0].numpy().copy()
        model.train_on_batch(task.target_train.x[:16], task.target_train.y[:16])
        steps[multiplier] = fe.weights[0].numpy() - start
    np.testing.assert_allclose(steps[0.25], 0.25 * steps[1.0], rtol=1e-4, atol=1e-7)


def test_freeze_depth_larger_than_the_backbone_is_an_error():
    task = tiny_task()
    with pytest.raises(ValueError, match="freeze_depth=9 does not fit backbone.*valid: 0..3"):
        methods.get("finetune")(_backbone(task), num_classes=3, freeze_depth=9)


def test_steps_per_epoch_fixes_the_fine_tuning_budget():
    task = tiny_task()
    model = methods.get("finetune")(_backbone(task, batch_norm=False), num_classes=3,
                                    pretrain_epochs=0, steps_per_epoch=7)
    model.compile(optimizer="adam")
    fit_task(model, task, epochs=2, batch_size=16, seed=0, target_labels_per_class=1)
    assert model.optimizer.iterations.numpy() == 14 and model.pretrain_history is None
    with pytest.raises(ValueError, match="`steps_per_epoch` must be an int >= 1 or None. Received: steps_per_epoch=0"):
        methods.get("finetune")(_backbone(task), num_classes=3, steps_per_epoch=0)
