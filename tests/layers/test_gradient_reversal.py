"""GradientReversal: identity forward, gradient −λ × upstream in every execution mode."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.layers import GradientReversal

MODES = {
    "eager": lambda f: f,
    "tf_function": tf.function,
    "jit": lambda f: tf.function(f, jit_compile=True),
}


def _inputs(rng):
    x = tf.constant(rng.normal(size=(4, 3)), tf.float32)
    w = tf.constant(rng.normal(size=(4, 3)), tf.float32)
    return x, w


def _grad_fn(layer):
    """d/dx of sum(sin(f(x)) * w), f the layer or the identity when layer is None."""

    def grad(x, w):
        with tf.GradientTape() as tape:
            tape.watch(x)
            h = x if layer is None else layer(x)
            loss = tf.reduce_sum(tf.sin(h) * w)
        return tape.gradient(loss, x)

    return grad


# λ values are looped rather than parametrized: per-test Keras resets dominate runtime.
@pytest.mark.parametrize("mode", list(MODES))
def test_gradient_is_minus_lambda_times_plain_gradient(mode, rng):
    x, w = _inputs(rng)
    plain_grad = MODES[mode](_grad_fn(None))(x, w).numpy()
    assert np.abs(plain_grad).min() > 0  # so a zero reversed gradient is a real signal
    for lam in (0.0, 0.5, 3.0):
        layer = GradientReversal(lambda_=lam)
        reversed_grad = MODES[mode](_grad_fn(layer))(x, w).numpy()
        np.testing.assert_allclose(reversed_grad, -lam * plain_grad, rtol=1e-6, atol=0)


@pytest.mark.parametrize("mode", ["tf_function", "jit"])
def test_assigning_lambda_after_tracing_changes_gradient_without_retracing(mode, rng):
    x, w = _inputs(rng)
    layer = GradientReversal(lambda_=1.0)
    compiled = MODES[mode](_grad_fn(layer))
    plain_grad = _grad_fn(None)(x, w).numpy()

    grads = {}
    for lam in (1.0, 0.25, 2.0):
        layer.lambda_.assign(lam)
        grads[lam] = compiled(x, w).numpy()

    assert compiled.experimental_get_tracing_count() == 1
    for lam, grad in grads.items():
        np.testing.assert_allclose(grad, -lam * plain_grad, rtol=1e-6)


def test_lambda_can_be_assigned_before_first_call():
    layer = GradientReversal(lambda_=1.0)
    assert not layer.built
    layer.lambda_.assign(0.3)
    x = tf.ones((2, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -0.3 * np.ones((2, 2)), rtol=1e-6)


def test_lambda_is_a_non_trainable_scalar_weight():
    layer = GradientReversal(lambda_=0.5)
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 1
    assert tuple(layer.lambda_.shape) == ()


def test_forward_is_identity(rng):
    layer = GradientReversal(lambda_=2.0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)
    assert layer.compute_output_shape((None, 5, 2)) == (None, 5, 2)


def test_invalid_lambda_raises():
    for bad in (-0.1, math.nan, math.inf):
        with pytest.raises(ValueError, match="lambda_"):
            GradientReversal(lambda_=bad)
    for bad in ("abc", True, None):
        with pytest.raises(TypeError, match="lambda_"):
            GradientReversal(lambda_=bad)


def test_integer_and_numpy_lambda_accepted():
    assert GradientReversal(lambda_=2).get_config()["lambda_"] == 2.0
    assert GradientReversal(lambda_=np.float32(0.5)).get_config()["lambda_"] == 0.5


def test_config_round_trip_keeps_current_lambda():
    layer = GradientReversal(lambda_=0.5, name="grl")
    layer.lambda_.assign(1.75)
    config = layer.get_config()
    assert config["lambda_"] == 1.75 and isinstance(config["lambda_"], float)
    clone = GradientReversal.from_config(config)
    assert clone.name == "grl"
    assert float(keras.ops.convert_to_numpy(clone.lambda_)) == 1.75


def test_model_saves_and_reloads_with_same_lambda(tmp_path, rng):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), GradientReversal(0.5, name="grl"),
         keras.layers.Dense(1)]
    )
    model.get_layer("grl").lambda_.assign(1.25)
    x = rng.normal(size=(5, 3)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)

    reloaded = keras.saving.load_model(path)
    grl = reloaded.get_layer("grl")
    assert isinstance(grl, GradientReversal)
    assert float(keras.ops.convert_to_numpy(grl.lambda_)) == 1.25
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
