"""The interface shared by the shallow feature maps (CORAL, SA, TCA)."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from sklearn.base import BaseEstimator

from tftransfer._checks import as_2d_float, check_choice, check_fitted_features, check_same_features

DOMAINS = ("source", "target")
#: A `standardize` option's values: "domain" z-scores each domain's features with its own
#: statistics before the method sees them (new samples with their domain's); "none" does not.
STANDARDIZATIONS = ("domain", "none")


def mean_and_std(x: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and population std of `x` (n, d); 1 where a feature is constant, as
    MATLAB's `zscore`, so that standardising leaves it centred rather than NaN."""
    std = x.std(axis=0)
    return x.mean(axis=0), np.where(std > 0, std, 1.0)


def domain_scaling(standardize: str, xs: np.ndarray, xt: np.ndarray) -> Optional[dict]:
    """{"source": (mean, std), "target": (mean, std)} for standardize="domain", else None."""
    if standardize != "domain":
        return None
    return {"source": mean_and_std(xs), "target": mean_and_std(xt)}


def standardized(x: np.ndarray, scaling: Optional[dict], domain: str) -> np.ndarray:
    """`x` z-scored with `domain`'s statistics in `scaling` (`domain_scaling`), or as is."""
    if scaling is None:
        return x
    mean, std = scaling[domain]
    return (x - mean) / std


class ShallowTransform(BaseEstimator):
    """A feature map fitted on unlabelled source and target samples.

    The scikit-learn-style life cycle shared by `CORAL`, `SubspaceAlignment` and
    `TCA`: `fit(Xs, Xt)` learns the map from the two domains (no labels), then
    `transform_source(X)` / `transform_target(X)` map new samples of either domain
    into the shared space, and `fit_transform(Xs, Xt)` does both at once. Arrays are
    handled in float64 internally; every transform returns float32.

    Subclasses implement `_fit(xs, xt)` (float64, validated) and `_transform(x,
    domain)`; linear maps also implement `linear_map(domain)`, which is what
    `as_keras_layer` turns into a `FixedLinearMap` layer. `get_params()` /
    `set_params()` / `sklearn.base.clone` come from `sklearn.base.BaseEstimator`.
    """

    #: Smallest number of samples per domain that `fit` accepts.
    _min_samples = 2
    #: Whether the map's outputs live in the input's own coordinates (CORAL re-colours the
    #: source in place), so that images stay images for a convolutional backbone.
    keeps_input_space = False

    def fit(self, Xs, Xt):
        """Learns the map from source samples `Xs` (n_s, d) and target samples `Xt` (n_t, d).

        Returns:
            `self`, fitted.

        Raises:
            ValueError: A non-2-D or non-finite array, too few samples, or different
                feature counts.
        """
        self._check_params()
        owner = type(self).__name__
        xs = as_2d_float(Xs, "Xs", owner=owner, min_rows=self._min_samples)
        xt = as_2d_float(Xt, "Xt", owner=owner, min_rows=self._min_samples)
        check_same_features(xs, xt, owner=owner)
        self._fit(xs, xt)
        self.n_features_in_ = xs.shape[1]
        return self

    def transform_source(self, X) -> np.ndarray:
        """Maps source-domain samples `X` (n, d) into the shared space, float32."""
        return self._apply(X, "source")

    def transform_target(self, X) -> np.ndarray:
        """Maps target-domain samples `X` (n, d) into the shared space, float32."""
        return self._apply(X, "target")

    def transform(self, X, domain: str = "target") -> np.ndarray:
        """`transform_source(X)` or `transform_target(X)`, chosen by `domain`."""
        check_choice(domain, "domain", DOMAINS, owner=type(self).__name__)
        return self._apply(X, domain)

    def fit_transform(self, Xs, Xt) -> Tuple[np.ndarray, np.ndarray]:
        """Fits on (`Xs`, `Xt`) and returns `(transform_source(Xs), transform_target(Xt))`."""
        self.fit(Xs, Xt)
        return self.transform_source(Xs), self.transform_target(Xt)

    @property
    def is_linear(self) -> bool:
        """Whether this transform, with its settings, is a linear map of its inputs (has a
        `linear_map`); known before fitting."""
        return type(self).linear_map is not ShallowTransform.linear_map

    def linear_map(self, domain: str = "target") -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """The fitted map of `domain` as `(matrix, offset)`: z = (x − offset) · matrix.

        `offset` is None when the map has none. Raises ValueError for a map that is
        not linear in the inputs.
        """
        raise ValueError(f"{type(self).__name__} is not a linear map of its inputs.")

    # -- helpers for subclasses -------------------------------------------------------

    def _check_params(self) -> None:
        """Re-checks constructor arguments (they may have been changed by set_params)."""

    def _fit(self, xs: np.ndarray, xt: np.ndarray) -> None:
        raise NotImplementedError

    def _transform(self, x: np.ndarray, domain: str) -> np.ndarray:
        matrix, offset = self.linear_map(domain)
        if offset is not None:
            x = x - offset
        return x @ matrix

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(
                f"This {type(self).__name__} is not fitted yet; call fit(Xs, Xt) first."
            )

    def _apply(self, X, domain: str) -> np.ndarray:
        self._check_fitted()
        owner = type(self).__name__
        x = as_2d_float(X, "X", owner=owner, min_rows=0)
        check_fitted_features(x, self.n_features_in_, owner=owner)
        return np.asarray(self._transform(x, domain), dtype=np.float32)
