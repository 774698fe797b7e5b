"""Two-stage TrAdaBoost.R2 (Pardoe & Stone, ICML 2010)."""

from __future__ import annotations

import math
from typing import Any, Callable, List, Union

import numpy as np
from scipy.optimize import brentq
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import KFold

from tftransfer._checks import check_int
from tftransfer._params import checked_params
from tftransfer.instance.tradaboost_r2 import (
    TrAdaBoostR2, _Regressors, adjusted_errors, predict_learner, weighted_median)


class FrozenSourceAdaBoostR2:
    """AdaBoost.R2′: AdaBoost.R2 (Drucker 1997) on source ∪ target in which only the target
    weights change (Pardoe & Stone 2010, the first stage of two-stage TrAdaBoost.R2).

    Round k = 1 … K: fit h_k with the current distribution; adjusted errors e_i on every
    sample; ε_k = Σ_target p_i e_i / Σ_target p_i; stop when ε_k ≥ 0.5 (keeping h_1 at
    least); β_k = ε_k / (1 − ε_k); target w_i ← w_i β_k^{1 − e_i}, rescaled so that the
    target's total weight is unchanged (the source weights stay frozen). The prediction is
    the weighted median of h_1 … h_K with weights ln(1/β_k). (ε_k on the target part: the
    stage fits the target; the source only lends its frozen weight.)
    """

    def __init__(self, learners: _Regressors, rounds: int, loss: str, seed_offset: int):
        self.learners, self.rounds, self.loss, self.seed_offset = learners, rounds, loss, seed_offset

    def fit(self, x, y, weights, n_s: int) -> "FrozenSourceAdaBoostR2":
        w = np.asarray(weights, np.float64).copy()
        target_total = w[n_s:].sum()
        self.estimators_, vote = [], []
        for k in range(self.rounds):
            learner = self.learners.fit(self.seed_offset + k, x, y, w / w.sum())
            e = adjusted_errors(y - predict_learner(learner, x), self.loss)
            error = float(np.clip(w[n_s:] @ e[n_s:] / w[n_s:].sum(), 1e-10, 1.0))
            if error >= 0.5 and self.estimators_:
                break
            beta = min(error, 0.499) / (1.0 - min(error, 0.499))
            self.estimators_.append(learner)
            vote.append(math.log(1.0 / beta))
            w[n_s:] *= beta ** (1.0 - e[n_s:])
            w[n_s:] *= target_total / w[n_s:].sum()
        self.vote_weights_ = np.asarray(vote)
        return self

    def predict(self, x) -> np.ndarray:
        predictions = np.stack([predict_learner(h, x) for h in self.estimators_], axis=1)
        return weighted_median(predictions, self.vote_weights_)


