"""The one schema of a run record (a row of results.csv)."""

from __future__ import annotations

import math

from tftransfer.config import RunConfig

#: Columns every record has, in order; metric columns are NaN for failed runs.
RECORD_COLUMNS = ["experiment", "task", "method", "seed", "run_id", "status", "cached", "error",
                  "target_labels", "target_labels_per_class", "target_accuracy",
                  "source_val_accuracy", "final_loss", "epochs", "train_seconds", "replicas",
                  "load_seconds", "build_seconds", "trace_seconds", "evaluate_seconds"]


def make_record(config: RunConfig, status: str, *, cached: bool = False, error: str = "",
                **metrics) -> dict:
    """A run record: the config's identity, the status, and the metrics given.

    Args:
        config: The run's configuration.
        status: "done" or "failed".
        cached: Whether the record was read from a finished run directory.
        error: The failure reason of a failed run.
        **metrics: target_accuracy, source_val_accuracy, ... (unknown names are kept too).
    """
    record = {column: math.nan for column in RECORD_COLUMNS}
    record.update(experiment=config.experiment, task=config.task, method=config.label,
                  seed=config.seed, run_id=config.run_id(), status=status, cached=cached,
                  error=error, epochs=config.epochs,
                  target_labels_per_class=config.target_labels_per_class)
    record.update(metrics)
    return record
