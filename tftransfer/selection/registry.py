"""The validator registry: `get(name, **options)`, `names()`, `is_oracle`, `score`, `score_all`."""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Type

from tftransfer.registry import Registry
from tftransfer.selection._outputs import ModelOutputs
from tftransfer.selection.base import Validator
from tftransfer.selection.dev import DeepEmbeddedValidation
from tftransfer.selection.entropy import PredictionEntropy
from tftransfer.selection.iwcv import IWCV
from tftransfer.selection.oracle import TargetOracle
from tftransfer.selection.reverse import ReverseValidation
from tftransfer.selection.snd import SoftNeighborhoodDensity
from tftransfer.selection.source_val import SourceValidation

VALIDATORS: Registry = Registry("validator")
for _cls in (SourceValidation, IWCV, DeepEmbeddedValidation, PredictionEntropy,
             SoftNeighborhoodDensity, ReverseValidation, TargetOracle):
    VALIDATORS.register(_cls.name, _cls)


def get(name: str, **options) -> Validator:
    """A new validator: `get("snd", temperature=0.05)`.

    Raises:
        ValueError: An unknown name (the valid names are listed) or a bad option value.
        TypeError: An option the validator does not take.
    """
    cls: Type[Validator] = VALIDATORS.get(name)
    try:
        return cls(**options)
    except TypeError as err:  # an option it does not take: name the validator
        raise TypeError(f"validator {name!r} ({cls.__name__}): {err}") from None


def names(*, include_oracle: bool = True) -> List[str]:
    """Registered validator names; `include_oracle=False` keeps the honest ones only."""
    return [n for n in VALIDATORS.names() if include_oracle or not is_oracle(n)]


def is_oracle(name: str) -> bool:
    """Whether the validator `name` reads target labels (True only for `target_oracle`)."""
    return bool(VALIDATORS.get(name).uses_target_labels)


def _as_validator(item) -> Validator:
    if isinstance(item, Validator):
        return item
    if isinstance(item, str):
        return get(item)
    raise TypeError("`validator` must be a validator name or a Validator. "
                    f"Received: validator of type {type(item).__name__}")


def score(name: str, model, task, *, seed: int = 0, batch_size: int = 512, **options) -> float:
    """`get(name, **options).score(model, task, seed=seed)`: one score, higher better."""
    return get(name, **options).score(model, task, seed=seed, batch_size=batch_size)


def score_all(model, task, validators: Optional[Iterable] = None, *, seed: int = 0,
              batch_size: int = 512, include_oracle: bool = False) -> Dict[str, float]:
    """Scores `model` with several validators on one forward pass per split.

    Args:
        model: The model, or its outputs already computed (`ModelOutputs`).
        task: The `TransferTask`.
        validators: Names or `Validator` instances; default every honest validator (and the
            oracle too when `include_oracle`).
        seed: Seed of every validator.
        batch_size: Rows per forward pass.
        include_oracle: Whether the default list includes `target_oracle`.

    Returns:
        {validator name: score}, higher better for each.
    """
    items = names(include_oracle=include_oracle) if validators is None else list(validators)
    outputs = model if isinstance(model, ModelOutputs) else ModelOutputs(model, task,
                                                                           batch_size=batch_size)
    result = {}
    for item in items:
        validator = _as_validator(item)
        result[validator.name] = validator.score_outputs(outputs, seed=seed)
    return result
