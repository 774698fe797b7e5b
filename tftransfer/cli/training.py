"""Training the runs of `tftransfer run`: the runner's steps, plus what a report needs.

Each run is trained exactly as `tftransfer.runner.train` trains it (resolve, a seeded fresh
session, the strategy scope, `build_model`, `fit_config`) on the in-memory task, and stored
in the runner's run directory (`RunStore`: a relaunch skips every run whose `done` exists).
Beside the runner's files a run directory gets:

- `features.npz`: the model's features (`embed`) and predicted classes on the task's
  sampled rows (`tftransfer.report.samples`), for the report's embeddings and discrepancy;
- `predictions.csv`: the predicted class name (and confidence) of every target test row —
  the whole target when it has no labels;

and with `--tensorboard`, `OUT/tensorboard/<method>_seed<k>_<run id>/` gets the run's
TensorBoard logs: every history key (each loss term, λ, accuracy, validation) per epoch.

`train_run` repeats the steps of `runner.train` (and of the runner's shallow runs) because
`train` takes no extra Keras callbacks (TensorBoard, the live status line) and neither
returns the fitted shallow estimator; `evaluate` and `evaluate_shallow_estimator` wrap the
runner's evaluations because those score `task.target_test`, which has no labels in a
prediction-only task.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import keras
import numpy as np
import pandas as pd

from tftransfer import distribute
from tftransfer.cli import inputs
from tftransfer.config import RunConfig
from tftransfer.io import write_text_atomic
from tftransfer.reproducibility import set_seed
from tftransfer.report.samples import FEATURES_FILE, feature_sample, save_sample
from tftransfer.runner import (RunStore, build_model, evaluate_run, fit_config, load_task,
                               make_record, resolve, shallow_run)

PREDICTIONS_FILE = "predictions.csv"
TENSORBOARD_DIR = "tensorboard"


@dataclass(frozen=True)
class RunOptions:
    """How the runs of one command train and what they write.

    Args:
        out: The results folder.
        tensorboard: Write TensorBoard logs per run.
        verbose: Keras fit verbosity.
    """

    out: str
    tensorboard: bool = False
    verbose: int = 0


def tensorboard_dir(out, config: RunConfig) -> Path:
    return Path(out) / TENSORBOARD_DIR / f"{config.label}_seed{config.seed}_{config.run_id()}"


def evaluate(model, task, config: RunConfig, target_labels: str, history: pd.DataFrame,
             train_seconds: float) -> dict:
    """`runner.evaluate_run` (a NaN target accuracy when the target has no labels)."""
    return evaluate_run(model, task, config, target_labels, history, train_seconds)


def evaluate_shallow_estimator(estimator, task, config: RunConfig, train_seconds: float) -> dict:
    """`runner.shallow_run.evaluate_shallow` (a NaN target accuracy without target labels)."""
    return shallow_run.evaluate_shallow(estimator, task, config, train_seconds)


def _flat(x) -> np.ndarray:
    return np.asarray(x, np.float64).reshape(len(x), -1)


class ShallowOutputs:
    """A fitted shallow classifier with the two calls the report's samples make of a model:
    `embed` (its map into the shared space) and class scores, per domain."""

    def __init__(self, estimator, domain: str):
        self.estimator, self.domain = estimator, domain

    def embed(self, x, training=False):
        flat = _flat(x)
        return (self.estimator.transform_source(flat) if self.domain == "source"
                else self.estimator.transform_target(flat))

    def __call__(self, x, training=False):
        return self.estimator.predict_scores(_flat(x), domain=self.domain)


def predictions_frame(scores: np.ndarray, task, confidence: bool = True) -> pd.DataFrame:
    """Predicted class names of every target test row, in order, from class scores; with
    the softmax confidence when the scores are logits (Keras models)."""
    scores = np.asarray(scores, np.float64)
    predicted = scores.argmax(axis=1)
    names = task.label_names(predicted) if hasattr(task, "label_names") else predicted
    frame = pd.DataFrame({"row": np.arange(len(scores)), "prediction": names})
    if confidence:
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        frame["confidence"] = (shifted.max(axis=1) / shifted.sum(axis=1)).round(4)
    if task.target_test.y is not None:
        truth = np.asarray(task.target_test.y)
        frame["label"] = task.label_names(truth) if hasattr(task, "label_names") else truth
    return frame


def _logits(model, x, batch_size: int = 512) -> np.ndarray:
    x = np.asarray(x, np.float32)
    return np.concatenate([keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def train_run(config: RunConfig, task, options: RunOptions, callbacks: Sequence = ()):
    """Trains and evaluates one config on `task`; writes features.npz and predictions.csv
    into its run directory (TensorBoard logs too when asked). Returns (record, history)."""
    store = RunStore(options.out)
    run_dir = store.run_dir(config)
    resolved = resolve(config)
    if resolved.shallow:  # a shallow classifier: fitted on arrays, no Keras model
        set_seed(config.seed, deterministic=config.deterministic)
        task = load_task(config, task)
        estimator, seconds = shallow_run.train_shallow(config, task)
        metrics = evaluate_shallow_estimator(estimator, task, config, seconds)
        source, target = ShallowOutputs(estimator, "source"), ShallowOutputs(estimator, "target")
        save_sample(run_dir / FEATURES_FILE, feature_sample(source, task, target_model=target))
        scores = target(task.target_test.x)
        write_text_atomic(run_dir / PREDICTIONS_FILE,
                          predictions_frame(scores, task, confidence=False).to_csv(index=False))
        return make_record(config, "done", **metrics), shallow_run.empty_history()
    strategy = distribute.resolve_strategy(config.strategy)
    keras.backend.clear_session()
    set_seed(config.seed, deterministic=config.deterministic)
    task = load_task(config, task)  # the shallow transform of the variant, if any
    extra = list(callbacks)
    if options.tensorboard:
        extra.append(keras.callbacks.TensorBoard(log_dir=str(tensorboard_dir(options.out, config)),
                                                 write_graph=False, profile_batch=0))
    with strategy.scope():
        model = build_model(config, task, resolved)
        history, seconds = fit_config(model, config, task, callbacks=extra,
                                      verbose=options.verbose, resolved=resolved)
    metrics = evaluate(model, task, config, resolved.target_labels, history, seconds)
    save_sample(run_dir / FEATURES_FILE, feature_sample(model, task))
    predictions = predictions_frame(_logits(model, task.target_test.x), task)
    write_text_atomic(run_dir / PREDICTIONS_FILE, predictions.to_csv(index=False))
    return make_record(config, "done", **metrics), history


def run_one(config: RunConfig, task, options: RunOptions, callbacks: Sequence = ()) -> dict:
    """One run, resumable: the cached record when its directory is `done`; any failure is
    recorded (`failed.json`) and returned as a failed record, never raised."""
    store = RunStore(options.out)
    if store.is_done(config):
        return store.cached_record(config)
    store.start(config)
    try:
        record, history = train_run(config, task, options, callbacks)
    except Exception as error:  # one bad run must not end the others
        reason = f"{type(error).__name__}: {' '.join(str(error).split())}"
        store.fail(config, reason)
        return make_record(config, "failed", error=reason)
    store.finish(config, record, history)
    return record


# ----------------------------------------------------------------------------- grid

_TASKS: Dict[str, object] = {}


def _worker_init(threads: int) -> None:
    import tensorflow as tf

    from tftransfer.blas import limit_threads

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    limit_threads(threads)


def _worker_run(config: RunConfig, options: RunOptions) -> dict:
    """A run in a worker process: the task is reloaded from the config's files once."""
    key = str(config.data_options.get("fingerprint")) + config.task
    if key not in _TASKS:
        _TASKS[key] = inputs.files_dataset(config.task, **dict(config.data_options))
    return run_one(config, _TASKS[key], options)


