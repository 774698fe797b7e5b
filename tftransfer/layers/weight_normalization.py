"""A Dense layer with weight normalisation, the classifier head of SHOT."""

from __future__ import annotations

import keras
from keras import ops

from tftransfer._checks import check_bool, check_int
from tftransfer.layers.affine import affine


@keras.saving.register_keras_serializable(package="tftransfer")
class WeightNormDense(keras.layers.Layer):
    """y = x · (g ⊙ V / ||V||) + b: a Dense layer whose weight vectors are reparameterised by a
    direction and a length (Salimans & Kingma, "Weight Normalization: A Simple
    Reparameterization to Accelerate Training of Deep Neural Networks", NeurIPS 2016, eq. 2:
    w = g / ||v|| · v).

    One weight vector per output unit (the columns of the (d, units) kernel V), as PyTorch's
    `weight_norm(nn.Linear(...))` that SHOT's classifier uses (`dim=0` of its (units, d)
    weight). At creation g = ||v|| per unit, so the layer starts as the Dense layer with
    kernel V, as PyTorch initialises it.

    Args:
        units: Output units.
        use_bias: Add a bias b.
        kernel_initializer: Initializer of the direction V.
    """

    def __init__(self, units: int, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.units = check_int(units, "units", minimum=1, owner=owner)
        self.use_bias = check_bool(use_bias, "use_bias", owner=owner)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        dim = int(input_shape[-1])
        self.kernel_v = self.add_weight(shape=(dim, self.units),
                                        initializer=self.kernel_initializer, name="kernel_v")
        self.kernel_g = self.add_weight(shape=(self.units,), initializer="ones", name="kernel_g")
        self.kernel_g.assign(ops.sqrt(ops.sum(ops.square(self.kernel_v), axis=0)))
        self.bias = (self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
                     if self.use_bias else None)
        self.built = True

    @property
    def kernel(self):
        """The effective kernel g ⊙ V / ||V|| (column norms)."""
        norms = ops.sqrt(ops.sum(ops.square(self.kernel_v), axis=0))
        return self.kernel_v * (self.kernel_g / norms)

    def call(self, inputs):
        return affine(inputs, self.kernel, self.bias)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}
