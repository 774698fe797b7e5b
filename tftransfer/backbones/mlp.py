"""Multi-layer perceptron feature extractor."""

from __future__ import annotations

import math
from typing import Sequence

import keras

from tftransfer._checks import check_units
from tftransfer.backbones.registry import BACKBONES


@BACKBONES.register("mlp")
def mlp(input_shape: Sequence[int], units: Sequence[int] = (128, 64), activation: str = "relu",
        batch_norm: bool = False, bn_momentum: float = 0.9, name: str = "mlp") -> keras.Model:
    """A stack of Dense layers (optionally each followed by BatchNormalization).

    Inputs with more than one dimension are flattened first.

    Args:
        input_shape: Shape of one example.
        units: Width of each hidden layer; the last one is the feature size.
        activation: Keras activation name.
        batch_norm: Insert BatchNormalization after each Dense layer (before the activation).
        bn_momentum: Momentum of its moving statistics (0.9, as in `lenet`: Keras' 0.99 has
            not forgotten the initial variance after a small-data run's few hundred steps).
        name: Model name.
    """
    units = check_units(units, "units", allow_empty=False, owner="mlp")
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = inputs
    if len(input_shape) > 1:
        x = keras.layers.Reshape((math.prod(input_shape),), name="flatten")(x)
    for i, width in enumerate(units):
        x = keras.layers.Dense(width, name=f"dense_{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn_{i}")(x)
        x = keras.layers.Activation(activation, name=f"act_{i}")(x)
    return keras.Model(inputs, x, name=name)
