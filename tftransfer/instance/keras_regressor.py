"""A scikit-learn-style regressor around a Keras model, for TrAdaBoost.R2 and its two-stage form."""

from __future__ import annotations

from typing import Callable, Optional

import keras
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from tftransfer._checks import as_2d_float, check_int
from tftransfer.instance.tradaboost_r2 import as_targets


class KerasRegressor(BaseEstimator, RegressorMixin):
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

    def __init__(self, build_fn: Callable[[], keras.Model], epochs: int = 20,
                 batch_size: int = 32, verbose: int = 0, random_state: Optional[int] = None):
        self.build_fn = build_fn
        self.epochs = epochs
        self.batch_size = batch_size
        self.verbose = verbose
        self.random_state = random_state
        self._check_params()

    def _check_params(self) -> None:
        if not callable(self.build_fn):
            raise TypeError("KerasRegressor: `build_fn` must be a zero-argument callable returning "
                            f"a compiled keras.Model. Received: build_fn of type "
                            f"{type(self.build_fn).__name__}")
        check_int(self.epochs, "epochs", minimum=1, owner="KerasRegressor")
        check_int(self.batch_size, "batch_size", minimum=1, owner="KerasRegressor")
        check_int(self.verbose, "verbose", minimum=0, maximum=2, owner="KerasRegressor")
        check_int(self.random_state, "random_state", minimum=0, allow_none=True,
                  owner="KerasRegressor")

    def fit(self, X, y, sample_weight=None):
        """Builds a fresh model and trains it on (`X`, `y`) with optional `sample_weight`."""
        self._check_params()
        x = as_2d_float(X, "X", owner="KerasRegressor", dtype=np.float32)
        y = as_targets(y, len(x), "y", "KerasRegressor").astype(np.float32)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, np.float32).reshape(-1)
            if sample_weight.shape != (len(x),) or not np.all(np.isfinite(sample_weight)):
                raise ValueError(f"KerasRegressor: `sample_weight` must be {len(x)} finite values. "
                                 f"Received: sample_weight of shape {sample_weight.shape}")
        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
        model = self.build_fn()
        if not isinstance(model, keras.Model):
            raise TypeError("KerasRegressor: `build_fn` must return a keras.Model. "
                            f"Received: an object of type {type(model).__name__}")
        if not model.compiled:
            raise ValueError("KerasRegressor: `build_fn` must return a compiled model (call "
                             "model.compile with an optimizer and a regression loss). Received: "
                             f"an uncompiled {type(model).__name__}")
        width = model.outputs[0].shape[-1] if getattr(model, "outputs", None) else None
        if width not in (None, 1):
            raise ValueError("KerasRegressor: the model must output one value per example. "
                             f"Received: a model with {width} outputs")
        model.fit(x, y, sample_weight=sample_weight, epochs=int(self.epochs),
                  batch_size=int(self.batch_size), verbose=self.verbose)
        self.model_ = model
        return self

    def predict(self, X) -> np.ndarray:
        """The model's predictions, (n,) float64."""
        if not hasattr(self, "model_"):
            raise RuntimeError("This KerasRegressor is not fitted yet; call fit(X, y) first.")
        x = as_2d_float(X, "X", owner="KerasRegressor", dtype=np.float32)
        out = self.model_.predict(x, batch_size=int(self.batch_size), verbose=self.verbose)
        return np.asarray(out, np.float64).reshape(len(x))
