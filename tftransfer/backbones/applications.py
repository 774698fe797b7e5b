"""`keras_application:<Name>`: a `keras.applications` model as a feature extractor."""

from __future__ import annotations

import os
from typing import Callable, Dict, Optional, Sequence

import keras

from tftransfer._checks import check_choice, check_instance
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
        raise ValueError("keras_application: `include_top` must be left out: the backbones are "
                         "feature extractors (include_top=False). "
                         f"Received: include_top={options['include_top']!r}")
    if weights == "imagenet" or (isinstance(weights, str) and "://" in weights):
        raise ValueError("keras_application: `weights` must be None or the path of a local "
                         f"weights file. Received: weights={weights!r} would need a download, "
                         "which tftransfer never does (no network on the training machines)")
    if weights is not None:
        check_instance(weights, "weights", (str, os.PathLike), owner="keras_application",
                       expected="None or a local file path")
        weights = os.fspath(weights)
        if not os.path.isfile(weights):
            raise FileNotFoundError(f"weights file {weights!r} for keras_application:{name} "
                                    "does not exist")
    check_choice(pooling, "pooling", ("avg", "max", None), owner="keras_application")
    return constructors[name](include_top=False, weights=weights, pooling=pooling,
                              input_shape=None if input_shape is None else tuple(input_shape),
                              **options)
