"""One config -> one trained, evaluated and recorded run."""

from __future__ import annotations

import gc
import math
import time
from typing import Tuple

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from tftransfer import distribute, selection
from tftransfer.config import RunConfig
from tftransfer.reproducibility import set_seed
from tftransfer.runner.build import ResolvedConfig, build_model, importance_weights, load_task, resolve
from tftransfer.runner.record import make_record
from tftransfer.runner.reuse import COMPILED, architecture_key
from tftransfer.runner.shallow_run import empty_history, evaluate_shallow, train_shallow_reusing
from tftransfer.runner.store import RunStore
from tftransfer.training import accuracy, fit_task


class RunFailed(RuntimeError):
    """A run that trained but produced an unusable model (e.g. a NaN loss)."""


class EpochTimer(keras.callbacks.Callback):
    """Wall seconds of each epoch (validation included), for `history.csv`."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def fit_config(model, config: RunConfig, task, callbacks=(), verbose=0,
               resolved: ResolvedConfig | None = None) -> Tuple[pd.DataFrame, float]:
    """Trains a built `model` as `config` says (its method's protocol, epochs, weights).

    Args:
        model: The model from `build_model(config, task)`.
        config: The run configuration.
        task: The task `config` names.
        callbacks: Extra Keras callbacks, after the runner's TerminateOnNaN.
        verbose: Keras fit verbosity.
        resolved: `resolve(config)`, when the caller has it.

    Returns:
        (history as a DataFrame with an `epoch` column, training seconds).

    Raises:
        RunFailed: the loss became NaN/inf (training stops at that epoch).
    """
    resolved = resolved or resolve(config)
    source_weights = importance_weights(config, task)
    start = time.perf_counter()
    timer = EpochTimer()
    history = fit_task(model, task, protocol=resolved.method.protocol, epochs=config.epochs,
                       batch_size=config.batch_size, seed=config.seed,
                       target_labels_per_class=config.target_labels_per_class,
                       source_weights=source_weights, steps_per_epoch=config.steps_per_epoch,
                       callbacks=[keras.callbacks.TerminateOnNaN(), timer, *callbacks],
                       verbose=verbose)
    train_seconds = time.perf_counter() - start
    frame = pd.DataFrame(history.history)
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    frame["epoch_seconds"] = timer.seconds[-len(frame):] if len(frame) else []
    losses = frame["loss"].to_numpy() if "loss" in frame else []
    if len(frame) < config.epochs or any(not math.isfinite(v) for v in losses):
        raise RunFailed(f"loss became NaN/inf at epoch {len(frame)} of {config.epochs} "
                        f"(last loss {losses[-1] if len(losses) else 'n/a'})")
    return frame, train_seconds


def train(config: RunConfig, strategy=None, verbose=0, task=None, reuse_compiled: bool = True):
    """A fresh, seeded training of `config`; returns (model, task, history, train seconds).

    Args:
        config: The run.
        strategy: A tf.distribute strategy or its name (default: `config.strategy`).
        verbose: Keras fit verbosity.
        task: A `TransferTask` to train on instead of the one `config` names (the config
            then only identifies the run); `config.transform` still applies.
        reuse_compiled: On one device, train the model this process compiled for an earlier
            run of the same architecture, in the fresh model's state (`runner.reuse`): the
            same numbers without tracing the step again. False: always the fresh model.

    Raises:
        RunFailed: the loss became NaN/inf.
    """
    model, task, frame, phases = _timed_train(config, strategy, verbose, task, reuse_compiled)
    return model, task, frame, phases["train_seconds"]


def _timed_train(config, strategy, verbose, task, reuse_compiled):
    """`train`, with the seconds of its phases: load (task), build (model), train (fit)."""
    resolved = resolve(config)
    # First: a multi-worker strategy must exist before the process runs any TF op.
    strategy = distribute.resolve_strategy(strategy if strategy is not None else config.strategy)
    keeps_compiled = (reuse_compiled and len(COMPILED) > 0
                      and strategy is tf.distribute.get_strategy())
    if keeps_compiled:
        # `clear_session` and TF's global seed would empty TF's kernel cache, and every kept
        # function would be instantiated again (`set_seed(tensorflow=False)`).
        gc.collect()
    else:
        keras.backend.clear_session()
    set_seed(config.seed, deterministic=config.deterministic, tensorflow=not keeps_compiled)
    start = time.perf_counter()
    task = load_task(config, task)
    loaded = time.perf_counter()
    with strategy.scope():  # the one place where models are built
        model = build_model(config, task, resolved)
        if reuse_compiled and strategy is tf.distribute.get_strategy():
            model = COMPILED.take(architecture_key(config, task), model)
        built = time.perf_counter()
        try:
            frame, train_seconds = fit_config(model, config, task, verbose=verbose,
                                              resolved=resolved)
        except tf.errors.UnimplementedError as error:
            if not (config.xla and config.deterministic):
                raise
            # e.g. max pooling's gradient (LeNet): TF has no deterministic XLA kernel for it.
            # TF's message: a graph trace, then the reason on a line of its own.
            lines = [line for line in error.message.splitlines()
                     if line.strip() and not line.startswith(("\t", " ", "<", "Graph", "Detected"))]
            raise ValueError(f"RunConfig(xla=True, deterministic=True): TensorFlow cannot compile "
                             f"this network's step deterministically with XLA: "
                             f"{lines[0] if lines else error.message.strip()} "
                             f"Set xla=False, or deterministic=False") from error
    return model, task, frame, {"load_seconds": loaded - start, "build_seconds": built - loaded,
                                "train_seconds": train_seconds}


def evaluate_run(model, task, config: RunConfig, method_target_labels: str, frame: pd.DataFrame,
                 train_seconds: float) -> dict:
    """The metrics of a trained run (target labels read only to report accuracy; NaN when
    the target has none, as for a user's unlabelled files), with a `score_<name>` for each
    of `config.validators` (honest: they read no target label) and, with them on a
    classification task, the label-shift evidence auto's guard reads
    (`selection.label_shift_evidence`: `class_shift`, `confidence_drop`)."""
    with model.distribute_strategy.scope():
        labelled = task.target_test.y is not None
        metrics = {"target_labels": method_target_labels,
                   "target_accuracy": (accuracy(model, task.target_test, config.batch_size)
                                       if labelled else math.nan),
                   "source_val_accuracy": accuracy(model, task.source_val, config.batch_size),
                   "final_loss": float(frame["loss"].iloc[-1]),
                   "train_seconds": train_seconds,
                   "replicas": model.distribute_strategy.num_replicas_in_sync}
        if config.validators:
            outputs = selection.ModelOutputs(model, task)
            scores = selection.score_all(outputs, task, config.validators, seed=config.seed)
            metrics.update({f"score_{name}": value for name, value in scores.items()})
            if task.source_train.task == "classification":  # what auto's label-shift guard reads
                metrics.update(selection.label_shift_evidence(outputs, task))
    return metrics


def train_and_evaluate(config: RunConfig, strategy=None, verbose=0, task=None,
                       reuse_compiled: bool = True):
    """Trains `config` (on `task` when given) and returns (record, history). Writes nothing.

    The record holds the seconds of each phase: `load_seconds` (the task), `build_seconds`
    (the model), `train_seconds` (fit; `trace_seconds` estimates its first epoch's extra cost:
    tracing and graph optimisation, ~0 when a compiled model was reused) and
    `evaluate_seconds` (accuracies and validators). See `train` for the arguments.
    """
    resolved = resolve(config)
    if resolved.shallow:
        return _train_and_evaluate_shallow(config, task)
    model, task, frame, phases = _timed_train(config, strategy, verbose, task, reuse_compiled)
    start = time.perf_counter()
    metrics = evaluate_run(model, task, config, resolved.target_labels, frame,
                           phases["train_seconds"])
    epochs = frame["epoch_seconds"].to_numpy()
    trace = float(epochs[0] - np.median(epochs[1:])) if len(epochs) > 1 else math.nan
    metrics.update(phases, trace_seconds=max(trace, 0.0),
                   evaluate_seconds=time.perf_counter() - start)
    return make_record(config, "done", **metrics), frame


def _train_and_evaluate_shallow(config: RunConfig, task=None):
    # NumPy and scikit-learn only: TF's seed (and its kernel cache) stay as they are.
    set_seed(config.seed, deterministic=config.deterministic, tensorflow=False)
    start = time.perf_counter()
    task = load_task(config, task)
    loaded = time.perf_counter()
    estimator, seconds, reused = train_shallow_reusing(config, task)
    metrics = evaluate_shallow(estimator, task, config, seconds)
    if reused is not None:  # train_seconds: what this run spent; the fit is seed `reused`'s
        metrics["fit_reused_from_seed"] = reused
    return make_record(config, "done", **metrics, load_seconds=loaded - start, build_seconds=0.0,
                       trace_seconds=0.0), empty_history()


def run(config: RunConfig, out_dir, strategy=None, verbose=0) -> dict:
    """Runs `config` unless its run directory is already `done`; returns its record.

    Under a multi-worker strategy every task trains, only the chief writes the run
    directory, and the chief's "already done" decides for all tasks (`distribute.chief_decides`).
    """
    strategy = distribute.resolve_strategy(strategy if strategy is not None else config.strategy)
    store = RunStore(out_dir)
    chief = distribute.is_chief(strategy)
    if distribute.chief_decides(store.is_done(config), strategy):
        return store.cached_record(config)
    if chief:
        store.start(config)
    record, history = train_and_evaluate(config, strategy=strategy, verbose=verbose)
    if chief:
        store.finish(config, record, history)
    return record


def writes_files(config: RunConfig, strategy=None) -> bool:
    """Whether this process writes results for `config` (False on non-chief workers only)."""
    return distribute.is_chief(
        distribute.resolve_strategy(strategy if strategy is not None else config.strategy))
