"""The geodesic flow kernel (Gong, Shi, Sha & Grauman, 2012)."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from sklearn.decomposition import PCA

from tftransfer import _checks
from tftransfer.transforms.base import DOMAINS, ShallowTransform


DEFAULT_COMPONENTS = 20
"""k of the MEDA paper and code, GFK's when `n_components=None` and the data allow it."""


def principal_axes_and_rank(x: np.ndarray) -> Tuple[np.ndarray, int]:
    """All principal axes of `x` (centred by PCA), (d, min(n, d)), and their numerical rank.

    The axes come from one full SVD (PCA's "full" solver), so the first k of them are
    exactly what `PCA(k, svd_solver="full")` would keep.
    """
    pca = PCA(n_components=min(x.shape), svd_solver="full").fit(x)
    values = pca.singular_values_
    tolerance = max(x.shape) * np.finfo(np.float64).eps * values[0]
    rank = int(np.sum(values > tolerance)) if values[0] > 0 else 0
    return pca.components_.T, rank


def _check_rank(rank: int, n_components: int, what: str) -> None:
    if rank < n_components:
        raise ValueError(
            f"GFK: `n_components` must be at most the number of directions of non-zero "
            f"variance of the {what} samples ({rank}: rank-deficient features or too few "
            f"samples). Received: n_components={n_components}"
        )


