"""A training loop of our own around the engine's `train_step`, for multi-worker strategies.

Keras 3.15's `Model.fit` fails under `tf.distribute.MultiWorkerMirroredStrategy`, even for a
plain Sequential model: its symbolic build converts a `PerReplica` batch to a tensor, and its
`reduce_per_replica` reduces scalar logs along axis 0. Both live in Keras's private trainer,
so instead of patching them `DomainAdaptationModel` trains here when its strategy is
multi-worker (`_fit_steps` and `evaluate` dispatch to this module). This loop:

* runs `strategy.run(model.train_step, ...)` (the one engine, unchanged) in a `tf.function`
  over `strategy.experimental_distribute_dataset(data)`, one iterator for the whole
  training, as `fit` does with `steps_per_epoch`;
* shards by DATA: every worker builds the same deterministic pipeline and keeps its slice
  of each GLOBAL batch, so the global batch (and the step) is the single-process one;
* gives Keras callbacks what `fit` gives them (params, `on_train_begin`, `on_epoch_begin`,
  `on_train_batch_begin/end`, `on_epoch_end` with `val_` logs, `stop_training`, `History`),
  so `LambdaScheduler` and `TerminateOnNaN` work and `runner.train_and_evaluate` is unchanged;
* evaluates on every replica with the whole (unsharded) batch, so validation and test
  metrics are exact on any cluster, with no collective and no uneven last batch.

Batch callbacks run every step (there is no `steps_per_execution` here).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tftransfer._checks import check_instance

__all__ = ["fit", "evaluate"]


def _distribute(strategy, data: tf.data.Dataset):
    check_instance(data, "data", tf.data.Dataset, owner="multi-worker training")
    options = tf.data.Options()
    # DATA, not FILE: the engine's pipelines are built from in-memory arrays, identical on
    # every worker; each worker keeps its replicas' slices of every global batch.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return strategy.experimental_distribute_dataset(data.with_options(options))


def _check_global_batch(data: tf.data.Dataset, replicas: int) -> None:
    """All replicas must hold equal slices (`distribute.all_gather`): batch % replicas == 0."""
    for spec in tf.nest.flatten(data.element_spec):
        size = spec.shape[0] if spec.shape.rank else None
        if size is None:
            raise ValueError("multi-worker training: `data` must yield batches of a fixed size "
                             "(batch with drop_remainder=True). "
                             f"Received: element spec {data.element_spec}")
        if size % replicas:
            raise ValueError("multi-worker training: the global batch size must be a multiple "
                             f"of the {replicas} replicas. Received: batches of {size}")


def _to_floats(logs: dict) -> dict:
    return {key: float(value) for key, value in logs.items()}


def fit(model: keras.Model, data: tf.data.Dataset, *, epochs: int, steps_per_epoch: int,
        validation_data: tf.data.Dataset | None = None, callbacks=None,
        verbose: int = 0) -> keras.callbacks.History:
    """`model.fit(data, epochs=..., steps_per_epoch=...)` under the model's strategy.

    Args:
        model: A compiled `keras.Model` (the engine's `DomainAdaptationModel`), created
            under the strategy's scope; built here from the data if it is not yet.
        data: An endless `tf.data.Dataset` of GLOBAL batches of a fixed size, a multiple of
            the number of replicas.
        epochs: Number of epochs, >= 0.
        steps_per_epoch: Training steps per epoch, >= 1.
        validation_data: Optional labelled dataset evaluated after every epoch (`val_` logs).
        callbacks: Keras callbacks, or None.
        verbose: 0 silent; otherwise a progress bar (on every worker).

    Returns:
        The `keras.callbacks.History` (also `model.history`), of Python floats.
    """
    if not model.compiled:
        raise ValueError("multi-worker training: `model` must be compiled before training "
                         "(call model.compile(...)). Received: an uncompiled model")
    strategy = model.distribute_strategy
    _check_global_batch(data, strategy.num_replicas_in_sync)
    with strategy.scope():
        if not model.built:  # as `fit` does: from the first input of a batch (x, or x_s)
            spec = data.element_spec
            while isinstance(spec, (tuple, list)):
                spec = spec[0]
            model.build(tuple(spec.shape))
        # Optimizer slots are variables: created here, in the cross-replica context, not on
        # the first traced step (a no-op when `_fit_steps` already built them).
        model.build_optimizers()

    @tf.function
    def train_function(iterator):
        logs = strategy.run(model.train_step, args=(next(iterator),))
        # Loss logs are global on every replica; accuracy is per replica over equal slices:
        # the mean over replicas is the global value either way (what `fit` reports).
        return {key: strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=None)
                for key, value in logs.items()}

    callback_list = callbacks if isinstance(callbacks, keras.callbacks.CallbackList) else \
        keras.callbacks.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                     model=model, verbose=verbose, epochs=epochs,
                                     steps=steps_per_epoch)
    test_function = _make_test_function(model)
    iterator = iter(_distribute(strategy, data))
    model.stop_training = False
    callback_list.on_train_begin()
    epoch_logs = None
    for epoch in range(epochs):
        model.reset_metrics()
        callback_list.on_epoch_begin(epoch)
        logs = {}
        for step in range(steps_per_epoch):
            callback_list.on_train_batch_begin(step)  # e.g. LambdaScheduler assigns λ here
            logs = train_function(iterator)
            callback_list.on_train_batch_end(step, logs)
            if model.stop_training:
                break
        epoch_logs = _to_floats(logs)
        if validation_data is not None:
            val_logs = _evaluate(model, validation_data, test_function)
            epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
        callback_list.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    if epochs > 0:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    callback_list.on_train_end(logs=epoch_logs)
    return model.history


def evaluate(model: keras.Model, data: tf.data.Dataset) -> dict:
    """`model.evaluate(data, return_dict=True)` under the model's (multi-worker) strategy.

    Every replica runs `test_step` on each whole batch (the dataset is not sharded), so every
    replica ends with the metrics of the full dataset, exactly as on a single device.
    """
    check_instance(data, "data", tf.data.Dataset, owner="multi-worker evaluation")
    return _evaluate(model, data, _make_test_function(model))


def _make_test_function(model):
    """One traced function per model (kept on it, as Keras keeps `model.test_function`)."""
    cached = getattr(model, "_distributed_test_function", None)
    if cached is not None:
        return cached
    strategy = model.distribute_strategy

    @tf.function(reduce_retracing=True)  # the last batch of a set is smaller
    def test_function(batch):
        logs = strategy.run(model.test_step, args=(batch,))
        # Every replica saw the same batches: any replica's metrics are the global ones.
        return {key: strategy.experimental_local_results(value)[0] for key, value in logs.items()}

    model._distributed_test_function = test_function
    return test_function


def _evaluate(model, data, test_function) -> dict:
    model.reset_metrics()
    logs = {}
    for batch in data:
        logs = test_function(batch)
    return _to_floats(logs)
