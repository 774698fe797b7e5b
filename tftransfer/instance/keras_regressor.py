"""A scikit-learn-style regressor around a Keras model, for TrAdaBoost.R2 and its two-stage form."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from tftransfer._checks import as_2d_float
from tftransfer.instance.keras_estimator import KerasLearner
from tftransfer.instance.tradaboost_r2 import as_targets


class KerasRegressor(KerasLearner, RegressorMixin):
    """`fit(X, y, sample_weight)` / `predict` around a compiled Keras regression model.

    The regression twin of `KerasEstimator`: `TrAdaBoostR2(KerasRegressor(build_fn))`.
    Every `fit` calls `build_fn()` for a fresh model (boosting rounds and cross-validation
    folds never share weights) and trains it with `model.fit(X, y, sample_weight=...)`. The
    model takes float32 inputs (batch, d), outputs one value per example and is compiled
    with a regression loss (e.g. "mse").

    Args:
        build_fn: Zero-argument callable returning a compiled `keras.Model`.
        epochs: Training epochs per `fit`, an int >= 1.
        batch_size: Batch size for fit and predict, an int >= 1.
        verbose: Keras verbosity (0, 1 or 2).
        random_state: None, or an int >= 0 given to `keras.utils.set_random_seed` before each
            build (fits are then reproducible; it seeds Python, NumPy and TensorFlow
            globally). The boosting classes set it per round when it is None.

    Attributes (after `fit`):
        model_: The trained `keras.Model`.

    Example:
        >>> def build():
        ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, "relu"),
        ...                               keras.layers.Dense(1)])
        ...     model.compile("adam", "mse")
        ...     return model
        >>> TrAdaBoostR2(KerasRegressor(build, epochs=20), n_estimators=5).fit(Xs, ys, Xt, yt)
    """

    _loss_hint = "a regression loss"

    def fit(self, X, y, sample_weight=None):
        """Builds a fresh model and trains it on (`X`, `y`) with optional `sample_weight`."""
        self._check_params()
        x = as_2d_float(X, "X", owner="KerasRegressor", dtype=np.float32)
        y = as_targets(y, len(x), "y", "KerasRegressor").astype(np.float32)
        sample_weight = self._sample_weight(sample_weight, len(x))
        model = self._build()
        width = model.outputs[0].shape[-1] if getattr(model, "outputs", None) else None
        if width not in (None, 1):
            raise ValueError("KerasRegressor: the model must output one value per example. "
                             f"Received: a model with {width} outputs")
        self._train(model, x, y, sample_weight)
        return self

    def predict(self, X) -> np.ndarray:
        """The model's predictions, (n,) float64."""
        out = self._predict(X)
        return out.reshape(len(out))
