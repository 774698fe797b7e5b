"""Deep CORAL loss: invariances, sensitivity to covariance, NumPy reference."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.losses import CORAL, coral_loss


def _numpy_coral(s, t):
    d = s.shape[1]
    cs, ct = np.cov(s, rowvar=False), np.cov(t, rowvar=False)  # ddof=1
    return ((cs - ct) ** 2).sum() / (4 * d * d)


def test_zero_for_identical_inputs(rng):
    x = rng.normal(size=(20, 5)).astype("float32")
    value = coral_loss(x, x)
    assert value.dtype == tf.float32 and tuple(value.shape) == ()
    assert float(value) == 0.0


def test_zero_for_equal_covariance_shifted_mean(rng):
    x = rng.normal(size=(20, 5)).astype("float32")
    assert abs(float(coral_loss(x, x + 3.0))) < 1e-6


def test_positive_for_different_covariance(rng):
    x = rng.normal(size=(50, 4)).astype("float32")
    y = (rng.normal(size=(50, 4)) * np.array([1.0, 3.0, 0.5, 2.0])).astype("float32")
    assert float(coral_loss(x, y)) > 0.1


def test_matches_numpy_reference(rng):
    s = rng.normal(size=(12, 6))
    t = rng.normal(size=(9, 6)) @ rng.normal(size=(6, 6))
    got = float(coral_loss(s.astype("float32"), t.astype("float32")))
    np.testing.assert_allclose(got, _numpy_coral(s, t), rtol=1e-4)


def test_same_value_in_jit(rng):
    s = rng.normal(size=(10, 3)).astype("float32")
    t = (rng.normal(size=(8, 3)) * 2.0).astype("float32")
    jit = tf.function(coral_loss, jit_compile=True)
    np.testing.assert_allclose(float(jit(s, t)), float(coral_loss(s, t)), rtol=1e-5)


def test_bad_inputs_raise(rng):
    s = rng.normal(size=(10, 3)).astype("float32")
    with pytest.raises(ValueError, match="same number of features after flattening"):
        coral_loss(s, rng.normal(size=(10, 4)).astype("float32"))
    with pytest.raises(ValueError, match="at least 2 examples for a covariance"):
        coral_loss(s[:1], s)


def test_wrapper_equals_function_and_serializes(rng):
    s = rng.normal(size=(10, 3)).astype("float32")
    t = (rng.normal(size=(8, 3)) * 2.0).astype("float32")
    loss = CORAL()
    np.testing.assert_allclose(float(loss(s, t)), float(coral_loss(s, t)), rtol=1e-6)
    clone = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(clone, CORAL) and clone.name == "coral"
