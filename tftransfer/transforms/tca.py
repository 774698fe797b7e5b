"""Transfer Component Analysis (Pan, Tsang, Kwok & Yang, 2011)."""

from __future__ import annotations

import numbers
from typing import Optional, Tuple

import numpy as np
import scipy.linalg
from sklearn.metrics.pairwise import euclidean_distances, rbf_kernel

from tftransfer._checks import check_choice, check_int, check_positive
from tftransfer._params import checked_params
from tftransfer.transforms.base import DOMAINS, ShallowTransform

KERNELS = ("linear", "rbf", "primal")
DEFAULT_COMPONENTS = 30
"""k of the reference code, TCA's when `n_components=None` and the data allow it."""


def median_heuristic_gamma(x: np.ndarray, max_samples: int = 1000, seed: int = 0) -> float:
    """γ = 1 / (2 σ²) of an RBF kernel, σ the median distance between rows of `x`.

    At most `max_samples` rows (drawn with a fixed seed) enter the median. Falls back
    to γ = 1 when all sampled rows coincide.
    """
    if x.shape[0] > max_samples:
        x = x[np.random.default_rng(seed).choice(x.shape[0], max_samples, replace=False)]
    squared = euclidean_distances(x, squared=True)[np.triu_indices(x.shape[0], k=1)]
    median = float(np.median(squared)) if squared.size else 0.0
    return 1.0 / (2.0 * median) if median > 0 else 1.0


def _unit_columns(vectors: np.ndarray) -> np.ndarray:
    """Columns scaled to unit L2 norm, signed so that each column's largest entry is > 0."""
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=0), 1e-300)
    pivots = vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])]
    return vectors * np.where(pivots < 0, -1.0, 1.0)


