"""Flattened importance weights: the weights pulled toward uniform until enough samples count.

A density-ratio estimate w(x) = p_T(x) / p_S(x) of two domains that a classifier can tell
apart almost perfectly (digits against inverted digits, MNIST against USPS pixels) puts
nearly all the mass on a handful of source samples; a network trained on that weighted
loss learns from those few and collapses (measured in the defaults report of 2026-12-02:
importance weighting by a domain classifier 25.6 points under source_only on the digits
shifts, 66 on one task). The variance of an importance-weighted estimate is measured by
the effective sample size (Kong, 1992; Liu, "Monte Carlo Strategies in Scientific
Computing", 2001, sec. 2.5.3)

    ESS(w) = (Σ_i w_i)² / Σ_i w_i²,          ESS / n ∈ (0, 1],

and the remedy of Shimodaira (2000) and Sugiyama et al. (JMLR 2007) is to flatten the
weights, w^γ with γ ∈ [0, 1]: γ = 1 the estimated ratio (unbiased, high variance), γ = 0
uniform weights (source_only: biased, lowest variance). `flatten_weights` takes the
largest γ whose weights keep ESS ≥ `min_ess` · n, so weights that are already that spread
are returned unchanged, and a degenerate estimate degrades toward source_only instead of
toward a few samples. The default floor is 0.8 n. It was n/2, the threshold under which
sequential Monte Carlo resamples (Doucet & Johansen, 2009); 0.8 was chosen over it leave one
benchmark out on the defaults report (both weightings together, all 7 folds), was better for
the domain classifier and 0.13 points lower for KMM on the tasks no default was chosen on,
and costs the one table where weighting gained (a label shift: +1.2 → +0.1 points;
docs/benchmarks.md, "How each default was chosen"). The benchmarks' training sources are
small (141 to 3,557 samples), and weights keeping half of them effective lost more to
variance than they gained (DeCAF: KMM −1.5 → −0.5, the domain classifier −1.1 → −0.8 points
against source_only). ESS(w^γ)/n is non-increasing in γ (log-convexity of γ ↦ mean(w^γ)),
which makes the largest such γ a bisection.
"""

from __future__ import annotations

import numpy as np

from tftransfer._checks import check_int

#: Fewest effective samples, as a fraction of n, that `flatten_weights` keeps by default.
MIN_EFFECTIVE_FRACTION = 0.8


def effective_sample_size(weights) -> float:
    """Kong's effective sample size (Σw)² / Σw² of non-negative weights (n when uniform)."""
    w = np.asarray(weights, np.float64)
    squares = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / squares if squares > 0 else 0.0


def _check_weights(weights, owner: str) -> np.ndarray:
    w = np.asarray(weights, np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"{owner}: `weights` must be a non-empty 1-D array. "
                         f"Received: shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise ValueError(f"{owner}: `weights` must be finite, non-negative and not all 0. "
                         f"Received: min {np.nanmin(w):g}, max {np.nanmax(w):g}, "
                         f"{int(np.sum(~np.isfinite(w)))} non-finite")
    return w


def flattening_exponent(weights, min_ess: float = MIN_EFFECTIVE_FRACTION,
                        iterations: int = 50) -> float:
    """The largest γ ∈ [0, 1] with ESS(w^γ) ≥ `min_ess` · n (1.0 when w already has it).

    Args:
        weights: Non-negative importance weights, (n,), not all zero.
        min_ess: Required effective sample size as a fraction of n, in [0, 1].
        iterations: Bisection steps (50: γ to ~1e-15).

    Raises:
        ValueError: bad weights or `min_ess` outside [0, 1].
    """
    owner = "flattening_exponent"
    w = _check_weights(weights, owner)
    if not 0.0 <= float(min_ess) <= 1.0:
        raise ValueError(f"{owner}: `min_ess` must lie in [0, 1]. Received: {min_ess!r}")
    iterations = check_int(iterations, "iterations", minimum=1, owner=owner)
    need = float(min_ess) * w.size
    # A small tolerance: uniform weights must pass min_ess = 1 despite rounding.
    enough = lambda gamma: effective_sample_size(w ** gamma) >= need * (1 - 1e-12)  # noqa: E731
    if enough(1.0):
        return 1.0
    low, high = 0.0, 1.0  # enough(0) always holds: w^0 is uniform (0^0 = 1)
    for _ in range(iterations):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if enough(middle) else (low, middle)
    return low


def flatten_weights(weights, min_ess: float = MIN_EFFECTIVE_FRACTION) -> np.ndarray:
    """w^γ with γ = `flattening_exponent(weights, min_ess)`, rescaled to mean 1 (float32).

    Example:
        >>> w = flatten_weights(domain_classifier_weights(Xs, Xt))  # ESS >= 0.8 n
    """
    w = _check_weights(weights, "flatten_weights")
    flat = w ** flattening_exponent(w, min_ess)
    return (flat / flat.mean()).astype(np.float32)
