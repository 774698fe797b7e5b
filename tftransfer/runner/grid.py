"""A grid of runs: sequential or in worker processes, failures recorded, progress with ETA."""

from __future__ import annotations

import concurrent.futures
import gc
import json
import multiprocessing
import os
import time
from typing import Callable, Iterable, List, Optional

from tftransfer import distribute
from tftransfer.blas import limit_threads
from tftransfer.config import RunConfig
from tftransfer.runner.build import is_shallow
from tftransfer.runner.record import make_record
from tftransfer.runner.run import run, writes_files
from tftransfer.runner.store import RunStore


def run_grid(configs: Iterable[RunConfig], out_dir, strategy=None, verbose=0,
             report: Optional[Callable[[str], None]] = print, jobs: int = 1) -> List[dict]:
    """Runs every config (skipping finished ones); a failing run is recorded and skipped.

    Args:
        configs: The runs.
        out_dir: The results folder (run directories go to `out_dir/runs/`).
        strategy: A tf.distribute strategy or its name for every run (jobs=1 only).
        verbose: Keras fit verbosity.
        report: Called with one progress line per finished run (done/total, failed, the
            run's result, the estimated time left); None for silence.
        jobs: Worker processes. Runs are independent (each seeds itself and owns its run
            directory); with `jobs > 1` each worker gets an equal share of the CPU threads,
            and `strategy` must be left unset. Records can depend on `jobs` through that
            thread count, which sets the summation order of multi-threaded kernels, and
            training amplifies last-bit differences: measured on a CNN (MCC, LeNet,
            MNIST→USPS seed 0, 2 cores) 95.1 % with jobs=1, 94.9 % with jobs=2; a small MLP's
            records are the same (tests/test_runner.py). A given `jobs` on a given machine
            repeats bit for bit.

    Returns:
        One record per config, in the order of `configs`.
    """
    configs = list(configs)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an int >= 1, got {jobs!r}")
    progress = Progress(len(configs), report)
    groups = seed_groups(configs)
    records: List[Optional[dict]] = [None] * len(configs)
    if jobs == 1 or len(configs) < 2:
        for group in groups:
            for index in group:
                records[index] = run_recorded(configs[index], out_dir, strategy, verbose)
                progress.update(records[index])
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
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                                initargs=(threads,)) as pool:
        futures = {pool.submit(run_recorded_group, [configs[i] for i in group], str(out_dir),
                               verbose): group for group in groups}
        for future in concurrent.futures.as_completed(futures):
            for index, record in zip(futures[future], future.result()):
                records[index] = record
                progress.update(record)
    return records


def seed_groups(configs: List[RunConfig]) -> List[List[int]]:
    """Indices of `configs`, the seeds of each shallow configuration together (in one worker,
    one after the other, so a seed-independent fit is made once: `shallow_run.train_shallow_reusing`);
    every other run alone. Groups keep the order of their first run."""
    groups: List[List[int]] = []
    where = {}
    for index, config in enumerate(configs):
        key = _shallow_key(config)
        if key is None:
            groups.append([index])
        elif key in where:
            groups[where[key]].append(index)
        else:
            where[key] = len(groups)
            groups.append([index])
    return groups


def _shallow_key(config: RunConfig) -> Optional[str]:
    """The config without its seed when it is a shallow classifier's, else None."""
    if not is_shallow(config):
        return None
    return json.dumps(config.replace(seed=0).to_dict(), sort_keys=True, default=str)


def run_recorded_group(configs: List[RunConfig], out_dir, verbose=0) -> List[dict]:
    """`run_recorded` for each config, in order, in this process."""
    return [run_recorded(config, out_dir, None, verbose) for config in configs]


class Progress:
    """Progress lines of a grid: done/total, failed, this run's result, time left.

    The ETA extrapolates the mean time of the runs trained so far (cached runs cost nothing)
    over the runs left.
    """

    def __init__(self, total: int, report: Optional[Callable[[str], None]]):
        self.total, self.report = total, report
        self.done = self.failed = self.trained = 0
        self.start = time.perf_counter()

    def update(self, record: dict) -> None:
        self.done += 1
        self.failed += record["status"] == "failed"
        self.trained += not record.get("cached")
        if self.report is None:
            return
        elapsed = time.perf_counter() - self.start
        left = self.total - self.done
        eta = elapsed / self.trained * left if self.trained else 0.0
        head = (f"[{self.done}/{self.total}{f', {self.failed} failed' if self.failed else ''}] "
                f"{record['task']} {record['method']} seed={record['seed']}")
        if record["status"] == "failed":
            line = f"{head}: FAILED ({record['error']})"
        else:
            cached = " (cached)" if record.get("cached") else ""
            line = (f"{head}: target acc {100 * record['target_accuracy']:.1f}%, "
                    f"{record['train_seconds']:.1f}s{cached}")
        self.report(f"{line} | {_duration(elapsed)} elapsed, ~{_duration(eta)} left")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _init_worker(threads: int) -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    # The same share for NumPy/SciPy/scikit-learn (transforms, importance weights).
    limit_threads(threads)
    # Imports are done and live as long as the worker: keep them out of the collections
    # that `keras.backend.clear_session` runs before every run (0.22 s each, then ~0).
    gc.freeze()


def run_recorded(config: RunConfig, out_dir, strategy=None, verbose=0) -> dict:
    """`run`, with any failure turned into a record (and `failed.json`) instead of raised."""
    try:
        return run(config, out_dir, strategy=strategy, verbose=verbose)
    except Exception as error:  # one bad run must not end the sweep
        reason = f"{type(error).__name__}: {error}"
        if _writes_files_or_unknown(config, strategy):
            RunStore(out_dir).fail(config, reason)
        return make_record(config, "failed", error=reason)


def _writes_files_or_unknown(config: RunConfig, strategy) -> bool:
    try:
        return writes_files(config, strategy)
    except Exception:  # the strategy itself failed (e.g. a bad TF_CONFIG): record it here
        return True
