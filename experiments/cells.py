"""Finished (task, method, seed) cells of an experiment grid, one JSON file each, so that an
interrupted run resumes where it stopped (for the modules that do not go through the runner:
regression, anomaly detection)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Callable, Optional, Tuple

from tftransfer.io import write_json_atomic


def settings_key(settings: dict) -> str:
    """A short hash of the settings a cell's value depends on (besides task, method, seed)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", text.replace("->", "_to_")).strip("_")


class CellStore:
    """The cells of one grid under `root/cells/<settings_key(settings)>/`.

    Each cell is `<task>__<method>__seed<seed>.json` (names made file-safe), written
    atomically (`tftransfer.io.write_json_atomic`) as soon as it is finished; a cell written
    with other settings lives in another folder and is never read back.

    Example:
        >>> store = CellStore("results/x", {"epochs": 10})
        >>> if store.get("a->b", "dann", 0) is None:
        ...     store.put("a->b", "dann", 0, {"task": "a->b", "method": "dann", "seed": 0,
        ...                                   "accuracy": 71.2})
    """

    def __init__(self, root, settings: dict):
        self.folder = Path(root) / "cells" / settings_key(settings)

    def path(self, task: str, method: str, seed: int) -> Path:
        return self.folder / f"{_slug(task)}__{_slug(method)}__seed{seed}.json"

    def get(self, task: str, method: str, seed: int) -> Optional[dict]:
        """The stored record of the cell, or None when it is not finished."""
        path = self.path(task, method, seed)
        return json.loads(path.read_text()) if path.exists() else None

    def put(self, task: str, method: str, seed: int, record: dict) -> None:
        write_json_atomic(self.path(task, method, seed), record)

    def get_or_compute(self, task: str, method: str, seed: int,
                       compute: Callable[[], dict]) -> Tuple[dict, bool]:
        """The stored record of the cell, else `compute()`'s record, stored at once; and
        whether it was computed now."""
        done = self.get(task, method, seed)
        if done is not None:
            return done, False
        record = compute()
        self.put(task, method, seed, record)
        return record, True
