"""Importance weights of the source validation rows from a domain classifier (private).

Wraps `tftransfer.instance.domain_classifier_weights` for IWCV and DEV.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from scipy.stats import mannwhitneyu
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tftransfer._checks import check_float
from tftransfer.blas import one_blas_thread
from tftransfer.instance.weights import domain_classifier_weights
from tftransfer.selection._metrics import subsample

CLIP = (0.01, 100.0)


def check_alpha(alpha, owner: str) -> Optional[float]:
    """The level of the two-sample test: None (no test) or a number in (0, 1)."""
    return check_float(alpha, "test_alpha", minimum=0.0, maximum=1.0, low_open=True,
                       high_open=True, allow_none=True, owner=owner)


def domains_differ(source: np.ndarray, target: np.ndarray, *, alpha: float, seed: int,
                   cv: int = 5) -> bool:
    """A classifier two-sample test (Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample
    Tests", ICLR 2017): True when a source-vs-target logistic regression ranks held-out
    target rows above held-out source rows more than chance would (out-of-fold decision
    values over `cv` stratified folds, one-sided Mann–Whitney U at level `alpha`).

    Measured at alpha = 0.05 on 3-class Gaussians in 8-D (200 source vs 100-200 target rows,
    40 draws each): rejected for 0% of pairs of copies, 2.5% of pairs of independent samples
    of one distribution, and 95% of pairs whose means differ by 0.3 σ per feature.
    """
    x = np.vstack([source, target])
    domain = np.r_[np.zeros(len(source), int), np.ones(len(target), int)]
    folds = StratifiedKFold(n_splits=min(cv, len(source), len(target)), shuffle=True,
                            random_state=seed)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000,
                                                               random_state=seed))
    with one_blas_thread():  # 20x faster on 2 cores (see tftransfer.blas)
        scores = cross_val_predict(model, x, domain, cv=folds, method="decision_function")
    test = mannwhitneyu(scores[len(source):], scores[:len(source)], alternative="greater")
    return bool(test.pvalue < alpha)


def validation_weights(train: np.ndarray, val: np.ndarray, target: np.ndarray, *, seed: int,
                       max_samples: Optional[int], classifier=None,
                       clip: Optional[Tuple[float, float]] = CLIP,
                       test_alpha: Optional[float] = None) -> np.ndarray:
    """w(x) = p_T(x) / p_S(x) at each source validation row, float64 (n_val,).

    The density ratio is estimated by a source-vs-target classifier fitted on the source
    training AND validation rows (label 0) against the target rows (label 1): more source
    rows give a better ratio, and `domain_classifier_weights` predicts each row out of fold,
    so a validation row's weight comes from a classifier that never saw it. The weights are
    normalised to mean 1 over all source rows used (an estimate of E_S[w] = 1), NOT over the
    validation rows: DEV's control variate needs their own mean to deviate from 1; IWCV
    self-normalises on top. `max_samples` caps the training and target rows (seeded
    subsample); every validation row is kept.

    With `test_alpha`, a classifier two-sample test (`domains_differ`) runs first and, when
    it cannot tell the domains apart at that level, every weight is exactly 1: the estimated
    ratios of two indistinguishable samples are noise (measured here: 0.71 to 1.33 for two
    copies of one sample), which would only add variance. The test uses its own standardised
    logistic regression, not `classifier`.
    """
    train = train[subsample(len(train), max_samples, seed)]
    target = target[subsample(len(target), max_samples, seed + 1)]
    source = np.concatenate([train, val]).reshape(len(train) + len(val), -1)
    target = target.reshape(len(target), -1)
    if test_alpha is not None and not domains_differ(source, target, alpha=test_alpha,
                                                     seed=seed):
        return np.ones(len(val))
    w = domain_classifier_weights(source, target, classifier=classifier, clip=clip, seed=seed)
    return np.asarray(w[len(train):], dtype=np.float64)
