"""The interface shared by the shallow domain-adaptation classifiers."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from tftransfer._checks import as_2d_float, as_labels, check_choice, check_same_features
# STANDARDIZATIONS: the values of the subclasses' `standardize` option, imported from here.
from tftransfer.transforms.base import STANDARDIZATIONS, domain_scaling, standardized  # noqa: F401

DOMAINS = ("source", "target")


def l2_normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm; all-zero rows stay zero (never NaN)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


class ShallowClassifier(BaseEstimator):
    """A classifier adapted from labelled source samples to unlabelled target samples.

    The scikit-learn-style life cycle shared by JDA, BDA, MEDA, EasyTL, the GFK
    classifier and `TransformThenHead`:

    - `fit(Xs, ys, Xt)`: source samples (n_s, d) with their labels, target samples
      (n_t, d) WITHOUT labels (unsupervised domain adaptation: no argument takes target
      labels). Labels are non-negative ints; `classes_` holds the sorted distinct source
      labels (normally 0..C-1) and `n_classes_` their number, at least 2.
    - `predict_scores(X, domain="target")`: (n, n_classes_) float64 class scores, higher
      = more likely, columns in the order of `classes_`. What a score is depends on the
      method and head (see each class); validators and `auto` read them. Heads: "1nn"
      −(distance to the nearest source sample of the class), "svm" / "svc" decision
      values, "logreg" log-probabilities (softmax gives its probabilities); MEDA its
      regression outputs f_c(x) (fitted to one-hot source labels); EasyTL its assignment
      M (rows sum to 1). Only "logreg" is calibrated; the others are monotone scores.
    - `predict(X, domain="target")`: `classes_[argmax(predict_scores(X, domain))]`
      (ties go to the first class).
    - `transform_source(X)` / `transform_target(X)`: the learnt embedding of samples of
      either domain (float32), the space the method's classifier works in; for
      feature-based validators and plots.

    `X` may be the fitted target samples or new ones: every method has an out-of-sample
    extension through its map, kernel or projection (documented per class), and applied
    to the fitted samples it gives the fitted predictions (up to floating-point rounding
    of recomputed kernel rows). `domain` says which
    domain the samples come from, which matters for methods whose map differs between
    domains (CORAL re-colours the source only).

    Subclasses implement `_fit(xs, y, xt)` (float64 arrays, y as class indices
    0..n_classes_-1), `_scores(x, domain)` and `_embed(x, domain)`, and re-check their
    constructor arguments in `_check_params` (they may have been changed by
    `set_params`). `get_params` / `set_params` / `sklearn.base.clone` come from
    `sklearn.base.BaseEstimator`. A subclass with a `standardize` option (`STANDARDIZATIONS`)
    gets its inputs z-scored per domain here, before `_fit`, `_scores` and `_embed` see them
    (`scaling_`: {"source": (mean, std), "target": (mean, std)}, else None).
    """

    #: The default search space of `tftransfer.tuning` ({option: spec string}, the language
    #: of `tuning.parse_param`): each class sets the ranges its paper studies.
    SEARCH_SPACE: dict = {}
    #: {option: value} of each option whose default None stands for a number the data may
    #: lower (e.g. `n_components`: the paper's k, or fewer where the data have fewer
    #: dimensions): a search's first trial, "the defaults", takes that number.
    NOMINAL_DEFAULTS: dict = {}

    def search_space(self) -> dict:
        """The default search space of this estimator's options (spec strings)."""
        return dict(self.SEARCH_SPACE)

    def fit(self, Xs, ys, Xt):
        """Fits on labelled source samples and unlabelled target samples.

        Args:
            Xs: Source samples, (n_s, d), finite.
            ys: Source labels, (n_s,) non-negative ints with at least 2 distinct values.
            Xt: Target samples, (n_t, d), finite; their labels are never an argument.

        Returns:
            `self`, fitted.

        Raises:
            TypeError / ValueError: Non-numeric, non-2-D or non-finite arrays, fewer than
                2 samples per domain, different feature counts, labels that are not
                non-negative ints or that hold a single class, or a method-specific
                argument error (e.g. more components than the data allow).
        """
        self._check_params()
        owner = type(self).__name__
        xs = as_2d_float(Xs, "Xs", owner=owner, min_rows=2)
        xt = as_2d_float(Xt, "Xt", owner=owner, min_rows=2)
        check_same_features(xs, xt, ("Xs", "Xt"), owner=owner)
        y = as_labels(ys, len(xs), "ys", owner=owner)
        if y.min() < 0:
            raise ValueError(f"{owner}: `ys` must hold non-negative class indices. "
                             f"Received: labels from {y.min()} to {y.max()}")
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(f"{owner}: `ys` must hold at least 2 classes. "
                             f"Received: only class {classes[0]}")
        self.classes_ = classes
        self.n_classes_ = len(classes)
        self.scaling_ = domain_scaling(getattr(self, "standardize", "none"), xs, xt)
        xs = standardized(xs, self.scaling_, "source")
        xt = standardized(xt, self.scaling_, "target")
        self._fit(xs, np.searchsorted(classes, y), xt)
        self.n_features_in_ = xs.shape[1]
        return self

    def predict_scores(self, X, domain: str = "target") -> np.ndarray:
        """(n, n_classes_) float64 class scores of samples `X` from `domain` (higher: likelier)."""
        x = self._input(X, domain)
        return np.asarray(self._scores(x, domain), dtype=np.float64)

    def predict(self, X, domain: str = "target") -> np.ndarray:
        """Predicted labels (values of `classes_`) of samples `X` from `domain`."""
        scores = self.predict_scores(X, domain)
        return self.classes_[np.argmax(scores, axis=1)]

    def fit_predict(self, Xs, ys, Xt) -> np.ndarray:
        """`fit(Xs, ys, Xt)` then `predict(Xt)`: the transductive use of the papers."""
        return self.fit(Xs, ys, Xt).predict(Xt)

    def transform_source(self, X) -> np.ndarray:
        """The learnt embedding of source-domain samples `X` (n, d), float32."""
        return self._embedding(X, "source")

    def transform_target(self, X) -> np.ndarray:
        """The learnt embedding of target-domain samples `X` (n, d), float32."""
        return self._embedding(X, "target")

    def transform(self, X, domain: str = "target") -> np.ndarray:
        """`transform_source(X)` or `transform_target(X)`, chosen by `domain`."""
        return self._embedding(X, domain)

    # -- helpers for subclasses -------------------------------------------------------

    def _check_params(self) -> None:
        """Re-checks constructor arguments (they may have been changed by set_params)."""

    def _fit(self, xs: np.ndarray, y: np.ndarray, xt: np.ndarray) -> None:
        raise NotImplementedError

    def _scores(self, x: np.ndarray, domain: str) -> np.ndarray:
        raise NotImplementedError

    def _embed(self, x: np.ndarray, domain: str) -> np.ndarray:
        raise NotImplementedError

    def _embedding(self, X, domain: str) -> np.ndarray:
        x = self._input(X, domain)
        return np.asarray(self._embed(x, domain), dtype=np.float32)

    def _input(self, X, domain: str) -> np.ndarray:
        owner = type(self).__name__
        check_choice(domain, "domain", DOMAINS, owner=owner)
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(f"This {owner} is not fitted yet; call fit(Xs, ys, Xt) first.")
        x = as_2d_float(X, "X", owner=owner, min_rows=0)
        if x.shape[1] != self.n_features_in_:
            raise ValueError(f"{owner}: `X` must have the {self.n_features_in_} features the "
                             f"model was fitted on. Received: X of shape {x.shape}")
        return standardized(x, getattr(self, "scaling_", None), domain)
