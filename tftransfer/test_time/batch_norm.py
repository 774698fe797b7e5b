"""A model's BatchNorm layers: which they are, their variables, batch-statistics mode, and the
re-estimation of their statistics on new data (AdaBN)."""

from __future__ import annotations

import contextlib
from typing import Iterable, List, Optional

import keras
import numpy as np
import tensorflow as tf

from tftransfer._checks import check_int
from tftransfer.adaptation.base import AdaptationLoss

#: Layers that act only in training mode and whose strength is one attribute: switched off
#: (set to 0) while BatchNorm runs on batch statistics, so that only the normalisation changes.
_RANDOM_LAYERS = ((keras.layers.Dropout, "rate"), (keras.layers.GaussianDropout, "rate"),
                  (keras.layers.AlphaDropout, "rate"), (keras.layers.GaussianNoise, "stddev"))


def _inference_layers(model) -> List[keras.layers.Layer]:
    """Every layer reachable from `model` through `.layers`, depth first, each once.

    Adaptation losses (their discriminators hold BatchNorm layers too) are left out: they are
    not on the path from inputs to predictions.
    """
    found, seen = [], set()

    def visit(layer):
        if id(layer) in seen or isinstance(layer, AdaptationLoss):
            return
        seen.add(id(layer))
        found.append(layer)
        for child in getattr(layer, "layers", None) or ():
            visit(child)

    for child in getattr(model, "layers", None) or ():
        visit(child)
    return found


def batch_norm_layers(model: keras.Model) -> List[keras.layers.BatchNormalization]:
    """The `BatchNormalization` layers on `model`'s path from inputs to predictions.

    Found through `.layers`, recursively (a backbone inside an engine model, a Sequential
    bottleneck); the networks of adaptation losses are skipped. BatchNorm layers hidden inside
    a custom layer that does not expose them through `.layers` are not found.
    """
    return [layer for layer in _inference_layers(model)
            if isinstance(layer, keras.layers.BatchNormalization)]


def require_batch_norm(model: keras.Model, method: str) -> List[keras.layers.BatchNormalization]:
    """`batch_norm_layers(model)`, or a ValueError saying `method` needs at least one."""
    layers = batch_norm_layers(model)
    if not layers:
        raise ValueError(f"{method} adapts BatchNormalization layers, and model {model.name!r} "
                         "has none on its path from inputs to predictions (an `mlp` backbone "
                         "has them with batch_norm=True; engine models with bottleneck_units > 0 "
                         "have one in the bottleneck)")
    for layer in layers:
        if getattr(layer, "renorm", False):
            raise ValueError(f"{method}: BatchNormalization layer {layer.name!r} uses batch "
                             "renormalization, whose statistics this module does not re-estimate")
    return layers


def affine_variables(layers: Iterable[keras.layers.BatchNormalization]) -> list:
    """The affine parameters γ (scale) and β (center) of `layers`, those that exist."""
    variables = []
    for layer in layers:
        variables += [v for v in (layer.gamma if layer.scale else None,
                                  layer.beta if layer.center else None) if v is not None]
    return variables


def statistics_variables(layers: Iterable[keras.layers.BatchNormalization]) -> list:
    """The moving mean and variance of `layers`."""
    variables = []
    for layer in layers:
        variables += [layer.moving_mean, layer.moving_variance]
    return variables


@contextlib.contextmanager
def batch_statistics_mode(model: keras.Model, momentum: Optional[float] = None):
    """Inside: `model(x, training=True)` normalises every BatchNorm layer by the batch's
    statistics and changes nothing else about the forward pass.

    Keras 3 BatchNorm uses batch statistics when it is called with `training=True` AND the
    layer is trainable, so every BatchNorm layer is made trainable for the duration (a frozen
    one would otherwise stay on its moving statistics); dropout and noise layers, which would
    also act under `training=True`, are switched off (rate 0). With `momentum`, the BatchNorm
    layers update their moving statistics with that momentum (0: they become the last batch's
    statistics exactly). Everything is restored on exit.

    Functions traced inside (a `tf.function`, Keras' compiled steps) keep what they saw at
    tracing: trace and call them inside the block.
    """
    layers = batch_norm_layers(model)
    saved_bn = [(layer, layer.trainable, layer.momentum) for layer in layers]
    saved_random = [(layer, attribute, getattr(layer, attribute))
                    for layer in _inference_layers(model)
                    for kind, attribute in _RANDOM_LAYERS if isinstance(layer, kind)]
    try:
        for layer in layers:
            layer.trainable = True
            if momentum is not None:
                layer.momentum = float(momentum)
        for layer, attribute, _ in saved_random:
            setattr(layer, attribute, 0.0)
        yield layers
    finally:
        for layer, trainable, old_momentum in saved_bn:
            layer.trainable = trainable
            layer.momentum = old_momentum
        for layer, attribute, value in saved_random:
            setattr(layer, attribute, value)


