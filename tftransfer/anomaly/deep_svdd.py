"""Deep SVDD, a one-class anomaly detector, with optional source→target feature alignment."""

from __future__ import annotations

from typing import Optional

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tftransfer import adaptation
from tftransfer._checks import (as_samples, check_all_finite, check_choice, check_float, check_int,
                                check_units)

#: Alignment of the target features to the source features: none, Deep CORAL or MK-MMD.
ALIGNMENTS = ("none", "coral", "mmd")
_LOSS_NAMES = {"coral": "coral", "mmd": "mk_mmd"}
#: |c_j| below this are moved to ±eps (Ruff et al.'s reference code): a centre coordinate
#: at 0 could be reached by zero weights, the trivial "collapsed" solution.
CENTER_EPS = 0.1


@keras.saving.register_keras_serializable(package="tftransfer")
class AlignedDeepSVDD(keras.Model):
    """One-class Deep SVDD whose target features are aligned to the source features.

    Deep SVDD (Ruff, Vandermeulen, Görnitz, Deecke, Siddiqui, Binder, Müller & Kloft, "Deep
    One-Class Classification", ICML 2018, eq. 4, the "one-class" objective) maps the normal
    training data into a small hypersphere around a fixed centre c:

        L_SVDD = 1/n Σ_i ||φ(x_i; W) − c||²  (+ weight decay λ_W/2 Σ_l ||W_l||²_F)

    and scores a point by its squared distance to the centre, s(x) = ||φ(x; W) − c||²
    (eq. 5): the larger, the more anomalous. As in the paper, φ has no bias terms and c is
    the mean of φ over the source data at initialisation (both guard against the collapse
    φ ≡ c); coordinates of c closer to 0 than `CENTER_EPS` are moved to ±`CENTER_EPS`.

    Transfer: the source x_s (machine / domain A) is labelled normal; the target x_t (domain
    B) is unlabelled and may hold anomalies. With `alignment` the objective adds a
    discrepancy between the source and target features of each batch,

        L = L_SVDD(x_s) + λ · D(φ(x_s), φ(x_t)),

    using the project's adaptation losses (`tftransfer.adaptation`):

    - "coral": Deep CORAL (Sun & Saenko, "Deep CORAL: Correlation Alignment for Deep Domain
      Adaptation", ECCV 2016 workshops, eq. 1): D = ||C_S − C_T||²_F / (4 d²), C_S and C_T
      the feature covariances of the batches;
    - "mmd": multi-kernel MMD² (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012; Long
      et al., DAN, ICML 2015): D = E k(s, s') + E k(t, t') − 2 E k(s, t) with a mixture of
      Gaussian kernels around the median distance.

    Only the source data enters L_SVDD, so no target label is ever read; the target's
    anomalies are pulled towards the source features too, which is the price of aligning
    an unlabelled, contaminated target.

    Args:
        units: Widths of the bias-free dense layers of φ; the last is the feature size d.
            Hidden layers use leaky ReLU (as the paper), the last is linear.
        alignment: "none", "coral" or "mmd".
        alignment_weight: λ >= 0, the weight of the alignment term.
        weight_decay: λ_W >= 0, the L2 weight decay of the paper's objective.
        **kwargs: Other `keras.Model` arguments (`name`).

    Call arguments:
        inputs: A batch of shape (n, input_dim).
        training: Python bool (no layer behaves differently).

    Returns:
        From `call`, the features φ(x) of shape (n, d); from `score`, the anomaly scores
        ||φ(x) − c||² as a NumPy array of shape (n,).

    Training data (`fit`): a tuple `(x_s, x_t)` of paired batches (x_t is only read when
    `alignment` is not "none"), or `x_s` alone. Set the centre first with
    `initialize_center(x_source)`; `tftransfer.anomaly.fit_detector` does both.

    Example:
        >>> model = AlignedDeepSVDD(units=(64, 16), alignment="coral")
        >>> model.build((None, 256))
        >>> model.initialize_center(x_source)
        >>> model.compile(optimizer=keras.optimizers.Adam(1e-3))
        >>> model.fit(tf.data.Dataset.zip((source_batches, target_batches)), epochs=10)
        >>> scores = model.score(x_target)   # higher = more anomalous
    """

    def __init__(self, units=(128, 32), alignment: str = "none", alignment_weight: float = 1.0,
                 weight_decay: float = 1e-6, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.units = check_units(units, "units", owner=owner, allow_empty=False)
        self.alignment = check_choice(alignment, "alignment", ALIGNMENTS, owner=owner)
        self.alignment_weight = check_float(alignment_weight, "alignment_weight", minimum=0.0,
                                            owner=owner)
        self.weight_decay = check_float(weight_decay, "weight_decay", minimum=0.0, owner=owner)
        regularizer = keras.regularizers.L2(self.weight_decay / 2) if self.weight_decay else None
        self.hidden = [keras.layers.Dense(u, use_bias=False, activation="leaky_relu",
                                          kernel_regularizer=regularizer, name=f"dense_{i}")
                       for i, u in enumerate(self.units[:-1])]
        self.features = keras.layers.Dense(self.units[-1], use_bias=False,
                                           kernel_regularizer=regularizer, name="features")
        self.alignment_loss = (None if self.alignment == "none"
                               else adaptation.get(_LOSS_NAMES[self.alignment]))
        self.total_tracker = keras.metrics.Mean(name="loss")
        self.svdd_tracker = keras.metrics.Mean(name="svdd_loss")
        self.alignment_tracker = keras.metrics.Mean(name="alignment_loss")

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__}: the input must have shape (batch, "
                             f"input_dim) with a known input_dim. Received: input_shape="
                             f"{input_shape}")
        shape = input_shape
        for layer in self.hidden:
            layer.build(shape)
            shape = (None, layer.units)
        self.features.build(shape)
        d = self.units[-1]
        self.center = self.add_weight(shape=(d,), initializer="zeros", trainable=False,
                                      name="center")
        self.center_initialized = self.add_weight(shape=(), initializer="zeros",
                                                  trainable=False, name="center_initialized")
        if self.alignment_loss is not None:
            self.alignment_loss.build((None, d), (None, d))
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        for layer in self.hidden:
            x = layer(x)
        return self.features(x)

    def _as_inputs(self, x, name: str) -> np.ndarray:
        x = as_samples(x, name, owner=type(self).__name__, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError(f"{type(self).__name__}: `{name}` must be 2-D (n, input_dim). "
                             f"Received: {name} of shape {x.shape}")
        check_all_finite(x, name, owner=type(self).__name__)
        if not self.built:
            self.build((None, x.shape[1]))
        return x

    def _features(self, x: np.ndarray, batch_size: int) -> np.ndarray:
        """φ(x) in eager batches (no `predict`: it would trace a function per model)."""
        batch_size = check_int(batch_size, "batch_size", minimum=1, owner=type(self).__name__)
        return np.concatenate([ops.convert_to_numpy(self(x[i:i + batch_size], training=False))
                               for i in range(0, len(x), batch_size)])

    def initialize_center(self, x_source, batch_size: int = 256) -> np.ndarray:
        """Sets c to the mean of φ over `x_source` (Ruff et al., section 3.3) and returns it.

        Coordinates with |c_j| < `CENTER_EPS` become ±`CENTER_EPS` (the sign of c_j, + for 0).
        """
        x = self._as_inputs(x_source, "x_source")
        center = self._features(x, batch_size).mean(axis=0)
        small = np.abs(center) < CENTER_EPS
        center[small] = np.where(center[small] < 0, -CENTER_EPS, CENTER_EPS)
        self.center.assign(center.astype("float32"))
        self.center_initialized.assign(1.0)
        return center

    def score(self, x, batch_size: int = 256) -> np.ndarray:
        """Anomaly scores ||φ(x) − c||², shape (n,); the larger, the more anomalous."""
        x = self._as_inputs(x, "x")
        self._check_center("score")
        z = self._features(x, batch_size).astype(np.float64)
        return ((z - np.asarray(self.center, dtype=np.float64)) ** 2).sum(axis=1)

    def _check_center(self, what: str) -> None:
        if float(self.center_initialized.numpy()) != 1.0:
            raise RuntimeError(f"{type(self).__name__}: call `initialize_center(x_source)` "
                               f"before `{what}` (the centre c is the mean of the initial "
                               "source features).")

    def fit(self, *args, **kwargs):
        if self.built:
            self._check_center("fit")
        return super().fit(*args, **kwargs)

    def train_step(self, data):
        if isinstance(data, (tuple, list)):
            x_s = data[0]
            x_t = data[1] if len(data) > 1 else None
        else:
            x_s, x_t = data, None
        if isinstance(x_s, (tuple, list)):
            x_s = x_s[0]
        if isinstance(x_t, (tuple, list)):
            x_t = x_t[0]
        align = self.alignment_loss is not None and x_t is not None
        with tf.GradientTape() as tape:
            if align:
                n_s = ops.shape(x_s)[0]
                z = self(ops.concatenate([x_s, x_t], axis=0), training=True)
                z_s, z_t = z[:n_s], z[n_s:]
            else:
                z_s = self(x_s, training=True)
            svdd = ops.mean(ops.sum(ops.square(z_s - self.center), axis=1))
            total = svdd
            if align:
                alignment = self.alignment_loss(z_s, z_t, None, None, training=True)
                total = total + self.alignment_weight * alignment
            if self.losses:
                total = total + ops.sum(ops.stack(self.losses))
        gradients = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.total_tracker.update_state(total)
        self.svdd_tracker.update_state(svdd)
        logs = {"loss": self.total_tracker.result(), "svdd_loss": self.svdd_tracker.result()}
        if align:
            self.alignment_tracker.update_state(alignment)
            logs["alignment_loss"] = self.alignment_tracker.result()
        return logs

    @property
    def metrics(self):
        return [self.total_tracker, self.svdd_tracker, self.alignment_tracker]

    def get_config(self):
        config = super().get_config()
        config.update(units=list(self.units), alignment=self.alignment,
                      alignment_weight=self.alignment_weight, weight_decay=self.weight_decay)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["units"] = tuple(config["units"])
        return cls(**config)
