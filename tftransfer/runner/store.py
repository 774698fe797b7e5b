"""Run directories: one per config, written atomically, marked `done` when finished."""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Optional

import pandas as pd

# The shallow registry marks the classical methods, whose run ids carry their own version.
import tftransfer.shallow.registry  # noqa: F401
from tftransfer.config import RunConfig
from tftransfer.io import write_json_atomic, write_text_atomic
from tftransfer.runner.record import make_record


class RunStore:
    """`OUT/runs/<run id>/` for each config: `config.json`, `history.csv`, `metrics.json`,
    optional extra files, and finally `done`; `failed.json` (reason and traceback) for a run
    that failed.

    A run id hashes the config and `RESULTS_VERSION` (`RunConfig.run_id`), so a relaunch with
    the same config finds the finished run and a code change that alters results (a bumped
    `RESULTS_VERSION`) retrains.
    """

    def __init__(self, out_dir):
        self.root = Path(out_dir)

    def run_dir(self, config: RunConfig) -> Path:
        return self.root / "runs" / config.run_id()

    def is_done(self, config: RunConfig) -> bool:
        return (self.run_dir(config) / "done").exists()

    def cached_record(self, config: RunConfig) -> dict:
        """The record of a finished run (identity only when its metrics are elsewhere, as on
        a non-chief worker of another machine)."""
        path = self.run_dir(config) / "metrics.json"
        if path.exists():
            return {**json.loads(path.read_text()), "status": "done", "cached": True}
        return make_record(config, "done", cached=True)

    def start(self, config: RunConfig) -> Path:
        run_dir = self.run_dir(config)
        run_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(run_dir / "config.json", config.to_dict())
        return run_dir

    def finish(self, config: RunConfig, record: dict, history: Optional[pd.DataFrame],
               extra_json: Optional[dict] = None) -> None:
        """Writes the history, any extra JSON files and the metrics, then `done` (last)."""
        run_dir = self.run_dir(config)
        if history is not None:
            write_text_atomic(run_dir / "history.csv", history.to_csv(index=False))
        for name, data in (extra_json or {}).items():
            write_json_atomic(run_dir / name, data)
        write_json_atomic(run_dir / "metrics.json", record)
        (run_dir / "failed.json").unlink(missing_ok=True)
        write_text_atomic(run_dir / "done", "")

    def fail(self, config: RunConfig, reason: str) -> None:
        run_dir = self.run_dir(config)
        run_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(run_dir / "failed.json", {"reason": reason,
                                                     "traceback": traceback.format_exc()})
