"""Adaptation losses: one signature, serialisable, gradients as the papers' reference code."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer import adaptation


def _batch(seed=0, n=12, d=6, classes=3):
    rng = np.random.default_rng(seed)
    f_s = tf.constant(rng.normal(size=(n, d)), tf.float32)
    f_t = tf.constant(rng.normal(size=(n, d)) + 1.0, tf.float32)
    l_s = tf.constant(rng.normal(size=(n, classes)), tf.float32)
    l_t = tf.constant(rng.normal(size=(n, classes)), tf.float32)
    return f_s, f_t, l_s, l_t


def _built(name, **options):
    loss = adaptation.get(name, **options)
    f_s, _, l_s, _ = _batch()
    loss.build(f_s.shape, f_s.shape, l_s.shape, l_s.shape)
    return loss


@pytest.mark.parametrize("name", adaptation.names())
def test_every_loss_returns_a_finite_scalar_and_round_trips(name):
    loss = _built(name)
    value = loss(*_batch(), training=False)
    assert value.shape == () and np.isfinite(float(value))
    clone = type(loss).from_config(loss.get_config())
    clone.build(*[t.shape for t in _batch()])
    clone.set_weights(loss.get_weights())
    np.testing.assert_allclose(float(clone(*_batch(), training=False)), float(value), rtol=1e-6)


def test_unknown_loss_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown adaptation loss 'wasserstein'.*mk_mmd"):
        adaptation.get("wasserstein")


@pytest.mark.parametrize("name", ["domain_adversarial", "conditional_adversarial", "margin_disparity"])
def test_the_ramp_scales_only_the_reversed_gradient(name):
    """Features get −ramp × the gradient; the loss's own network the full, unramped one."""
    loss = _built(name, **({"gradient_scale": 1.0} if name == "margin_disparity" else {}))
    f_s, f_t, l_s, l_t = _batch()
    grads = {}
    for ramp in (1.0, 0.3):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([f_s, f_t])
            value = loss(f_s, f_t, l_s, l_t, ramp=tf.constant(ramp), training=False)
        grads[ramp] = (tape.gradient(value, f_s), tape.gradient(value, loss.trainable_weights))
    np.testing.assert_allclose(grads[0.3][0], 0.3 * grads[1.0][0], rtol=1e-5, atol=1e-7)
    for own_1, own_03 in zip(grads[1.0][1], grads[0.3][1]):
        np.testing.assert_array_equal(own_1, own_03)


def test_domain_adversarial_features_ascend_what_the_discriminator_descends():
    loss = _built("domain_adversarial", batch_norm=False)
    f_s, f_t, l_s, l_t = _batch()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(f_s)
        reversed_value = loss(f_s, f_t, l_s, l_t, training=False)
        plain = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.concat([tf.ones(12), tf.zeros(12)], 0),
            logits=tf.squeeze(loss.discriminator(tf.concat([f_s, f_t], 0)), -1)))
    np.testing.assert_allclose(float(reversed_value), float(plain), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(reversed_value, f_s), -tape.gradient(plain, f_s),
                               rtol=1e-5, atol=1e-7)


def test_entropy_weighting_weights_each_example_by_cdan_e_w():
    loss = _built("domain_adversarial", batch_norm=False, entropy_weighting=True)
    f_s, f_t, l_s, l_t = _batch()
    p = tf.nn.softmax(tf.concat([l_s, l_t], 0)).numpy()
    w = 1.0 + np.exp(np.sum(p * np.log(p + 1e-8), axis=1))  # 1 + e^{−H(p)}
    w /= w.mean()
    per_example = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.concat([tf.ones(12), tf.zeros(12)], 0),
        logits=tf.squeeze(loss.discriminator(tf.concat([f_s, f_t], 0)), -1)).numpy()
    np.testing.assert_allclose(float(loss(f_s, f_t, l_s, l_t, training=False)),
                               np.mean(w * per_example), rtol=1e-5)
    # Confident examples count more; the plain loss is the unweighted mean.
    assert w[np.argmax(p.max(axis=1))] > 1.0 > w[np.argmin(p.max(axis=1))]
    plain = _built("domain_adversarial", batch_norm=False)
    plain.set_weights(loss.get_weights())
    np.testing.assert_allclose(float(plain(f_s, f_t, l_s, l_t, training=False)),
                               per_example.mean(), rtol=1e-6)
    assert (loss.uses_predictions, plain.uses_predictions) == (True, False)
    assert type(loss).from_config(loss.get_config()).entropy_weighting is True
    with pytest.raises(TypeError, match="entropy_weighting"):
        adaptation.get("domain_adversarial", entropy_weighting="yes")


def test_mk_mmd_is_zero_on_identical_batches_and_grows_with_shift():
    loss = _built("mk_mmd")
    f_s, _, l_s, _ = _batch()
    assert abs(float(loss(f_s, f_s, l_s, l_s))) < 1e-6
    assert float(loss(f_s, f_s + 2.0, l_s, l_s)) > float(loss(f_s, f_s + 0.5, l_s, l_s)) > 0


def test_bad_options_say_what_was_received():
    with pytest.raises(ValueError, match="`margin` must be a finite number > 0. Received: margin=0"):
        adaptation.get("margin_disparity", margin=0)
    with pytest.raises(ValueError, match="`hidden_units` must be a sequence of ints >= 1"):
        adaptation.get("domain_adversarial", hidden_units=(0,))
    with pytest.raises(ValueError, match="`estimator` must be one of 'biased', 'unbiased'"):
        adaptation.get("mk_mmd", estimator="linear")
