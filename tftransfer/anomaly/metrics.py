"""ROC-AUC of anomaly scores."""

from __future__ import annotations

import numpy as np

from tftransfer._checks import as_float_array, as_labels


def roc_auc(is_anomaly, scores) -> float:
    """Area under the ROC curve of `scores` (higher = more anomalous) for `is_anomaly`.

    The probability that a random anomaly scores higher than a random normal point, ties
    counting one half (the Mann-Whitney U statistic divided by n_anomalies · n_normal;
    Hanley & McNeil, Radiology 1982). 0.5 is chance, 1 a perfect ranking.

    Args:
        is_anomaly: Shape (n,), 1 (or True) for an anomaly, 0 for a normal point; both
            kinds must occur.
        scores: Shape (n,), finite.

    Returns:
        The AUC as a float in [0, 1].

    Raises:
        ValueError: If the shapes differ, a value is not finite, a label is not 0/1, or
            one kind is missing.
    """
    owner = "roc_auc"
    s = as_float_array(scores, "scores", ndim=1, owner=owner)
    y = as_labels(np.asarray(is_anomaly).astype(np.int64) if np.asarray(is_anomaly).dtype
                  == np.bool_ else is_anomaly, len(s), "is_anomaly", owner=owner, num_classes=2)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"{owner}: `is_anomaly` must hold both anomalies (1) and normal "
                         f"points (0). Received: {n_pos} anomalies, {n_neg} normal points")
    # Average ranks (ties share their mean rank).
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), np.float64)
    sorted_s = s[order]
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    mean_rank = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, counts)
    u = ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))
