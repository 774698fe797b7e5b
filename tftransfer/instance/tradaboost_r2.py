"""TrAdaBoost.R2: boosting for regression transfer (Pardoe & Stone, ICML 2010)."""

from __future__ import annotations

import copy
import math
from typing import Any, Callable, Union

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LinearRegression

from tftransfer._checks import (
    as_2d_float,
    check_choice,
    check_fitted_features,
    check_int,
    check_positive,
    check_same_features,
)
from tftransfer._params import checked_params
from tftransfer.blas import one_blas_thread
from tftransfer.instance.tradaboost import _accepts_sample_weight, boost

#: AdaBoost.R2's losses of a residual r scaled by the largest residual D (Drucker 1997).
LOSSES = ("linear", "square", "exponential")


def adjusted_errors(residuals: np.ndarray, loss: str) -> np.ndarray:
    """AdaBoost.R2's adjusted errors e_i ∈ [0, 1] of absolute residuals |y_i − h(x_i)|
    (Drucker, "Improving Regressors using Boosting Techniques", ICML 1997):

        D = max_i |r_i|,   e_i = |r_i|/D (linear), (|r_i|/D)² (square),
                               1 − exp(−|r_i|/D) (exponential);

    all zeros when every residual is 0.
    """
    r = np.abs(np.asarray(residuals, np.float64))
    largest = r.max() if r.size else 0.0
    if largest <= 0:
        return np.zeros_like(r)
    scaled = r / largest
    if loss == "linear":
        return scaled
    if loss == "square":
        return scaled ** 2
    return 1.0 - np.exp(-scaled)


def weighted_median(predictions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per row, the weighted median of the learners' predictions (AdaBoost.R2's combination).

    Args:
        predictions: (n, T) predictions of T learners.
        weights: (T,) non-negative learner weights, not all 0.

    Returns:
        (n,) the smallest prediction whose cumulative weight (in increasing order of the
        predictions) reaches half the total weight.
    """
    predictions = np.asarray(predictions, np.float64)
    weights = np.asarray(weights, np.float64)
    order = np.argsort(predictions, axis=1, kind="stable")
    sorted_predictions = np.take_along_axis(predictions, order, axis=1)
    cumulative = np.cumsum(weights[order], axis=1)
    chosen = (cumulative >= 0.5 * cumulative[:, -1:]).argmax(axis=1)
    return sorted_predictions[np.arange(len(predictions)), chosen]


def as_targets(y, n: int, name: str, owner: str) -> np.ndarray:
    """`y` as finite float64 (n,) regression targets (a (n, 1) column is flattened)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{owner}: `{name}` must hold one real target per sample, shape ({n},). "
                         f"Received: {name} of shape {np.shape(y)}")
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_:
        raise TypeError(f"{owner}: `{name}` must be numeric regression targets. "
                        f"Received: {name} of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: `{name}` must be finite. Received: "
                         f"{int((~np.isfinite(arr)).sum())} non-finite values")
    return arr


class _Regressors:
    """The base learner of a boosting loop: a fresh copy per round, seeded, weight-aware."""

    def __init__(self, estimator, seed: int, owner: str, default=LinearRegression):
        self.estimator, self.seed, self.owner, self.default = estimator, seed, owner, default

    @staticmethod
    def is_learner(obj) -> bool:
        return callable(getattr(obj, "fit", None)) and callable(getattr(obj, "predict", None))

    def check(self) -> None:
        est = self.estimator
        if est is None or isinstance(est, type) or self.is_learner(est) or callable(est):
            return
        raise TypeError(f"{self.owner}: `estimator` must be None, a regressor with fit(X, y, "
                        "sample_weight=...) and predict(X), or a zero-argument callable "
                        f"returning one. Received: estimator of type {type(est).__name__}")

    def new(self, round_index: int):
        est = self.estimator
        if est is None:
            learner = self.default()
        elif self.is_learner(est) and not isinstance(est, type):
            learner = clone(est) if hasattr(est, "get_params") else copy.deepcopy(est)
        else:
            learner = est()
            if not self.is_learner(learner):
                raise TypeError(f"{self.owner}: the `estimator` factory must return an object "
                                f"with fit and predict. Received: {type(learner).__name__}")
        if not _accepts_sample_weight(learner.fit):
            raise TypeError(f"{self.owner}: the base learner's fit must accept sample_weight. "
                            f"Received: {type(learner).__name__}.fit without it")
        if hasattr(learner, "get_params") and hasattr(learner, "set_params"):
            params = learner.get_params(deep=False)
            if "random_state" in params and params["random_state"] is None:
                learner.set_params(random_state=self.seed + round_index)
        return learner

    def fit(self, round_index: int, x, y, distribution: np.ndarray):
        """A fresh learner fitted with `sample_weight` = the distribution rescaled to mean 1."""
        learner = self.new(round_index)
        with one_blas_thread():
            learner.fit(x, y, sample_weight=distribution * (len(y) / distribution.sum()))
        return learner


def predict_learner(learner, x) -> np.ndarray:
    return np.asarray(learner.predict(x), np.float64).reshape(len(x))


