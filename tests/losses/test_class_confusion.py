"""Minimum class confusion: 0 for confident, distinct predictions; (K-1)/K for uniform ones."""

import numpy as np
import pytest
import tensorflow as tf

from tftransfer.losses import class_confusion


def test_confident_distinct_predictions_do_not_confuse_classes():
    logits = 1e3 * np.eye(4, dtype="float32")[[0, 1, 2, 3, 0, 1]]
    assert float(class_confusion(logits)) == pytest.approx(0.0, abs=1e-6)


def test_uniform_predictions_confuse_every_pair():
    assert float(class_confusion(np.zeros((8, 5), "float32"))) == pytest.approx(4 / 5, abs=1e-6)


def test_confusion_grows_as_predictions_blur_and_has_a_gradient():
    base = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    sharp, blurred = (float(class_confusion(10 * base)), float(class_confusion(base)))
    assert sharp < blurred
    logits = tf.Variable(base)
    with tf.GradientTape() as tape:
        loss = class_confusion(logits)
    assert np.all(np.isfinite(tape.gradient(loss, logits).numpy()))


def test_bad_temperature():
    with pytest.raises(ValueError, match="`temperature` must be a finite number > 0. "
                                         "Received: temperature=0"):
        class_confusion(np.zeros((2, 2), "float32"), temperature=0)
