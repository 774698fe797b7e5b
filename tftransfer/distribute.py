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

Several machines: "multi_worker" is a `tf.distribute.MultiWorkerMirroredStrategy` whose
cluster comes from the `TF_CONFIG` environment variable. Keras 3.15's `Model.fit` fails under
it, so the engine trains through `tftransfer.distributed_loop` there (same `train_step`).
Only the chief writes files (`is_chief`). See docs/distributed.md.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

STRATEGIES = ("auto", "default", "one_device", "mirrored", "multi_worker")

# One strategy object per device set for the whole process: a second MirroredStrategy over
# the same devices restarts the collective instance keys that the runtime has already seen,
# and its first step aborts with "Shape mismatch in the collective instance" (TF #62790).
_CACHE: dict = {}


def _cached(kind, devices, make):
    key = (kind, tuple(devices))
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def tf_config_workers() -> int:
    """Number of training tasks (chief + workers) in the `TF_CONFIG` cluster; 0 when unset."""
    raw = os.environ.get("TF_CONFIG", "").strip()
    if not raw:
        return 0
    try:
        cluster = json.loads(raw).get("cluster", {})
    except (ValueError, AttributeError) as error:
        raise ValueError("The environment variable TF_CONFIG must be a JSON object with "
                         f"'cluster' and 'task'. Received: TF_CONFIG={raw!r} ({error})") from None
    return len(cluster.get("chief", [])) + len(cluster.get("worker", []))


def resolve_strategy(name: str | tf.distribute.Strategy | None = "default") -> tf.distribute.Strategy:
    """Returns the strategy named by `name` (or `name` itself when it is a strategy).

    Args:
        name: "default" (no distribution), "one_device" (the first GPU, else the CPU),
            "mirrored" (all local GPUs, or all logical CPUs when there is no GPU),
            "multi_worker" (`MultiWorkerMirroredStrategy` over the cluster in `TF_CONFIG`,
            each worker using its local GPUs, else its CPU), or "auto" (multi_worker when
            `TF_CONFIG` names several tasks, else mirrored when more than one GPU is visible,
            else default).

    Strategies are created once per process and device set, then reused. A
    `MultiWorkerMirroredStrategy` must be created before TensorFlow initialises its devices
    (before any op runs in the process): resolve it first.
    """
    if isinstance(name, tf.distribute.Strategy):
        return name
    if name is None or name == "default":
        return tf.distribute.get_strategy()
    if name not in STRATEGIES:
        raise ValueError(f"Unknown strategy {name!r}. Valid strategies: {', '.join(STRATEGIES)}")
    # Decided before listing devices: listing them initialises the runtime, after which a
    # multi-worker strategy can no longer configure its collectives.
    if name == "multi_worker" or (name == "auto" and tf_config_workers() > 1):
        return _cached("multi_worker", [], tf.distribute.MultiWorkerMirroredStrategy)
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
    raise AssertionError(f"unhandled strategy {name!r}")  # every name of STRATEGIES is above


def is_multi_worker(strategy: tf.distribute.Strategy | None = None) -> bool:
    """Whether `strategy` (default: the current one) is a `MultiWorkerMirroredStrategy`.

    Such models train through `tftransfer.distributed_loop` instead of `Model.fit`.
    """
    strategy = strategy if strategy is not None else tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def is_chief(strategy: tf.distribute.Strategy | None = None) -> bool:
    """Whether this process writes files: always, except for the non-chief multi-worker tasks.

    In a multi-worker cluster the chief is the task of type "chief", or worker 0 when the
    cluster has no "chief" entry (the TensorFlow convention). Any other strategy: True.
    """
    strategy = strategy if strategy is not None else tf.distribute.get_strategy()
    if not is_multi_worker(strategy):
        return True
    resolver = strategy.cluster_resolver
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type in (None, "chief"):
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def chief_decides(flag: bool, strategy: tf.distribute.Strategy | None = None) -> bool:
    """The chief's value of `flag` on every task (`flag` itself outside multi-worker).

    For decisions that read local files (e.g. "this run is already done"): workers on other
    machines do not see the chief's files, and a task that skips a step the others take
    leaves them waiting in a collective forever.
    """
    strategy = strategy if strategy is not None else tf.distribute.get_strategy()
    if not is_multi_worker(strategy):
        return bool(flag)
    mine = tf.constant(1.0 if (flag and is_chief(strategy)) else 0.0)

    @tf.function  # collectives run eagerly are slow and warn
    def chief_value():
        return strategy.reduce(tf.distribute.ReduceOp.SUM,
                               strategy.run(lambda: tf.identity(mine)), axis=None)

    return bool(chief_value().numpy() > 0)


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
