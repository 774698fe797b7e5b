"""Numpy metrics on logits shared by the validators (private)."""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from tftransfer.selection._outputs import check_finite

METRICS = ("accuracy", "cross_entropy")


def as_logits(logits, what: str = "logits") -> np.ndarray:
    """`logits` as a finite float64 (n, C) array with n >= 1 and C >= 2."""
    try:
        arr = np.asarray(logits, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what} must be a numeric array, got {type(logits).__name__}") from err
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError(f"{what} must have shape (n, num_classes >= 2), got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{what} is empty (shape {arr.shape}); nothing to score.")
    return check_finite(arr, what)


def as_labels(y, logits: np.ndarray, what: str = "labels") -> np.ndarray:
    """`y` as an int (n,) array of class indices matching `logits`."""
    arr = np.asarray(y)
    if arr.shape != (logits.shape[0],):
        raise ValueError(f"{what} must have shape ({logits.shape[0]},), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{what} must be integer class indices, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= logits.shape[1]:
        raise ValueError(f"{what} must lie in [0, {logits.shape[1]}), "
                         f"got min {int(arr.min())} and max {int(arr.max())}")
    return arr.astype(np.int64)


def check_metric(metric: str, owner: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"{owner}: unknown metric {metric!r}. "
                         f"Valid metrics: {', '.join(map(repr, METRICS))}")
    return metric


def check_positive_float(value, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{owner}: `{name}` must be a finite real > 0, got {value!r}")
    return float(value)


def check_optional_int(value, name: str, owner: str, minimum: int) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{owner}: `{name}` must be None or an int >= {minimum}, got {value!r}")
    return int(value)


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


def subsample(n: int, max_samples: Optional[int], seed: int) -> np.ndarray:
    """Sorted indices of at most `max_samples` of `n` rows (all of them when None), seeded."""
    if max_samples is None or n <= max_samples:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, max_samples, replace=False))