def run_all(configs: Sequence[RunConfig], task, options: RunOptions, jobs: int = 1,
            on_record: Optional[Callable[[dict], None]] = None,
            callbacks_for: Optional[Callable[[RunConfig], Sequence]] = None) -> List[dict]:
    """Every config (finished ones read back), in order; `on_record` after each run.

    Args:
        configs: The runs.
        task: The task they all train on (in this process).
        options: What to write.
        jobs: Worker processes (spawned: a fresh TensorFlow each, an equal share of the CPU
            threads); runs are seeded and independent. A record can depend on it (the
            thread count sets kernels' summation order; measured on a CNN: `runner.run_grid`).
        on_record: Called with each record as it finishes (progress lines).
        callbacks_for: Extra Keras callbacks of a run (jobs=1: the live status line).
    """
    configs = list(configs)
    records: List[Optional[dict]] = [None] * len(configs)
    report = on_record or (lambda record: None)
    store = RunStore(options.out)
    pending = []
    for i, config in enumerate(configs):  # finished runs first: no worker needed for them
        if store.is_done(config):
            records[i] = store.cached_record(config)
            report(records[i])
        else:
            pending.append(i)
    if jobs == 1 or len(pending) < 2:
        for i in pending:
            extra = callbacks_for(configs[i]) if callbacks_for else ()
            records[i] = run_one(configs[i], task, options, extra)
            report(records[i])
        return records
    threads = max(1, (os.cpu_count() or 1) // jobs)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init,
                                                initargs=(threads,)) as pool:
        futures = {pool.submit(_worker_run, configs[i], options): i for i in pending}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            try:
                records[i] = future.result()
            except Exception as error:  # the worker itself died (e.g. out of memory)
                reason = f"{type(error).__name__}: {' '.join(str(error).split())}"
                store.fail(configs[i], reason)
                records[i] = make_record(configs[i], "failed", error=reason)
            report(records[i])
    return records
