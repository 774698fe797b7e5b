"""Run one configuration, or a grid of them, with resumable hashed run directories.

Each run lives in `OUT/runs/<hash of its config and RESULTS_VERSION>/` with `config.json`,
`history.csv`, `metrics.json` and finally a `done` marker, each written atomically. A
relaunched grid skips every run whose `done` exists; a failed run (NaN loss, an exception)
leaves `failed.json` with its reason, no `done`, and the grid goes on. Bumping
`tftransfer.config.RESULTS_VERSION` after a change of results retrains every run.
"""

from __future__ import annotations

import concurrent.futures
import gc
import json
import math
import multiprocessing
import os
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Tuple

import keras
import pandas as pd

from tftransfer import backbones, distribute, methods, transforms
from tftransfer.blas import limit_threads
from tftransfer.callbacks import LambdaScheduler
from tftransfer.config import RunConfig
from tftransfer.data import datasets
from tftransfer.data.pipeline import labelled_dataset
from tftransfer.instance.registry import WEIGHTINGS
from tftransfer.io import write_json_atomic, write_text_atomic
from tftransfer.reproducibility import set_seed


class RunFailed(RuntimeError):
    """A run that trained but produced an unusable model (e.g. a NaN loss)."""


def load_task(config: RunConfig):
    """The `TransferTask` a config names, with its shallow transform applied if any."""
    task = datasets.get(config.dataset)(config.task, **dict(config.data_options))
    if config.transform is None:
        return task
    transform = transforms.get(config.transform, **dict(config.transform_options))
    return transforms.transform_task(transform, task)


def importance_weights(config: RunConfig, task):
    """Source sample weights for `config.importance_weighting` (None when it is unset)."""
    if config.importance_weighting is None:
        return None
    return WEIGHTINGS[config.importance_weighting](
        task.source_train.x.reshape(task.source_train.n, -1),
        task.target_train.x.reshape(task.target_train.n, -1), seed=config.seed)


def build_model(config: RunConfig, task) -> methods.DomainAdaptationModel:
    """Backbone + method for `config`, built and compiled. Call inside the strategy scope."""
    feature_extractor = backbones.get(config.backbone, input_shape=task.input_shape,
                                      **dict(config.backbone_options))
    model = methods.get(config.method)(feature_extractor, num_classes=task.num_classes,
                                       **dict(config.method_options))
    optimizer = keras.optimizers.get({"class_name": config.optimizer,
                                      "config": {"learning_rate": config.learning_rate}})
    # XLA: Keras turns it off under op determinism and under tf.distribute on its own.
    model.compile(optimizer=optimizer, jit_compile="auto")
    model.build((None,) + tuple(task.input_shape))
    return model


def _callbacks(config: RunConfig, model) -> list:
    callbacks = [keras.callbacks.TerminateOnNaN()]
    schedule = config.lambda_schedule or type(model).default_lambda_schedule
    if model.uses_target:
        lambda_max = float(dict(config.method_options).get("lambda_", 1.0))
        callbacks.append(LambdaScheduler(schedule, lambda_max=lambda_max))
    return callbacks


def accuracy(model, domain, batch_size) -> float:
    """`model`'s accuracy on a labelled `Domain` (inference mode)."""
    result = model.evaluate(labelled_dataset(domain.x, domain.y, batch_size=batch_size),
                            verbose=0, return_dict=True)
    return float(result["accuracy"])


