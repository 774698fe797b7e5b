"""Temperature scaling of a shallow classifier's class scores into logits.

The shallow classifiers' scores live on their own scales (−distances for 1-NN, SVM decision
values, MEDA's regression outputs; `ShallowClassifier`), so their softmax is no probability:
−distances of tens of units give a near one-hot softmax whatever the evidence, regression
outputs in [0, 1] a near-uniform one. Validators that read probabilities (entropy, SND, the
losses of DEV / IWCV) and `auto`, which compares candidates by them, need a common scale.

Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017)
fits one scalar T > 0 on labelled held-out data and uses softmax(s / T):

    T* = argmin_T  − Σ_i log softmax(s_i / T)[y_i]

Fitted on the labelled *source* validation split only, it reads no target label; it does not
change any argmax (predictions and accuracies are untouched). A deep model's softmax is used
as trained (its cross-entropy training is what fits its scale).

When the split is perfectly separated (every score ranks its true class first, as on DeCAF's
near-saturated tasks) the likelihood grows without bound as T → 0: the maximum-likelihood T
is 0 and the softmax one-hot, an entropy of 1e-50 that says nothing of the evidence yet wins
every entropy comparison. The fit therefore uses Laplace's rule of succession: after n
validation samples the error rate is not known to be below 1 / (n + 2), so the labels are
smoothed by ε = 1 / (n + 2) (1 − ε on the true class, ε spread evenly over the classes with
a finite score):

    T* = argmin_T  Σ_i [ logsumexp(s_i / T) − (1 − ε) s_{i,y_i} / T − ε mean_c s_{i,c} / T ]

With hundreds of samples this moves T by little; on a separated split it gives the finite T
whose confidence matches 1 − ε.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from tftransfer._checks import as_labels

#: Search range of log T (T from about 1e-4 to 1e4).
_LOG_T_RANGE = (-9.2, 9.2)


def _smoothed_nll(scores: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    logits = scores / temperature
    finite = np.isfinite(logits)
    # Mean logit over the classes with a finite score (−inf classes keep probability 0).
    mean_finite = np.where(finite, logits, 0.0).sum(axis=1) / finite.sum(axis=1)
    epsilon = 1.0 / (len(labels) + 2)
    target = (1 - epsilon) * logits[np.arange(len(labels)), labels] + epsilon * mean_finite
    return float(np.mean(logsumexp(logits, axis=1) - target))


def fit_temperature(scores, labels) -> float:
    """The temperature T minimising the smoothed negative log-likelihood of `labels`
    under softmax(scores / T).

    Args:
        scores: (n, C) class scores, higher = likelier; −inf marks a class a head never saw
            (it keeps probability 0). Every row needs a finite score.
        labels: (n,) class indices 0..C-1 (the columns of `scores`).

    Returns:
        T > 0, minimising the label-smoothed negative log-likelihood (ε = 1 / (n + 2), the
        module docstring): finite also when the scores separate the classes perfectly.

    Raises:
        ValueError: bad shapes, labels out of range, a row without a finite score, or a
            true class whose score is −inf (its likelihood is 0 at any T).
    """
    scores = np.asarray(scores, np.float64)
    if scores.ndim != 2 or len(scores) == 0:
        raise ValueError("fit_temperature: `scores` must be a non-empty (n, C) array. "
                         f"Received: shape {scores.shape}")
    if np.isnan(scores).any() or np.isposinf(scores).any():
        raise ValueError("fit_temperature: `scores` must not hold NaN or +inf")
    labels = as_labels(labels, len(scores), "labels", owner="fit_temperature",
                       num_classes=scores.shape[1])
    if not np.isfinite(scores).any(axis=1).all():
        raise ValueError("fit_temperature: every row of `scores` needs a finite score")
    if not np.isfinite(scores[np.arange(len(labels)), labels]).all():
        raise ValueError("fit_temperature: a sample's true class has score -inf (a class the "
                         "classifier never saw); no temperature gives it a likelihood")
    result = minimize_scalar(lambda log_t: _smoothed_nll(scores, labels, float(np.exp(log_t))),
                             bounds=_LOG_T_RANGE, method="bounded", options={"xatol": 1e-4})
    return float(np.exp(result.x))


def scaled_logits(scores, temperature: float) -> np.ndarray:
    """`scores / temperature` as float64 logits, −inf kept (probability 0)."""
    scores = np.asarray(scores, np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scaled_logits: `scores` must be (n, C). Received: shape {scores.shape}")
    if not temperature > 0:
        raise ValueError(f"scaled_logits: `temperature` must be > 0. Received: {temperature!r}")
    return scores / temperature
