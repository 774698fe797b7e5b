"""The balance factor μ of BDA / MEDA, estimated from proxy A-distances."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import List, NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

from tftransfer.blas import one_blas_thread

#: μ at or below this is set to 0, as in the reference code (`estimate_mu.m`).
MU_FLOOR = 1e-3


def check_mu(value, owner: str):
    """`value` if it is "auto" or a finite number in [0, 1], else a TypeError / ValueError."""
    if isinstance(value, str) and value == "auto":
        return value
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or not 0.0 <= value <= 1.0:
        kind = ValueError if is_number or isinstance(value, str) else TypeError
        raise kind(f"{owner}: `mu` must be a number in [0, 1] or 'auto'. Received: mu={value!r}")
    return value


def proxy_a_distance(xs: np.ndarray, xt: np.ndarray, seed: int = 0) -> float:
    """Proxy A-distance 2 (1 − 2ε) between two samples, ε a linear SVM's training error.

    Ben-David et al., "Analysis of Representations for Domain Adaptation", NIPS 2007:
    a domain classifier that separates the samples well means distant distributions.
    As in the reference code (Wang's `estimate_mu.m`, `MEDA.py`), ε is the training error
    of a linear SVM (`LinearSVC(C=1)`; MATLAB's `fitclinear` there) source vs target.
    The value is clipped to [0, 2]: a classifier no better than chance means no
    detectable discrepancy (the unclipped formula would go negative).
    """
    x = np.vstack([xs, xt])
    domain = np.concatenate([np.zeros(len(xs), dtype=int), np.ones(len(xt), dtype=int)])
    with one_blas_thread(), warnings.catch_warnings():
        # Only the training error is read; an iterate at the cap still gives a valid one.
        warnings.simplefilter("ignore", ConvergenceWarning)
        svm = LinearSVC(C=1.0, random_state=seed).fit(x, domain)
    error = float(np.mean(svm.predict(x) != domain))
    return float(np.clip(2.0 * (1.0 - 2.0 * error), 0.0, 2.0))


class BalanceEstimate(NamedTuple):
    """μ and the proxy A-distances it comes from."""

    mu: float
    marginal: float  # d_M: source vs target
    conditional: float  # d_C: mean over the compared classes of source c vs target c
    skipped_classes: List[int]  # classes without source samples or target pseudo-labels


def estimate_balance(
    xs: np.ndarray, ys: np.ndarray, xt: np.ndarray, yt_pseudo: np.ndarray, n_classes: int,
    seed: int = 0,
) -> BalanceEstimate:
    """μ̂ = d_C / (d_C + d_M), the weight of the conditional against the marginal MMD.

    Wang et al., "Visual Domain Adaptation with Manifold Embedded Distribution
    Alignment", ACM MM 2018, eq. (8) (introduced with BDA, ICDM 2017): d_M is the proxy
    A-distance between the domains, d_C the mean over classes c of the distance between
    the source samples of class c and the target samples pseudo-labelled c. μ̂ near 1
    says the conditional distributions differ most, near 0 the marginals.

    As in the reference code, μ̂ > 1 is set to 1 and μ̂ <= 1e-3 to 0. Classes without
    source samples or target pseudo-labels are left out of the mean (the reference code
    would fit a one-class SVM); if none can be compared d_C = 0. When both distances are
    0 (no detectable discrepancy at all) μ̂ = ½, the unweighted sum: never NaN.
    """
    marginal = proxy_a_distance(xs, xt, seed)
    distances, skipped = [], []
    for c in range(n_classes):
        source_c, target_c = xs[ys == c], xt[yt_pseudo == c]
        if len(source_c) == 0 or len(target_c) == 0:
            skipped.append(c)
            continue
        distances.append(proxy_a_distance(source_c, target_c, seed))
    conditional = float(np.mean(distances)) if distances else 0.0
    total = conditional + marginal
    mu = 0.5 if total == 0 else min(conditional / total, 1.0)
    if mu <= MU_FLOOR:
        mu = 0.0
    return BalanceEstimate(mu, marginal, conditional, skipped)
