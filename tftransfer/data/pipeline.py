"""tf.data pipelines: paired source/target batches for adaptation, labelled batches.

Batch sizes here are GLOBAL batch sizes: under a `tf.distribute` strategy, Keras splits
each batch across the replicas (`batch_size=64` on 2 replicas gives 32 samples each), so
losses must be averaged over the global batch.

The paired pipeline is, per domain,

    from_tensor_slices -> endless passes, each shuffled over the whole domain with a seed
    derived from (seed, pass) -> batch(drop_remainder)

then `zip(source, target)` and `prefetched` (two batches ahead). It is infinite: each domain
cycles on its own, reshuffled every pass, so the smaller domain never truncates the larger one
(a plain `Dataset.zip` of finite datasets would stop at the shorter). Train with
`steps_per_epoch(n_source, n_target, batch_size)` steps per epoch.

The arrays are embedded in the graph as constants (`from_tensor_slices`), which suits data
that fits in memory (the protobuf limit is 2 GB).
"""

from __future__ import annotations

import math
from typing import Callable, Optional

import numpy as np
import tensorflow as tf

from tftransfer._checks import as_labels, as_samples, check_int, check_same_features

__all__ = ["paired_dataset", "labelled_dataset", "steps_per_epoch", "steps_per_epoch_at_least",
           "prefetched"]


def _as_labels(y, n: int, name: str, owner: str) -> np.ndarray:
    return as_labels(y, n, name, owner=owner).astype(np.int32)


def _as_weights(w, n: int, name: str, owner: str) -> np.ndarray:
    w = np.asarray(w)
    if w.shape != (n,):
        raise ValueError(f"{owner}: `{name}` must have shape ({n},), one weight per sample. "
                         f"Received: {name} of shape {w.shape}")
    if not (np.issubdtype(w.dtype, np.number) or w.dtype == np.bool_):
        raise TypeError(f"{owner}: `{name}` must be numeric. Received: {name} of dtype {w.dtype}")
    w = w.astype(np.float32, copy=False)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(
            f"{owner}: `{name}` must be finite and >= 0. Received: min {float(np.nanmin(w))} "
            f"and {int((~np.isfinite(w)).sum())} non-finite values"
        )
    return w


#: Batches each pipeline prepares ahead of the train step.
PREFETCH_BATCHES = 2


