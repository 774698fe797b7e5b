"""The backbone registry and `get(spec, input_shape, **options)`."""

from __future__ import annotations

from typing import Sequence

import keras

from tftransfer.registry import Registry

BACKBONES: Registry = Registry("backbone")


def get(spec: str, input_shape: Sequence[int] | None = None, **options) -> keras.Model:
    """Builds the feature extractor named by `spec`.

    Args:
        spec: A registered backbone name (see `names()`).
        input_shape: Shape of one example, without the batch dimension.
        **options: Passed to the backbone's factory (e.g. `units=(128, 64)` for "mlp").

    Returns:
        A built `keras.Model` from inputs to feature vectors.

    Raises:
        ValueError: unknown spec (the valid names are listed) or a bad input shape.
    """
    if not isinstance(spec, str):
        raise TypeError(f"backbone spec must be a string, got {type(spec).__name__}")
    factory = BACKBONES.get(spec)
    if input_shape is None:
        raise ValueError(f"backbone {spec!r} needs input_shape, e.g. input_shape=(64,)")
    shape = tuple(input_shape)
    if not shape or any((not isinstance(d, int)) or d < 1 for d in shape):
        raise ValueError(f"input_shape must be a tuple of positive ints, got {input_shape!r}")
    return factory(shape, **options)


def names() -> list[str]:
    """Names of the registered backbones."""
    return BACKBONES.names()
