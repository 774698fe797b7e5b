"""The dataset registry: name -> loader(task_name, **options) -> TransferTask."""

from tftransfer.data import builtin
from tftransfer.registry import Registry

DATASETS: Registry = Registry("dataset")
DATASETS.register("builtin", builtin.load_task)


def get(name: str):
    """The task loader registered under `name` (ValueError listing the valid names)."""
    return DATASETS.get(name)


def names() -> list[str]:
    return DATASETS.names()
