"""tf.distribute in one place: strategy resolution and the cross-replica helpers the engine uses.

Batch sizes in tftransfer are GLOBAL: `batch_size=64` on 2 replicas gives each replica 32
examples per domain. Learning rates are never rescaled behind the user's back.

Loss scaling across replicas (why the helpers below exist): the optimizer SUMS the
per-replica gradients, so each replica must contribute its share of the global objective.
Per-example losses are summed locally and divided by the GLOBAL count (`global_mean`);
batch-statistic losses (MMD, CORAL, a domain discriminator over the joint batch) are computed
on the features gathered from all replicas (`all_gather`), so their value is that of the
global batch, and are then divided by the number of replicas.
"""

from __future__ import annotations

import tensorflow as tf

STRATEGIES = ("auto", "default", "one_device", "mirrored")


def resolve_strategy(name: str | tf.distribute.Strategy | None = "default") -> tf.distribute.Strategy:
    """Returns the strategy named by `name` (or `name` itself when it is a strategy).

    Args:
        name: "default" (no distribution), "one_device" (the first GPU, else the CPU),
            "mirrored" (all local GPUs, or all logical CPUs when there is no GPU), or "auto"
            (mirrored when more than one GPU is visible, else default).
    """
    if isinstance(name, tf.distribute.Strategy):
        return name
    if name is None or name == "default":
        return tf.distribute.get_strategy()
    gpus = tf.config.list_logical_devices("GPU")
    if name == "auto":
        return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    if name == "one_device":
        return tf.distribute.OneDeviceStrategy(gpus[0].name if gpus else "/cpu:0")
    if name == "mirrored":
        if gpus:
            return tf.distribute.MirroredStrategy()
        cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(cpus)
    raise ValueError(f"Unknown strategy {name!r}. Valid strategies: {', '.join(STRATEGIES)}")


def num_replicas() -> int:
    """Replicas taking part in the current step (1 outside any strategy)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # cross-replica context
        return tf.distribute.get_strategy().num_replicas_in_sync
    return ctx.num_replicas_in_sync


def all_gather(x: tf.Tensor) -> tf.Tensor:
    """Concatenates `x` from every replica along axis 0 (differentiable; identity on 1 replica).

    The gradient of `all_gather` sums the upstream gradients of all replicas, so a loss on the
    gathered tensor must be divided by the number of replicas (see the module docstring).
    """
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return x
    return ctx.all_gather(x, axis=0)


def global_sum(x: tf.Tensor) -> tf.Tensor:
    """Sum of `x` over all replicas (identity on 1 replica)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return x
    return ctx.all_reduce(tf.distribute.ReduceOp.SUM, x)


def global_mean(values: tf.Tensor, weights: tf.Tensor | None = None,
                normalizer: tf.Tensor | None = None) -> tf.Tensor:
    """This replica's share of the global mean of `values` (weighted by `weights`).

    Summed over replicas (as the optimizer does with gradients) it gives
    sum(weights * values) / normalizer over the global batch. `normalizer` defaults to the
    global number of examples (the Keras "sum_over_batch_size" convention); pass the global
    count of a mask to average over masked examples only.
    """
    values = tf.cast(values, tf.float32)
    local = tf.reduce_sum(values if weights is None else values * tf.cast(weights, tf.float32))
    if normalizer is None:
        normalizer = global_sum(tf.cast(tf.size(values), tf.float32))
    return local / tf.maximum(tf.stop_gradient(normalizer), 1.0)
