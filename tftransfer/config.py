"""Run configuration: a frozen, validated dataclass with a stable hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

OPTIMIZERS = ("adam", "sgd", "rmsprop", "adamw")

# Part of every run's hash. Bump it with any code change that alters what a run of the same
# config produces (a method's bug fix, a new default): a relaunched sweep then retrains
# instead of silently reusing results made by the older code.
RESULTS_VERSION = 2


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one training run; its hash names the run directory.

    Args:
        experiment: Name of the experiment (a results-table column).
        task: "SOURCE->TARGET" task name, resolved by the `dataset` loader.
        method: A registered method name (`tftransfer.methods.names()`).
        dataset: A registered dataset loader (`tftransfer.data.datasets.names()`).
        seed: Seed of the run (weights, shuffling, which target labels are revealed).
        epochs: Passes over the larger domain.
        batch_size: GLOBAL batch size per domain (split across replicas).
        learning_rate: Learning rate of the optimizer (never rescaled for replicas).
        optimizer: One of OPTIMIZERS.
        backbone: A backbone spec (`tftransfer.backbones.get`: a name such as "mlp" or a
            prefixed spec such as "file:<path>"); `backbone_options` go to its factory.
        method_options: Keyword arguments of the method's constructor (lambda_, ...).
        lambda_schedule: "constant", "dann", or None for the method's default.
        target_labels_per_class: Target labels revealed per class (0: unsupervised).
        transform: A shallow feature map fitted on the source and target training inputs
            before training (`tftransfer.transforms.names()`: CORAL, SA, TCA) or None.
        transform_options: Keyword arguments of the transform.
        importance_weighting: Source sample weights from "domain_classifier" or "kmm"
            (`tftransfer.instance`), or None.
        variant: The method's name in result tables (default: `method`), e.g. "coral" for
            source_only on CORAL-transformed inputs.
        data_options: Keyword arguments of the dataset loader.
        strategy: tf.distribute strategy name (`tftransfer.distribute.STRATEGIES`).
        deterministic: Turn on TF op determinism (bit-identical repeats; disables XLA).
    """

    experiment: str
    task: str
    method: str
    dataset: str = "builtin"
    seed: int = 0
    epochs: int = 20
    batch_size: int = 64
    learning_rate: float = 1e-3
    optimizer: str = "adam"
    backbone: str = "mlp"
    backbone_options: Mapping[str, Any] = field(default_factory=dict)
    method_options: Mapping[str, Any] = field(default_factory=dict)
    lambda_schedule: Optional[str] = None
    target_labels_per_class: int = 0
    transform: Optional[str] = None
    transform_options: Mapping[str, Any] = field(default_factory=dict)
    importance_weighting: Optional[str] = None
    variant: Optional[str] = None
    data_options: Mapping[str, Any] = field(default_factory=dict)
    strategy: str = "default"
    deterministic: bool = True

    def validate(self) -> "RunConfig":
        """Checks every field; raises ValueError/TypeError naming the field and what is allowed."""
        from tftransfer import backbones, methods
        from tftransfer.callbacks import SCHEDULES
        from tftransfer.data import datasets
        from tftransfer.distribute import STRATEGIES

        from tftransfer import transforms
        from tftransfer.instance.registry import WEIGHTINGS

        methods.get(self.method)
        backbones.check_spec(self.backbone)
        datasets.get(self.dataset)
        if self.transform is not None:
            transforms.TRANSFORMS.get(self.transform)
        if self.importance_weighting is not None and self.importance_weighting not in WEIGHTINGS:
            raise ValueError(f"Unknown importance_weighting {self.importance_weighting!r}. "
                             f"Valid: {', '.join(WEIGHTINGS)} or None")
        for name in ("experiment", "task"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ValueError(f"{name} must be a non-empty string, got {getattr(self, name)!r}")
        if "->" not in self.task:
            raise ValueError(f"task must be named 'SOURCE->TARGET', got {self.task!r}")
        for name, low in (("seed", 0), ("epochs", 1), ("batch_size", 1), ("target_labels_per_class", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
        if not isinstance(self.learning_rate, (int, float)) or not math.isfinite(self.learning_rate) \
                or self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be a finite number > 0, got {self.learning_rate!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}. Valid optimizers: {', '.join(OPTIMIZERS)}")
        if self.lambda_schedule is not None and self.lambda_schedule not in SCHEDULES:
            raise ValueError(f"Unknown lambda_schedule {self.lambda_schedule!r}. "
                             f"Valid: {', '.join(SCHEDULES)} or None (the method's default)")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"Unknown strategy {self.strategy!r}. Valid strategies: {', '.join(STRATEGIES)}")
        lam = self.method_options.get("lambda_", 1.0)
        if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not math.isfinite(lam) or lam < 0:
            raise ValueError(f"method_options.lambda_ must be a finite number >= 0, got {lam!r}")
        if methods.get(self.method).target_labels == "few" and self.target_labels_per_class < 1:
            raise ValueError(f"method {self.method!r} trains on a few target labels: set "
                             f"target_labels_per_class >= 1, got {self.target_labels_per_class}")
        return self

    @property
    def label(self) -> str:
        """The method's name in result tables."""
        return self.variant or self.method

    def to_dict(self) -> Dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RunConfig":
        """Builds a config from a dict, rejecting unknown keys (listing the valid ones)."""
        valid = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise ValueError(f"Unknown config keys {unknown}. Valid keys: {', '.join(valid)}")
        return cls(**dict(data))

    def replace(self, **changes) -> "RunConfig":
        return dataclasses.replace(self, **changes)

    def run_id(self) -> str:
        """A stable 12-hex-digit hash of the full configuration and `RESULTS_VERSION`."""
        keyed = {"results_version": RESULTS_VERSION, "config": self.to_dict()}
        canonical = json.dumps(keyed, sort_keys=True, separators=(",", ":"))
        return hashlib.sha1(canonical.encode()).hexdigest()[:12]