def geodesic_flow_factors(ps: np.ndarray, pt: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """A (d, 2k) matrix R with R Rᵀ = G, the geodesic flow kernel of two k-dim subspaces.

    Gong et al. (2012), eq. (6)-(7), computed without the d × d complement basis:
    with the SVD PsᵀPt = U₁ cos(Θ) Vᵀ (principal angles θ_i ascending), the unit
    directions of the flow leaving the source, Y = (Ps U₁ cos Θ − Pt V) / sin Θ, are
    orthonormal and orthogonal to Ps, and Φ(t) = Ps U₁ cos(tΘ) − Y sin(tΘ) is the
    geodesic from span(Ps) (t = 0) to span(Pt) (t = 1). Then

        G = ∫₀¹ Φ(t) Φ(t)ᵀ dt = [Ps U₁, Y] [[Λ₁, Λ₂], [Λ₂, Λ₃]] [Ps U₁, Y]ᵀ,
        λ₁ = ½(1 + sin 2θ / 2θ),  λ₂ = ½(cos 2θ − 1) / 2θ,  λ₃ = ½(1 − sin 2θ / 2θ),

    the paper's closed form (its Y is Rs U₂ of the GSVD). The 2 × 2 block of each angle
    is positive semi-definite; R = [Ps U₁, Y] · blockdiag(block^½). Angles with
    sin θ = 0 (shared directions) have λ₂ = λ₃ = 0, so their Y column is irrelevant and
    set to zero.
    """
    u1, cosines, vt = np.linalg.svd(ps.T @ pt)
    theta = np.arccos(np.clip(cosines, -1.0, 1.0))
    sines = np.sin(theta)
    source_dirs = ps @ u1
    away = source_dirs * cosines - pt @ vt.T
    moving = sines > 1e-12
    flow_dirs = np.where(moving, away / np.where(moving, sines, 1.0), 0.0)
    # sin 2θ / 2θ and (cos 2θ − 1) / 2θ = −sin θ · (sin θ / θ), both exact at θ = 0.
    sinc_2theta = np.sinc(2.0 * theta / np.pi)
    lambda1 = 0.5 * (1.0 + sinc_2theta)
    lambda2 = -0.5 * sines * np.sinc(theta / np.pi)
    lambda3 = 0.5 * (1.0 - sinc_2theta)
    blocks = np.stack([np.stack([lambda1, lambda2], -1), np.stack([lambda2, lambda3], -1)], -2)
    values, vectors = np.linalg.eigh(blocks)  # (k, 2), (k, 2, 2)
    roots = (vectors * np.sqrt(np.maximum(values, 0.0))[:, None, :]) @ vectors.transpose(0, 2, 1)
    # Column pair i of R: [u_i, y_i] @ roots[i].
    first = source_dirs * roots[:, 0, 0] + flow_dirs * roots[:, 1, 0]
    second = source_dirs * roots[:, 0, 1] + flow_dirs * roots[:, 1, 1]
    return np.concatenate([first, second], axis=1), theta


class GFK(ShallowTransform):
    """Geodesic Flow Kernel: both domains embedded along the flow between their subspaces.

    Gong, Shi, Sha & Grauman, "Geodesic Flow Kernel for Unsupervised Domain
    Adaptation", CVPR 2012. With Ps, Pt the (d, k) top-k PCA bases of the source and the
    target, Φ(t) the geodesic on the Grassmannian from span(Ps) to span(Pt), the kernel

        ⟨x, x'⟩_G = xᵀ G x',        G = ∫₀¹ Φ(t) Φ(t)ᵀ dt      (eq. 6, closed form eq. 7)

    integrates the projections onto every intermediate subspace. The map returned here
    is z = x R with R (d, 2k) and R Rᵀ = G (see `geodesic_flow_factors`), so
    z·z' = ⟨x, x'⟩_G and ‖z − z'‖ = ‖G^½ (x − x')‖: the same inner products and
    distances as the reference code's d-dimensional G^½ x (Gong's `GFK.m`, Wang's
    `GFK_Map.m` used by MEDA), in 2k instead of d dimensions. Both domains go through the
    same map, and, as in the reference code, the samples are not centred (PCA centres
    only to find the bases).

    Deviations: the reference code computes the kernel through a GSVD with the d × d
    complement of Ps; this closed form needs only the k × k SVD of PsᵀPt and gives the
    same G. The paper's subspace-disagreement rule for k is not implemented; k = 20 is
    the setting of the MEDA paper and code (`options.d = 20`). The paper uses 1-NN on
    this kernel: `tftransfer.shallow.GFKClassifier`.

    Args:
        n_components: k, the subspace dimension, an int >= 1 and at most the number of
            directions of non-zero variance of each domain (< n_samples, <= d), or None
            (default): the MEDA code's 20, or that number of directions where it is fewer
            — 20 on every benchmark here; a user's table of 8 columns gets k <= 8.

    Attributes (after `fit`):
        n_components_: k actually used.
        matrix_: R, (d, 2k): z = x R.
        angles_: The k principal angles between the subspaces, ascending (radians).
        source_basis_, target_basis_: Ps and Pt, (d, k).

    Raises:
        TypeError / ValueError: `n_components` is not None nor an int >= 1, or (in `fit`)
            exceeds the rank of either domain's centred samples (the message gives the rank),
            or a domain does not vary at all.

    Example:
        >>> gfk = GFK(n_components=20).fit(Xs, Xt)
        >>> clf = KNeighborsClassifier(1).fit(gfk.transform_source(Xs), ys)
        >>> clf.predict(gfk.transform_target(Xt))
    """

    def __init__(self, n_components: Optional[int] = None):
        self.n_components = n_components
        self._check_params()

    def _check_params(self) -> None:
        _checks.check_int(self.n_components, "n_components", minimum=1, allow_none=True,
                          owner="GFK")

    def _fit(self, xs: np.ndarray, xt: np.ndarray) -> None:
        k = self.n_components
        limit = min(xs.shape[1], len(xs), len(xt))
        if k is not None and k > limit:
            raise ValueError(
                f"GFK: `n_components` must be at most min(n_features, n_source, n_target) = "
                f"{limit}. Received: n_components={k}"
            )
        (source_axes, source_rank), (target_axes, target_rank) = (
            principal_axes_and_rank(xs), principal_axes_and_rank(xt))
        if k is None:
            k = min(DEFAULT_COMPONENTS, source_rank, target_rank)
            if k == 0:
                raise ValueError("GFK: a domain whose samples do not vary (every feature "
                                 "constant) has no subspace to flow from or to")
        _check_rank(source_rank, k, "source")
        _check_rank(target_rank, k, "target")
        self.n_components_ = k
        self.source_basis_, self.target_basis_ = source_axes[:, :k], target_axes[:, :k]
        self.matrix_, self.angles_ = geodesic_flow_factors(self.source_basis_, self.target_basis_)

    def linear_map(self, domain: str = "target") -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """`(R, None)` for both domains: z = x R."""
        _checks.check_choice(domain, "domain", DOMAINS, owner="GFK")
        self._check_fitted()
        return self.matrix_, None
