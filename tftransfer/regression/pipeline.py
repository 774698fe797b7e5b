"""tf.data pipelines for real-valued targets: the regression twins of `data.pipeline`.

`tftransfer.data.pipeline` casts labels to int32 class indices; these keep float32 targets
of shape (n,) or (n, k) and otherwise build exactly the same streams with the same code
(`paired_streams`, `labelled_stream`: the same stateless per-pass shuffles, so a regression
run is reproducible and replica-safe in the same way).
In semi-supervised batches a NaN target marks an unlabelled target example (-1 in
classification), which `DomainAdaptationModel(task="regression")` masks out.
"""

from __future__ import annotations

import functools
from typing import Optional

import numpy as np
import tensorflow as tf

from tftransfer.data.pipeline import labelled_stream, paired_streams

__all__ = ["as_targets", "regression_labelled_dataset", "regression_paired_dataset"]


def as_targets(y, n: int, name: str, owner: str, allow_nan: bool = False) -> np.ndarray:
    """`y` as float32 targets of shape (n,) or (n, k); finite (NaN allowed with `allow_nan`)."""
    arr = np.asarray(y)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{owner}: `{name}` must be numeric regression targets. "
                        f"Received: {name} of dtype {arr.dtype}")
    if arr.ndim not in (1, 2) or arr.shape[0] != n:
        raise ValueError(f"{owner}: `{name}` must have shape ({n},) or ({n}, num_outputs). "
                         f"Received: {name} of shape {arr.shape}")
    arr = arr.astype(np.float32, copy=False)
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if bad.any():
        what = "finite or NaN (unlabelled)" if allow_nan else "finite"
        raise ValueError(f"{owner}: every value of `{name}` must be {what}. "
                         f"Received: {int(bad.sum())} other values")
    return arr


def regression_paired_dataset(source_x, source_y, target_x, target_y=None, *, batch_size: int,
                              seed: int, source_weight=None) -> tf.data.Dataset:
    """`paired_dataset` with float targets: `((x_s, y_s[, w_s]), (x_t[, y_t]))`, endless.

    Args:
        source_x: (n_s, *features) source inputs.
        source_y: (n_s,) or (n_s, k) source targets.
        target_x: (n_t, *features) target inputs.
        target_y: Optional (n_t,) or (n_t, k) target targets, NaN for unlabelled rows.
        batch_size: Global batch size per domain.
        seed: Shuffle seed (source `seed`, target `seed + 1`).
        source_weight: Optional (n_s,) importance weights.
    """
    return paired_streams("regression_paired_dataset", as_targets,
                          functools.partial(as_targets, allow_nan=True), source_x, source_y,
                          target_x, target_y, batch_size, seed, source_weight)


def regression_labelled_dataset(x, y, *, batch_size: int, shuffle: bool = False,
                                seed: Optional[int] = None, sample_weight=None,
                                repeat: bool = False,
                                drop_remainder: bool = False) -> tf.data.Dataset:
    """`labelled_dataset` with float targets: `(x, y[, w])` batches (or `x` when y is None)."""
    return labelled_stream("regression_labelled_dataset", as_targets, x, y, batch_size, shuffle,
                           seed, sample_weight, repeat, drop_remainder)
