"""A model's features and logits on the splits of a task, computed once per split (private).

Every validator is a function of these arrays, so scoring several validators (or one per
epoch) costs one forward pass over each split it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import keras
import numpy as np

from tftransfer.data.domains import Domain, TransferTask

SPLITS = ("source_train", "source_val", "target_train", "target_test")


@dataclass(frozen=True)
class DomainOutputs:
    """The model's outputs on one `Domain`.

    Attributes:
        name: The split's name, for error messages ("source_val").
        logits: float64 (n, num_classes) classifier logits.
        features: float64 (n, d) feature-extractor outputs, or None when the model has no
            separate feature extractor.
        y: int labels (n,), or None for an unlabelled domain.
    """

    name: str
    logits: np.ndarray
    features: Optional[np.ndarray]
    y: Optional[np.ndarray]

    @property
    def n(self) -> int:
        return int(self.logits.shape[0])

    def require_features(self, owner: str) -> np.ndarray:
        if self.features is None:
            raise TypeError(
                f"{owner} needs the model's features: pass a model with `embed` "
                "and `classifier` (a tftransfer DomainAdaptationModel), got a model without "
                "a feature extractor."
            )
        return self.features

    def require_labels(self, owner: str) -> np.ndarray:
        if self.y is None:
            raise ValueError(f"{owner} needs labels on {self.name}, got an unlabelled domain.")
        return self.y


def check_finite(array: np.ndarray, what: str) -> np.ndarray:
    """Raises a ValueError naming `what` when `array` holds NaN or infinite values."""
    if not np.all(np.isfinite(array)):
        n_nan = int(np.isnan(array).sum())
        n_bad = int(array.size - np.isfinite(array).sum())
        raise ValueError(
            f"{what} contains {n_bad} non-finite values ({n_nan} NaN, {n_bad - n_nan} inf); "
            "a diverged model cannot be scored."
        )
    return array


def _check_batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    return int(batch_size)


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

    Raises:
        TypeError: If `domain` is not a `Domain`.
        ValueError: If the domain is empty, or the model returns non-finite values or
            logits that are not a (n, C) matrix with C >= 2.
    """
    if not isinstance(domain, Domain):
        raise TypeError(f"expected a tftransfer Domain, got {type(domain).__name__}")
    name = domain.name if name is None else name
    batch_size = _check_batch_size(batch_size)
    if domain.n == 0:
        raise ValueError(f"{name} is an empty domain (0 samples); nothing to score.")
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
    logits_arr = np.concatenate(logits).astype(np.float64)
    if logits_arr.ndim != 2 or logits_arr.shape[1] < 2:
        raise ValueError(
            f"the model's logits on {name} must have shape (n, num_classes >= 2), "
            f"got {logits_arr.shape}"
        )
    check_finite(logits_arr, f"the model's logits on {name}")
    features_arr = None
    if split_model:
        features_arr = check_finite(np.concatenate(features).astype(np.float64),
                                    f"the model's features on {name}")
    return DomainOutputs(name, logits_arr, features_arr, domain.y)


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
        if not isinstance(task, TransferTask):
            raise TypeError(f"task must be a tftransfer TransferTask, got {type(task).__name__}")
        if not callable(model):
            raise TypeError(f"model must be a callable Keras model, got {type(model).__name__}")
        self.model = model
        self.task = task
        self.batch_size = _check_batch_size(batch_size)
        self._cache: Dict[str, DomainOutputs] = {}

    def __getitem__(self, split: str) -> DomainOutputs:
        if split not in SPLITS:
            raise KeyError(f"Unknown split {split!r}. Valid splits: {', '.join(SPLITS)}")
        if split not in self._cache:
            self._cache[split] = domain_outputs(self.model, getattr(self.task, split),
                                                batch_size=self.batch_size, name=split)
        return self._cache[split]
