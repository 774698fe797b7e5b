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
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from tftransfer._checks import as_labels

#: Search range of log T (T from about 1e-4 to 1e4).
_LOG_T_RANGE = (-9.2, 9.2)


def _nll(scores: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    logits = scores / temperature
    finite = np.where(np.isfinite(logits), logits, -np.inf)
    return float(np.mean(logsumexp(finite, axis=1) - finite[np.arange(len(labels)), labels]))


def fit_temperature(scores, labels) -> float:
    """The temperature T minimising the negative log-likelihood of `labels` under softmax(scores / T).

    Args:
        scores: (n, C) class scores, higher = likelier; −inf marks a class a head never saw
            (it keeps probability 0). Every row needs a finite score.
        labels: (n,) class indices 0..C-1 (the columns of `scores`).

    Returns:
        T > 0. With perfectly separated scores the likelihood keeps growing as T → 0;
        the search stops at the lower end of its range (about 1e-4).

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
    result = minimize_scalar(lambda log_t: _nll(scores, labels, float(np.exp(log_t))),
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
