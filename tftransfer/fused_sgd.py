"""Keras's SGD with momentum, each variable updated by one fused TensorFlow kernel."""

from __future__ import annotations

import keras
import tensorflow as tf

from tftransfer.step_scalars import StepScalars


@keras.saving.register_keras_serializable(package="tftransfer")
class FusedSGD(StepScalars, keras.optimizers.SGD):
    """`keras.optimizers.SGD` whose momentum update runs as TensorFlow's fused kernel.

    Keras 3 updates each variable with separate ops: with momentum μ, learning rate η and
    gradient g,

        m ← μ m − η g,        θ ← θ + μ m − η g   (Nesterov),   θ ← θ + m   (otherwise),

    is two multiplies, a subtract and an assign for m, and as many again for θ, per variable
    and per step. TensorFlow's `ResourceApplyKerasMomentum` computes the same formula in one
    kernel. A step of the small networks this project trains is a few hundred such ops on a
    CPU, so their count shows in the step time (docs/benchmarks.md, "Speed").

    The same numbers, bit for bit: the kernel gets η g as its gradient and a learning rate of
    1 (x · 1 is exact), and η g is the very multiply Keras's update writes. That matters
    under `tf.function`: Grappler's arithmetic optimizer reorders a chain of products such as
    a BatchNorm scale's gradient times the learning rate, (a · rsqrt(σ²)) · η → (a · η) ·
    rsqrt(σ²), which rounds differently; with g and η handed to the kernel separately that
    product is not in the graph to be rewritten, and the runner's DANN ended 15 of its 25
    weights apart from Keras's after 15 steps (measured). Everything else — weight decay,
    the learning-rate schedule, gradient clipping, EMA, `get_config` — is Keras's SGD;
    momentum 0 and sparse gradients take Keras's own update.

    Not under XLA: there the two round differently (XLA fuses Keras's separate ops its own
    way; measured on the same DANN), so `Recipe.build_optimizer(fused=False)` gives Keras's
    SGD to the runs the runner compiles with XLA (`RunConfig.xla`).
    """

    def update_step(self, gradient, variable, learning_rate):
        if not self.momentum or isinstance(gradient, tf.IndexedSlices):
            return super().update_step(gradient, variable, learning_rate)
        learning_rate = tf.cast(learning_rate, variable.dtype)
        gradient = tf.cast(gradient, variable.dtype)
        momentum = self.momentums[self._get_variable_index(variable)]
        tf.raw_ops.ResourceApplyKerasMomentum(
            var=variable.handle, accum=momentum.handle, lr=tf.constant(1.0, variable.dtype),
            grad=tf.multiply(gradient, learning_rate),
            momentum=tf.cast(self.momentum, variable.dtype), use_locking=False,
            use_nesterov=self.nesterov)
