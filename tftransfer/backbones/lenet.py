"""LeNet-style small CNN (LeCun et al. 1998), the usual digits backbone in DA papers."""

from __future__ import annotations

from typing import Sequence

import keras

from tftransfer.backbones.registry import BACKBONES


@BACKBONES.register("lenet")
def lenet(input_shape: Sequence[int], filters: Sequence[int] = (32, 64), feature_units: int = 128,
          batch_norm: bool = True, bn_momentum: float = 0.9, name: str = "lenet") -> keras.Model:
    """Two conv blocks (conv 3x3 -> [BN] -> ReLU -> 2x2 max-pool) and a Dense feature layer.

    Args:
        input_shape: (height, width, channels); a flat square input such as (64,) or (256,)
            is reshaped to (side, side, 1).
        filters: Filters of each conv block.
        feature_units: Size of the feature vector.
        batch_norm: BatchNormalization after each convolution.
        bn_momentum: Momentum of the BatchNormalization moving statistics. 0.9 (PyTorch's
            0.1), not Keras' 0.99: with 0.99 the moving variance still holds 0.99^n of its
            initial 1.0 after n steps, which after the few hundred steps of a small-data run
            dwarfs conv activations' true variance (~1e-3), so inference-mode predictions are
            near chance while training-mode ones are right.
        name: Model name.
    """
    shape = tuple(input_shape)
    inputs = keras.Input(shape=shape, name="inputs")
    x = inputs
    side = int(round(shape[0] ** 0.5)) if len(shape) == 1 else None
    if len(shape) not in (1, 3) or (side is not None and side * side != shape[0]):
        raise ValueError("lenet: `input_shape` must be (h, w, c) or a flat square input. "
                         f"Received: input_shape={shape}")
    if side is not None:
        x = keras.layers.Reshape((side, side, 1), name="to_image")(x)
    for i, f in enumerate(filters):
        x = keras.layers.Conv2D(f, 3, padding="same", name=f"conv_{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn_{i}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{i}")(x)
        if min(x.shape[1], x.shape[2]) >= 2:
            x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(feature_units, activation="relu", name="features")(x)
    return keras.Model(inputs, x, name=name)
