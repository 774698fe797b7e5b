"""A fitted linear feature map as a frozen Keras layer, and `as_keras_layer`."""

from __future__ import annotations

import keras
import numpy as np

from tftransfer._checks import as_float_array, check_choice
from tftransfer.layers.affine import affine
from tftransfer.transforms.base import DOMAINS


def _vector(value, name: str, size: int, matrix_shape) -> np.ndarray:
    """`value` as a finite (size,) vector: an offset (size d) or a bias (size k)."""
    arr = as_float_array(value, name, ndim=1, owner="FixedLinearMap")
    if arr.shape != (size,):
        raise ValueError(
            f"FixedLinearMap: `{name}` must have shape ({size},) to match matrix "
            f"{matrix_shape}. Received: {name} of shape {arr.shape}"
        )
    return arr


@keras.saving.register_keras_serializable(package="tftransfer")
class FixedLinearMap(keras.layers.Layer):
    """A frozen affine map z = (x − offset) · matrix + bias on the last axis.

    Lets a fitted shallow transform (CORAL's source map, Subspace Alignment's target
    projection, linear/primal TCA) sit in front of a Keras head, so the deployed model
    takes raw target features. The matrix, offset and bias are non-trainable weights:
    training the head never moves them. `get_config()` stores them as nested lists,
    so the layer rebuilds from its config alone and round-trips through `.keras`
    files. Build it from a fitted transform with `as_keras_layer`.

    Args:
        matrix: The (d, k) matrix, a finite numeric array.
        offset: Optional (d,) vector subtracted from the inputs first (e.g. a domain
            mean); None for none.
        bias: Optional (k,) vector added to the outputs; None for none.
        **kwargs: Standard `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: A tensor of shape (..., d).

    Returns:
        A tensor of shape (..., k).

    Raises:
        TypeError / ValueError: non-numeric, wrongly shaped or non-finite arrays, or
            inputs whose last axis is not d.

    Example:
        >>> sa = SubspaceAlignment(n_components=8).fit(Xs, Xt)
        >>> model = keras.Sequential([keras.Input((d,)), as_keras_layer(sa, "target"),
        ...                           keras.layers.Dense(num_classes)])
    """

    def __init__(self, matrix, offset=None, bias=None, **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        matrix = as_float_array(matrix, "matrix", ndim=2, owner="FixedLinearMap")
        d, k = matrix.shape
        if offset is not None:
            offset = _vector(offset, "offset", d, matrix.shape)
        if bias is not None:
            bias = _vector(bias, "bias", k, matrix.shape)
        self.input_dim, self.units = d, k
        self.matrix = self._constant("matrix", matrix)
        self.offset = None if offset is None else self._constant("offset", offset)
        self.bias = None if bias is None else self._constant("bias", bias)

    def _constant(self, name: str, value: np.ndarray):
        weight = self.add_weight(shape=value.shape, initializer="zeros", trainable=False,
                                 name=name)
        weight.assign(value.astype(weight.dtype))
        return weight

    def build(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != self.input_dim:
            raise ValueError(
                f"FixedLinearMap: inputs must have last dimension {self.input_dim}. "
                f"Received: input shape {tuple(input_shape)}"
            )

    def call(self, inputs):
        x = keras.ops.cast(inputs, self.compute_dtype)
        if self.offset is not None:
            x = x - self.offset
        return affine(x, self.matrix, self.bias)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.pop("trainable", None)

        def as_list(weight):
            if weight is None:
                return None
            return np.asarray(keras.ops.convert_to_numpy(weight), np.float64).tolist()

        config.update(
            matrix=as_list(self.matrix), offset=as_list(self.offset), bias=as_list(self.bias)
        )
        return config


def as_keras_layer(transform, domain: str = "target", **layer_kwargs) -> FixedLinearMap:
    """The fitted linear map of `transform` for `domain`, as a frozen Keras layer.

    Supported: `CORAL` (target: the identity; source: C_S^{-1/2} C_T^{1/2}),
    `SubspaceAlignment` (target: z = (x − x̄_T) P_T; source: (x − x̄_S) P_S M*) and
    `TCA` with kernel "linear" or "primal" (the same map for both domains). Any
    object with a `linear_map(domain) -> (matrix, offset)` method works.

    Args:
        transform: A fitted transform.
        domain: "target" (default: the map a deployed model applies to target data)
            or "source".
        **layer_kwargs: Passed to `FixedLinearMap` (e.g. `name`).

    Returns:
        A `FixedLinearMap` whose output equals `transform.transform(X, domain)` up to
        float32 rounding.

    Raises:
        ValueError: an unknown domain, or a map that is not linear in the inputs (TCA
            with kernel="rbf": precompute its features with `transform_target(X)` and
            feed those to the Keras model instead).
        TypeError: `transform` has no `linear_map` method.
        RuntimeError: `transform` is not fitted.
    """
    check_choice(domain, "domain", DOMAINS, owner="as_keras_layer")
    if not callable(getattr(transform, "linear_map", None)):
        raise TypeError(
            "as_keras_layer: `transform` must be a fitted tftransfer transform (CORAL, "
            "SubspaceAlignment, TCA) or an object with linear_map(domain). "
            f"Received: transform of type {type(transform).__name__}"
        )
    matrix, offset = transform.linear_map(domain)
    return FixedLinearMap(matrix, offset=offset, **layer_kwargs)
