"""Validation shared by the transferability scores: features, probabilities, labels."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from tftransfer._checks import as_2d_float, as_labels, check_int

# How far a row of source probabilities may sum from 1 before it is taken for logits.
PROBABILITY_SUM_TOLERANCE = 1e-3


def target_labels(labels, n: int, *, owner: str, num_classes: Optional[int] = None,
                  name: str = "labels") -> Tuple[np.ndarray, int]:
    """`labels` as compact class indices 0..C-1 of the classes present, and C.

    Labels are non-negative integer class ids (not necessarily contiguous: a class with no
    example does not take part in any score). At least two classes must be present, since
    every score measures how well features or source predictions tell classes apart.
    """
    num_classes = check_int(num_classes, "num_classes", minimum=2, owner=owner, allow_none=True)
    y = as_labels(labels, n, name, owner=owner, num_classes=num_classes)
    if y.min() < 0:
        raise ValueError(f"{owner}: `{name}` must be non-negative class indices. "
                         f"Received: labels from {y.min()} to {y.max()}")
    classes, compact = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"{owner}: `{name}` must hold at least 2 classes (a score ranks how "
                         f"well classes are told apart). Received: only class {classes[0]}")
    return compact.reshape(-1), len(classes)


def features_and_labels(features, labels, *, owner: str, num_classes: Optional[int] = None,
                        min_rows: int = 2) -> Tuple[np.ndarray, np.ndarray, int]:
    """(features as finite float64 (n, d), compact labels, number of classes present)."""
    f = as_2d_float(features, "features", owner=owner, min_rows=min_rows)
    y, c = target_labels(labels, f.shape[0], owner=owner, num_classes=num_classes)
    return f, y, c


def source_probabilities(probabilities, *, owner: str, name: str = "source_probabilities") -> np.ndarray:
    """`probabilities` as finite float64 (n, Z) rows of a distribution over source classes.

    Rows must be non-negative and sum to 1 (within `PROBABILITY_SUM_TOLERANCE`); they are
    renormalised exactly. Logits are refused rather than silently passed through a softmax:
    the caller knows which its model outputs.
    """
    p = as_2d_float(probabilities, name, owner=owner)
    if p.min() < 0:
        raise ValueError(f"{owner}: `{name}` must be probabilities (>= 0, rows summing to 1; "
                         f"apply a softmax to logits first). Received: a minimum of {p.min():.4g}")
    sums = p.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > PROBABILITY_SUM_TOLERANCE:
        raise ValueError(f"{owner}: `{name}` rows must sum to 1 (apply a softmax to logits "
                         f"first). Received: row {worst} sums to {sums[worst]:.6g}")
    return p / sums[:, None]


def source_labels(predicted, n: Optional[int] = None, *, owner: str,
                  name: str = "source_labels_predicted") -> np.ndarray:
    """`predicted` as 1-D non-negative int source-class indices."""
    arr = np.asarray(predicted)
    if n is None:
        n = arr.shape[0] if arr.ndim >= 1 else 0
    z = as_labels(predicted, n, name, owner=owner)
    if z.size == 0:
        raise ValueError(f"{owner}: `{name}` must hold at least 1 label. Received: 0 labels")
    if z.min() < 0:
        raise ValueError(f"{owner}: `{name}` must be non-negative class indices. "
                         f"Received: labels from {z.min()} to {z.max()}")
    return z