def fit_config(model, config: RunConfig, task, callbacks=(), verbose=0) -> Tuple[pd.DataFrame, float]:
    """Trains a built `model` with the method's recipe as `config` says.

    Args:
        model: The model from `build_model(config, task)`.
        config: The run configuration (epochs, batch size, seed, target labels, weighting).
        task: The task `config` names.
        callbacks: Extra Keras callbacks, after the runner's own (TerminateOnNaN, λ schedule).
        verbose: Keras fit verbosity.

    Returns:
        (history as a DataFrame with an `epoch` column, training seconds).

    Raises:
        RunFailed: the loss became NaN/inf (training stops at that epoch).
    """
    source_weights = importance_weights(config, task)
    start = time.perf_counter()
    history = model.fit_task(task, epochs=config.epochs, batch_size=config.batch_size,
                             seed=config.seed, target_labels_per_class=config.target_labels_per_class,
                             source_weights=source_weights,
                             callbacks=_callbacks(config, model) + list(callbacks), verbose=verbose)
    train_seconds = time.perf_counter() - start
    frame = pd.DataFrame(history.history)
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    losses = frame["loss"].to_numpy() if "loss" in frame else []
    if len(frame) < config.epochs or any(not math.isfinite(v) for v in losses):
        raise RunFailed(f"loss became NaN/inf at epoch {len(frame)} of {config.epochs} "
                        f"(last loss {losses[-1] if len(losses) else 'n/a'})")
    return frame, train_seconds


def train(config: RunConfig, strategy=None, verbose=0):
    """A fresh, seeded training of `config`; returns (model, task, history, train seconds).

    Raises:
        RunFailed: the loss became NaN/inf.
    """
    config.validate()
    # First: a multi-worker strategy must exist before the process runs any TF op.
    strategy = distribute.resolve_strategy(strategy if strategy is not None else config.strategy)
    keras.backend.clear_session()
    set_seed(config.seed, deterministic=config.deterministic)
    task = load_task(config)
    with strategy.scope():  # the one place where models are built
        model = build_model(config, task)
        frame, train_seconds = fit_config(model, config, task, verbose=verbose)
    return model, task, frame, train_seconds


def train_and_evaluate(config: RunConfig, strategy=None, verbose=0):
    """Trains `config` and returns (metrics dict, history DataFrame). Writes nothing."""
    model, task, frame, train_seconds = train(config, strategy=strategy, verbose=verbose)
    strategy = model.distribute_strategy
    with strategy.scope():
        metrics = {
            "experiment": config.experiment, "task": config.task, "method": config.label,
            "seed": config.seed,
            "run_id": config.run_id(),
            "target_labels": model.target_labels,
            "target_labels_per_class": config.target_labels_per_class,
            "target_accuracy": accuracy(model, task.target_test, config.batch_size),
            "source_val_accuracy": accuracy(model, task.source_val, config.batch_size),
            "final_loss": float(frame["loss"].iloc[-1]),
            "epochs": config.epochs,
            "train_seconds": train_seconds,
            "replicas": strategy.num_replicas_in_sync,
        }
    return metrics, frame


def run(config: RunConfig, out_dir, strategy=None, verbose=0) -> dict:
    """Runs `config` unless its run directory is already `done`; returns its metrics.

    Under a multi-worker strategy every task trains, only the chief writes the run
    directory, and the chief's "already done" decides for all tasks (`distribute.chief_decides`).
    """
    strategy = distribute.resolve_strategy(strategy if strategy is not None else config.strategy)
    chief = distribute.is_chief(strategy)
    run_dir = Path(out_dir) / "runs" / config.run_id()
    if distribute.chief_decides((run_dir / "done").exists(), strategy):
        return _cached_record(config, run_dir)
    if chief:
        run_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(run_dir / "config.json", config.to_dict())
    metrics, history = train_and_evaluate(config, strategy=strategy, verbose=verbose)
    if chief:
        write_text_atomic(run_dir / "history.csv", history.to_csv(index=False))
        write_json_atomic(run_dir / "metrics.json", metrics)
        (run_dir / "failed.json").unlink(missing_ok=True)
        write_text_atomic(run_dir / "done", "")
    return {**metrics, "status": "done", "cached": False}


def _cached_record(config: RunConfig, run_dir: Path) -> dict:
    if (run_dir / "metrics.json").exists():
        return {**json.loads((run_dir / "metrics.json").read_text()), "status": "done", "cached": True}
    # A non-chief worker without the chief's files (another machine): identity only.
    return {"experiment": config.experiment, "task": config.task, "method": config.label,
            "seed": config.seed, "run_id": config.run_id(), "target_accuracy": math.nan,
            "train_seconds": 0.0, "status": "done", "cached": True}


