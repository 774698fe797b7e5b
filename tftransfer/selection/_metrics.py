"""Numpy metrics on logits (and regression predictions) shared by the validators (private)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import as_float_array, as_labels, check_choice, check_int

METRICS = ("accuracy", "cross_entropy")


def as_logits(logits, name: str, owner: str) -> np.ndarray:
    """`logits` as a finite float64 (n, C) array with n >= 1 and C >= 2."""
    arr = as_float_array(logits, name, owner=owner)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError(f"{owner}: `{name}` must have shape (n, num_classes >= 2). "
                         f"Received: {name} of shape {arr.shape}")
    return arr


def class_labels(y, logits: np.ndarray, name: str, owner: str) -> np.ndarray:
    """`y` as an int (n,) array of class indices in [0, C) for (n, C) `logits`."""
    return as_labels(y, logits.shape[0], name, owner=owner, num_classes=logits.shape[1])


def check_metric(metric, owner: str) -> str:
    return check_choice(metric, "metric", METRICS, owner=owner)


def check_max_samples(max_samples, owner: str) -> Optional[int]:
    """A cap on subsampled rows: None (no cap) or an int >= 2."""
    return check_int(max_samples, "max_samples", minimum=2, allow_none=True, owner=owner)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(logits))


def per_example_score(logits: np.ndarray, y: np.ndarray, metric: str) -> np.ndarray:
    """Per-example score, higher better: 1[correct] or −cross-entropy (nats)."""
    if metric == "accuracy":
        return (logits.argmax(axis=1) == y).astype(np.float64)
    return log_softmax(logits)[np.arange(len(y)), y]


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-example cross-entropy −log p(y | x) in nats."""
    return -log_softmax(logits)[np.arange(len(y)), y]


def entropy(logits: np.ndarray) -> np.ndarray:
    """Per-example Shannon entropy of softmax(logits) in nats."""
    log_p = log_softmax(logits)
    return -(np.exp(log_p) * log_p).sum(axis=1)


#: The validators that score a regression task (on squared error).
REGRESSION_VALIDATORS = ("source_val", "iwcv", "dev", "reverse_validation", "target_oracle")


def squared_errors(predictions, y, owner: str) -> np.ndarray:
    """Per-example squared error (1/k) Σ_j (ŷ_j − y_j)² of (n, k) predictions, float64 (n,)."""
    predictions = np.asarray(predictions, np.float64)
    targets = np.asarray(y, np.float64).reshape(len(predictions), -1)
    if targets.shape != predictions.shape:
        raise ValueError(f"{owner}: the targets must have the predictions' shape "
                         f"{predictions.shape}. Received: targets of shape {np.shape(y)}")
    return np.mean((predictions - targets) ** 2, axis=1)


def regression_metric(metric: str, owner: str) -> None:
    """A regression task is scored by squared error: only the default metric is accepted."""
    if metric != "accuracy":
        raise ValueError(f"{owner}: on a regression task the score is −(mean) squared error; "
                         f"`metric` must be left at its default. Received: metric={metric!r}")


def refuse_regression(outputs, owner: str) -> None:
    """A clear error for a validator that reads class probabilities, on regression outputs."""
    if outputs.is_regression:
        raise ValueError(
            f"{owner} reads class probabilities, so it cannot score a regression task. "
            f"Validators for regression: {', '.join(REGRESSION_VALIDATORS)}. "
            f"Received: the regression outputs of {outputs.name}")


def subsample(n: int, max_samples: Optional[int], seed: int) -> np.ndarray:
    """Sorted indices of at most `max_samples` of `n` rows (all of them when None), seeded."""
    if max_samples is None or n <= max_samples:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, max_samples, replace=False))
