"""Deep Embedded Validation (DEV)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_all_finite
from tftransfer.selection._density_ratio import check_alpha, validation_weights
from tftransfer.selection._metrics import (
    as_logits, check_max_samples, class_labels, cross_entropy, squared_errors)
from tftransfer.selection.base import Validator


def dev_risk(losses, weights) -> float:
    """The DEV risk estimate with its control variate (You et al., ICML 2019, Alg. 1).

        L_i = w_i ℓ_i,   η = −Cov(L, W) / Var(W),   R = mean(L) + η · mean(W) − η.

    Since E_S[w] = 1, η (mean(W) − 1) has expectation 0 and, with this η, minimises the
    variance of the estimate. With constant weights Var(W) = 0 and η is taken as 0.

    Args:
        losses: (n,) per-example validation losses ℓ_i.
        weights: (n,) density ratios w_i = p_T(x_i) / p_S(x_i) (not normalised on these n).

    Returns:
        The risk R (lower is better).
    """
    loss = np.asarray(losses, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if loss.ndim != 1 or loss.size == 0 or w.shape != loss.shape:
        raise ValueError(f"dev_risk: `losses` and `weights` must be non-empty 1-D arrays of "
                         f"one length. Received: losses of shape {loss.shape}, weights of "
                         f"shape {w.shape}")
    check_all_finite(loss, "losses", owner="dev_risk")
    check_all_finite(w, "weights", owner="dev_risk")
    weighted = w * loss
    var_w = np.var(w, ddof=1) if w.size > 1 else 0.0
    eta = 0.0 if var_w <= 1e-12 else -np.cov(weighted, w, ddof=1)[0, 1] / var_w
    return float(weighted.mean() + eta * w.mean() - eta)


class DeepEmbeddedValidation(Validator):
    """Deep Embedded Validation: importance weighting in the model's feature space, with a
    control variate.

    You, Wang, Chen, Wang & Jordan, "Towards Accurate Model Selection in Deep Unsupervised
    Domain Adaptation", ICML 2019, Algorithm 1 (eqs. 6–8). IWCV's density ratio is hard to
    estimate on raw inputs, so DEV estimates w(x) = p_T(F(x)) / p_S(F(x)) on the features F
    of the model being scored, with a source-vs-target domain classifier
    (`tftransfer.instance.domain_classifier_weights` on the source train + validation vs
    target train features, out of fold), and reduces the variance of the weighted risk with
    a control variate:

        L_i = w(x_i) ℓ(f(x_i), y_i),  W_i = w(x_i),   (x_i, y_i) ~ source validation,
        η = −Cov(L, W) / Var(W),
        R_DEV = mean(L) + η · mean(W) − η.

    ℓ is the cross-entropy (the squared error (1/k) ||f(x) − y||² on a regression task).
    Returns −R_DEV, so higher is better.

    Args:
        max_samples: Cap on the source-train and target rows fed to the domain classifier
            (seeded subsample; None keeps all). Every validation row is weighted.
        classifier: Optional scikit-learn domain classifier (see
            `domain_classifier_weights`); default standardised logistic regression.
        test_alpha: None (default, the paper's estimator) or the level of a classifier
            two-sample test run first; when it cannot tell the domains apart, w ≡ 1 and
            −R_DEV is the plain source-validation cross-entropy (see `IWCV`).
    """

    name = "dev"
    splits = ("source_train", "source_val", "target_train")

    def __init__(self, max_samples: Optional[int] = 2000, classifier=None,
                 test_alpha: Optional[float] = None):
        self.max_samples = check_max_samples(max_samples, self.name)
        self.classifier = classifier
        self.test_alpha = check_alpha(test_alpha, self.name)

    def _score(self, outputs, seed):
        val = outputs["source_val"]
        if val.is_regression:
            losses = squared_errors(val.logits, val.require_labels(self.name), self.name)
        else:
            logits = as_logits(val.logits, "logits", self.name)
            y = class_labels(val.require_labels(self.name), logits, "y", self.name)
            losses = cross_entropy(logits, y)
        features = [outputs[s].require_features(self.name)
                    for s in ("source_train", "source_val", "target_train")]
        weights = validation_weights(*features, seed=seed, max_samples=self.max_samples,
                                     classifier=self.classifier, test_alpha=self.test_alpha)
        return -dev_risk(losses, weights)
