"""Importance-weighted cross-validation (IWCV)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_choice
from tftransfer.selection._density_ratio import check_alpha, validation_weights
from tftransfer.selection._metrics import (
    as_logits, check_max_samples, check_metric, class_labels, per_example_score,
    regression_metric, squared_errors)
from tftransfer.selection.base import Validator

SPACES = ("input", "features")


def iwcv_score(logits, y, weights, metric: str = "accuracy") -> float:
    """Self-normalised importance-weighted score: Σ w_i m_i / Σ w_i (higher is better).

    With constant weights it is exactly the plain (unweighted) source validation score.

    Args:
        logits: (n, C) source validation logits.
        y: (n,) integer source validation labels.
        weights: (n,) non-negative importance weights w(x_i) = p_T(x_i) / p_S(x_i), not all 0.
        metric: "accuracy" or "cross_entropy" (m_i = log p(y_i | x_i), the negated loss).
    """
    owner = "iwcv_score"
    metric = check_metric(metric, owner)
    logits = as_logits(logits, "logits", owner)
    y = class_labels(y, logits, "y", owner)
    w = _check_weights(weights, y.shape, owner)
    return _weighted_mean(per_example_score(logits, y, metric), w)


def _check_weights(weights, shape, owner: str) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != shape:
        raise ValueError(f"{owner}: `weights` must have shape {shape}, one per label. "
                         f"Received: weights of shape {w.shape}")
    if not np.all(np.isfinite(w)) or w.min() < 0 or w.sum() <= 0:
        raise ValueError(f"{owner}: `weights` must be finite, >= 0 and not all 0. "
                         f"Received: weights with min {np.min(w)!r}, sum {np.sum(w)!r}")
    return w


def _weighted_mean(scores: np.ndarray, w: np.ndarray) -> float:
    # Normalised to mean 1 first, so constant weights give the plain mean bit for bit.
    w = w / w.mean()
    return float(np.mean(w * scores))


def iwcv_regression_score(predictions, y, weights) -> float:
    """−Σ w_i e_i / Σ w_i with e_i = (1/k) ||ŷ_i − y_i||², the importance-weighted squared
    error of regression predictions, negated (higher is better).

    Args:
        predictions: (n, k) source validation predictions.
        y: (n,) or (n, k) source validation targets.
        weights: (n,) non-negative importance weights, not all 0.
    """
    owner = "iwcv_regression_score"
    errors = squared_errors(predictions, y, owner)
    return -_weighted_mean(errors, _check_weights(weights, errors.shape, owner))


class IWCV(Validator):
    """Importance-weighted validation on the source validation split.

    Sugiyama, Krauledat & Müller, "Covariate Shift Adaptation by Importance Weighted Cross
    Validation", JMLR 8 (2007), eq. (9): under covariate shift the target risk is the source
    risk reweighted by the density ratio w(x) = p_T(x) / p_S(x),

        R_T(f) ≈ (1/n_v) Σ_i w(x_i) ℓ(f(x_i), y_i),   (x_i, y_i) ~ source validation.

    Here w is estimated by a source-vs-target domain classifier
    (`tftransfer.instance.domain_classifier_weights`: logistic regression, out-of-fold and
    Platt-calibrated, clipped to [0.01, 100]), fitted on the source train + validation rows
    against `task.target_train` (no target labels). The weights are self-normalised to mean
    1 on the validation rows, so the score is Σ w_i m_i / Σ w_i with m_i = 1[correct]
    (accuracy) or m_i = −ℓ_i (cross-entropy, negated): when the two domains are the same
    (constant weights) it equals `source_val` exactly. Higher is better. On a regression
    task m_i = −(1/k) ||f(x_i) − y_i||² (`iwcv_regression_score`), the weighted squared
    error of Sugiyama et al.'s regression experiments.

    Before weighting, a classifier two-sample test (Lopez-Paz & Oquab, ICLR 2017; one-sided
    Mann–Whitney U on the out-of-fold domain scores, level `test_alpha`) checks that the
    domains differ at all; when it cannot tell them apart, w ≡ 1 and IWCV is exactly
    `source_val` (the estimated ratios of indistinguishable samples are pure noise, 0.7 to
    1.3 on two copies of one sample). This gate is a tftransfer addition to the paper;
    `test_alpha=None` always weights.

    Args:
        metric: "accuracy" (default) or "cross_entropy" (returned negated).
        space: Where the density ratio is estimated: "input" (the paper's, flattened inputs;
            default) or "features" (the model's features, as DEV does).
        max_samples: Cap on the source-train and target rows fed to the domain classifier
            (a seeded subsample; None keeps all). Every validation row is weighted.
        classifier: Optional scikit-learn domain classifier (see
            `domain_classifier_weights`); default standardised logistic regression.
        test_alpha: Level of the two-sample test (default 0.05), or None to skip it.
    """

    name = "iwcv"
    splits = ("source_train", "source_val", "target_train")

    def __init__(self, metric: str = "accuracy", space: str = "input",
                 max_samples: Optional[int] = 2000, classifier=None,
                 test_alpha: Optional[float] = 0.05):
        self.metric = check_metric(metric, self.name)
        self.space = check_choice(space, "space", SPACES, owner=self.name)
        self.max_samples = check_max_samples(max_samples, self.name)
        self.classifier = classifier
        self.test_alpha = check_alpha(test_alpha, self.name)

    def _score(self, outputs, seed):
        val = outputs["source_val"]
        if self.space == "features":
            arrays = [outputs[s].require_features(self.name)
                      for s in ("source_train", "source_val", "target_train")]
        else:
            task = outputs.task
            arrays = [task.source_train.x, task.source_val.x, task.target_train.x]
        weights = validation_weights(*arrays, seed=seed, max_samples=self.max_samples,
                                     classifier=self.classifier, test_alpha=self.test_alpha)
        if val.is_regression:
            regression_metric(self.metric, self.name)
            return iwcv_regression_score(val.logits, val.require_labels(self.name), weights)
        return iwcv_score(val.logits, val.require_labels(self.name), weights, self.metric)
