"""tftransfer data: domains, tasks, pipelines, embedded tasks."""

from tftransfer.data.builtin import DEFAULT_DIGITS_TASKS, load_domain, load_task, task_names
from tftransfer.data.domains import Domain, TransferTask, validate_same_feature_shape
from tftransfer.data.pipeline import labelled_dataset, paired_dataset, steps_per_epoch

__all__ = [
    "DEFAULT_DIGITS_TASKS",
    "Domain",
    "TransferTask",
    "labelled_dataset",
    "load_domain",
    "load_task",
    "paired_dataset",
    "steps_per_epoch",
    "task_names",
    "validate_same_feature_shape",
]
