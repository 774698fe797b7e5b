"""Prediction entropy: bounds, stability, per-example shape, probability input."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.losses import Entropy, prediction_entropy


def _to_np(x):
    return keras.ops.convert_to_numpy(x)


def test_uniform_logits_give_log_num_classes():
    for num_classes in (2, 5, 10):
        logits = np.full((3, num_classes), 0.7, "float32")
        np.testing.assert_allclose(
            float(prediction_entropy(logits)), math.log(num_classes), rtol=1e-6
        )


def test_confident_logits_give_zero_and_stay_finite():
    logits = np.array([[200.0, 0.0, 0.0], [0.0, -500.0, 300.0]], "float32")
    value = float(prediction_entropy(logits))
    assert math.isfinite(value) and abs(value) < 1e-6


def test_matches_numpy_and_per_example_shape(rng):
    logits = rng.normal(size=(6, 4)).astype("float32") * 3
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -(p * np.log(p)).sum(-1)
    per_example = prediction_entropy(logits, per_example=True)
    assert tuple(per_example.shape) == (6,)
    np.testing.assert_allclose(_to_np(per_example), expected, rtol=1e-5)
    np.testing.assert_allclose(float(prediction_entropy(logits)), expected.mean(), rtol=1e-5)


def test_probabilities_equal_logits_path(rng):
    logits = rng.normal(size=(5, 3)).astype("float32")
    probs = _to_np(keras.ops.softmax(logits, axis=-1))
    np.testing.assert_allclose(
        _to_np(prediction_entropy(probs, from_logits=False, per_example=True)),
        _to_np(prediction_entropy(logits, per_example=True)),
        rtol=1e-5,
    )
    # Exact zeros are clipped rather than producing 0 * log(0) = NaN.
    one_hot = np.eye(3, dtype="float32")
    value = float(prediction_entropy(one_hot, from_logits=False))
    assert math.isfinite(value) and value < 1e-4


def test_gradient_finite_in_jit(rng):
    logits = tf.Variable(rng.normal(size=(4, 3)).astype("float32"))

    @tf.function(jit_compile=True)
    def grad():
        with tf.GradientTape() as tape:
            loss = prediction_entropy(logits)
        return tape.gradient(loss, logits)

    assert np.all(np.isfinite(grad().numpy()))


def test_bad_flags_raise():
    with pytest.raises(TypeError, match="from_logits"):
        prediction_entropy(np.zeros((2, 2)), from_logits="yes")
    with pytest.raises(TypeError, match="from_logits"):
        Entropy(from_logits=1)


def test_wrapper_ignores_y_true_and_supports_sample_weight(rng):
    logits = rng.normal(size=(6, 4)).astype("float32")
    loss = Entropy()
    expected = float(prediction_entropy(logits))
    np.testing.assert_allclose(float(loss(None, logits)), expected, rtol=1e-6)
    np.testing.assert_allclose(float(loss(np.zeros((6, 4)), logits)), expected, rtol=1e-6)
    weights = np.array([1, 0, 0, 0, 0, 0], "float32")
    first = float(prediction_entropy(logits[:1]))
    np.testing.assert_allclose(
        float(Entropy(reduction="sum")(None, logits, sample_weight=weights)), first, rtol=1e-6
    )
    clone = keras.losses.deserialize(keras.losses.serialize(Entropy(from_logits=False)))
    assert isinstance(clone, Entropy) and clone.from_logits is False
