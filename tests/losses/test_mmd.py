"""Multi-kernel MMD: estimator properties, median-heuristic bandwidths, execution modes."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer.losses import MMD, median_heuristic_bandwidths, mk_mmd


def _sample(rng, n=64, d=4, shift=0.0):
    return (rng.normal(size=(n, d)) + shift).astype("float32")


def _numpy_mk_mmd(x, y, bandwidths, estimator):
    """Reference implementation straight from the definition."""
    def k(a, b):
        d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
        return np.mean([np.exp(-d2 / s) for s in bandwidths], axis=0)

    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    n, m = len(x), len(y)
    if estimator == "biased":
        return kxx.mean() + kyy.mean() - 2 * kxy.mean()
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean())


def test_matches_numpy_reference(rng):
    x, y = _sample(rng, n=20), _sample(rng, n=15, shift=0.7)
    bandwidths = [0.5, 2.0, 8.0]
    for estimator in ("biased", "unbiased"):
        got = float(mk_mmd(x, y, bandwidths=bandwidths, estimator=estimator))
        expected = _numpy_mk_mmd(
            x.astype("float64"), y.astype("float64"), bandwidths, estimator
        )
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_identical_samples_give_zero(rng):
    x = _sample(rng)
    value = mk_mmd(x, x)
    assert value.dtype == tf.float32 and tuple(value.shape) == ()
    assert abs(float(value)) < 1e-6


def test_symmetric(rng):
    x, y = _sample(rng, n=30), _sample(rng, n=40, shift=0.5)
    for estimator in ("biased", "unbiased"):
        np.testing.assert_allclose(
            float(mk_mmd(x, y, estimator=estimator)),
            float(mk_mmd(y, x, estimator=estimator)),
            rtol=1e-5,
        )


def test_grows_monotonically_with_mean_shift(rng):
    x = _sample(rng)
    noise = _sample(rng)
    for estimator in ("biased", "unbiased"):
        values = [float(mk_mmd(x, noise + s, estimator=estimator)) for s in (0, 0.5, 1, 2)]
        assert all(a < b for a, b in zip(values, values[1:])), (estimator, values)


def test_unbiased_near_zero_for_same_distribution_and_positive_under_shift(rng):
    x, y = _sample(rng, n=200), _sample(rng, n=200)
    same = float(mk_mmd(x, y, estimator="unbiased"))
    shifted = float(mk_mmd(x, y + 1.0, estimator="unbiased"))
    assert abs(same) < 0.05
    assert shifted > 0.1 and shifted > 5 * abs(same)


def test_unbiased_removes_the_diagonal_bias(rng):
    # The biased estimate always counts k(x_i, x_i) = 1, so it exceeds the unbiased one
    # on small samples from the same distribution.
    x, y = _sample(rng, n=10), _sample(rng, n=10)
    assert float(mk_mmd(x, y)) > float(mk_mmd(x, y, estimator="unbiased"))


def test_bandwidths_come_from_median_of_joint_sample(rng):
    x, y = _sample(rng, n=7, d=3), _sample(rng, n=5, d=3, shift=1.0)
    z = np.concatenate([x, y]).astype("float64")
    d2 = ((z[:, None] - z[None]) ** 2).sum(-1)
    median = np.median(d2[~np.eye(len(z), dtype=bool)])

    got = keras.ops.convert_to_numpy(median_heuristic_bandwidths(x, y))
    np.testing.assert_allclose(got, median * 2.0 ** np.arange(-2, 3), rtol=1e-5)
    got3 = keras.ops.convert_to_numpy(
        median_heuristic_bandwidths(x, y, num_kernels=3, kernel_multiplier=3.0)
    )
    np.testing.assert_allclose(got3, median * 3.0 ** np.arange(-1, 2), rtol=1e-5)
    # Default mk_mmd uses exactly these bandwidths.
    np.testing.assert_allclose(
        float(mk_mmd(x, y)), float(mk_mmd(x, y, bandwidths=got)), rtol=1e-6
    )


def test_bandwidths_positive_for_identical_points():
    x = np.ones((4, 2), "float32")
    bandwidths = keras.ops.convert_to_numpy(median_heuristic_bandwidths(x, x))
    assert np.all(bandwidths > 0)
    assert abs(float(mk_mmd(x, x))) < 1e-6


def test_no_gradient_through_bandwidths(rng):
    x = tf.Variable(_sample(rng, n=8))
    y = _sample(rng, n=8, shift=1.0)
    with tf.GradientTape() as tape:
        bandwidths = median_heuristic_bandwidths(x, y)
        total = tf.reduce_sum(bandwidths)
    assert tape.gradient(total, x) is None


def test_gradient_flows_to_inputs(rng):
    x = tf.Variable(_sample(rng, n=8))
    y = _sample(rng, n=8, shift=1.0)
    with tf.GradientTape() as tape:
        loss = mk_mmd(x, y)
    grad = tape.gradient(loss, x)
    assert grad is not None and np.all(np.isfinite(grad.numpy()))
    assert np.abs(grad.numpy()).sum() > 0


def test_same_value_eager_function_and_jit(rng):
    x, y = _sample(rng, n=24), _sample(rng, n=16, shift=0.8)
    for estimator in ("biased", "unbiased"):

        def f(a, b):
            return mk_mmd(a, b, estimator=estimator)

        eager = float(f(x, y))
        graph = float(tf.function(f)(x, y))
        jit = float(tf.function(f, jit_compile=True)(x, y))
        dynamic = tf.function(
            f, input_signature=[tf.TensorSpec([None, 4]), tf.TensorSpec([None, 4])]
        )
        np.testing.assert_allclose([graph, jit, float(dynamic(x, y))], eager, rtol=1e-5)


def test_flattens_higher_rank_inputs(rng):
    x = rng.normal(size=(6, 2, 3)).astype("float32")
    y = rng.normal(size=(5, 2, 3)).astype("float32") + 0.5
    np.testing.assert_allclose(
        float(mk_mmd(x, y)), float(mk_mmd(x.reshape(6, -1), y.reshape(5, -1))), rtol=1e-6
    )


def test_bad_arguments_raise(rng):
    x = _sample(rng, n=4)
    with pytest.raises(ValueError, match="'biased', 'unbiased'"):
        mk_mmd(x, x, estimator="linear")
    with pytest.raises(ValueError, match="num_kernels"):
        mk_mmd(x, x, num_kernels=0)
    with pytest.raises(TypeError, match="num_kernels"):
        mk_mmd(x, x, num_kernels=2.5)
    with pytest.raises(ValueError, match="kernel_multiplier"):
        mk_mmd(x, x, kernel_multiplier=0.0)
    with pytest.raises(ValueError, match="bandwidths"):
        mk_mmd(x, x, bandwidths=[1.0, -1.0])
    with pytest.raises(ValueError, match="same number of features"):
        mk_mmd(x, _sample(rng, n=4, d=3))
    with pytest.raises(ValueError, match="at least 2 examples for the unbiased"):
        mk_mmd(x[:1], x, estimator="unbiased")
    with pytest.raises(ValueError, match="'biased', 'unbiased'"):
        MMD(estimator="nope")


def test_wrapper_equals_function(rng):
    x, y = _sample(rng, n=12), _sample(rng, n=10, shift=0.5)
    for estimator in ("biased", "unbiased"):
        loss = MMD(num_kernels=3, kernel_multiplier=1.5, estimator=estimator)
        expected = mk_mmd(x, y, num_kernels=3, kernel_multiplier=1.5, estimator=estimator)
        np.testing.assert_allclose(float(loss(x, y)), float(expected), rtol=1e-6)
    np.testing.assert_allclose(float(MMD()(x, y)), float(mk_mmd(x, y)), rtol=1e-6)


def test_wrapper_config_round_trip():
    loss = MMD(num_kernels=3, kernel_multiplier=1.5, estimator="unbiased", name="m")
    config = loss.get_config()
    assert config["num_kernels"] == 3 and config["kernel_multiplier"] == 1.5
    assert config["estimator"] == "unbiased" and config["name"] == "m"
    clone = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(clone, MMD) and clone.get_config() == config