@checked_params
class TrAdaBoostR2(BaseEstimator, RegressorMixin):
    """TrAdaBoost.R2: TrAdaBoost's reverse boosting with AdaBoost.R2's adjusted errors.

    Pardoe & Stone, "Boosting for Regression Transfer", ICML 2010, Algorithm 2: the
    regression form of TrAdaBoost (Dai et al., ICML 2007). The n_s source and n_t labelled
    target samples share one weight vector w, uniform at first. Round t = 1 … N:

    1. fit h_t on source ∪ target with the distribution p_t = w / Σw;
    2. adjusted errors e_i ∈ [0, 1] of every sample (`adjusted_errors`: |y_i − h_t(x_i)|
       over the largest residual D_t, linear, square or exponential);
    3. ε_t = Σ_target p_i e_i / Σ_target p_i, clipped to [1e-10, 0.499];
       β_t = ε_t / (1 − ε_t) and β = 1 / (1 + √(2 ln n_s / N));
    4. source:  w_i ← p_i · β^{η e_i}       (source samples the model fits badly fade),
       target:  w_i ← p_i · β_t^{−η e_i}    (target samples it fits badly grow).

    The prediction is the weighted median (`weighted_median`) of the learners of the second
    half, t = ⌈N/2⌉ … N, with weights ln(1/β_t).

    Deviations, as in this package's `TrAdaBoost`: ε_t is clipped at 0.499 instead of
    stopping the boosting (so N learners are always fitted), and each round's
    `sample_weight` is p_t rescaled to mean 1.

    Args:
        estimator: The base regressor: None (default) for `LinearRegression()`; an object
            with `fit(X, y, sample_weight=...)` and `predict(X)`, copied each round (`clone`
            for scikit-learn estimators, `deepcopy` otherwise; `KerasRegressor` for a Keras
            model); or a zero-argument callable returning one. A scikit-learn learner whose
            `random_state` is None gets `seed + t` in round t.
        n_estimators: N, the number of rounds, an int >= 1.
        loss: "linear" (default), "square" or "exponential" (`adjusted_errors`).
        learning_rate: η > 0, scaling the weight-update exponents.
        seed: An int >= 0 seeding the per-round random states.

    Attributes (after `fit`):
        estimators_, estimator_errors_ (ε_t), betas_ (β_t), estimator_weights_ (ln 1/β_t),
        beta_source_ (β), source_weights_, target_weights_ (final, normalised together).

    Example:
        >>> model = TrAdaBoostR2(Ridge(), n_estimators=20).fit(Xs, ys, Xt_few, yt_few)
        >>> model.predict(Xt_test)
    """

    estimator: Union[Any, Callable[[], Any], None] = None
    n_estimators: int = 10
    loss: str = "linear"
    learning_rate: float = 1.0
    seed: int = 0

    def _check_params(self) -> None:
        owner = type(self).__name__
        check_int(self.n_estimators, "n_estimators", minimum=1, owner=owner)
        check_choice(self.loss, "loss", LOSSES, owner=owner)
        check_positive(self.learning_rate, "learning_rate", owner=owner)
        check_int(self.seed, "seed", minimum=0, owner=owner)
        _Regressors(self.estimator, self.seed, owner).check()

    def _inputs(self, Xs, ys, Xt, yt):
        owner = type(self).__name__
        xs = as_2d_float(Xs, "Xs", owner=owner)
        xt = as_2d_float(Xt, "Xt", owner=owner)
        check_same_features(xs, xt, owner=owner)
        return (xs, as_targets(ys, len(xs), "ys", owner), xt,
                as_targets(yt, len(xt), "yt", owner))

    def fit(self, Xs, ys, Xt, yt):
        """Boosts on the source (`Xs`, `ys`) and the labelled target samples (`Xt`, `yt`).

        Returns:
            `self`.
        """
        self._check_params()
        xs, ys, xt, yt = self._inputs(Xs, ys, Xt, yt)
        n_s, n_t = len(xs), len(xt)
        x, y = np.vstack([xs, xt]), np.concatenate([ys, yt])
        learners = _Regressors(self.estimator, self.seed, type(self).__name__)
        rounds = int(self.n_estimators)
        self.beta_source_ = 1.0 / (1.0 + math.sqrt(2.0 * math.log(max(n_s, 2)) / rounds))

        def fit_round(t, p):
            learner = learners.fit(t, x, y, p)
            return learner, adjusted_errors(y - predict_learner(learner, x), self.loss)

        boost(self, n_s, n_t, fit_round)
        self.n_features_in_ = x.shape[1]
        return self

    def _features(self, X) -> np.ndarray:
        if not hasattr(self, "estimators_"):
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet; call "
                               "fit(Xs, ys, Xt, yt).")
        owner = type(self).__name__
        return check_fitted_features(as_2d_float(X, "X", owner=owner), self.n_features_in_,
                                     owner=owner)

    def predict(self, X) -> np.ndarray:
        """The weighted median of the second-half learners' predictions, (n,)."""
        x = self._features(X)
        start = math.ceil(len(self.estimators_) / 2) - 1  # t = ⌈N/2⌉ … N, 1-based
        learners = self.estimators_[start:]
        predictions = np.stack([predict_learner(h, x) for h in learners], axis=1)
        return weighted_median(predictions, self.estimator_weights_[start:])
