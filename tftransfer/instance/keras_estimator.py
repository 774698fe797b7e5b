"""A scikit-learn-style classifier around a Keras model, for TrAdaBoost and the weights."""

from __future__ import annotations

from typing import Callable, Optional

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from tftransfer._checks import as_2d_float, as_labels, check_int
from tftransfer._params import checked_params


@checked_params
class KerasLearner(BaseEstimator):
    """The Keras side shared by `KerasEstimator` and `KerasRegressor`.

    Holds the constructor arguments (documented on the two subclasses), builds a fresh
    checked model for every `fit`, trains it with the sample weights and predicts with it.
    Subclasses set `_loss_hint` (the loss the model must be compiled with, for the error
    message) and encode their targets.
    """

    build_fn: Callable[[], keras.Model]
    epochs: int = 20
    batch_size: int = 32
    verbose: int = 0
    random_state: Optional[int] = None

    _loss_hint = "a loss"

    def _check_params(self) -> None:
        owner = type(self).__name__
        if not callable(self.build_fn):
            raise TypeError(
                f"{owner}: `build_fn` must be a zero-argument callable returning a "
                f"compiled keras.Model. Received: build_fn of type {type(self.build_fn).__name__}"
            )
        check_int(self.epochs, "epochs", minimum=1, owner=owner)
        check_int(self.batch_size, "batch_size", minimum=1, owner=owner)
        check_int(self.verbose, "verbose", minimum=0, maximum=2, owner=owner)
        check_int(self.random_state, "random_state", minimum=0, allow_none=True, owner=owner)

    def _sample_weight(self, sample_weight, n: int) -> Optional[np.ndarray]:
        """`sample_weight` as n finite float32 values (None stays None)."""
        if sample_weight is None:
            return None
        sample_weight = np.asarray(sample_weight, np.float32).reshape(-1)
        if sample_weight.shape != (n,) or not np.all(np.isfinite(sample_weight)):
            raise ValueError(
                f"{type(self).__name__}: `sample_weight` must be {n} finite values. "
                f"Received: sample_weight of shape {sample_weight.shape}"
            )
        return sample_weight

    def _build(self) -> keras.Model:
        """A fresh compiled model from `build_fn` (seeded first when `random_state` is set)."""
        owner = type(self).__name__
        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
        model = self.build_fn()
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"{owner}: `build_fn` must return a keras.Model. "
                f"Received: an object of type {type(model).__name__}"
            )
        if not model.compiled:
            raise ValueError(
                f"{owner}: `build_fn` must return a compiled model (call model.compile "
                f"with an optimizer and {self._loss_hint}). Received: an uncompiled "
                f"{type(model).__name__}"
            )
        return model

    def _train(self, model: keras.Model, x: np.ndarray, y: np.ndarray, sample_weight) -> None:
        model.fit(x, y, sample_weight=sample_weight, epochs=int(self.epochs),
                  batch_size=int(self.batch_size), verbose=self.verbose)
        self.model_ = model

    def _predict(self, X) -> np.ndarray:
        """The fitted model's outputs on `X`, float64 with one row per sample."""
        owner = type(self).__name__
        if not hasattr(self, "model_"):
            raise RuntimeError(f"This {owner} is not fitted yet; call fit(X, y) first.")
        x = as_2d_float(X, "X", owner=owner, dtype=np.float32)
        out = self.model_.predict(x, batch_size=int(self.batch_size), verbose=self.verbose)
        return np.asarray(out, np.float64).reshape(len(x), -1)


class KerasEstimator(KerasLearner, ClassifierMixin):
    """`fit(X, y, sample_weight)` / `predict` / `predict_proba` around a compiled Keras model.

    The adapter that lets the scikit-learn-style instance-transfer tools use a Keras
    base learner: `TrAdaBoost(KerasEstimator(build_fn))`, or
    `domain_classifier_weights(xs, xt, classifier=KerasEstimator(build_fn))`. Every
    `fit` calls `build_fn()` for a fresh model (boosting rounds and cross-validation
    folds never share weights), then trains it with `model.fit(X, y,
    sample_weight=...)`. It is a `sklearn.base.BaseEstimator`, so `sklearn.base.clone`
    and `get_params` work.

    Labels may be any values; they are encoded as integer indices 0 … C−1 in the
    order of the sorted `classes_`. The model must therefore take float32 inputs of
    shape (batch, d), be compiled with a loss for integer labels, and output
    probabilities: C softmax units with `sparse_categorical_crossentropy`, or, for two
    classes, one sigmoid unit with `binary_crossentropy` (then
    p(classes_[1]) = output).

    Args:
        build_fn: Zero-argument callable returning a compiled `keras.Model`.
        epochs: Training epochs per `fit`, an int >= 1.
        batch_size: Batch size for fit and predict, an int >= 1.
        verbose: Keras verbosity (0, 1 or 2).
        random_state: None, or an int >= 0 passed to `keras.utils.set_random_seed`
            before each build, which makes fits reproducible (this seeds Python, NumPy
            and TensorFlow globally). TrAdaBoost sets it per round when it is None.

    Attributes (after `fit`):
        model_: The trained `keras.Model`.
        classes_: The sorted labels.

    Raises:
        TypeError / ValueError: a non-callable `build_fn` or an argument out of range
            (at construction); `build_fn` not returning a compiled `keras.Model`, or an
            output width that matches neither C nor 1 (at fit).

    Example:
        >>> def build():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, "softmax")])
        ...     model.compile("adam", "sparse_categorical_crossentropy")
        ...     return model
        >>> TrAdaBoost(KerasEstimator(build, epochs=5), n_estimators=5).fit(Xs, ys, Xt, yt)
    """

    _loss_hint = "a loss for integer labels"

    def fit(self, X, y, sample_weight=None):
        """Builds a fresh model and trains it on (`X`, `y`) with optional `sample_weight`.

        Returns:
            `self`.
        """
        self._check_params()
        x = as_2d_float(X, "X", owner="KerasEstimator", dtype=np.float32)
        y = as_labels(y, len(x), "y", owner="KerasEstimator", indices=False)
        self.classes_, codes = np.unique(y, return_inverse=True)
        sample_weight = self._sample_weight(sample_weight, len(x))
        model = self._build()
        width = model.outputs[0].shape[-1] if getattr(model, "outputs", None) else None
        if width is not None and width not in (1, len(self.classes_)):
            raise ValueError(
                f"KerasEstimator: the model must output {len(self.classes_)} softmax units "
                f"(or 1 sigmoid unit for two classes), one per class of y. Received: a model "
                f"with {width} units"
            )
        self._train(model, x, codes.astype(np.int32), sample_weight)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, (n, n_classes), columns in the order of `classes_`."""
        out = self._predict(X)
        if out.shape[1] == 1:
            out = np.hstack([1.0 - out, out])
        if out.shape[1] != len(self.classes_):
            raise ValueError(
                f"KerasEstimator: the model predicts {out.shape[1]} columns for "
                f"{len(self.classes_)} classes."
            )
        return out

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row, in the label space of `y`."""
        proba = self.predict_proba(X)  # checks fitted first
        return self.classes_[np.argmax(proba, axis=1)]
