"""Input handling shared by the batch-statistic losses."""

from __future__ import annotations

import math

from keras import ops


def as_2d_float32(x, name: str):
    """`x` as float32 (batch, features), flattening any trailing feature dimensions."""
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    if len(x.shape) < 2:
        raise ValueError(
            f"`{name}` must have shape (batch, features...) with rank >= 2, "
            f"got shape {tuple(x.shape)}."
        )
    if len(x.shape) > 2:
        feature_dims = x.shape[1:]
        if all(d is not None for d in feature_dims):
            x = ops.reshape(x, (-1, math.prod(feature_dims)))
        else:
            x = ops.reshape(x, (ops.shape(x)[0], -1))
    return x
