"""The geodesic flow kernel as a classifier: a head on the GFK embedding (Gong et al., 2012)."""

from __future__ import annotations

import numpy as np

from tftransfer import _checks
from tftransfer._params import checked_params
from tftransfer.shallow.base import STANDARDIZATIONS, ShallowClassifier
from tftransfer.shallow.heads import HEADS, make_head
from tftransfer.transforms.gfk import GFK


@checked_params
class GFKClassifier(ShallowClassifier):
    """Geodesic Flow Kernel + 1-nearest neighbour, the classifier of the GFK paper.

    Gong, Shi, Sha & Grauman, "Geodesic Flow Kernel for Unsupervised Domain
    Adaptation", CVPR 2012, section 4: a 1-NN classifier under the kernel distance
    ‖x − x'‖²_G = (x − x')ᵀ G (x − x'), G the geodesic flow kernel between the k-dim
    PCA subspaces of the two domains. Here the samples are mapped by
    `tftransfer.transforms.GFK` (z = x R, R Rᵀ = G, so Euclidean distances of z are
    the kernel distances) and the head is trained on the source embeddings; both
    domains and new samples go through the same map. This is the reference code's
    `GFK.m` (`my_kernel_knn`) with k = 20 (the MEDA paper's setting; the GFK paper
    picks k with its subspace-disagreement measure, not implemented here).

    Args:
        n_components: k, the subspace dimension (see `GFK`).
        head: "1nn" (the paper), "svm", "svc" or "logreg" (`tftransfer.shallow.heads`).
        head_C: C of the "svm" / "logreg" heads, a number > 0.
        standardize: "none" (default: the features as given) or "domain" (each domain z-scored
            first, `ShallowClassifier`). Measured leave one benchmark out and not chosen
            (docs/benchmarks.md, "How each default was chosen": pixels lose).

    Attributes (after `fit`):
        gfk_: The fitted `GFK` transform.

    Example:
        >>> GFKClassifier(n_components=20).fit(Xs, ys, Xt).predict(Xt)
    """

    SEARCH_SPACE = {"n_components": "10:60"}

    n_components: int = 20
    head: str = "1nn"
    head_C: float = 1.0
    standardize: str = "none"

    def _check_params(self) -> None:
        _checks.check_choice(self.standardize, "standardize", STANDARDIZATIONS,
                             owner="GFKClassifier")
        _checks.check_int(self.n_components, "n_components", minimum=1, owner="GFKClassifier")
        _checks.check_choice(self.head, "head", HEADS, owner="GFKClassifier")
        _checks.check_positive(self.head_C, "head_C", owner="GFKClassifier")

    def _fit(self, xs: np.ndarray, y: np.ndarray, xt: np.ndarray) -> None:
        self.gfk_ = GFK(n_components=self.n_components).fit(xs, xt)
        self._head = make_head(self.head, C=self.head_C, owner="GFKClassifier")
        self._head.fit(self._embed(xs, "source"), y, self.n_classes_)

    def _embed(self, x: np.ndarray, domain: str) -> np.ndarray:
        del domain  # one map for both domains
        return x @ self.gfk_.matrix_

    def _scores(self, x: np.ndarray, domain: str) -> np.ndarray:
        return self._head.scores(self._embed(x, domain))
