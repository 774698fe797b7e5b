"""H-score: how much of the feature covariance lies between the class means."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_choice, check_float
from tftransfer.ranking._inputs import features_and_labels

OWNER = "hscore"
SHRINKAGE = (None, "ledoit_wolf")


def hscore(features, labels, *, shrinkage: Optional[str] = None, rcond: float = 1e-10,
           num_classes: Optional[int] = None) -> float:
    r"""H-score (Bao, Li, Huang, Zhang, Tong, Li, "An Information-Theoretic Approach to
    Transferability in Task Transfer Learning", ICIP 2019).

    .. math::
        \mathcal{H}(f) = \operatorname{tr}\big(\operatorname{cov}(f)^{-1}\,
        \operatorname{cov}(\mathbb{E}[f \mid y])\big),

    the paper's eq. 3 with the covariances estimated on the target examples:
    :math:`\operatorname{cov}(\mathbb{E}[f \mid y]) = \sum_c \frac{n_c}{n}
    (\mu_c - \mu)(\mu_c - \mu)^\top` (the class means :math:`\mu_c`). It is Fisher's
    between/total variance ratio summed over directions, invariant to any invertible linear
    map of the features, and bounded (tested): :math:`0 \le \mathcal{H} \le
    \min(\operatorname{rank}\operatorname{cov}(f), C - 1)`, since by the law of total
    covariance the between-class part never exceeds the total. Higher is better.

    Inverse. Features of pretrained networks are often rank-deficient (dead ReLUs,
    D > n), so :math:`\operatorname{cov}(f)^{-1}` is a pseudo-inverse: eigen-directions of
    the covariance with eigenvalue <= `rcond` x the largest are dropped. With
    `shrinkage="ledoit_wolf"` the score is instead the regularised
    :math:`\mathcal{H}_\alpha` of Ibrahim, Ponomareva, Mazumder ("Newer is not always
    better: Rethinking transferability metrics, their peculiarities, stability and
    performance", ECML PKDD 2022):
    :math:`\operatorname{tr}\big(\Sigma_\alpha^{-1} (1 - \alpha)
    \operatorname{cov}(\mathbb{E}[f \mid y])\big)` with the Ledoit-Wolf shrunk covariance
    :math:`\Sigma_\alpha = (1 - \alpha)\operatorname{cov}(f) + \alpha\,\bar\sigma I`
    (`sklearn.covariance.LedoitWolf`, which picks :math:`\alpha`), recommended when the
    feature dimension is comparable to the number of examples: with the pseudo-inverse,
    features of rank n - 1 or more (D >= n) make every class mean lie in the whitened span
    and the score saturates at C - 1 whatever the features (60 examples of 3 classes through
    ResNet-8, a random LeNet and MobileNetV2, 64 to 1,280 features: 2.0 for all three). In
    `experiments/model_choice.py` (200 examples, 64-128 features) the shrunk score ranks
    backbones far better.

    Differences from the reference implementations:

    * Transfer-Learning-Library (`tllib.ranking.hscore`) uses `np.linalg.pinv(cov,
      rcond=1e-15)`, which in float32 features keeps noise directions with eigenvalues
      ~1e-7 of the largest and can inflate the score; the default cut-off here is 1e-10
      (relative, in float64). Otherwise the same value.
    * google-research `stable_transfer` (`transferability/hscore.py`) takes
      `trace(pinv(cov_f, rcond=1e-5) * cov_g)` with an element-wise product, i.e.
      :math:`\sum_j (\Sigma^{+})_{jj} B_{jj}`, not the trace of the matrix product of the
      paper's equation; its values (and rankings) differ from the paper's H-score.
    * Both estimate covariances with 1/(n-1); the score is a ratio, so the normalisation
      cancels (1/n is used here).

    Args:
        features: `(n, D)` features of the target examples (n >= 2), finite.
        labels: `(n,)` non-negative integer target labels, at least 2 classes.
        shrinkage: None (pseudo-inverse, the paper's H-score) or "ledoit_wolf" (the
            regularised :math:`\mathcal{H}_\alpha`).
        rcond: Relative eigenvalue cut-off of the pseudo-inverse (`shrinkage=None`), in
            [0, 1).
        num_classes: When given, labels must lie in `[0, num_classes)`.

    Returns:
        The H-score, a float in [0, min(D, C - 1)]; higher is better.

    Raises:
        ValueError: non-finite features, a shape mismatch, negative or out-of-range labels,
            fewer than 2 classes, constant features, an unknown `shrinkage`, a bad `rcond`.
        TypeError: non-numeric features or non-integer labels.

    Example:
        >>> y = np.array([0, 0, 1, 1])
        >>> f = np.array([[0.0, 1.0], [0.2, -1.0], [1.0, -1.0], [1.2, 1.0]])
        >>> round(hscore(f, y), 6)   # between-class 0.25 / total 0.26 of column 0
        0.961538
    """
    check_choice(shrinkage, "shrinkage", SHRINKAGE, owner=OWNER)
    rcond = check_float(rcond, "rcond", minimum=0.0, maximum=1.0, high_open=True, owner=OWNER)
    f, y, c = features_and_labels(features, labels, owner=OWNER, num_classes=num_classes)
    n = f.shape[0]
    centred = f - f.mean(axis=0)
    counts = np.bincount(y, minlength=c).astype(np.float64)
    class_means = np.zeros((c, f.shape[1]))
    np.add.at(class_means, y, centred)
    class_means /= counts[:, None]                       # mu_c - mu, (C, D)
    weights = counts / n
    if shrinkage == "ledoit_wolf":
        from sklearn.covariance import LedoitWolf

        estimator = LedoitWolf(assume_centered=True).fit(centred)
        covariance, between_scale = estimator.covariance_, 1.0 - estimator.shrinkage_
    else:
        covariance, between_scale = centred.T @ centred / n, 1.0
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    top = eigenvalues[-1]
    if not top > 0:
        raise ValueError(f"{OWNER}: `features` must vary across examples. Received: constant "
                         f"features of shape {f.shape}")
    keep = eigenvalues > rcond * top if shrinkage is None else eigenvalues > 0
    # tr(S^+ B) with B = sum_c w_c d_c d_c^T: whiten the class-mean offsets d_c.
    whitened = (class_means @ eigenvectors[:, keep]) / np.sqrt(eigenvalues[keep])
    return float(between_scale * np.sum(weights * np.sum(whitened ** 2, axis=1)))
