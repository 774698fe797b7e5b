"""Importance weights w(x) ≈ p_target(x) / p_source(x) for the source samples."""

from __future__ import annotations

import numbers
import warnings
from typing import Callable, Optional, Tuple, Union

import numpy as np
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances, rbf_kernel
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tftransfer._checks import (
    as_2d_float,
    check_bool,
    check_int,
    check_non_negative,
    check_positive,
    check_same_features,
)
from tftransfer.blas import one_blas_thread

KMM_KERNELS = ("rbf", "linear")


def _check_domains(xs, xt, owner: str) -> Tuple[np.ndarray, np.ndarray]:
    xs = as_2d_float(xs, "xs", owner=owner, allow_1d=True)
    xt = as_2d_float(xt, "xt", owner=owner, allow_1d=True)
    check_same_features(xs, xt, ("xs", "xt"), owner=owner)
    return xs, xt


def _check_clip(clip) -> Optional[Tuple[float, float]]:
    if clip is None:
        return None
    ok = isinstance(clip, (tuple, list)) and len(clip) == 2
    if ok:
        ok = all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in clip)
    if ok:
        low, high = float(clip[0]), float(clip[1])
        ok = 0 < low < high < np.inf
    if not ok:
        raise ValueError(
            "domain_classifier_weights: `clip` must be None or a pair (low, high) with "
            f"0 < low < high < inf. Received: clip={clip!r}"
        )
    return low, high


def _default_domain_classifier(seed: int):
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed))


