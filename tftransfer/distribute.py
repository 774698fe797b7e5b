"""tf.distribute in one place: strategy resolution and the cross-replica helpers the engine uses.

Batch sizes in tftransfer are GLOBAL: `batch_size=64` on 2 replicas gives each replica 32
examples per domain. Learning rates are never rescaled behind the user's back.

Loss scaling across replicas (why the helpers below exist): the optimizer SUMS the
per-replica gradients, so each replica must contribute its share of the global objective.
Per-example losses are summed locally and divided by the GLOBAL count (`global_mean`);
batch-statistic losses (MMD, CORAL, a domain discriminator over the joint batch) are computed
on the features gathered from all replicas (`all_gather`), so their value is that of the
global batch, and are then divided by the number of replicas; `all_gather` routes the
gradient so that the sum over replicas is the gradient of the global-batch loss.
"""

from __future__ import annotations

import tensorflow as tf

STRATEGIES = ("auto", "default", "one_device", "mirrored")

# One strategy object per device set for the whole process: a second MirroredStrategy over
# the same devices restarts the collective instance keys that the runtime has already seen,
# and its first step aborts with "Shape mismatch in the collective instance" (TF #62790).
_CACHE: dict = {}


def _cached(kind, devices, make):
    key = (kind, tuple(devices))
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def resolve_strategy(name: str | tf.distribute.Strategy | None = "default") -> tf.distribute.Strategy:
    """Returns the strategy named by `name` (or `name` itself when it is a strategy).

    Args:
        name: "default" (no distribution), "one_device" (the first GPU, else the CPU),
            "mirrored" (all local GPUs, or all logical CPUs when there is no GPU), or "auto"
            (mirrored when more than one GPU is visible, else default).

    Strategies are created once per process and device set, then reused.
    """
    if isinstance(name, tf.distribute.Strategy):
        return name
    if name is None or name == "default":
        return tf.distribute.get_strategy()
    gpus = [d.name for d in tf.config.list_logical_devices("GPU")]
    if name == "auto":
        name = "mirrored" if len(gpus) > 1 else "default"
        if name == "default":
            return tf.distribute.get_strategy()
    if name == "one_device":
        device = gpus[0] if gpus else "/cpu:0"
        return _cached("one_device", [device], lambda: tf.distribute.OneDeviceStrategy(device))
    if name == "mirrored":
        devices = gpus or [d.name for d in tf.config.list_logical_devices("CPU")]
        return _cached("mirrored", devices, lambda: tf.distribute.MirroredStrategy(devices))
    raise ValueError(f"Unknown strategy {name!r}. Valid strategies: {', '.join(STRATEGIES)}")


def num_replicas() -> int:
    """Replicas taking part in the current step (1 outside any strategy)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # cross-replica context
        return tf.distribute.get_strategy().num_replicas_in_sync
    return ctx.num_replicas_in_sync


def all_gather(x: tf.Tensor) -> tf.Tensor:
    """`x` from every replica concatenated along axis 0, for losses on the global batch.

    The value is the global batch; the gradient reaches only this replica's own block,
    multiplied by the number of replicas N. With the loss divided by N (as the engine does
    for every adaptation loss) this gives each replica's features exactly the gradient of the
    global-batch loss, and each replica 1/N of the gradient of the loss's own parameters (a
    discriminator's), which the optimizer's SUM across replicas makes whole again.

    No gradient flows through a collective: one SUM all-reduce in the forward pass, each
    replica contributing a zero tensor of the global size holding its block at its offset.
    (Differentiating through `ReplicaContext.all_gather` or `all_reduce` lets the backward
    collectives of different replicas pair up in different orders, which aborts the step
    with "Shape mismatch in the collective instance".) All replicas must hold the same batch
    size, which the pipelines guarantee with `drop_remainder=True`. Identity on 1 replica.
    """
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return x
    n = ctx.num_replicas_in_sync
    slot = tf.reshape(tf.one_hot(ctx.replica_id_in_sync_group, n, dtype=x.dtype),
                      [n] + [1] * len(x.shape))
    gathered = ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.stop_gradient(slot * x[None]))
    live = slot * (n * x[None])
    mixed = gathered + (live - tf.stop_gradient(live))  # value: gathered; gradient: own block
    return tf.reshape(mixed, tf.concat([[-1], tf.shape(x)[1:]], 0))


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
