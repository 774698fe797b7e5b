"""A model's features and logits on the splits of a task, computed once per split (private).

Every validator is a function of these arrays, so scoring several validators (or one per
epoch) costs one forward pass over each split it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import keras
import numpy as np

from tftransfer._checks import check_all_finite, check_instance, check_int
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.selection._metrics import as_logits

SPLITS = ("source_train", "source_val", "target_train", "target_test")


@dataclass(frozen=True)
class DomainOutputs:
    """The model's outputs on one `Domain`.

    Attributes:
        name: The split's name, for error messages ("source_val").
        logits: float64 (n, num_classes) classifier logits; for a regression task the
            predictions, float64 (n, num_outputs).
        features: float64 (n, d) feature-extractor outputs, or None when the model has no
            separate feature extractor.
        y: int labels (n,) (float targets for regression), or None for an unlabelled domain.
        task: "classification" or "regression" (the domain's `Domain.task`).
    """

    name: str
    logits: np.ndarray
    features: Optional[np.ndarray]
    y: Optional[np.ndarray]
    task: str = "classification"

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    @property
    def n(self) -> int:
        return int(self.logits.shape[0])

    def require_features(self, owner: str) -> np.ndarray:
        if self.features is None:
            raise TypeError(
                f"{owner} needs the model's features: `model` must have `embed` and "
                "`classifier` (a tftransfer DomainAdaptationModel). Received: a model without "
                "a feature extractor"
            )
        return self.features

    def require_labels(self, owner: str) -> np.ndarray:
        if self.y is None:
            raise ValueError(f"{owner} needs labels on {self.name}: the split must be labelled. "
                             "Received: an unlabelled domain")
        return self.y


DIVERGED = "a diverged model cannot be scored"


def domain_outputs(model, domain: Domain, *, batch_size: int = 512,
                   name: Optional[str] = None) -> DomainOutputs:
    """Runs `model` over `domain` in batches (inference mode) and returns its outputs.

    A model with `embed` and `classifier` (every tftransfer method) yields its adaptation
    features `embed(x)` and logits `classifier(embed(x))`, what `model(x)` computes; any
    other callable Keras model yields logits only.

    Args:
        model: The model to score.
        domain: The `Domain` to run it on.
        batch_size: Rows per forward pass.
        name: Name used in errors; default the domain's name.

    On a regression `Domain` (`task="regression"`) the outputs are the model's predictions,
    a (n, num_outputs) matrix, kept in `logits`.

    Raises:
        TypeError: If `domain` is not a `Domain`.
        ValueError: If the domain is empty, or the model returns non-finite values or
            logits that are not a (n, C) matrix with C >= 2 (classification).
    """
    check_instance(domain, "domain", Domain, owner="domain_outputs")
    name = domain.name if name is None else name
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner="domain_outputs")
    if domain.n == 0:
        raise ValueError(f"domain_outputs: `domain` must hold samples to score. "
                         f"Received: {name}, an empty domain (0 samples)")
    split_model = hasattr(model, "embed") and hasattr(model, "classifier")
    features, logits = [], []
    for start in range(0, domain.n, batch_size):
        x = domain.x[start:start + batch_size]
        if split_model:
            f = model.embed(x, training=False)
            features.append(keras.ops.convert_to_numpy(f).reshape(len(x), -1))
            out = model.classifier(f, training=False)
        else:
            out = model(x, training=False)
        logits.append(keras.ops.convert_to_numpy(out))
    owner = f"the model on {name}"
    logits_arr = check_all_finite(np.concatenate(logits).astype(np.float64), "logits",
                                  owner=owner, note=DIVERGED)
    if domain.task == "regression":
        logits_arr = logits_arr.reshape(domain.n, -1)
    else:
        logits_arr = as_logits(logits_arr, "logits", owner)
    features_arr = None
    if split_model:
        features_arr = check_all_finite(np.concatenate(features).astype(np.float64),
                                        "features", owner=owner, note=DIVERGED)
    return DomainOutputs(name, logits_arr, features_arr, domain.y, domain.task)


class ModelOutputs:
    """Lazily computed, cached outputs of one model on the splits of one task.

    `outputs["target_train"]` runs the model over that split on first access only, so
    several validators scored on one `ModelOutputs` share the forward passes. Build a new
    one after the model's weights change.

    Args:
        model: The model (a tftransfer method, or any Keras model producing logits).
        task: The `TransferTask` whose splits are read.
        batch_size: Rows per forward pass.

    Example:
        >>> outputs = ModelOutputs(model, task)
        >>> outputs["source_val"].logits.shape
        (20, 3)
    """

    def __init__(self, model, task: TransferTask, *, batch_size: int = 512):
        check_instance(task, "task", TransferTask, owner="ModelOutputs")
        if not callable(model):
            raise TypeError("ModelOutputs: `model` must be a callable Keras model. "
                            f"Received: model of type {type(model).__name__}")
        self.model = model
        self.task = task
        self.batch_size = check_int(batch_size, "batch_size", minimum=1, owner="ModelOutputs")
        self._cache: Dict[str, DomainOutputs] = {}

    @classmethod
    def from_outputs(cls, task: TransferTask, outputs: Dict[str, DomainOutputs]) -> "ModelOutputs":
        """Outputs computed elsewhere (e.g. a shallow classifier's class scores and embedding,
        per split): every split of `SPLITS` a validator reads must be given."""
        check_instance(task, "task", TransferTask, owner="ModelOutputs")
        missing = sorted(set(SPLITS) - set(outputs))
        if missing:
            raise ValueError(f"ModelOutputs.from_outputs: `outputs` must hold every split. "
                             f"Received: no {', '.join(missing)}")
        self = cls.__new__(cls)
        self.model, self.task, self.batch_size = None, task, 0
        self._cache = dict(outputs)
        return self

    def __getitem__(self, split: str) -> DomainOutputs:
        if split not in SPLITS:
            raise KeyError(f"Unknown split {split!r}. Valid splits: {', '.join(SPLITS)}")
        if split not in self._cache:
            self._cache[split] = domain_outputs(self.model, getattr(self.task, split),
                                                batch_size=self.batch_size, name=split)
        return self._cache[split]