def prefetched(ds: tf.data.Dataset) -> tf.data.Dataset:
    """`ds` prefetching `PREFETCH_BATCHES` batches, with tf.data's autotuning off.

    The autotuner's background thread sleeps between optimisation rounds, for ever longer
    periods, and deleting an iterator waits for it to wake: on the Office-Caltech grid about
    a third of the `fit` calls ended with a stall of 1.5 s or more, mostly 1.5–4 s (measured;
    in a probe, 5 of 22 runs stalled with it and none of 22 without). These pipelines gather
    whole batches from memory with no parallel map, so there is nothing for it to tune.
    Prefetching does not change which batches come, only when they are made.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.prefetch(PREFETCH_BATCHES).with_options(options)


def _reshuffled_batches(tensors, n: int, batch_size: int, seed: int,
                        drop_remainder: bool = True) -> tf.data.Dataset:
    """Endless passes over `tensors` in batches, pass i shuffled by a permutation of (seed, i).

    Unlike `shuffle(reshuffle_each_iteration=True).repeat()`, whose seed generator moves on
    with every new iterator, every iterator of this dataset yields the same stream: the one
    tf.distribute creates for its replicas sees exactly the batches a single device would.
    Batches of indices are gathered from the arrays at once, which is cheaper than per-example,
    and are cut from the passes' permutations, whole tensors, by `rebatch` (a batch may span
    two passes): the batches `unbatch().batch()` would make, with one copy instead of a
    dataset element per index (measured: 139–141 → 128 µs a paired batch of 64 + 64).
    """
    tensors = tf.nest.map_structure(tf.constant, tensors)
    seed_t = tf.constant(seed, tf.int64)

    def one_pass(i):
        return tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([seed_t, i]))

    return (tf.data.Dataset.counter().map(one_pass)
            .rebatch(batch_size, drop_remainder=drop_remainder)
            .map(lambda idx: tf.nest.map_structure(lambda t: tf.gather(t, idx), tensors)))


def paired_dataset(
    source_x,
    source_y,
    target_x,
    target_y=None,
    *,
    batch_size: int,
    seed: int,
    source_weight=None,
) -> tf.data.Dataset:
    """An infinite dataset of paired source and target batches for domain adaptation.

    Each domain is shuffled over its whole size with its own seed (`seed` for the source,
    `seed + 1` for the target), reshuffled on every pass, repeated forever and batched with
    `drop_remainder=True`, so every batch has exactly `batch_size` samples (even when a
    domain is smaller than one batch). The two streams are then zipped and prefetched.

    Elements (the target part is always a tuple):

    - `((x_s, y_s), (x_t,))` by default;
    - `((x_s, y_s, w_s), (x_t,))` with `source_weight` (importance weights);
    - `((x_s, y_s), (x_t, y_t))` with `target_y` (-1 marks an unlabelled target sample);
    - `((x_s, y_s, w_s), (x_t, y_t))` with both.

    Dtypes: x float32, y int32, w float32.

    Args:
        source_x: Source features, shape `(n_s, *features)`.
        source_y: Source labels, shape `(n_s,)`.
        target_x: Target features, shape `(n_t, *features)` (same feature shape).
        target_y: Optional target labels, shape `(n_t,)`; -1 for unlabelled samples.
        batch_size: GLOBAL batch size per domain, >= 1 (tf.distribute splits it across
            replicas). May exceed a domain's size.
        seed: Shuffle seed, >= 0; the same seed gives the same batch order.
        source_weight: Optional per-sample source weights, shape `(n_s,)`, finite, >= 0.

    Returns:
        An infinite, prefetched `tf.data.Dataset`; bound an epoch with
        `steps_per_epoch(n_s, n_t, batch_size)`.

    Raises:
        TypeError: If an array has a non-numeric dtype or an int argument is not an int.
        ValueError: If shapes disagree, an array is empty, `batch_size < 1` or `seed < 0`.

    Example:
        >>> ds = paired_dataset(xs, ys, xt, batch_size=32, seed=0)
        >>> (x_s, y_s), (x_t,) = next(iter(ds))
        >>> model.fit(ds, epochs=10, steps_per_epoch=steps_per_epoch(len(xs), len(xt), 32))
    """
    return paired_streams("paired_dataset", _as_labels, _as_labels, source_x, source_y,
                          target_x, target_y, batch_size, seed, source_weight)


def paired_streams(owner: str, source_labels: Callable, target_labels: Callable, source_x,
                   source_y, target_x, target_y, batch_size, seed, source_weight):
    """The body of `paired_dataset` and its regression twin, which differ in their labels.

    `source_labels(y, n, name, owner)` / `target_labels(...)` check and convert the source
    and target labels (class indices, or real-valued targets); `owner` names the caller in
    error messages. The other arguments are `paired_dataset`'s.
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    xs = as_samples(source_x, "source_x", owner=owner, dtype=np.float32)
    xt = as_samples(target_x, "target_x", owner=owner, dtype=np.float32)
    check_same_features(xs, xt, ("source_x", "target_x"), owner=owner)
    n_s, n_t = xs.shape[0], xt.shape[0]
    source = (xs, source_labels(source_y, n_s, "source_y", owner))
    if source_weight is not None:
        source += (_as_weights(source_weight, n_s, "source_weight", owner),)
    target = (xt,)
    if target_y is not None:
        target += (target_labels(target_y, n_t, "target_y", owner),)
    return prefetched(tf.data.Dataset.zip(
        (
            _reshuffled_batches(source, n_s, batch_size, seed),
            _reshuffled_batches(target, n_t, batch_size, seed + 1),
        )
    ))


