"""Adam with each variable updated by TensorFlow's fused kernel (the arithmetic of tf.keras 2)."""

from __future__ import annotations

import keras
import tensorflow as tf

from tftransfer.step_scalars import StepScalars


@keras.saving.register_keras_serializable(package="tftransfer")
class FusedAdam(StepScalars, keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose update runs as TensorFlow's fused `ResourceApplyAdam`.

    Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1
    with the efficient form of sec. 2): with α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ),

        m ← m + (g − m)(1 − β₁),   v ← v + (g² − v)(1 − β₂),   θ ← θ − α_t m / (√v + ε).

    Keras 3 writes this as a dozen separate ops per variable (each a pass over the tensor);
    TensorFlow's kernel — the update of tf.keras 2's Adam — makes one pass. Not bit for bit
    Keras 3's numbers: Keras multiplies by 1 − β₁ computed in double and rounded to float32
    (0.1 for β₁ = 0.9), the kernel computes 1 − β₁ in float32 from β₁ = 0.9f
    (0.100000024), and likewise 1 − β₂ (0.0010000467 against 0.001); no choice of the
    kernel's inputs gives back Keras's constants (1 − x in float32 is a multiple of 2⁻²⁴ for
    x in [0.5, 1), 0.1f is not). The difference grows over training as any rounding does:
    measured runs keep their accuracy within the seeds' spread (docs/benchmarks.md,
    "TensorFlow's fused Adam kernel for the recipe's Adam"). Everything else — weight
    decay, the learning-rate schedule, clipping, `get_config` — is Keras's Adam; AMSGrad and
    sparse gradients take Keras's own update.
    """

    def update_step(self, gradient, variable, learning_rate):
        if self.amsgrad or isinstance(gradient, tf.IndexedSlices):
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        beta_1, beta_2, beta1_power, beta2_power = self.step_scalar(
            ("adam", dtype), lambda: self._betas(dtype))
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=self._momentums[index].handle,
            v=self._velocities[index].handle, beta1_power=beta1_power, beta2_power=beta2_power,
            lr=tf.cast(learning_rate, dtype), beta1=beta_1, beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
            use_locking=False, use_nesterov=False)

    def _betas(self, dtype):
        """(β₁, β₂, β₁ᵗ, β₂ᵗ) of this step in `dtype`, t the step counted from 1."""
        local_step = tf.cast(self.iterations + 1, dtype)
        beta_1 = tf.cast(self.beta_1, dtype)
        beta_2 = tf.cast(self.beta_2, dtype)
        return beta_1, beta_2, tf.pow(beta_1, local_step), tf.pow(beta_2, local_step)
