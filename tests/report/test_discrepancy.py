"""Proxy A-distance and MK-MMD between two samples."""

import numpy as np
import pytest

from tftransfer.report import mk_mmd_distance, proxy_a_distance


def gaussian(rng, n, shift, d=5):
    return rng.normal(size=(n, d)) + shift


def test_proxy_a_distance_is_2_for_separable_and_near_0_for_identical_domains(rng):
    assert proxy_a_distance(gaussian(rng, 100, 0.0), gaussian(rng, 80, 50.0)) == 2.0
    same = proxy_a_distance(gaussian(rng, 300, 0.0), gaussian(rng, 300, 0.0))
    assert 0.0 <= same < 0.3
    small, large = (proxy_a_distance(gaussian(rng, 300, 0.0), gaussian(rng, 300, shift))
                    for shift in (0.3, 1.0))
    assert same < small < large < 2.0


def test_proxy_a_distance_balances_the_domains(rng):
    # 400 source rows vs 40 target rows of the same distribution: guessing "source" would
    # err 9 % of the time (d_A 1.64) on the unbalanced sample; balanced, chance is 1/2.
    assert proxy_a_distance(gaussian(rng, 400, 0.0), gaussian(rng, 40, 0.0)) < 0.6


def test_mk_mmd_is_zero_on_identical_samples_and_grows_with_the_shift(rng):
    x = gaussian(rng, 100, 0.0)
    assert mk_mmd_distance(x, x) == pytest.approx(0.0, abs=1e-6)
    values = [mk_mmd_distance(x, gaussian(rng, 100, s)) for s in (0.0, 0.5, 2.0)]
    assert values[0] < values[1] < values[2]


def test_bad_samples_are_refused(rng):
    with pytest.raises(ValueError, match="same number of features. Received: 5 and 4"):
        proxy_a_distance(gaussian(rng, 10, 0), gaussian(rng, 10, 0, d=4))
    x = gaussian(rng, 10, 0)
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        mk_mmd_distance(x, gaussian(rng, 10, 0))
    with pytest.raises(ValueError, match="at least 2 rows"):
        proxy_a_distance(gaussian(rng, 1, 0), gaussian(rng, 10, 0))