@checked_params
class TwoStageTrAdaBoostR2(BaseEstimator, RegressorMixin):
    """Two-stage TrAdaBoost.R2: shift weight from the source to the target gradually, and
    keep the step whose model cross-validates best on the target.

    Pardoe & Stone, "Boosting for Regression Transfer", ICML 2010, Algorithm 3. The n_s
    source and n_t labelled target samples share one weight vector w, uniform at first.
    Step t = 1 … S:

    1. (stage 1) train AdaBoost.R2′ (`FrozenSourceAdaBoostR2`: boosting that only moves
       the target weights) with w, and estimate its target error by F-fold cross-validation
       over the target samples (each fold held out, the model trained on the source and the
       other folds with the same weights): error_t = the mean squared error on the folds;
    2. (stage 2) fit one base learner h_t with w; adjusted errors e_i of every sample;
    3. source w_i ← w_i β_t^{e_i}, target unchanged, then normalise, with β_t ∈ (0, 1]
       found by root finding so that the target's total weight becomes

           n_t / (n_s + n_t) + t / (S − 1) · (1 − n_t / (n_s + n_t)),

       i.e. the target's share grows linearly from uniform (step 1) to everything (step S).

    The model is the AdaBoost.R2′ of the step with the lowest cross-validated error. Source
    samples far from the target concept (large e_i) lose weight first.

    Deviation: the cross-validated error is the mean squared error (the tables of this
    project report RMSE). ADAPT's implementation differs in two places: it cross-validates a
    single base learner rather than AdaBoost.R2′, and its schedule of target shares starts
    one step later.

    Args:
        estimator: The base regressor, as for `TrAdaBoostR2`.
        n_estimators: S, the number of steps, an int >= 2.
        n_estimators_stage1: K, the AdaBoost.R2′ rounds of each step, an int >= 1.
        cv: F, the cross-validation folds over the target samples, an int >= 2 (at most n_t).
        loss: AdaBoost.R2's adjusted-error loss, "linear" (default), "square", "exponential".
        seed: An int >= 0 seeding the folds and the learners' random states.

    Attributes (after `fit`):
        estimators_ (the AdaBoost.R2′ of each step), cv_errors_ (S,), best_step_,
        source_weights_ / target_weights_ (the weights of the best step, normalised
        together), target_shares_ (the target's share of the weight at each step).

    Example:
        >>> model = TwoStageTrAdaBoostR2(Ridge(), n_estimators=10).fit(Xs, ys, Xt_few, yt_few)
    """

    estimator: Union[Any, Callable[[], Any], None] = None
    n_estimators: int = 10
    n_estimators_stage1: int = 10
    cv: int = 5
    loss: str = "linear"
    seed: int = 0

    def _check_params(self) -> None:
        owner = type(self).__name__
        check_int(self.n_estimators, "n_estimators", minimum=2, owner=owner)
        check_int(self.n_estimators_stage1, "n_estimators_stage1", minimum=1, owner=owner)
        check_int(self.cv, "cv", minimum=2, owner=owner)
        TrAdaBoostR2(self.estimator, loss=self.loss, seed=self.seed)  # same checks

    def fit(self, Xs, ys, Xt, yt):
        """Runs the S steps on source (`Xs`, `ys`) and labelled target (`Xt`, `yt`).

        Returns:
            `self`.

        Raises:
            ValueError: fewer target samples than `cv` folds, or bad arrays.
        """
        self._check_params()
        owner = type(self).__name__
        xs, ys, xt, yt = TrAdaBoostR2._inputs(self, Xs, ys, Xt, yt)
        n_s, n_t = len(xs), len(xt)
        if n_t < self.cv:
            raise ValueError(f"{owner}: `cv` folds need at least as many labelled target "
                             f"samples. Received: cv={self.cv} with {n_t} target samples")
        x, y = np.vstack([xs, xt]), np.concatenate([ys, yt])
        learners = _Regressors(self.estimator, self.seed, owner)
        steps, rounds = int(self.n_estimators), int(self.n_estimators_stage1)
        folds = list(KFold(self.cv, shuffle=True, random_state=self.seed).split(xt))
        uniform_share = n_t / (n_s + n_t)
        w = np.full(n_s + n_t, 1.0 / (n_s + n_t))
        self.estimators_, errors, shares, history = [], [], [], []
        seed_offset = 0
        for t in range(steps):
            w = w / w.sum()
            shares.append(float(w[n_s:].sum()))
            history.append(w.copy())
            # Stage 1: AdaBoost.R2' on everything, and its cross-validated target error.
            self.estimators_.append(FrozenSourceAdaBoostR2(learners, rounds, self.loss,
                                                           seed_offset).fit(x, y, w, n_s))
            seed_offset += rounds
            errors.append(self._cv_error(learners, xs, ys, xt, yt, w, folds, rounds,
                                         seed_offset))
            seed_offset += rounds * len(folds)
            if t == steps - 1:
                break
            # Stage 2: move weight from the source to the target.
            h = learners.fit(seed_offset, x, y, w)
            seed_offset += 1
            e = adjusted_errors(y - predict_learner(h, x), self.loss)
            share = uniform_share + (t + 1) / (steps - 1) * (1.0 - uniform_share)
            w[:n_s] *= _source_factor(w[:n_s], e[:n_s], w[n_s:].sum(), share)
        self.cv_errors_ = np.asarray(errors)
        self.target_shares_ = np.asarray(shares)
        self.best_step_ = int(np.argmin(self.cv_errors_))
        best = history[self.best_step_]
        self.source_weights_, self.target_weights_ = best[:n_s], best[n_s:]
        self.n_features_in_ = x.shape[1]
        return self

    def _cv_error(self, learners, xs, ys, xt, yt, w, folds, rounds, seed_offset) -> float:
        n_s = len(xs)
        squared: List[np.ndarray] = []
        for i, (train, held) in enumerate(folds):
            weights = np.concatenate([w[:n_s], w[n_s:][train]])
            # The kept target rows carry the whole target share, as in the full fit.
            weights[n_s:] *= w[n_s:].sum() / max(w[n_s:][train].sum(), 1e-300)
            model = FrozenSourceAdaBoostR2(learners, rounds, self.loss,
                                           seed_offset + i * rounds).fit(
                np.vstack([xs, xt[train]]), np.concatenate([ys, yt[train]]), weights, n_s)
            squared.append((model.predict(xt[held]) - yt[held]) ** 2)
        return float(np.mean(np.concatenate(squared)))

    def predict(self, X) -> np.ndarray:
        """The predictions of the best step's AdaBoost.R2′, (n,)."""
        x = TrAdaBoostR2._features(self, X)
        return self.estimators_[self.best_step_].predict(x)


def _source_factor(source_w: np.ndarray, errors: np.ndarray, target_total: float,
                   share: float) -> np.ndarray:
    """β^{e_i} with β ∈ [0, 1] such that target_total / (target_total + Σ w_i β^{e_i}) = share.

    The source total Σ w_i β^{e_i} decreases with β from Σ w_i (β = 1) to the weight of the
    samples with e_i = 0 (β → 0); a share that even β → 0 cannot reach (or share 1) drops
    every source sample with e_i > 0 and scales the others down to it.
    """
    if share >= 1.0 - 1e-12:
        return np.zeros_like(source_w)
    wanted = target_total * (1.0 - share) / share
    if source_w.sum() <= wanted:
        return np.ones_like(source_w)

    def excess(beta):
        return float(source_w @ np.power(beta, errors)) - wanted

    floor = 1e-12
    if excess(floor) > 0:
        factor = np.power(floor, errors)
        return factor * wanted / float(source_w @ factor)
    beta = brentq(excess, floor, 1.0, xtol=1e-12, maxiter=200)
    return np.power(beta, errors)