def steps_per_epoch(n_source: int, n_target: int, batch_size: int) -> int:
    """Steps in one epoch of `paired_dataset`: one pass over the LARGER domain.

    `ceil(max(n_source, n_target) / batch_size)`. Because the paired pipeline repeats before
    batching, the first `max(n_source, n_target)` samples drawn from the larger domain are a
    permutation of it: in one epoch every one of its samples is seen at least once (exactly
    once when the size is a multiple of `batch_size`), while the smaller domain cycles.

    Args:
        n_source: Number of source samples, >= 1.
        n_target: Number of target samples, >= 0 (0 for a single-domain stream).
        batch_size: Global batch size, >= 1.

    Returns:
        The number of steps, >= 1.
    """
    n_source = check_int(n_source, "n_source", minimum=1, owner="steps_per_epoch")
    n_target = check_int(n_target, "n_target", minimum=0, owner="steps_per_epoch")
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner="steps_per_epoch")
    return math.ceil(max(n_source, n_target) / batch_size)


def steps_per_epoch_at_least(minimum: int, n_source: int, n_target: int, batch_size: int) -> int:
    """`minimum` steps, or one pass over the larger domain (`steps_per_epoch`) where that is
    more: the budget of the command line and `auto.fit` (50 steps of 32 by default, the
    benchmark modules' budget that every method's defaults were chosen with, so a small
    dataset is not left with a handful of steps; a large one still gets whole passes).
    """
    minimum = check_int(minimum, "minimum", minimum=1, owner="steps_per_epoch_at_least")
    return max(minimum, steps_per_epoch(n_source, n_target, batch_size))


def labelled_dataset(
    x,
    y,
    *,
    batch_size: int,
    shuffle: bool = False,
    seed: Optional[int] = None,
    sample_weight=None,
    repeat: bool = False,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """A dataset of labelled batches, for evaluation or supervised training.

    Pipeline: from_tensor_slices -> [shuffle(buffer=n, seed)] -> [repeat()] ->
    batch(batch_size, drop_remainder) -> `prefetched`.

    Args:
        x: Features, shape `(n, *features)`; converted to float32.
        y: Integer labels, shape `(n,)`; converted to int32. None yields features only
            (for `predict`).
        batch_size: GLOBAL batch size, >= 1 (tf.distribute splits it across replicas).
        shuffle: Whether to shuffle over the whole set, reshuffling every pass.
        seed: Shuffle seed (>= 0); None gives a nondeterministic order.
        sample_weight: Optional per-sample weights, shape `(n,)`, finite, >= 0; float32.
        repeat: Whether to repeat forever.
        drop_remainder: Whether to drop a last, smaller batch (fixed batch shape).

    Returns:
        A prefetched `tf.data.Dataset` of `(x, y)`, `(x, y, w)` or, when `y` is None, `x`.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If shapes disagree, `x` is empty, `batch_size < 1`, or
            `sample_weight` is given without `y`.

    Example:
        >>> ds = labelled_dataset(task.target_test.x, task.target_test.y, batch_size=256)
        >>> model.evaluate(ds)
    """
    return labelled_stream("labelled_dataset", _as_labels, x, y, batch_size, shuffle, seed,
                           sample_weight, repeat, drop_remainder, weights_need_labels=True)


def labelled_stream(owner: str, labels: Callable, x, y, batch_size, shuffle, seed, sample_weight,
                    repeat, drop_remainder, weights_need_labels: bool = False):
    """The body of `labelled_dataset` and its regression twin, which differ in their labels.

    `labels(y, n, name, owner)` checks and converts `y`; `owner` names the caller in error
    messages; `weights_need_labels` makes `sample_weight` without `y` an error (otherwise
    it is ignored). The other arguments are `labelled_dataset`'s.
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=owner)
    seed = check_int(seed, "seed", minimum=0, allow_none=True, owner=owner)
    x = as_samples(x, "x", owner=owner, dtype=np.float32)
    n = x.shape[0]
    if y is None:
        if sample_weight is not None and weights_need_labels:
            raise ValueError(f"{owner}: `sample_weight` needs labels `y`. Received: y=None")
        tensors = x
    else:
        tensors = (x, labels(y, n, "y", owner))
        if sample_weight is not None:
            tensors += (_as_weights(sample_weight, n, "sample_weight", owner),)
    if shuffle and repeat:
        ds = _reshuffled_batches(tensors, n, batch_size, seed if seed is not None else 0,
                                 drop_remainder=drop_remainder)
        return prefetched(ds)
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(buffer_size=n, seed=seed, reshuffle_each_iteration=True)
    elif repeat:
        ds = ds.repeat()
    return prefetched(ds.batch(batch_size, drop_remainder=drop_remainder))
