"""Freeze depth: which layers of a backbone stay trainable.

Semantics shared by every method (the `freeze_depth` argument of every model):

* an int `k` keeps the top `k` layer groups trainable and freezes the rest;
* `"all"` (or None) keeps every group trainable: full fine-tuning;
* `"none"` keeps no group trainable: a frozen feature extractor (linear probe).

A *layer group* is a layer that has weights, together with the normalization layers that
normalize its output (a Conv + BatchNorm pair counts once), so depths mean the same with or
without BN. In a functional model a normalization layer joins the group of the weighted
layer that feeds it (looking back through weightless layers such as an Activation): in a
ResNet block the BN after the main-path conv joins that conv even when the shortcut conv
comes between them in layer order. Elsewhere it joins the group before it. Groups are
ordered by their first layer in `model.layers` (bottom to top).

A frozen BatchNormalization layer runs in inference mode: Keras 3 does this for any BN layer
whose `trainable` is False, so its moving statistics do not move either.

A layer that holds a whole model's variables without Keras sublayers (the TF-Hub backbone,
`tftransfer.backbones.hub.HubLayer`) exposes `freeze_groups()`, a list of `VariableGroup`s,
and each of them counts as one group here.
"""

from __future__ import annotations

import math
from typing import Dict, List, Sequence, Union

import keras

FreezeDepth = Union[int, str, None]

_NORMALIZATION = (
    keras.layers.BatchNormalization,
    keras.layers.LayerNormalization,
    keras.layers.GroupNormalization,
)


class VariableGroup:
    """Some variables of one layer that freeze together, with a layer-like interface.

    It has the attributes `weighted_layers`, `apply_freeze_depth` and `trainable_summary`
    read from layers: `name`, `weights` and a settable `trainable`. Setting `trainable`
    sets the flag of the variables that can train (`trainable_candidates`); the others
    (e.g. BatchNorm moving statistics) stay non-trainable.

    Args:
        name: The group's name (e.g. the variables' common name prefix).
        variables: The `keras.Variable`s of the group.
        trainable_candidates: Those of `variables` that may train.
        normalization: Whether the group is a normalization layer's (it then joins the
            group below it).
    """

    def __init__(self, name: str, variables: Sequence[keras.Variable],
                 trainable_candidates: Sequence[keras.Variable], normalization: bool = False):
        self.name = name
        self.weights = list(variables)
        self.trainable_candidates = list(trainable_candidates)
        self.normalization = normalization

    @property
    def trainable(self) -> bool:
        return bool(self.trainable_candidates) and all(v.trainable for v in self.trainable_candidates)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for v in self.trainable_candidates:
            v.trainable = bool(value)

    def __repr__(self) -> str:
        return f"VariableGroup({self.name!r}, {len(self.weights)} variables)"


def _has_variable_groups(layer) -> bool:
    return callable(getattr(layer, "freeze_groups", None))


def _producers(model: keras.Model) -> Dict[int, keras.layers.Layer]:
    """id(symbolic output tensor) -> the layer that produced it (functional models only)."""
    producers = {}
    for layer in model.layers:
        try:
            outputs = layer.output
        except (AttributeError, ValueError):  # subclassed models, shared layers
            continue
        for tensor in keras.tree.flatten(outputs):
            producers[id(tensor)] = layer
    return producers


def _feeding_weighted_layer(layer, producers):
    """The weighted layer whose output reaches `layer` through weightless one-input layers."""
    seen = 0
    current = layer
    while seen < 32:  # a bound against odd graphs
        seen += 1
        try:
            inputs = keras.tree.flatten(current.input)
        except (AttributeError, ValueError):
            return None
        if len(inputs) != 1:
            return None
        current = producers.get(id(inputs[0]))
        if current is None or isinstance(current, keras.layers.InputLayer):
            return None
        if current.weights:
            return current
    return None


def weighted_layers(model: keras.Model) -> List[List[keras.layers.Layer]]:
    """Groups the model's top-level layers that own weights, bottom to top.

    Returns:
        A list of groups; each is a list of layers (or `VariableGroup`s of a hub layer).
    """
    producers = _producers(model)
    groups: List[List] = []
    group_of: Dict[int, int] = {}  # id(layer) -> index of its group
    for layer in model.layers:
        if not layer.weights:
            continue
        if _has_variable_groups(layer):
            for vgroup in layer.freeze_groups():
                if vgroup.normalization and groups:
                    groups[-1].append(vgroup)
                else:
                    groups.append([vgroup])
            continue
        if isinstance(layer, _NORMALIZATION) and groups:
            feeder = _feeding_weighted_layer(layer, producers)
            index = group_of.get(id(feeder), len(groups) - 1)
            groups[index].append(layer)
            group_of[id(layer)] = index
        else:
            groups.append([layer])
            group_of[id(layer)] = len(groups) - 1
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
            "`freeze_depth` must be an int, 'all', 'none' or None. "
            f"Received: freeze_depth={freeze_depth!r}"
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
    for layer in model.layers:
        if _has_variable_groups(layer):
            # The layer's own flag gates all its variables (Keras returns no trainable
            # weights for a non-trainable layer); the groups then set each variable.
            layer.trainable = True
    for i, group in enumerate(groups):
        for layer in group:
            layer.trainable = i >= len(groups) - k
    for layer in model.layers:
        # Only ever set to False here: setting True would make all its variables trainable.
        if _has_variable_groups(layer) and not any(g.trainable for g in layer.freeze_groups()):
            layer.trainable = False
    return k


def trainable_summary(model: keras.Model) -> str:
    """A table of the model's weighted layers: name, group, trainable, parameter count.

    Example:
        >>> print(trainable_summary(tftransfer.backbones.get("mlp", input_shape=(8,))))
    """
    lines = [f"{'layer':<36}{'group':>6}  {'trainable':<10}{'params':>10}"]
    for g, group in enumerate(weighted_layers(model)):
        for layer in group:
            params = sum(math.prod(w.shape) for w in layer.weights)
            lines.append(f"{layer.name:<36}{g:>6}  {str(layer.trainable):<10}{params:>10}")
    return "\n".join(lines)
