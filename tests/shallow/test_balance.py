"""The proxy A-distance and the balance factor mu of BDA / MEDA."""

import numpy as np
import pytest

from tftransfer.shallow.balance import check_mu, estimate_balance, proxy_a_distance


def blobs(rng, n_per_class, centres, spread=0.6):
    x = np.vstack([c + rng.normal(0, spread, (n, len(c))) for c, n in zip(centres, n_per_class)])
    y = np.repeat(np.arange(len(centres)), n_per_class)
    return x, y


def test_proxy_a_distance_grows_with_the_separation(rng):
    a = rng.normal(size=(80, 3))
    distances = [proxy_a_distance(a, rng.normal(size=(80, 3)) + shift) for shift in (0.0, 1.0, 6.0)]
    assert distances[0] < 0.6 < distances[1] < distances[2]
    assert 0.0 <= distances[0] and distances[2] == 2.0


def test_mu_follows_the_proxy_a_distances(rng):
    centres = [np.array([3.0, 0.0]), np.array([-3.0, 0.0])]
    xs, ys = blobs(rng, [60, 60], centres)
    # A global shift: the domains and every class pair are far apart, d_C ~ d_M.
    xt, yt = blobs(rng, [60, 60], [c + [0.0, 5.0] for c in centres])
    shifted = estimate_balance(xs, ys, xt, yt, 2)
    # Swapped conditionals: the target's class 0 looks like the source's class 1. The
    # marginals agree, the classes differ: the conditional distance dominates.
    xt, yt = blobs(rng, [60, 60], centres[::-1])
    swapped = estimate_balance(xs, ys, xt, yt, 2)
    for estimate in (shifted, swapped):
        assert 0.0 <= estimate.mu <= 1.0
        total = estimate.conditional + estimate.marginal
        expected = min(estimate.conditional / total, 1.0)
        assert estimate.mu == (0.0 if expected <= 1e-3 else expected)
    # Measured: shifted mu 0.5 (d_C 2.0, d_M 2.0); swapped mu 1.0 (d_C 2.0, d_M 0.0).
    assert abs(shifted.mu - 0.5) < 0.1 and swapped.mu > 0.9
    assert swapped.conditional > swapped.marginal


def test_missing_pseudo_class_is_left_out_and_identical_domains_give_one_half(rng):
    xs, ys = blobs(rng, [30, 30, 30], [np.array([4.0, 0]), np.array([0, 4.0]), np.array([-4.0, 0])])
    estimate = estimate_balance(xs, ys, xs, np.minimum(ys, 1), 3)
    assert estimate.skipped_classes == [2] and np.isfinite(estimate.mu)
    same = estimate_balance(xs, ys, xs.copy(), ys.copy(), 3)
    assert same.marginal == 0.0 and same.conditional == 0.0 and same.mu == 0.5


def test_check_mu():
    assert check_mu("auto", "X") == "auto" and check_mu(0.3, "X") == 0.3
    with pytest.raises(ValueError, match="X: `mu` must be a number in"):
        check_mu(-0.1, "X")
    with pytest.raises(TypeError):
        check_mu(True, "X")
