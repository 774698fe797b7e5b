"""tf.data pipelines for real-valued targets: the regression twins of `data.pipeline`.

`tftransfer.data.pipeline` casts labels to int32 class indices; these keep float32 targets
of shape (n,) or (n, k) and otherwise build exactly the same streams (the same stateless
per-pass shuffles, so a regression run is reproducible and replica-safe in the same way).
In semi-supervised batches a NaN target marks an unlabelled target example (-1 in
classification), which `DomainAdaptationModel(task="regression")` masks out.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import tensorflow as tf

from tftransfer._checks import as_samples, check_int, check_same_features
from tftransfer.data.pipeline import _as_weights, _reshuffled_batches

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
    owner = "regression_paired_dataset"
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    xs = as_samples(source_x, "source_x", owner=owner, dtype=np.float32)
    xt = as_samples(target_x, "target_x", owner=owner, dtype=np.float32)
    check_same_features(xs, xt, ("source_x", "target_x"), owner=owner)
    n_s, n_t = xs.shape[0], xt.shape[0]
    source = (xs, as_targets(source_y, n_s, "source_y", owner))
    if source_weight is not None:
        source += (_as_weights(source_weight, n_s, "source_weight", owner),)
    target = (xt,)
    if target_y is not None:
        target += (as_targets(target_y, n_t, "target_y", owner, allow_nan=True),)
    return tf.data.Dataset.zip((_reshuffled_batches(source, n_s, batch_size, seed),
                                _reshuffled_batches(target, n_t, batch_size, seed + 1))
                               ).prefetch(tf.data.AUTOTUNE)


def regression_labelled_dataset(x, y, *, batch_size: int, shuffle: bool = False,
                                seed: Optional[int] = None, sample_weight=None,
                                repeat: bool = False,
                                drop_remainder: bool = False) -> tf.data.Dataset:
    """`labelled_dataset` with float targets: `(x, y[, w])` batches (or `x` when y is None)."""
    owner = "regression_labelled_dataset"
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, allow_none=True, owner=owner)
    x = as_samples(x, "x", owner=owner, dtype=np.float32)
    n = x.shape[0]
    if y is None:
        tensors = x
    else:
        tensors = (x, as_targets(y, n, "y", owner))
        if sample_weight is not None:
            tensors += (_as_weights(sample_weight, n, "sample_weight", owner),)
    if shuffle and repeat:
        return _reshuffled_batches(tensors, n, batch_size, seed or 0,
                                   drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(buffer_size=n, seed=seed, reshuffle_each_iteration=True)
    elif repeat:
        ds = ds.repeat()
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
