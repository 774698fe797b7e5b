"""How far apart two domains are: proxy A-distance and MK-MMD between two samples.

Proxy A-distance (Ben-David et al., "Analysis of Representations for Domain Adaptation",
NIPS 2007; "A theory of learning from different domains", Machine Learning 2010): train a
classifier to tell source from target samples; with ε its held-out error,

    d_A = 2 (1 − 2 ε).

0 means the domains cannot be told apart (ε = 1/2), 2 that they are perfectly separable. The
classifier here is a logistic regression on standardised inputs (scikit-learn), ε its
cross-validated error on a sample balanced between the domains (so chance is 1/2); ε is
capped at 1/2 (a worse-than-chance classifier, flipped, would be better than chance), so
d_A lies in [0, 2].

MK-MMD (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012; Long et al., "Learning
Transferable Features with Deep Adaptation Networks", ICML 2015): the squared maximum mean
discrepancy under an equal mix of Gaussian kernels with median-heuristic bandwidths, the
biased estimate of `tftransfer.losses.mk_mmd` (>= 0).

Example:
    >>> proxy_a_distance(xs, xt)          # 1.9: a linear classifier separates them
    >>> mk_mmd_distance(xs, xt)
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tftransfer._checks import check_int
from tftransfer.blas import one_blas_thread


def _two_samples(xs, xt):
    xs = np.asarray(xs, np.float64).reshape(len(xs), -1)
    xt = np.asarray(xt, np.float64).reshape(len(xt), -1)
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(f"the two samples must have the same number of features. Received: "
                         f"{xs.shape[1]} and {xt.shape[1]}")
    if len(xs) < 2 or len(xt) < 2:
        raise ValueError(f"each sample needs at least 2 rows. Received: {len(xs)} and {len(xt)}")
    if not (np.isfinite(xs).all() and np.isfinite(xt).all()):
        raise ValueError("the samples must be finite (NaN or infinite values found)")
    return xs, xt


def proxy_a_distance(xs, xt, *, folds: int = 5, C: float = 1.0, seed: int = 0) -> float:
    """d_A = 2 (1 − 2 ε) of a cross-validated logistic-regression domain classifier.

    Args:
        xs: Source sample, (n, ...) (flattened).
        xt: Target sample, (m, ...).
        folds: Cross-validation folds (fewer when a domain has fewer rows).
        C: Inverse L2 strength of the logistic regression.
        seed: Seed of the balancing subsample and of the folds.

    Returns:
        d_A in [0, 2].
    """
    xs, xt = _two_samples(xs, xt)
    folds = check_int(folds, "folds", minimum=2)
    rng = np.random.default_rng(seed)
    n = min(len(xs), len(xt))  # balanced: a constant guess errs 1/2
    xs = xs[np.sort(rng.choice(len(xs), n, replace=False))]
    xt = xt[np.sort(rng.choice(len(xt), n, replace=False))]
    x = np.concatenate([xs, xt])
    domain = np.repeat([0, 1], n)
    splitter = StratifiedKFold(min(folds, n), shuffle=True, random_state=seed)
    classifier = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))
    with one_blas_thread():
        predicted = cross_val_predict(classifier, x, domain, cv=splitter)
    error = min(float(np.mean(predicted != domain)), 0.5)
    return 2.0 * (1.0 - 2.0 * error)


def mk_mmd_distance(xs, xt, num_kernels: int = 5) -> float:
    """Squared MK-MMD (biased estimate, median-heuristic bandwidths) between two samples."""
    from tftransfer.losses import mk_mmd

    xs, xt = _two_samples(xs, xt)
    return max(0.0, float(mk_mmd(xs.astype(np.float32), xt.astype(np.float32),
                                 num_kernels=num_kernels)))
