"""Regression metrics: MAE, RMSE and R², as a streaming Keras metric and on numpy arrays."""

from __future__ import annotations

from typing import Dict, Optional

import keras
import numpy as np

from tftransfer._checks import check_int


@keras.saving.register_keras_serializable(package="tftransfer")
class R2(keras.metrics.Metric):
    """Coefficient of determination R² = 1 − SS_res / SS_tot, streamed over batches.

    Per output j, with weights w_i (1 when none are given):

        SS_res,j = Σ_i w_i (y_ij − ŷ_ij)²,   SS_tot,j = Σ_i w_i (y_ij − ȳ_j)²,
        ȳ_j = Σ_i w_i y_ij / Σ_i w_i,

    accumulated as sums (Σw, Σw y, Σw y², Σw (y − ŷ)²), so the result over several batches
    equals the result over their concatenation; R² is the mean over the outputs (scikit-
    learn's `r2_score` with multioutput="uniform_average"). Unlike `keras.metrics.R2Score`,
    the state has a fixed shape from construction, so it can be created outside the train
    step and updated inside it. An output with constant targets (SS_tot = 0) counts as 0.

    Args:
        num_outputs: k, the outputs per example.
        name: Metric name.
    """

    def __init__(self, num_outputs: int = 1, name: str = "r2", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_outputs = check_int(num_outputs, "num_outputs", minimum=1, owner="R2")
        shape = (self.num_outputs,)
        self.weight_sum = self.add_variable(shape=(), initializer="zeros", name="weight_sum")
        self.target_sum = self.add_variable(shape=shape, initializer="zeros", name="target_sum")
        self.target_squares = self.add_variable(shape=shape, initializer="zeros",
                                                name="target_squares")
        self.residual_squares = self.add_variable(shape=shape, initializer="zeros",
                                                  name="residual_squares")

    def update_state(self, y_true, y_pred, sample_weight=None):
        ops = keras.ops
        y_true = ops.reshape(ops.cast(y_true, "float32"), (-1, self.num_outputs))
        y_pred = ops.reshape(ops.cast(y_pred, "float32"), (-1, self.num_outputs))
        if sample_weight is None:
            w = ops.ones_like(y_true[:, :1])
        else:
            w = ops.reshape(ops.cast(sample_weight, "float32"), (-1, 1))
        self.weight_sum.assign_add(ops.sum(w))
        self.target_sum.assign_add(ops.sum(w * y_true, axis=0))
        self.target_squares.assign_add(ops.sum(w * y_true * y_true, axis=0))
        self.residual_squares.assign_add(ops.sum(w * ops.square(y_true - y_pred), axis=0))

    def result(self):
        ops = keras.ops
        total = self.target_squares - ops.square(self.target_sum) / ops.maximum(self.weight_sum,
                                                                               1e-12)
        r2 = ops.where(total > 0, 1.0 - self.residual_squares / ops.maximum(total, 1e-12), 0.0)
        return ops.mean(r2)

    def reset_state(self):
        for variable in self.variables:
            variable.assign(keras.ops.zeros_like(variable))

    def get_config(self):
        return {**super().get_config(), "num_outputs": self.num_outputs}


def regression_scores(y_true, y_pred, sample_weight: Optional[np.ndarray] = None) -> Dict[str, float]:
    """{"mse", "mae", "rmse", "r2"} of predictions against targets (float64, numpy).

    Outputs are averaged uniformly (each metric is the mean over the k outputs, RMSE the
    root of the mean squared error over all entries). R² as `R2` (0 for constant targets).

    Args:
        y_true: (n,) or (n, k) targets.
        y_pred: predictions of the same size.
        sample_weight: optional (n,) non-negative weights.
    """
    y = np.asarray(y_true, np.float64)
    p = np.asarray(y_pred, np.float64)
    y = y.reshape(len(y), -1)
    if p.size != y.size:
        raise ValueError(f"regression_scores: `y_pred` must hold one prediction per target. "
                         f"Received: y_true of shape {np.shape(y_true)}, y_pred of shape "
                         f"{np.shape(y_pred)}")
    p = p.reshape(y.shape)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    residual = y - p
    mse = float(np.average(np.mean(residual ** 2, axis=1), weights=w))
    mae = float(np.average(np.mean(np.abs(residual), axis=1), weights=w))
    mean = np.average(y, axis=0, weights=w)
    ss_tot = np.average((y - mean) ** 2, axis=0, weights=w)
    ss_res = np.average(residual ** 2, axis=0, weights=w)
    r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), 0.0)
    return {"mse": mse, "mae": mae, "rmse": float(np.sqrt(mse)), "r2": float(np.mean(r2))}
