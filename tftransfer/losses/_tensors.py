"""Input handling shared by the batch-statistic losses."""

from __future__ import annotations

import math
from typing import Optional, Sequence

from keras import ops


def as_2d_float32(x, name: str, owner: Optional[str] = None):
    """`x` as float32 (batch, features), flattening any trailing feature dimensions."""
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    if len(x.shape) < 2:
        prefix = f"{owner}: " if owner else ""
        raise ValueError(
            f"{prefix}`{name}` must have shape (batch, features...) with rank >= 2. "
            f"Received: {name} of shape {tuple(x.shape)}"
        )
    if len(x.shape) > 2:
        feature_dims = x.shape[1:]
        if all(d is not None for d in feature_dims):
            x = ops.reshape(x, (-1, math.prod(feature_dims)))
        else:
            x = ops.reshape(x, (ops.shape(x)[0], -1))
    return x


def as_feature_pair(x, y, owner: str, names: Sequence[str] = ("x", "y"), *,
                    min_rows: int = 0, why: str = ""):
    """Two batches as float32 (batch, features) with one feature count and >= `min_rows` rows.

    Sizes unknown at trace time are not checked. `why` ends the min-rows message
    (e.g. " for a covariance").
    """
    x, y = as_2d_float32(x, names[0], owner), as_2d_float32(y, names[1], owner)
    dx, dy = x.shape[-1], y.shape[-1]
    if dx is not None and dy is not None and dx != dy:
        raise ValueError(
            f"{owner}: `{names[0]}` and `{names[1]}` must have the same number of features "
            f"after flattening. Received: {dx} and {dy} features"
        )
    for name, tensor in zip(names, (x, y)):
        if tensor.shape[0] is not None and tensor.shape[0] < min_rows:
            raise ValueError(
                f"{owner}: `{name}` must have at least {min_rows} examples{why}. "
                f"Received: {name} of shape {tuple(tensor.shape)}"
            )
    return x, y
