"""From a `RunConfig` to a task and a compiled model: every name lookup of a run is here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict

import tensorflow as tf

from tftransfer import backbones, methods, selection, shallow, transforms
from tftransfer.config import RunConfig
from tftransfer.data import datasets
from tftransfer.distribute import STRATEGIES
from tftransfer.instance.registry import WEIGHTINGS
from tftransfer.methods import Method, Recipe
from tftransfer.training import steps_per_training_epoch


#: At most this many train steps per call of the compiled function (`steps_per_execution`):
#: a whole epoch of the benchmark modules (50 steps) in one call. 10 until 2026-12-05; the
#: same runs at 50 a call gave every record bit for bit and trained 13 % faster
#: (docs/benchmarks.md, issue 17). The cap keeps progress bars and batch callbacks moving
#: in long epochs.
STEPS_PER_EXECUTION = 100


def steps_per_call(steps_per_epoch: int, limit: int = STEPS_PER_EXECUTION) -> int:
    """The largest divisor of `steps_per_epoch` up to `limit`.

    Several steps per call amortise Keras's per-call overhead, and the numbers do not change
    (every schedule is computed in the step, no batch callback needs each step) — as long
    as the call size divides the epoch: Keras 3.15 runs whole calls, so 55 steps an epoch
    at 10 a call would train 60 (measured). A prime step count above the limit runs
    one step a call.
    """
    return max(d for d in range(1, limit + 1) if steps_per_epoch % d == 0)


@dataclass(frozen=True)
class ResolvedConfig:
    """A config with its names resolved: the method, its recipe and its model options.

    For a shallow classifier (`tftransfer.shallow`) `method` and `recipe` are None and
    `shallow` is True: it is fitted on arrays, with no Keras model.
    """

    config: RunConfig
    method: Method | None
    recipe: Recipe | None
    method_options: Dict[str, Any]
    shallow: bool = False

    @property
    def target_labels(self) -> str:
        return "none" if self.shallow else self.method.target_labels


def is_shallow(config: RunConfig) -> bool:
    """Whether `config.method` names a shallow classifier (`tftransfer.shallow`), not a deep
    method or a composition of deep methods."""
    return (config.method not in methods.METHODS and "+" not in config.method
            and config.method in shallow.SHALLOW_METHODS)


def resolve(config: RunConfig) -> ResolvedConfig:
    """Checks every name `config` uses and resolves the method's recipe and options.

    The backbone learning-rate multiplier defaults to the recipe's
    `pretrained_backbone_lr_multiplier` when the backbone comes pretrained.

    Raises:
        ValueError / TypeError: a bad field, or an unknown method, backbone, dataset,
            transform, weighting, strategy, recipe field or method option (the valid names
            are listed).
    """
    config.validate()
    if is_shallow(config):
        return _resolve_shallow(config)
    method = methods.get(config.method)
    backbones.check_spec(config.backbone)
    datasets.get(config.dataset)
    if config.transform is not None:
        transforms.get(config.transform, **dict(config.transform_options))  # bad options fail here
    elif config.transform_options:
        raise ValueError(f"transform_options need a transform. Received: transform=None, "
                         f"transform_options={dict(config.transform_options)!r}")
    if config.importance_weighting is not None and config.importance_weighting not in WEIGHTINGS:
        raise ValueError(f"Unknown importance_weighting {config.importance_weighting!r}. "
                         f"Valid: {', '.join(WEIGHTINGS)} or None")
    if config.strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {config.strategy!r}. Valid strategies: "
                         f"{', '.join(STRATEGIES)}")
    _check_validators(config)
    recipe = method.recipe.updated(config.recipe)
    options = dict(config.method_options)
    method.split_options(options)
    if method.target_labels == "few" and config.target_labels_per_class < 1:
        raise ValueError(f"method {config.method!r} trains on a few target labels: set "
                         f"target_labels_per_class >= 1, got {config.target_labels_per_class}")
    if (method.protocol != "finetune" and "backbone_lr_multiplier" not in options
            and backbones.is_pretrained(config.backbone, config.backbone_options)):
        options["backbone_lr_multiplier"] = recipe.pretrained_backbone_lr_multiplier
    return ResolvedConfig(config, method, recipe, options)


def _resolve_shallow(config: RunConfig) -> ResolvedConfig:
    datasets.get(config.dataset)
    _check_validators(config)
    if config.transform is not None or config.importance_weighting is not None or config.recipe:
        raise ValueError(f"shallow method {config.method!r} takes no transform, importance "
                         "weighting or recipe: those are part of the shallow methods themselves "
                         f"(e.g. 'coral_svm'). Received: transform={config.transform!r}, "
                         f"importance_weighting={config.importance_weighting!r}, "
                         f"recipe={dict(config.recipe)!r}")
    shallow.get(config.method, **dict(config.method_options))  # unknown options are errors
    return ResolvedConfig(config, None, None, dict(config.method_options), shallow=True)


def _check_validators(config: RunConfig) -> None:
    for name in config.validators:
        selection.get(name)
        if selection.is_oracle(name):
            raise ValueError(f"validators are honest scores stored with a run; {name!r} reads target "
                             "labels (target accuracy is reported anyway)")


def load_task(config: RunConfig, task=None):
    """The `TransferTask` a config names (or `task`), with its shallow transform applied if any."""
    if task is None:
        task = datasets.get(config.dataset)(config.task, **dict(config.data_options))
    if config.transform is None:
        return task
    transform = transforms.get(config.transform, **dict(config.transform_options))
    return transforms.transform_task(transform, task,
                                     input_space=backbones.reads_input_layout(config.backbone))


def importance_weights(config: RunConfig, task):
    """Source sample weights for `config.importance_weighting` (None when it is unset)."""
    if config.importance_weighting is None:
        return None
    return WEIGHTINGS[config.importance_weighting](
        task.source_train.x.reshape(task.source_train.n, -1),
        task.target_train.x.reshape(task.target_train.n, -1), seed=config.seed)


def check_xla(config: RunConfig, single_device: bool) -> None:
    """Refuses `config.xla` where it is not measured to keep a run's promise: under a
    tf.distribute strategy, and with `deterministic` where a GPU is visible."""
    if not config.xla:
        return
    if not single_device:
        raise ValueError(f"RunConfig(xla=True) trains on one device; the run uses the "
                         f"{config.strategy!r} strategy. Set xla=False or strategy='default'")
    if config.deterministic and tf.config.list_physical_devices("GPU"):
        raise ValueError("RunConfig(xla=True, deterministic=True) is bit-reproducible on CPU "
                         "(measured) but not every XLA GPU kernel is deterministic, and a GPU "
                         "is visible. Set deterministic=False for XLA on the GPU, or xla=False")


def build_model(config: RunConfig, task, resolved: ResolvedConfig | None = None):
    """Backbone + method for `config`, compiled with the method's recipe and built.

    Call inside the strategy scope. The recipe's learning-rate schedule spans the run's
    `epochs × steps per epoch` optimizer steps.
    """
    resolved = resolved or resolve(config)
    feature_extractor = backbones.get(config.backbone, input_shape=task.input_shape,
                                      **dict(config.backbone_options))
    model = resolved.method(feature_extractor, num_classes=task.num_classes,
                            **resolved.method_options)
    epoch_steps = config.steps_per_epoch or steps_per_training_epoch(
        resolved.method.protocol, task, config.batch_size, config.target_labels_per_class, model)
    # XLA: "auto" leaves it to Keras (off on CPU-only machines, under op determinism and
    # under tf.distribute); `config.xla` asks for it (`check_xla`).
    # Under a tf.distribute strategy, Keras 3.15's multi-step loop fails on models with a
    # tf.cond (a placeholder left unfed): one step per call there.
    single_device = not tf.distribute.has_strategy()
    check_xla(config, single_device)
    model.compile(optimizer=resolved.recipe.build_optimizer(config.epochs * epoch_steps,
                                                            fused=not config.xla),
                  jit_compile=True if config.xla else "auto",
                  steps_per_execution=steps_per_call(epoch_steps) if single_device else 1)
    model.build((None,) + tuple(task.input_shape))
    return model

