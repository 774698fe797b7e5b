"""L2-SP: weight decay towards the pre-trained weights (Li, Grandvalet & Davoine, 2018)."""

from __future__ import annotations

from keras import ops


def _as_list(weights, name: str) -> list:
    if not isinstance(weights, (list, tuple)):
        raise TypeError(
            f"`{name}` must be a list or tuple of tensors. "
            f"Received: {name} of type {type(weights).__name__}"
        )
    # Variables keep their identity so the gradient reaches them; other values
    # (NumPy arrays, nested lists) become tensors.
    return [w if hasattr(w, "shape") and hasattr(w, "dtype") else ops.convert_to_tensor(w)
            for w in weights]


def _shapes_compatible(a, b) -> bool:
    a, b = tuple(a), tuple(b)
    return len(a) == len(b) and all(i is None or j is None or i == j for i, j in zip(a, b))


def _squared_norm(x):
    return ops.sum(ops.square(ops.cast(x, "float32")))


def l2sp_penalty(weights, reference_weights):
    """Squared distance of the weights to their starting point, Σ_i ||w_i − w0_i||².

    Li, Grandvalet & Davoine, "Explicit Inductive Bias for Transfer Learning with
    Convolutional Networks", ICML 2018, the L2-SP regulariser

        Ω(w) = α/2 ||w_S − w0_S||² + β/2 ||w_S̄||²,

    where w_S are the parameters shared with the source model, w0_S their
    pre-trained values and w_S̄ the new (target-only) parameters. This function gives
    ||w_S − w0_S||²; `l2_penalty` gives ||w_S̄||². Weight them yourself:
    `alpha / 2 * l2sp_penalty(shared, ref) + beta / 2 * l2_penalty(new)`.

    Args:
        weights: List of current weights (variables or tensors).
        reference_weights: List of the starting-point weights, paired with `weights`
            by position and of the same shapes (arrays, tensors or variables).

    Returns:
        A float32 scalar tensor; 0.0 for empty lists.

    Raises:
        TypeError: If either argument is not a list or tuple.
        ValueError: If the lists have different lengths or a pair's shapes differ.
    """
    weights = _as_list(weights, "weights")
    reference_weights = _as_list(reference_weights, "reference_weights")
    if len(weights) != len(reference_weights):
        raise ValueError(
            "`weights` and `reference_weights` must have the same length. "
            f"Received: {len(weights)} and {len(reference_weights)} tensors"
        )
    total = ops.zeros((), dtype="float32")
    for i, (w, w0) in enumerate(zip(weights, reference_weights)):
        if not _shapes_compatible(w.shape, w0.shape):
            raise ValueError(
                f"`weights[{i}]` and `reference_weights[{i}]` must have the same shape. "
                f"Received: weights[{i}] of shape {tuple(w.shape)}, reference_weights[{i}] of "
                f"shape {tuple(w0.shape)}"
            )
        # The reference is a constant target, never something to train.
        w0 = ops.stop_gradient(ops.cast(w0, "float32"))
        total = total + _squared_norm(ops.cast(w, "float32") - w0)
    return total


def l2_penalty(weights):
    """Plain squared L2 norm Σ_i ||w_i||², the β/2 ||w_S̄||² term of L2-SP.

    See `l2sp_penalty` for the paper (Li, Grandvalet & Davoine, ICML 2018):
    Ω(w) = α/2 ||w_S − w0_S||² + β/2 ||w_S̄||².

    Args:
        weights: List of weights (variables or tensors).

    Returns:
        A float32 scalar tensor; 0.0 for an empty list.

    Raises:
        TypeError: If `weights` is not a list or tuple.
    """
    total = ops.zeros((), dtype="float32")
    for w in _as_list(weights, "weights"):
        total = total + _squared_norm(w)
    return total
