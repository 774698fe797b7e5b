"""`keras_application:<Name>`: a `keras.applications` model as a feature extractor."""

from __future__ import annotations

import os
from typing import Callable, Dict, Optional, Sequence

import keras

from tftransfer.backbones.registry import register_prefix


def application_names() -> list[str]:
    """The model constructors of `keras.applications` (e.g. "MobileNetV2", "ResNet50")."""
    return sorted(_applications())


def _applications() -> Dict[str, Callable[..., keras.Model]]:
    # Constructors are the capitalised callables; the lowercase names are submodules.
    return {name: obj for name, obj in vars(keras.applications).items()
            if name[:1].isupper() and callable(obj)}


@register_prefix("keras_application", "<Name>")
def keras_application(name: str, input_shape: Optional[Sequence[int]] = None,
                      weights: Optional[str] = None, pooling: Optional[str] = "avg",
                      **options) -> keras.Model:
    """A `keras.applications` model without its classifier (`include_top=False`).

    Inputs must be preprocessed as the application expects
    (`keras.applications.<module>.preprocess_input`). Weights are never downloaded.

    Args:
        name: The constructor's name in `keras.applications`, e.g. "MobileNetV2".
        input_shape: (height, width, channels); None takes the application's default.
        weights: None (random initialisation) or the path of a local weights file
            (`.weights.h5`, or a legacy `.h5` of the same architecture).
        pooling: "avg" (default: a feature vector), "max", or None (the last feature map).
        **options: Other arguments of the constructor (e.g. `alpha=0.35`, `name=...`).

    Returns:
        A functional `keras.Model` from images to features.

    Raises:
        ValueError: unknown name (the valid names are listed), `weights` not None or a
            path (e.g. "imagenet"), or `include_top` among the options.
        FileNotFoundError: `weights` names a file that does not exist.

    Example:
        >>> fe = tftransfer.backbones.get("keras_application:MobileNetV2",
        ...                               input_shape=(96, 96, 3), alpha=0.35)
    """
    constructors = _applications()
    if name not in constructors:
        raise ValueError(f"Unknown keras application {name!r}. Valid names: "
                         f"{', '.join(sorted(constructors))}")
    if "include_top" in options:
        raise ValueError("keras_application backbones are feature extractors (include_top=False); "
                         f"got include_top={options['include_top']!r}")
    if weights == "imagenet" or (isinstance(weights, str) and "://" in weights):
        raise ValueError(f"weights={weights!r} would need a download, which tftransfer never does "
                         "(no network on the training machines). Use weights=None or the path "
                         "of a local weights file.")
    if weights is not None:
        if not isinstance(weights, (str, os.PathLike)):
            raise ValueError(f"weights must be None or a local file path, got {weights!r}")
        weights = os.fspath(weights)
        if not os.path.isfile(weights):
            raise FileNotFoundError(f"weights file {weights!r} for keras_application:{name} "
                                    "does not exist")
    if pooling not in ("avg", "max", None):
        raise ValueError(f"pooling must be 'avg', 'max' or None, got {pooling!r}")
    return constructors[name](include_top=False, weights=weights, pooling=pooling,
                              input_shape=None if input_shape is None else tuple(input_shape),
                              **options)
