"""Runs: one config -> one record (`run`), a grid of them (`run_grid`), resumable.

Each run lives in `OUT/runs/<hash of its config and RESULTS_VERSION>/` with `config.json`,
`history.csv`, `metrics.json` and finally a `done` marker, each written atomically
(`RunStore`). A relaunched grid skips every run whose `done` exists; a failed run (NaN loss,
an exception) leaves `failed.json` with its reason, no `done`, and the grid goes on. Bumping
`tftransfer.config.RESULTS_VERSION` after a change of results retrains every run.

Modules: `build` (names -> task and compiled model: every lookup of a run), `run` (train,
evaluate, record one config), `store` (run directories), `record` (the one record schema),
`grid` (processes, threads, progress).
"""

from tftransfer.runner.build import ResolvedConfig, build_model, importance_weights, load_task, resolve
from tftransfer.runner.grid import Progress, run_grid, run_recorded
from tftransfer.runner.record import RECORD_COLUMNS, make_record
from tftransfer.runner.run import (RunFailed, evaluate_run, fit_config, run, train,
                                   train_and_evaluate, writes_files)
from tftransfer.runner.store import RunStore

__all__ = ["RECORD_COLUMNS", "Progress", "ResolvedConfig", "RunFailed", "RunStore", "build_model",
           "evaluate_run", "fit_config", "importance_weights", "load_task", "make_record",
           "resolve", "run", "run_grid", "run_recorded", "train", "train_and_evaluate",
           "writes_files"]