class RunningMoments:
    """Per-channel mean and (biased) variance of each BatchNorm layer's inputs over the
    batches seen so far, combined exactly (Chan, Golub & LeVeque's pairwise update):

        n' = n + m,  μ' = μ + δ m / n',  σ²' = (n σ² + m s²) / n' + δ² n m / n'²,  δ = b − μ

    for a batch of m examples with per-channel mean b and variance s². Batches are weighted by
    their number of examples (every example contributes the same number of positions to a
    convolutional channel). The state is TF variables, so `update` can run in a traced step.
    """

    def __init__(self, layers):
        self.layers = list(layers)
        self.count = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        self.means = [tf.Variable(tf.zeros_like(layer.moving_mean), trainable=False)
                      for layer in self.layers]
        self.variances = [tf.Variable(tf.zeros_like(layer.moving_variance), trainable=False)
                          for layer in self.layers]

    def reset(self):
        self.count.assign(0.0)
        for variable in self.means + self.variances:
            variable.assign(tf.zeros_like(variable))

    def update(self, batch_means, batch_variances, batch_size):
        """Folds one batch's per-layer statistics in."""
        m = tf.cast(batch_size, tf.float32)
        n = self.count.read_value()
        total = n + m
        for mean, variance, b, s2 in zip(self.means, self.variances, batch_means, batch_variances):
            delta = tf.cast(b, tf.float32) - mean
            new_mean = mean + delta * (m / total)
            new_variance = (n * variance + m * tf.cast(s2, tf.float32)) / total + \
                delta * delta * (n * m / (total * total))
            mean.assign(new_mean)
            variance.assign(new_variance)
        self.count.assign(total)

    def write_to_layers(self):
        """Moving statistics := the running statistics."""
        for layer, mean, variance in zip(self.layers, self.means, self.variances):
            layer.moving_mean.assign(tf.cast(mean, layer.moving_mean.dtype))
            layer.moving_variance.assign(tf.cast(variance, layer.moving_variance.dtype))


def batch_moments_step(model: keras.Model, layers, moments: RunningMoments):
    """A step (to call inside `batch_statistics_mode(model, momentum=0.0)`) that runs the
    forward pass of one batch with batch statistics, which leaves each layer's moving
    statistics equal to that batch's, and folds them into `moments`."""

    def step(x):
        model(x, training=True)
        moments.update([layer.moving_mean for layer in layers],
                       [layer.moving_variance for layer in layers], tf.shape(x)[0])

    return step


def reestimate_batch_norm(model: keras.Model, x, batch_size: Optional[int] = 1024) -> int:
    """AdaBN (Li, Wang, Shi, Liu & Hou, "Revisiting Batch Normalization For Practical Domain
    Adaptation", ICLR workshops 2017, Algorithm 1): every BatchNorm layer's moving statistics
    become the mean and variance of its inputs over the whole of `x`,

        μ_j ← E_t[x_j],   σ²_j ← Var_t[x_j]   for every BN channel j, over the target set t,

    with no gradient and every other weight unchanged.

    One pass over `x` in batches, the forward pass in training mode for BatchNorm only
    (`batch_statistics_mode`), the per-batch statistics combined exactly (`RunningMoments`).
    The inputs of a layer are those of the network whose lower BatchNorm layers normalise
    each batch by its own statistics; with `batch_size=None` (the whole of `x` as one batch)
    that is the network normalised by the target statistics, the paper's definition, exactly;
    with batches of B examples the lower layers' normalisation carries O(1/√B) noise.

    Args:
        model: A Keras model with BatchNorm layers (changed in place).
        x: Unlabelled inputs, an array (n, *input_shape).
        batch_size: Examples per forward pass; None: all of `x` at once.

    Returns:
        The number of BatchNorm layers re-estimated.

    Raises:
        ValueError: the model has no BatchNorm layer, or `x` is empty.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"`x` must be a non-empty array of inputs (n, ...). Received: x of "
                         f"shape {x.shape}")
    batch_size = x.shape[0] if batch_size is None else check_int(batch_size, "batch_size",
                                                                 minimum=1)
    layers = require_batch_norm(model, "AdaBN")
    moments = RunningMoments(layers)
    with batch_statistics_mode(model, momentum=0.0):
        step = tf.function(batch_moments_step(model, layers, moments), reduce_retracing=True)
        for start in range(0, x.shape[0], batch_size):
            step(tf.constant(x[start:start + batch_size]))
    moments.write_to_layers()
    return len(layers)