@checked_params
class TCA(ShallowTransform):
    """Transfer Component Analysis: a kernel embedding that shrinks the domain MMD.

    Pan, Tsang, Kwok & Yang, "Domain Adaptation via Transfer Component Analysis",
    IEEE Transactions on Neural Networks 22(2), 2011 (unsupervised TCA, section IV).
    With K the (n, n) kernel matrix over the n = n_s + n_t training samples
    [X_S; X_T], L the MMD matrix (L_ij = 1/n_s² within the source, 1/n_t² within the
    target, −1/(n_s n_t) across) and H = I − 11ᵀ/n the centring matrix, TCA solves

        max_W  tr((Wᵀ (K L K + μI) W)⁻¹ Wᵀ K H K W),

    whose solution W (n, k) holds the k leading eigenvectors of (K L K + μI)⁻¹ K H K:
    the directions of largest embedded variance per unit of MMD (+ μ‖W‖²). The
    embeddings of the training samples are Z = K W; a new sample x (from either
    domain) is embedded as k(x, [X_S; X_T]) · W, so `transform_source` and
    `transform_target` are the same map, and on the training samples they return
    exactly `fit_transform`'s rows.

    The problem is solved as the symmetric-definite generalised eigenproblem
    K H K w = λ (K L K + μI) w with `scipy.linalg.eigh` (real by construction; only
    the k largest eigenpairs are computed). Each column of W is rescaled to unit L2
    norm and signed so its largest entry is positive, as the unit-norm eigenvectors
    of the reference implementations (ADAPT, Wang's `transferlearning`), which makes
    the result independent of μ's scale and deterministic.

    `kernel="primal"` is the linear-kernel problem in the primal (feature) space of
    the reference code: K is replaced by X itself, so W is (d, k), z = x · W, and the
    cost is O(n d² + d³) instead of O(n² d + n³).

    Limits: the dual kernels ("linear", "rbf") keep the training samples and form
    n × n matrices, O(n²) memory and O(n³) time: meant for n_s + n_t up to a few
    thousand (3,000 samples, RBF, k = 30: about 3 s on 2 CPU cores and a peak of
    ~0.4 GB). For more samples use "primal", or subsample. Features should be on
    comparable scales (standardise).

    Where the `tca` row (the primal map with k = 30, then source_only's network) loses
    (docs/benchmarks.md, defaults report; Δ of the benchmark average against
    source_only): MNIST/USPS −11.2 points (M→U −21.5): 30 components keep too little of a
    256-pixel image, and k = 60, which lifts it to +1.7, costs three of the four benchmarks
    of held-out tasks. Level with or above source_only elsewhere (Reuters held out −0.2).

    Args:
        n_components: k, the embedding dimension, an int >= 1 (at most n_s + n_t for
            the dual kernels, at most d for "primal"), or None (default): the 30 of the
            reference code, or the most the data allow where that is fewer (d features
            for "primal", n_s + n_t samples otherwise) — 30 on every benchmark here; a
            user's table of 8 columns gets k = 8.
        kernel: "linear" (k(x, y) = x·y), "rbf" (exp(−γ‖x − y‖²)) or "primal".
        mu: The trade-off μ of the paper, a finite real > 0: larger keeps more
            variance, smaller removes more of the domain discrepancy.
        gamma: The RBF γ, a finite real > 0, or None (default) for the median
            heuristic γ = 1 / (2 · median ‖x − x'‖²) over the training samples. Only
            for kernel="rbf".

    Attributes (after `fit`):
        n_components_: k actually used.
        components_: W, (n, k) for the dual kernels, (d, k) for "primal".
        eigenvalues_: The k generalised eigenvalues, in decreasing order.
        gamma_: The γ used (rbf only; None otherwise).
        embedding_: Z of the training samples, (n_s + n_t, k) float32.

    Raises:
        TypeError / ValueError: an argument outside the ranges above (unknown
            kernels list the valid ones), or `gamma` given for a non-RBF kernel.

    Example:
        >>> tca = TCA(n_components=10, kernel="rbf", mu=1.0)
        >>> zs, zt = tca.fit_transform(Xs, Xt)
        >>> clf = LogisticRegression().fit(zs, ys)
        >>> clf.predict(tca.transform_target(X_new))
    """

    n_components: Optional[int] = None
    kernel: str = "linear"
    mu: float = 1.0
    gamma: Optional[float] = None

    def _check_params(self) -> None:
        check_int(self.n_components, "n_components", minimum=1, allow_none=True, owner="TCA")
        check_choice(self.kernel, "kernel", KERNELS, owner="TCA")
        check_positive(self.mu, "mu", owner="TCA")
        if self.gamma is not None:
            if self.kernel != "rbf":
                raise ValueError(
                    f"TCA: `gamma` applies only to kernel='rbf'; leave gamma=None. "
                    f"Received: gamma={self.gamma!r}, kernel={self.kernel!r}"
                )
            check_positive(self.gamma, "gamma", owner="TCA")

    def _kernel(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.kernel == "rbf":
            return rbf_kernel(x, y, gamma=self.gamma_)
        return x @ y.T

    def _fit(self, xs: np.ndarray, xt: np.ndarray) -> None:
        x = np.vstack([xs, xt])
        n_s, n_t = len(xs), len(xt)
        n, d = x.shape
        primal = self.kernel == "primal"
        limit, what = (d, "n_features") if primal else (n, "n_source + n_target")
        n_components = self.n_components
        if n_components is None:
            n_components = min(DEFAULT_COMPONENTS, limit)
        elif n_components > limit:
            raise ValueError(
                f"TCA: `n_components` must be <= {what} = {limit} for kernel="
                f"{self.kernel!r}. Received: n_components={self.n_components}"
            )
        self.gamma_ = None
        if self.kernel == "rbf":
            is_given = isinstance(self.gamma, numbers.Real)
            self.gamma_ = float(self.gamma) if is_given else median_heuristic_gamma(x)
        # K is X itself in the primal problem, the Gram matrix in the dual one.
        k = x if primal else self._kernel(x, x)
        e = np.concatenate([np.full(n_s, 1.0 / n_s), np.full(n_t, -1.0 / n_t)])
        v = k.T @ e  # K L K = v vᵀ since L = e eᵀ
        hk = k - k.mean(axis=0, keepdims=True)  # H K (H is idempotent: K H K = (HK)ᵀ HK)
        a = hk.T @ hk
        del hk
        b = np.outer(v, v)
        b[np.diag_indices_from(b)] += self.mu
        size = a.shape[0]
        # eigh reads one triangle of each (symmetric) matrix and may overwrite both.
        try:
            values, vectors = scipy.linalg.eigh(
                a, b, subset_by_index=[size - n_components, size - 1],
                overwrite_a=True, overwrite_b=True, check_finite=False,
            )
        except np.linalg.LinAlgError as error:  # K L K + μI is positive definite, exactly
            raise ValueError(
                f"TCA: K L K + μI is numerically singular ({error}): the features are on "
                f"scales far from μ = {self.mu:g} (largest |x| {np.abs(x).max():.3g}); "
                "standardise them first, or raise `mu`"
            ) from None
        order = np.argsort(values)[::-1]
        self.n_components_ = n_components
        self.eigenvalues_ = np.real(values[order])
        self.components_ = _unit_columns(np.real(vectors[:, order]))
        self._x_train = x
        self.n_source_ = n_s
        self.embedding_ = np.asarray(k @ self.components_, dtype=np.float32)

    def fit_transform(self, Xs, Xt) -> Tuple[np.ndarray, np.ndarray]:
        """Fits on (`Xs`, `Xt`) and returns their embeddings K W, split by domain."""
        self.fit(Xs, Xt)
        return self.embedding_[: self.n_source_].copy(), self.embedding_[self.n_source_:].copy()

    def _transform(self, x: np.ndarray, domain: str) -> np.ndarray:
        if self.kernel == "rbf":
            return self._kernel(x, self._x_train) @ self.components_
        matrix, _ = self.linear_map(domain)
        return x @ matrix

    @property
    def is_linear(self) -> bool:
        """The linear and primal kernels are linear maps; the RBF embedding is not."""
        return self.kernel != "rbf"

    def linear_map(self, domain: str = "target") -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """`(W, None)` for "primal", `([X_S; X_T]ᵀ W, None)` for "linear" (both domains).

        Raises:
            ValueError: For kernel="rbf", whose embedding is not linear in x.
        """
        check_choice(domain, "domain", DOMAINS, owner="TCA")
        self._check_fitted()
        if self.kernel == "rbf":
            raise ValueError(
                "TCA with kernel='rbf' is not a linear map of the inputs, so it cannot be "
                "a FixedLinearMap layer. Precompute the features instead "
                "(tca.transform_target(X)) and feed them to the Keras model, or use "
                "kernel='linear' / 'primal'."
            )
        if self.kernel == "primal":
            return self.components_, None
        return self._x_train.T @ self.components_, None
