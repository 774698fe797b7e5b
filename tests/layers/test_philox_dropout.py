"""PhiloxDropout draws Keras's Dropout masks without XLA, and runs under XLA."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.layers import PhiloxDropout


def _pair(rate=0.5, seed=3):
    return keras.layers.Dropout(rate, seed=seed), PhiloxDropout(rate, seed=seed)


def test_same_masks_as_keras_dropout_call_after_call():
    x = tf.constant(np.random.default_rng(0).normal(size=(32, 64)), tf.float32)
    theirs, ours = _pair()
    for _ in range(3):  # the seed generator steps the same way in both
        np.testing.assert_array_equal(ours(x, training=True).numpy(),
                                      theirs(x, training=True).numpy())


def test_same_masks_inside_a_tf_function():
    x = tf.ones((16, 8))
    theirs, ours = _pair(rate=0.3, seed=11)
    call_theirs = tf.function(lambda: theirs(x, training=True))
    call_ours = tf.function(lambda: ours(x, training=True))
    for _ in range(2):
        np.testing.assert_array_equal(call_ours().numpy(), call_theirs().numpy())


def test_inference_and_rate_zero_pass_inputs_through():
    x = tf.ones((4, 5))
    np.testing.assert_array_equal(PhiloxDropout(0.5, seed=1)(x, training=False).numpy(), x.numpy())
    np.testing.assert_array_equal(PhiloxDropout(0.0, seed=1)(x, training=True).numpy(), x.numpy())


def test_under_xla_it_drops_about_rate_and_scales_the_rest():
    layer = PhiloxDropout(0.5, seed=5)
    out = tf.function(lambda x: layer(x, training=True), jit_compile=True)(tf.ones((64, 256))).numpy()
    kept = out != 0
    assert 0.45 < kept.mean() < 0.55
    np.testing.assert_allclose(out[kept], 2.0)


def test_config_round_trip_and_refused_noise_shape():
    layer = PhiloxDropout(0.25, seed=7, name="drop")
    again = PhiloxDropout.from_config(layer.get_config())
    assert type(again) is PhiloxDropout and again.rate == 0.25 and again.name == "drop"
    assert isinstance(again, keras.layers.Dropout)  # test-time code that finds dropouts sees it
    with pytest.raises(ValueError, match="noise_shape"):
        PhiloxDropout(0.5, noise_shape=(None, 1))
