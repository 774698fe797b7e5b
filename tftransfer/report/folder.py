"""A results folder as the report reads it: `results.csv`, the run directories, `auto.json`.

Any folder the runner writes qualifies — `tftransfer run`'s and the experiment modules'
alike: `OUT/results.csv` (one row per completed run, `tftransfer.results`), `OUT/runs/<run
id>/{config.json, history.csv, metrics.json}` (`tftransfer.runner.RunStore`), optionally
`OUT/auto.json` (auto's decisions). `tftransfer run` adds `OUT/task.json` (the files and
what was detected), `OUT/samples/<task>.npz` (the inputs' sample) and a `features.npz` per
run (`tftransfer.report.samples`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from tftransfer.report.samples import FEATURES_FILE, load_sample

SAMPLES_DIR = "samples"
TASK_FILE = "task.json"


def task_slug(task: str) -> str:
    """A file name for a task name ("a->b" -> "a_to_b")."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", task.replace("->", "_to_")).strip("_") or "task"


@dataclass
class ResultsFolder:
    """What a results folder holds.

    Args:
        root: The folder.
        frame: `results.csv` (completed runs, auto rows included).
        configs: run id -> the run's `config.json`.
        auto: `auto.json` (None when absent).
        task_info: `task.json` (None when absent: an experiment module's folder).
        failed: run id -> failure reason (`failed.json` without `done`).
    """

    root: Path
    frame: pd.DataFrame
    configs: Dict[str, dict] = field(default_factory=dict)
    auto: Optional[dict] = None
    task_info: Optional[dict] = None
    failed: Dict[str, str] = field(default_factory=dict)

    @property
    def tasks(self) -> List[str]:
        return list(dict.fromkeys(self.frame["task"])) if len(self.frame) else []

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / str(run_id)

    def history(self, run_id: str) -> Optional[pd.DataFrame]:
        path = self.run_dir(run_id) / "history.csv"
        if not path.exists():
            return None
        frame = pd.read_csv(path)
        return frame if len(frame) else None

    def features(self, run_id: str) -> Optional[Dict[str, np.ndarray]]:
        path = self.run_dir(run_id) / FEATURES_FILE
        return load_sample(path) if path.exists() else None

    def input_sample(self, task: str) -> Optional[Dict[str, np.ndarray]]:
        path = self.root / SAMPLES_DIR / f"{task_slug(task)}.npz"
        return load_sample(path) if path.exists() else None

    def first_config(self, task: str) -> Optional[dict]:
        """A config of a run of `task` (to reload its data)."""
        for run_id in self.frame.loc[self.frame["task"] == task, "run_id"]:
            if str(run_id) in self.configs:
                return self.configs[str(run_id)]
        return None


def load_folder(root) -> ResultsFolder:
    """Reads a results folder.

    Raises:
        FileNotFoundError: `root` does not exist.
        ValueError: it has no `results.csv`, or the file lacks the runner's columns.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"results folder {str(root)!r} not found")
    path = root / "results.csv"
    if not path.exists():
        raise ValueError(f"{str(root)!r} is not a results folder: it has no results.csv (make one "
                         "with `tftransfer run` or an experiment module, e.g. `python -m "
                         "experiments.digits_shift --out DIR`)")
    try:
        # A run id is 12 hex digits: "123456789012" or "12e456789012" must stay a string.
        frame = pd.read_csv(path, dtype={"run_id": str})
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    needed = ["task", "method", "seed", "target_accuracy"]
    missing = [c for c in needed if c not in frame] if len(frame.columns) else []
    if missing:
        raise ValueError(f"{str(path)!r} lacks the columns {missing} of a runner's results.csv")
    if not len(frame.columns):
        frame = pd.DataFrame(columns=needed + ["run_id", "source_val_accuracy", "target_labels",
                                               "target_labels_per_class"])
    for column, default in (("target_labels", "none"), ("target_labels_per_class", 0)):
        if column not in frame:
            frame[column] = default
    configs, failed = {}, {}
    runs = root / "runs"
    if runs.is_dir():
        for run_dir in sorted(p for p in runs.iterdir() if p.is_dir()):
            config = run_dir / "config.json"
            if config.exists():
                configs[run_dir.name] = json.loads(config.read_text())
            if (run_dir / "failed.json").exists() and not (run_dir / "done").exists():
                failure = json.loads((run_dir / "failed.json").read_text())
                failed[run_dir.name] = failure.get("reason", "")
    auto = _json(root / "auto.json")
    task_info = _json(root / TASK_FILE)
    return ResultsFolder(root, frame, configs, auto, task_info, failed)


def _json(path: Path) -> Optional[dict]:
    return json.loads(path.read_text()) if path.exists() else None