def domain_classifier_weights(
    xs,
    xt,
    *,
    classifier=None,
    clip: Optional[Tuple[float, float]] = (0.01, 100.0),
    calibrate: bool = True,
    cv: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Importance weights of the source samples from a source-vs-target classifier.

    The discriminative density-ratio estimate (Bickel, Brückner & Scheffer,
    "Discriminative Learning Under Covariate Shift", JMLR 2009; Zadrozny, ICML 2004):
    a probabilistic classifier separating target (label 1) from source (label 0)
    gives, by Bayes' rule,

        w(x) = p_T(x) / p_S(x) = p(target | x) / p(source | x) · n_s / n_t,

    the factor n_s / n_t undoing the classifier's class prior n_t / n_s. The
    probabilities of the source samples are out-of-fold predictions
    (`sklearn.model_selection.cross_val_predict` over `cv` stratified folds), so no
    weight comes from a classifier that saw its own sample — in-sample
    probabilities overfit and inflate the weights. The ratios are clipped to `clip`
    and then normalised so that mean(w) = 1 over the source.

    Args:
        xs: Source samples, (n_s, d) (or (n_s,) for one feature).
        xt: Target samples, (n_t, d) (or (n_t,)).
        classifier: A scikit-learn classifier (cloned, never modified) with
            `predict_proba` or `decision_function`. Default: `StandardScaler` then
            `LogisticRegression` (C = 1), whose log-ratio is linear in x — exact for
            Gaussian domains with a shared covariance. When the spread changes too,
            pass e.g. `make_pipeline(PolynomialFeatures(2), StandardScaler(),
            LogisticRegression())` (the log-ratio of two Gaussians is quadratic).
        clip: (low, high) bounds applied to the raw ratios before normalisation, or
            None to keep them as they are.
        calibrate: If True, the classifier is wrapped in
            `sklearn.calibration.CalibratedClassifierCV(method="sigmoid", cv=3)`:
            inside each outer fold, Platt scaling (Platt, 1999) is fitted on inner
            held-out scores, which turns margins (SVMs, trees, boosting) into
            probabilities and, when the domains are indistinguishable, shrinks the
            probabilities to the prior (weights → 1) instead of keeping noise.
            Required for a classifier without `predict_proba`.
        cv: Number of cross-validation folds, an int >= 2 (reduced to the size of
            the smaller domain if needed).
        seed: Seeds the fold shuffling and the default classifier.

    Returns:
        float32 array of shape (n_s,), non-negative, with mean 1.

    Raises:
        ValueError: empty, non-finite or mis-shaped inputs, a domain with fewer than
            2 samples, different feature counts, or a bad `clip` / `cv`.
        TypeError: a classifier with neither `predict_proba` nor `decision_function`
            (or only the latter with `calibrate=False`).

    Example:
        >>> w = domain_classifier_weights(Xs, Xt)
        >>> LogisticRegression().fit(Xs, ys, sample_weight=w)
    """
    owner = "domain_classifier_weights"
    xs, xt = _check_domains(xs, xt, owner)
    bounds = _check_clip(clip)
    folds = check_int(cv, "cv", minimum=2, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    check_bool(calibrate, "calibrate", owner=owner)
    n_s, n_t = len(xs), len(xt)
    if min(n_s, n_t) < 2:
        raise ValueError(
            f"{owner}: each domain needs at least 2 samples for cross-validation. "
            f"Received: n_s={n_s}, n_t={n_t}"
        )
    model = _default_domain_classifier(seed) if classifier is None else clone(classifier)
    if not hasattr(model, "predict_proba") and not (
        calibrate and hasattr(model, "decision_function")
    ):
        raise TypeError(
            f"{owner}: `classifier` must have predict_proba (or decision_function with "
            f"calibrate=True). Received: classifier of type {type(classifier).__name__}"
        )
    if calibrate:
        model = CalibratedClassifierCV(model, method="sigmoid", cv=3)

    x = np.vstack([xs, xt])
    domain = np.r_[np.zeros(n_s, int), np.ones(n_t, int)]
    splitter = StratifiedKFold(n_splits=min(folds, n_s, n_t), shuffle=True, random_state=seed)
    with one_blas_thread():  # 20x faster on 2 cores (see tftransfer.blas)
        proba = cross_val_predict(model, x, domain, cv=splitter, method="predict_proba")
    p = np.clip(np.asarray(proba, np.float64)[:n_s, 1], 1e-12, 1 - 1e-12)
    logit = np.log(p) - np.log1p(-p)
    # p / (1 − p) = exp(logit), computed in the log domain to stay finite.
    log_ratio = logit + np.log(n_s / n_t)
    ratio = np.exp(np.clip(log_ratio, -700.0, 700.0))
    if bounds is not None:
        ratio = np.clip(ratio, *bounds)
    return (ratio / ratio.mean()).astype(np.float32)


def median_heuristic_gamma(x: np.ndarray, max_samples: int = 1000, seed: int = 0) -> float:
    """γ = 1 / (2 σ²) of an RBF kernel, σ the median distance between rows of `x`.

    At most `max_samples` rows (drawn with a fixed seed) enter the median; γ = 1 when
    all of them coincide.
    """
    if x.shape[0] > max_samples:
        x = x[np.random.default_rng(seed).choice(x.shape[0], max_samples, replace=False)]
    squared = euclidean_distances(x, squared=True)[np.triu_indices(x.shape[0], k=1)]
    median = float(np.median(squared)) if squared.size else 0.0
    return 1.0 / (2.0 * median) if median > 0 else 1.0


def _box_qp(k: np.ndarray, linear: np.ndarray, upper: float, start: np.ndarray,
            tol: float, max_iter: int):
    """argmin over β ∈ [0, upper]^n of ½ βᵀKβ − linearᵀβ, by L-BFGS-B."""

    def objective(beta):
        k_beta = k @ beta
        return 0.5 * beta @ k_beta - linear @ beta, k_beta - linear

    result = minimize(
        objective, start, jac=True, method="L-BFGS-B",
        bounds=[(0.0, upper)] * len(linear),
        options={"maxiter": max_iter, "ftol": tol * 1e-6, "gtol": tol},
    )
    return np.clip(result.x, 0.0, upper), result


def kmm_weights(
    xs,
    xt,
    *,
    kernel: Union[str, Callable] = "rbf",
    gamma: Optional[float] = None,
    B: float = 1000.0,
    eps: Optional[float] = None,
    ridge: float = 0.1,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> np.ndarray:
    """Kernel Mean Matching importance weights of the source samples.

    Huang, Smola, Gretton, Borgwardt & Schölkopf, "Correcting Sample Selection Bias
    by Unlabeled Data", NIPS 2006, eq. (5-6): the weights β make the weighted source
    mean embedding match the target's in the RKHS,

        min_β  ½ βᵀ K β − κᵀ β
        s.t.   0 ≤ β_i ≤ B,   |Σ_i β_i − n_s| ≤ n_s ε,

    with K_ij = k(x_i, x_j) over the source and κ_i = (n_s / n_t) Σ_j k(x_i, x'_j)
    over the target. `ridge` adds ridge·I to K (default 0.1; `ridge=0` is the paper's
    exact problem). K's spectrum decays fast, so without it the minimiser is not
    unique and the solver chases sampling noise along K's near-null directions:
    measured here on 2-D Gaussian shifts (300 + 300 samples, 6 seeds), the mean
    |β − w_true| fell from 0.94 (ridge 0) to 0.25 (ridge 0.1), the Spearman correlation
    with the true ratio rose from 0.16-0.86 to 0.90-0.97, and two samples of one
    distribution got weights within 0.17-0.25 of 1 on average instead of 0.44-1.08.

    Solved exactly up to tolerance without a QP package: the sum constraint has one
    Lagrange multiplier ν, and for a fixed ν the problem is a box-constrained QP
    (L-BFGS-B, warm-started). Σβ(ν) is non-increasing in ν (the dual is concave),
    so ν = 0 is kept when it already satisfies the constraint, and otherwise ν is
    found by bisection so that Σβ lands on the violated bound. A few hundred
    samples take a fraction of a second; K is (n_s, n_s), so memory grows as n_s².

    Args:
        xs: Source samples, (n_s, d) (or (n_s,) for one feature).
        xt: Target samples, (n_t, d) (or (n_t,)).
        kernel: "rbf" (exp(−γ‖x − y‖²)), "linear" (x·y, which matches the means
            only), or a callable `kernel(X, Y) -> (len(X), len(Y)) array`.
        gamma: RBF γ > 0; None (default) takes the median heuristic
            γ = 1 / (2 · median ‖x − x'‖²) over source ∪ target. Only for "rbf".
        B: Upper bound on each weight, a finite real > 0 with B·n_s ≥ n_s(1 − ε).
        eps: ε, a finite real >= 0; None (default) takes (√n_s − 1) / √n_s, the
            O(B/√n_s) scale the paper recommends (as ADAPT does).
        ridge: Non-negative ridge added to K's diagonal; 0 for the paper's problem.
        tol: Gradient tolerance of each box-QP solve, > 0.
        max_iter: Iterations allowed per box-QP solve, an int >= 1.

    Returns:
        float32 array β of shape (n_s,), each in [0, B], with mean within 1 ± ε.

    Raises:
        ValueError: empty, non-finite or mis-shaped inputs, different feature counts,
            an unknown kernel (the valid ones are listed) or an argument out of range.
        TypeError: a non-numeric argument.

    Warns:
        RuntimeWarning: when a box-QP solve stops before converging.

    Example:
        >>> beta = kmm_weights(Xs, Xt, B=10.0)
        >>> LogisticRegression().fit(Xs, ys, sample_weight=beta)
    """
    owner = "kmm_weights"
    xs, xt = _check_domains(xs, xt, owner)
    n_s, n_t = len(xs), len(xt)
    if not callable(kernel) and kernel not in KMM_KERNELS:
        raise ValueError(
            f"{owner}: `kernel` must be one of {', '.join(map(repr, KMM_KERNELS))} or a "
            f"callable. Received: kernel={kernel!r}"
        )
    if gamma is not None:
        if kernel != "rbf":
            raise ValueError(
                f"{owner}: `gamma` applies only to kernel='rbf'; leave gamma=None. "
                f"Received: gamma={gamma!r}, kernel={kernel!r}"
            )
        gamma = check_positive(gamma, "gamma", owner=owner)
    upper = check_positive(B, "B", owner=owner)
    eps = (np.sqrt(n_s) - 1.0) / np.sqrt(n_s) if eps is None else check_non_negative(
        eps, "eps", owner=owner)
    ridge = check_non_negative(ridge, "ridge", owner=owner)
    tol = check_positive(tol, "tol", owner=owner)
    max_iter = check_int(max_iter, "max_iter", minimum=1, owner=owner)
    low, high = n_s * (1.0 - eps), n_s * (1.0 + eps)
    if upper * n_s < low:
        raise ValueError(
            f"{owner}: `B` and `eps` must give feasible constraints, B·n_s >= n_s(1 − ε); "
            f"raise B or eps. Received: B·n_s = {upper * n_s:g} < n_s(1 − ε) = {low:g} "
            "(infeasible)"
        )

    if kernel == "rbf":
        g = median_heuristic_gamma(np.vstack([xs, xt])) if gamma is None else gamma
        k, k_st = rbf_kernel(xs, gamma=g), rbf_kernel(xs, xt, gamma=g)
    elif kernel == "linear":
        k, k_st = xs @ xs.T, xs @ xt.T
    else:
        k, k_st = np.asarray(kernel(xs, xs), float), np.asarray(kernel(xs, xt), float)
        if k.shape != (n_s, n_s) or k_st.shape != (n_s, n_t):
            raise ValueError(
                f"{owner}: the kernel callable must return shapes {(n_s, n_s)} and "
                f"{(n_s, n_t)}. Received: kernel callable returned {k.shape} and {k_st.shape}"
            )
    k = (k + k.T) / 2.0 + ridge * np.eye(n_s)
    kappa = (n_s / n_t) * k_st.sum(axis=1)

    unconverged = []

    def solve(nu, start):
        beta, result = _box_qp(k, kappa - nu, upper, start, tol, max_iter)
        if not result.success and result.nit >= max_iter:
            unconverged.append(result.message)
        return beta

    beta = solve(0.0, np.ones(n_s))
    total = beta.sum()
    if total > high or total < low:
        too_high = total > high
        target = high if too_high else low
        # Bracket ν: for ν > max κ every β is 0; for ν < −(max row sum · B + max κ),
        # every β is B (the gradient's sign is the same at every point of the box).
        big = np.abs(k).sum(axis=1).max() * upper + np.abs(kappa).max() + 1.0
        nu_lo, nu_hi = (0.0, big) if too_high else (-big, 0.0)
        # The end of the bracket on the feasible side of the violated bound.
        feasible = np.zeros(n_s) if too_high else np.full(n_s, upper)
        for _ in range(60):
            nu = 0.5 * (nu_lo + nu_hi)
            beta = solve(nu, beta)
            if abs(beta.sum() - target) <= 1e-6 * n_s:
                feasible = beta
                break
            if beta.sum() > target:
                nu_lo = nu
                feasible = feasible if too_high else beta
            else:
                nu_hi = nu
                feasible = beta if too_high else feasible
        beta = feasible
    if unconverged:
        warnings.warn(
            f"{owner}: a box-QP solve stopped after max_iter={max_iter} iterations "
            f"({unconverged[-1]}); raise max_iter or tol.",
            RuntimeWarning,
            stacklevel=2,
        )
    return np.clip(beta, 0.0, upper).astype(np.float32)
