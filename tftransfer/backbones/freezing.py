"""Freeze depth: which layers of a backbone stay trainable.

Semantics shared by every method (the `freeze_depth` argument of every model):

* an int `k` keeps the top `k` layer groups trainable and freezes the rest;
* `"all"` (or None) keeps every group trainable: full fine-tuning;
* `"none"` keeps no group trainable: a frozen feature extractor (linear probe).

A *layer group* is a layer that has weights, together with the normalization layers that
follow it (a Conv + BatchNorm pair counts once), so depths mean the same with or without BN.
A frozen BatchNormalization layer runs in inference mode: Keras 3 does this for any BN layer
whose `trainable` is False, so its moving statistics do not move either.
"""

from __future__ import annotations

from typing import List, Union

import keras

FreezeDepth = Union[int, str, None]

_NORMALIZATION = (
    keras.layers.BatchNormalization,
    keras.layers.LayerNormalization,
    keras.layers.GroupNormalization,
)


def weighted_layers(model: keras.Model) -> List[List[keras.layers.Layer]]:
    """Groups the model's top-level layers that own weights, bottom to top."""
    groups: List[List[keras.layers.Layer]] = []
    for layer in model.layers:
        if not layer.weights:
            continue
        if isinstance(layer, _NORMALIZATION) and groups:
            groups[-1].append(layer)
        else:
            groups.append([layer])
    return groups


def resolve_freeze_depth(model: keras.Model, freeze_depth: FreezeDepth) -> int:
    """Returns the number of trainable groups that `freeze_depth` means for `model`."""
    n = len(weighted_layers(model))
    if freeze_depth is None or freeze_depth == "all":
        return n
    if freeze_depth == "none":
        return 0
    if isinstance(freeze_depth, bool) or not isinstance(freeze_depth, int):
        raise TypeError(
            f"freeze_depth must be an int, 'all', 'none' or None; got {freeze_depth!r}"
        )
    if not 0 <= freeze_depth <= n:
        raise ValueError(
            f"freeze_depth={freeze_depth} does not fit backbone {model.name!r}, which has {n} "
            f"layer groups with weights; valid: 0..{n}, 'all' or 'none'"
        )
    return freeze_depth


def apply_freeze_depth(model: keras.Model, freeze_depth: FreezeDepth) -> int:
    """Sets `trainable` on the model's layers so that the top `freeze_depth` groups train.

    Returns:
        The number of trainable layer groups.
    """
    k = resolve_freeze_depth(model, freeze_depth)
    groups = weighted_layers(model)
    for i, group in enumerate(groups):
        for layer in group:
            layer.trainable = i >= len(groups) - k
    return k


def trainable_summary(model: keras.Model) -> str:
    """A table of the model's weighted layers: name, group, trainable, parameter count."""
    lines = [f"{'layer':<28}{'group':>6}  {'trainable':<10}{'params':>10}"]
    for g, group in enumerate(weighted_layers(model)):
        for layer in group:
            params = sum(int(w.numpy().size) for w in layer.weights)
            lines.append(f"{layer.name:<28}{g:>6}  {str(layer.trainable):<10}{params:>10}")
    return "\n".join(lines)
