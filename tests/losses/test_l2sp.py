"""L2-SP and plain L2 penalties."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.losses import l2_penalty, l2sp_penalty


def _weights(rng):
    return [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")]


def test_zero_when_weights_equal_reference(rng):
    ref = _weights(rng)
    variables = [keras.Variable(w) for w in ref]
    assert float(l2sp_penalty(variables, ref)) == 0.0


def test_matches_numpy(rng):
    w, w0 = _weights(rng), _weights(rng)
    expected = sum(((a.astype("float64") - b) ** 2).sum() for a, b in zip(w, w0))
    value = l2sp_penalty(w, w0)
    assert value.dtype == tf.float32 and tuple(value.shape) == ()
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    np.testing.assert_allclose(
        float(l2_penalty(w)), sum((a.astype("float64") ** 2).sum() for a in w), rtol=1e-5
    )


def test_empty_lists_give_zero():
    assert float(l2sp_penalty([], [])) == 0.0
    assert float(l2_penalty([])) == 0.0


def test_gradient_points_towards_reference(rng):
    w0 = _weights(rng)
    variables = [tf.Variable(a + 1.0) for a in w0]
    with tf.GradientTape() as tape:
        penalty = l2sp_penalty(variables, w0)
    for grad in tape.gradient(penalty, variables):
        np.testing.assert_allclose(grad.numpy(), 2.0 * np.ones(grad.shape), rtol=1e-6)


def test_mismatches_raise(rng):
    w = _weights(rng)
    with pytest.raises(ValueError, match="same length"):
        l2sp_penalty(w, w[:1])
    with pytest.raises(ValueError, match=r"shape \(4,\).*\(5,\)"):
        l2sp_penalty(w, [w[0], np.zeros(5, "float32")])
    with pytest.raises(TypeError, match="list or tuple"):
        l2sp_penalty(w[0], w[0])
