"""GBC: the Gaussian Bhattacharyya coefficient between the target classes in feature space."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_choice, check_float, check_int
from tftransfer.ranking._inputs import features_and_labels

OWNER = "gbc"
GAUSSIANS = ("spherical", "diagonal")


def gbc(features, labels, *, gaussian: str = "spherical", pca_components: Optional[int] = 64,
        min_variance: float = 1e-4, num_classes: Optional[int] = None) -> float:
    r"""GBC (Pándy, Agostinelli, Uijlings, Ferrari, Mensink, "Transferability Estimation
    using Bhattacharyya Class Separability", CVPR 2022).

    Each target class c is modelled as a Gaussian :math:`N(\mu_c, \Sigma_c)` in feature
    space (after a PCA to `pca_components` dimensions), with a spherical
    (:math:`\Sigma_c = \sigma_c I`, the mean of the per-dimension variances; the paper's
    default) or diagonal covariance. The score is minus the total overlap of class pairs,

    .. math::
        \mathrm{GBC} = -\sum_{i \ne j} \mathrm{BC}(c_i, c_j), \qquad
        \mathrm{BC} = e^{-D_B}, \qquad
        D_B = \frac{1}{8} (\mu_i - \mu_j)^\top \Sigma^{-1} (\mu_i - \mu_j)
        + \frac{1}{2} \ln \frac{\det \Sigma}{\sqrt{\det \Sigma_i \det \Sigma_j}},

    with :math:`\Sigma = (\Sigma_i + \Sigma_j)/2` (the paper's eqs. 2-4). It lies in
    :math:`[-C(C-1), 0]`: 0 when every pair of classes is separated, :math:`-C(C-1)` when
    all classes coincide. Higher is better.

    Differences from google-research `stable_transfer` (`transferability/gbc.py`, the
    authors' TensorFlow code): there the spherical variant's log-determinant term is
    :math:`\frac{1}{2}(\ln\bar\sigma - \frac{1}{2}\ln\sigma_i - \frac{1}{2}\ln\sigma_j)`,
    without the factor d (the dimension) that :math:`\det(\sigma I) = \sigma^d` gives; here
    it is the exact Bhattacharyya distance of the two Gaussians. Variances are floored at
    `min_variance` (1e-4, as there). The PCA (scikit-learn, deterministic SVD) is fitted on
    the target features, as in its configuration (64 components for GBC).
    Transfer-Learning-Library has no GBC.

    Args:
        features: `(n, D)` features of the target examples, finite.
        labels: `(n,)` non-negative integer target labels, at least 2 classes, each with at
            least 2 examples (a class variance needs them).
        gaussian: "spherical" or "diagonal".
        pca_components: Dimensions kept by a PCA of the features before the Gaussians are
            fitted (capped at min(n - 1, D)); None keeps the features as they are.
        min_variance: Floor of every variance (constant directions would divide by 0).
        num_classes: When given, labels must lie in `[0, num_classes)`.

    Returns:
        The GBC score, a float in [-C(C-1), 0]; higher is better.

    Raises:
        ValueError: non-finite features, a shape mismatch, bad labels, a class with fewer
            than 2 examples, an unknown `gaussian`, a bad `pca_components`/`min_variance`.
        TypeError: non-numeric features or non-integer labels.

    Example:
        >>> y = np.repeat([0, 1], 50)
        >>> apart = np.random.default_rng(0).normal(size=(100, 2)) + 20 * y[:, None]
        >>> round(gbc(apart, y), 6)                     # two far-apart classes: no overlap
        -0.0
        >>> gbc(np.random.default_rng(0).normal(size=(100, 2)), y) > -2   # overlapping
        True
    """
    check_choice(gaussian, "gaussian", GAUSSIANS, owner=OWNER)
    pca_components = check_int(pca_components, "pca_components", minimum=1, owner=OWNER,
                               allow_none=True)
    min_variance = check_float(min_variance, "min_variance", minimum=0.0, low_open=True, owner=OWNER)
    f, y, c = features_and_labels(features, labels, owner=OWNER, num_classes=num_classes)
    counts = np.bincount(y, minlength=c)
    if counts.min() < 2:
        raise ValueError(f"{OWNER}: every class in `labels` must have at least 2 examples (a "
                         f"class variance needs them). Received: a class with {counts.min()}")
    if pca_components is not None and pca_components < f.shape[1]:
        from sklearn.decomposition import PCA

        keep = min(pca_components, f.shape[0] - 1, f.shape[1])
        f = PCA(n_components=keep, svd_solver="full").fit_transform(f)
    d = f.shape[1]
    onehot = np.zeros((f.shape[0], c))
    onehot[np.arange(f.shape[0]), y] = 1.0
    means = onehot.T @ f / counts[:, None]                                  # (C, d)
    variances = onehot.T @ (f - means[y]) ** 2 / counts[:, None]            # (C, d), 1/n_c
    variances = np.maximum(variances, min_variance)
    if gaussian == "spherical":
        variances = np.repeat(variances.mean(axis=1, keepdims=True), d, axis=1)
    average = (variances[:, None, :] + variances[None, :, :]) / 2           # (C, C, d)
    mahalanobis = (((means[:, None, :] - means[None, :, :]) ** 2) / average).sum(axis=2)
    log_det = np.log(variances).sum(axis=1)
    distance = mahalanobis / 8 + 0.5 * (np.log(average).sum(axis=2)
                                        - 0.5 * (log_det[:, None] + log_det[None, :]))
    coefficients = np.exp(-distance)
    np.fill_diagonal(coefficients, 0.0)
    return float(-coefficients.sum())
