"""Run configuration: a frozen, validated dataclass with a stable hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Container, Dict, Mapping, Optional, Tuple

from tftransfer._checks import check_bool, check_int, check_non_negative, check_positive

# Part of every run's hash. Bump it with any code change that alters what a run of the same
# config produces (a method's bug fix, a new default): a relaunched sweep then retrains
# instead of silently reusing results made by the older code.
RESULTS_VERSION = 5
# Part of the hash of the classical (`tftransfer.shallow`) runs only: bump it with a change that
# alters only what they produce (e.g. 2: their scores' temperature calibration), so that a
# relaunch retrains them, in seconds, and keeps every deep run. 3: the libsvm ("svc") head's
# iteration cap (2026-12-06).
SHALLOW_RESULTS_VERSION = 3
# Part of the hash of one method's runs only: bump a method's entry with a change of its own
# defaults, so that a relaunch retrains its runs (and recomputes auto's decisions that read
# them) and keeps every other run. mdd 2: its bottleneck 1024 -> 256 units (2026-12-05); jda,
# bda 2: a logistic-regression head instead of 1-NN, 3: the source-validated head (logreg, or
# 1-NN where the source shows it better), as gfk 2; deep_coral 2: λ 1 -> 30 (2026-12-05), 3:
# per-domain BatchNorm statistics (2026-12-06);
# mcc, cdan_mcc 2: MCC's temperature 2.5 -> 3; easytl 2: each domain z-scored first; cdan,
# cdan_e 2 (cdan_mcc 3): the CDAN authors' discriminator (dropout 0.5, no BatchNorm);
# source_only 2: its record carries the label-shift evidence auto's guard reads (2026-12-06;
# accuracies unchanged); tent 2: its Adam adaptation runs as `FusedAdam` (2026-12-06). A
# composition "a+b" carries its parts' entries.
METHOD_RESULTS_VERSIONS = {"source_only": 2, "mdd": 2, "jda": 3, "bda": 3, "deep_coral": 3, "mcc": 2,
                           "cdan_mcc": 3, "easytl": 2, "gfk": 2, "cdan": 2, "cdan_e": 2, "tent": 2}
# Part of the hash of the runs with an importance weighting only (`iw_dc`, `iw_kmm`): bump it
# with a change of how the weights are made. 2: flattened to an effective sample size of 0.8 n,
# not 0.5 n (2026-12-06).
WEIGHTING_RESULTS_VERSION = 2
# Part of the hash of the runs that train with Adam: a `recipe` (or a source-free method's
# `adaptation_recipe`) naming "adam", and TENT (its entry above), unless compiled with XLA. 2:
# Adam runs as TensorFlow's fused kernel (`tftransfer.fused_adam.FusedAdam`, 2026-12-06), which
# rounds 1 − β₁ in float32 where Keras's Adam rounds it from double.
ADAM_RESULTS_VERSION = 2
# The names that are classical methods, as a container: `tftransfer.shallow.registry` hands
# its registry over as it is built (a config imports no method code, so cannot look it up).
_classical_methods: Container[str] = frozenset()
# Fields added after results existed, at the default that reproduces those results: left out
# of the run id at that value, so every run made before the field existed keeps its id.
_HASH_NEUTRAL_DEFAULTS = {"xla": False}
# Strategies that always train on several devices or workers ("auto" may pick one device).
_MULTI_DEVICE_STRATEGIES = ("mirrored", "multi_worker")


def set_classical_methods(names: Container[str]) -> None:
    """Make run ids of the methods in `names` carry `SHALLOW_RESULTS_VERSION`; called by
    `tftransfer.shallow.registry` with its live registry (later registrations count too)."""
    global _classical_methods
    _classical_methods = names


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one training run; its hash names the run directory.

    Args:
        experiment: Name of the experiment (a results-table column).
        task: "SOURCE->TARGET" task name, resolved by the `dataset` loader.
        method: A registered method name (`tftransfer.methods.names()`).
        dataset: A registered dataset loader (`tftransfer.data.datasets.names()`).
        seed: Seed of the run (weights, shuffling, which target labels are revealed).
        epochs: Training epochs.
        steps_per_epoch: Optimizer steps per epoch; None: one pass over the larger domain.
            A fixed count gives small and large tasks the same budget (the reference code's
            iterations per epoch).
        batch_size: GLOBAL batch size per domain (split across replicas).
        backbone: A backbone spec (`tftransfer.backbones.get`: a name such as "mlp" or a
            prefixed spec such as "file:<path>"); `backbone_options` go to its factory.
        method_options: The method's options: its own knobs and its model's arguments
            (lambda_, lambda_schedule, bottleneck_units, ...), over the method's defaults.
        recipe: Overrides of the method's optimizer `Recipe` (optimizer, learning_rate,
            momentum, weight_decay, lr_schedule, ...); learning rates are never rescaled
            for replicas.
        target_labels_per_class: Target labels revealed per class (0: unsupervised).
        transform: A shallow feature map fitted on the source and target training inputs
            before training (`tftransfer.transforms.names()`: CORAL, SA, TCA) or None.
        transform_options: Keyword arguments of the transform.
        importance_weighting: Source sample weights from "domain_classifier" or "kmm"
            (`tftransfer.instance`), or None.
        variant: The method's name in result tables (default: `method`), e.g. "coral" for
            source_only on CORAL-transformed inputs.
        data_options: Keyword arguments of the dataset loader.
        validators: Model-selection validators (`tftransfer.selection.names()`) scored on the
            trained model; the record gets a `score_<name>` column for each (`auto` reads them).
        strategy: tf.distribute strategy name (`tftransfer.distribute.STRATEGIES`).
        deterministic: Turn on TF op determinism (bit-identical repeats).
        xla: Compile the train, test and predict steps with XLA (`jit_compile=True`), also
            under op determinism, which Keras alone would refuse: on CPU the XLA steps are
            bit-reproducible across processes and thread counts (measured on MLP networks,
            docs/benchmarks.md). For long runs: once compiled, a step of the Office-Caltech
            MLPs is 1.2-1.9 x faster, but compiling costs ~10 s per network and evaluation
            recompiles for each new batch shape, so a grid of short runs gains little. TF has
            no deterministic XLA kernel for max pooling's gradient (LeNet): such a run fails
            with a ValueError that says so. One device only; with `deterministic` on a machine
            with a GPU it is refused (XLA's GPU kernels are not all deterministic). The numbers
            differ from the default's in the last bits, so the run id includes it.
    """

    experiment: str
    task: str
    method: str
    dataset: str = "builtin"
    seed: int = 0
    epochs: int = 20
    steps_per_epoch: Optional[int] = None
    batch_size: int = 64
    backbone: str = "mlp"
    backbone_options: Mapping[str, Any] = field(default_factory=dict)
    method_options: Mapping[str, Any] = field(default_factory=dict)
    recipe: Mapping[str, Any] = field(default_factory=dict)
    target_labels_per_class: int = 0
    transform: Optional[str] = None
    transform_options: Mapping[str, Any] = field(default_factory=dict)
    importance_weighting: Optional[str] = None
    variant: Optional[str] = None
    data_options: Mapping[str, Any] = field(default_factory=dict)
    validators: Tuple[str, ...] = ()
    strategy: str = "default"
    deterministic: bool = True
    xla: bool = False

    def validate(self) -> "RunConfig":
        """Checks the type and range of every field; raises ValueError/TypeError naming it.

        Names (method, backbone, dataset, transform, weighting, strategy) are checked where
        they are resolved, by `tftransfer.runner.resolve`, with the valid names listed: the
        config itself depends on nothing.
        """
        owner = "RunConfig"
        for name in ("experiment", "task", "method", "dataset", "backbone", "strategy"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{owner}: `{name}` must be a non-empty string. "
                                 f"Received: {name}={value!r}")
        if "->" not in self.task:
            raise ValueError(f"{owner}: `task` must be named 'SOURCE->TARGET'. Received: task={self.task!r}")
        check_int(self.seed, "seed", minimum=0, owner=owner)
        check_int(self.epochs, "epochs", minimum=1, owner=owner)
        check_int(self.steps_per_epoch, "steps_per_epoch", minimum=1, allow_none=True, owner=owner)
        check_int(self.batch_size, "batch_size", minimum=1, owner=owner)
        check_int(self.target_labels_per_class, "target_labels_per_class", minimum=0, owner=owner)
        for name in ("backbone_options", "method_options", "recipe", "transform_options",
                     "data_options"):
            value = getattr(self, name)
            if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
                raise TypeError(f"{owner}: `{name}` must be a mapping with string keys. "
                                f"Received: {name}={value!r}")
        for name in ("transform", "importance_weighting", "variant"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"{owner}: `{name}` must be a non-empty string or None. "
                                 f"Received: {name}={value!r}")
        if "lambda_" in self.method_options:
            check_non_negative(self.method_options["lambda_"], "method_options.lambda_", owner=owner)
        if "learning_rate" in self.recipe:
            check_positive(self.recipe["learning_rate"], "recipe.learning_rate", owner=owner)
        if not isinstance(self.validators, (tuple, list)) or not all(
                isinstance(v, str) and v for v in self.validators):
            raise TypeError(f"{owner}: `validators` must be a sequence of names. "
                            f"Received: validators={self.validators!r}")
        check_bool(self.deterministic, "deterministic", owner=owner)
        check_bool(self.xla, "xla", owner=owner)
        if self.xla and self.strategy in _MULTI_DEVICE_STRATEGIES:
            raise ValueError(f"{owner}: `xla` trains on one device; strategy={self.strategy!r} "
                             f"does not. Set xla=False or another strategy")
        return self

    @property
    def label(self) -> str:
        """The method's name in result tables."""
        return self.variant or self.method

    def to_dict(self) -> Dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, tuple) else v)
                for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RunConfig":
        """Builds a config from a dict, rejecting unknown keys (listing the valid ones)."""
        valid = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise ValueError(f"Unknown config keys {unknown}. Valid keys: {', '.join(valid)}")
        data = dict(data)
        if "validators" in data:
            data["validators"] = tuple(data["validators"])
        return cls(**data)

    def replace(self, **changes) -> "RunConfig":
        return dataclasses.replace(self, **changes)

    def trains_with_adam(self) -> bool:
        """Whether the config's own recipe (or `adaptation_recipe` option) names Adam and the
        run is not compiled with XLA: the runs whose numbers `ADAM_RESULTS_VERSION` tracks."""
        adaptation = self.method_options.get("adaptation_recipe") or {}
        named = (self.recipe.get("optimizer") == "adam"
                 or (isinstance(adaptation, Mapping) and adaptation.get("optimizer") == "adam"))
        return named and not self.xla

    def run_id(self) -> str:
        """A stable 12-hex-digit hash of the full configuration and `RESULTS_VERSION` (and
        `SHALLOW_RESULTS_VERSION` for a classical method's run, `WEIGHTING_RESULTS_VERSION`
        for a weighted one, `ADAM_RESULTS_VERSION` for one that `trains_with_adam`, the
        method's entry of `METHOD_RESULTS_VERSIONS` where it has one, a composition's parts'
        entries)."""
        config = {k: v for k, v in self.to_dict().items()
                  if k not in _HASH_NEUTRAL_DEFAULTS or v != _HASH_NEUTRAL_DEFAULTS[k]}
        keyed = {"results_version": RESULTS_VERSION, "config": config}
        if self.method in _classical_methods:
            keyed["shallow_results_version"] = SHALLOW_RESULTS_VERSION
        if self.importance_weighting is not None:
            keyed["weighting_results_version"] = WEIGHTING_RESULTS_VERSION
        if self.trains_with_adam():
            keyed["adam_results_version"] = ADAM_RESULTS_VERSION
        if self.method in METHOD_RESULTS_VERSIONS:
            keyed["method_results_version"] = METHOD_RESULTS_VERSIONS[self.method]
        elif "+" in self.method:
            parts = {part.strip(): METHOD_RESULTS_VERSIONS[part.strip()]
                     for part in self.method.split("+") if part.strip() in METHOD_RESULTS_VERSIONS}
            if parts:
                keyed["method_results_versions"] = parts
        canonical = json.dumps(keyed, sort_keys=True, separators=(",", ":"))
        return hashlib.sha1(canonical.encode()).hexdigest()[:12]
