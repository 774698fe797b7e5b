"""BatchNorm moving statistics converge within a small-data run, so inference-mode predictions
agree with training-mode ones (with Keras' default momentum 0.99 they did not: see `lenet`)."""

import keras
import numpy as np
import pytest

from tftransfer import backbones, methods
from tftransfer.data import load_task
from tftransfer.training import fit_task


@pytest.mark.parametrize("spec,options", [("lenet", {"feature_units": 32}),
                                          ("mlp", {"units": (64,), "batch_norm": True})])
def test_inference_mode_matches_training_mode_after_a_short_run(spec, options):
    task = load_task("original->rotated")
    model = methods.get("source_only")(
        backbones.get(spec, input_shape=task.input_shape, **options), num_classes=task.num_classes)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    fit_task(model, task, epochs=4, batch_size=64, seed=0)  # 4 x 12 = 48 steps
    x, y = task.source_train.x, task.source_train.y
    inference = np.mean(np.argmax(model(x, training=False), 1) == y)
    training = np.mean(np.argmax(model(x, training=True), 1) == y)
    assert training > 0.8
    assert inference > training - 0.05, (inference, training)
