"""The affine map `x @ kernel + bias` that the dense-like layers compute."""

from __future__ import annotations

from typing import Optional

from keras import ops

__all__ = ["affine"]


def affine(x, kernel, bias: Optional[object] = None):
    """`x @ kernel`, plus `bias` when there is one.

    Args:
        x: Inputs `(..., d)`.
        kernel: The matrix `(d, units)`.
        bias: The bias `(units,)`, or None.

    Returns:
        The outputs `(..., units)`.
    """
    outputs = ops.matmul(x, kernel)
    return outputs if bias is None else outputs + bias
