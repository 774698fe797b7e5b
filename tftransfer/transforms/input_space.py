"""A linear subspace map expressed back in the input's coordinates, so images stay images."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from tftransfer.transforms.base import ShallowTransform


class InputSpace(ShallowTransform):
    """Maps both domains with a linear subspace map, then back into the input space.

    SA and TCA return k subspace coordinates, not images, so a convolutional backbone
    cannot take them. With z = (x − o_D) · A_D the wrapped map of domain D (`linear_map`),
    the target's own map A_T (d, k) is inverted by its pseudo-inverse, and every sample is
    returned as

        x' = o_T + z · A_T⁺,

    a point of the target's subspace written in input coordinates (o_T = 0 where the map
    has no offset). For SA (A_T = P_T, orthonormal columns) a target sample becomes its
    projection onto the target's principal subspace and a source sample the aligned
    source coordinates laid on the target's principal axes; for TCA's linear maps, the
    orthogonal projection onto the span of W. z is recovered exactly from x' — z = (x' −
    o_T) · A_T, since A_T⁺ A_T = I for a full-rank A_T — so the classifier sees the same
    information the coordinates carry, in a layout a CNN can read (`keeps_input_space`).

    Args:
        transform: An unfitted linear `ShallowTransform` (one with `linear_map`), cloned
            by `fit`.

    Attributes (after `fit`):
        transform_: The fitted copy of `transform`.
        inverse_: A_T⁺, (k, d).
        offset_: o_T, (d,), zeros where the map has none.

    Raises:
        ValueError: (in `fit`) the wrapped map is not linear (e.g. TCA's RBF kernel).
    """

    keeps_input_space = True

    def __init__(self, transform: ShallowTransform):
        self.transform = transform

    def _fit(self, xs: np.ndarray, xt: np.ndarray) -> None:
        self.transform_ = clone(self.transform).fit(xs, xt)
        matrix, offset = self.transform_.linear_map("target")
        self.inverse_ = np.linalg.pinv(np.asarray(matrix, np.float64))
        self.offset_ = np.zeros(xs.shape[1]) if offset is None else np.asarray(offset, np.float64)

    def _transform(self, x: np.ndarray, domain: str) -> np.ndarray:
        z = np.asarray(self.transform_.transform(x, domain), np.float64)
        return self.offset_ + z @ self.inverse_