def writes_files(config: RunConfig, strategy=None) -> bool:
    """Whether this process writes results for `config` (False on non-chief workers only)."""
    return distribute.is_chief(
        distribute.resolve_strategy(strategy if strategy is not None else config.strategy))


def run_grid(configs: Iterable[RunConfig], out_dir, strategy=None, verbose=0,
             report: Optional[Callable[[dict], None]] = print, jobs: int = 1) -> List[dict]:
    """Runs every config (skipping finished ones); a failing run is recorded and skipped.

    Args:
        jobs: Worker processes. Runs are independent (each seeds itself and owns its run
            directory), so the records do not depend on `jobs`; with `jobs > 1` each worker
            gets an equal share of the CPU threads, and `strategy` must be left unset.

    Returns:
        One record per config, in the order of `configs`.
    """
    configs = list(configs)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an int >= 1, got {jobs!r}")
    if jobs == 1 or len(configs) < 2:
        records = []
        for i, config in enumerate(configs, 1):
            records.append(_run_recorded(config, out_dir, strategy, verbose))
            if report is not None:
                report(_progress_line(i, len(configs), records[-1]))
        return records
    if strategy is not None:
        raise ValueError("a strategy cannot be combined with jobs > 1; run distributed grids with jobs=1")
    multi_worker = sorted({c.strategy for c in configs if c.strategy == "multi_worker"
                           or (c.strategy == "auto" and distribute.tf_config_workers() > 1)})
    if multi_worker:
        raise ValueError(f"jobs={jobs} cannot run multi-worker configs (strategy {multi_worker}): "
                         "every worker of the cluster must train the same run at the same time; "
                         "use jobs=1")
    threads = max(1, (os.cpu_count() or 1) // jobs)
    context = multiprocessing.get_context("spawn")  # fresh TensorFlow runtime per worker
    records: List[Optional[dict]] = [None] * len(configs)
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                                initargs=(threads,)) as pool:
        futures = {pool.submit(_run_recorded, c, str(out_dir), None, verbose): i
                   for i, c in enumerate(configs)}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            records[futures[future]] = future.result()
            if report is not None:
                report(_progress_line(done, len(configs), records[futures[future]]))
    return records


def _init_worker(threads: int) -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    # The same share for NumPy/SciPy/scikit-learn (transforms, importance weights).
    limit_threads(threads)
    # Imports are done and live as long as the worker: keep them out of the collections
    # that `keras.backend.clear_session` runs before every run (0.22 s each, then ~0).
    gc.freeze()


def _run_recorded(config: RunConfig, out_dir, strategy, verbose) -> dict:
    """`run`, with any failure turned into a record (and `failed.json`) instead of raised."""
    try:
        return run(config, out_dir, strategy=strategy, verbose=verbose)
    except Exception as error:  # one bad run must not end the sweep
        reason = f"{type(error).__name__}: {error}"
        if _writes_files_or_unknown(config, strategy):
            run_dir = Path(out_dir) / "runs" / config.run_id()
            run_dir.mkdir(parents=True, exist_ok=True)
            write_json_atomic(run_dir / "failed.json", {"reason": reason,
                                                         "traceback": traceback.format_exc()})
        return {"experiment": config.experiment, "task": config.task, "method": config.label,
                "seed": config.seed, "run_id": config.run_id(), "status": "failed", "error": reason}


def _writes_files_or_unknown(config: RunConfig, strategy) -> bool:
    try:
        return writes_files(config, strategy)
    except Exception:  # the strategy itself failed (e.g. a bad TF_CONFIG): record it here
        return True


def _progress_line(i, n, record) -> str:
    head = f"[{i}/{n}] {record['task']} {record['method']} seed={record['seed']}"
    if record["status"] == "failed":
        return f"{head}: FAILED ({record['error']})"
    cached = " (cached)" if record.get("cached") else ""
    return (f"{head}: target acc {100 * record['target_accuracy']:.1f}%, "
            f"{record['train_seconds']:.1f}s{cached}")
