"""Flattened importance weights: enough effective samples, order kept, nothing done when spread."""

import numpy as np
import pytest

from tftransfer.instance import effective_sample_size, flatten_weights
from tftransfer.instance.flattening import MIN_EFFECTIVE_FRACTION, flattening_exponent
from tftransfer.instance.registry import WEIGHTINGS


def test_effective_sample_size_by_hand():
    assert effective_sample_size(np.ones(10)) == pytest.approx(10.0)
    assert effective_sample_size([1.0, 0.0, 0.0, 0.0]) == pytest.approx(1.0)
    # (1 + 3)² / (1 + 9) = 1.6
    assert effective_sample_size([1.0, 3.0]) == pytest.approx(1.6)


def test_weights_between_half_and_the_default_floor_are_flattened_to_it():
    # ESS ≈ 0.7 n: left as they are under the earlier n/2 floor, flattened to 0.8 n by the
    # default since 2026-12-06 (docs/benchmarks.md, "How each default was chosen").
    w = np.random.default_rng(2).lognormal(sigma=0.6, size=2000)
    assert 0.5 * 2000 < effective_sample_size(w) < 0.8 * 2000
    np.testing.assert_allclose(flatten_weights(w, min_ess=0.5), w / w.mean(), rtol=1e-5)
    flat = flatten_weights(w)
    assert MIN_EFFECTIVE_FRACTION == 0.8
    assert effective_sample_size(flat) == pytest.approx(0.8 * 2000, rel=1e-5)


def test_spread_weights_are_returned_unchanged():
    w = np.random.default_rng(0).uniform(0.5, 1.5, size=200)
    assert effective_sample_size(w) > 0.9 * 200
    assert flattening_exponent(w) == 1.0
    np.testing.assert_allclose(flatten_weights(w), w / w.mean(), rtol=1e-6)


def test_degenerate_weights_are_flattened_to_the_floor():
    # A few samples with nearly all the mass: what a near-separable domain pair gives.
    w = np.full(1000, 0.01)
    w[:5] = 100.0
    assert effective_sample_size(w) < 10
    gamma = flattening_exponent(w)
    flat = flatten_weights(w)
    assert 0.0 < gamma < 1.0
    assert effective_sample_size(flat) == pytest.approx(MIN_EFFECTIVE_FRACTION * 1000, rel=1e-6)
    assert flat.dtype == np.float32 and flat.mean() == pytest.approx(1.0, rel=1e-6)
    # The order of the samples' weights is kept (a monotone map), only compressed.
    assert np.all(np.argsort(flat[:10], kind="stable") == np.argsort(w[:10], kind="stable"))
    assert flat[0] > flat[-1]


def test_stricter_floor_flattens_more_and_one_means_uniform():
    w = np.random.default_rng(1).lognormal(sigma=3.0, size=300)
    gammas = [flattening_exponent(w, m) for m in (0.1, 0.5, 0.9)]
    assert gammas[0] >= gammas[1] >= gammas[2]
    np.testing.assert_allclose(flatten_weights(w, min_ess=1.0), np.ones(300), atol=1e-5)


def test_zero_weights_stay_zero_unless_uniform():
    w = np.r_[np.zeros(10), np.ones(90)]
    # ESS 90 of 100: already above the floor.
    assert effective_sample_size(w) > MIN_EFFECTIVE_FRACTION * 100
    np.testing.assert_array_equal(flatten_weights(w) == 0, w == 0)


@pytest.mark.parametrize("bad, message", [
    (np.array([]), "non-empty 1-D"),
    (np.ones((2, 2)), "non-empty 1-D"),
    (np.array([1.0, np.nan]), "finite, non-negative"),
    (np.array([1.0, -1.0]), "finite, non-negative"),
    (np.zeros(3), "not all 0"),
])
def test_bad_weights_are_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        flatten_weights(bad)


def test_bad_floor_is_a_clear_error():
    with pytest.raises(ValueError, match=r"min_ess.*\[0, 1\]"):
        flattening_exponent(np.ones(3), min_ess=1.5)


@pytest.mark.parametrize("name", sorted(WEIGHTINGS))
def test_the_runners_weightings_keep_the_floor_on_separable_domains(name):
    # Two domains a linear classifier separates perfectly: the raw ratio is degenerate.
    rng = np.random.default_rng(0)
    xs = rng.normal(0.0, 1.0, size=(200, 3))
    xt = rng.normal(6.0, 1.0, size=(150, 3))
    w = WEIGHTINGS[name](xs, xt, seed=0)
    assert w.shape == (200,) and np.all(w >= 0)
    assert effective_sample_size(w) >= MIN_EFFECTIVE_FRACTION * 200 * (1 - 1e-5)
