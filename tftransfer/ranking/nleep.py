"""N-LEEP: LEEP with a Gaussian mixture on the target features in place of a source head."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import check_choice, check_float, check_int
from tftransfer.ranking._inputs import features_and_labels
from tftransfer.ranking.leep import leep

OWNER = "nleep"
COVARIANCES = ("full", "tied", "diag", "spherical")


def nleep(features, labels, *, variance_kept: Optional[float] = 0.8,
          components_per_class: int = 5, covariance: str = "full", seed: int = 0,
          num_classes: Optional[int] = None) -> float:
    r"""N-LEEP (Li et al., "Ranking Neural Checkpoints", CVPR 2021).

    LEEP (`tftransfer.ranking.leep`) needs a source classifier's probabilities
    :math:`\theta(x_i)`; N-LEEP replaces them by the posterior of a Gaussian mixture with V
    components fitted to the target features :math:`f_i` (after a PCA keeping 80 % of their
    variance), so any feature extractor can be scored, with or without a head:

    .. math::
        \theta(x_i)_v = \frac{\pi_v\, \mathcal N(f_i; \mu_v, \Sigma_v)}
                             {\sum_{v'} \pi_{v'}\, \mathcal N(f_i; \mu_{v'}, \Sigma_{v'})},
        \qquad \text{N-LEEP} = \mathrm{LEEP}(\theta, y),

    with V = 5 C components for C target classes (the paper's setting; the authors'
    TensorFlow code, google-research `stable_transfer`, `transferability/nleep.py`, uses the
    same default). Features whose clusters follow the classes give posteriors that predict
    the label through :math:`\hat P(y \mid v)`, and a score near 0; features whose clusters
    ignore the classes give about :math:`-H(Y)`.

    As in the references, the mixture is scikit-learn's `GaussianMixture` (k-means
    initialisation, full covariances, `reg_covar` 1e-6) with a fixed `random_state`, fitted
    on the same labelled examples it scores. When V would reach the number of examples the
    component count drops by C until it is below it (the rule of the SFDA authors' N-LEEP
    code, TencentARC/SFDA): a mixture needs fewer components than points.

    Args:
        features: `(n, D)` features of the labelled target examples, finite.
        labels: `(n,)` non-negative integer target labels, at least 2 classes.
        variance_kept: Fraction of the features' variance the PCA keeps, in (0, 1]; None or
            1 keeps the features as they are.
        components_per_class: V / C.
        covariance: The mixture's covariance type: "full", "tied", "diag" or "spherical".
        seed: `random_state` of the mixture's k-means initialisation (the score is
            deterministic given it).
        num_classes: When given, labels must lie in `[0, num_classes)`.

    Returns:
        The N-LEEP score, a float in [-H(Y), 0] (nats); higher is better.

    Raises:
        ValueError: non-finite features, a shape mismatch, bad labels, fewer examples than
            classes + 1, a bad `variance_kept`, `components_per_class` or `covariance`.
        TypeError: non-numeric features or non-integer labels.

    Example:
        >>> y = np.repeat([0, 1], 50)
        >>> apart = np.random.default_rng(0).normal(size=(100, 2)) + 20 * y[:, None]
        >>> round(nleep(apart, y, components_per_class=1), 6)    # clusters = classes
        0.0
    """
    variance_kept = check_float(variance_kept, "variance_kept", minimum=0.0, maximum=1.0,
                                low_open=True, owner=OWNER, allow_none=True)
    per_class = check_int(components_per_class, "components_per_class", minimum=1, owner=OWNER)
    check_choice(covariance, "covariance", COVARIANCES, owner=OWNER)
    seed = check_int(seed, "seed", minimum=0, owner=OWNER)
    f, y, c = features_and_labels(features, labels, owner=OWNER, num_classes=num_classes)
    n = f.shape[0]
    if n <= c:
        raise ValueError(f"{OWNER}: a mixture with one component per class needs more examples "
                         f"than classes. Received: {n} examples of {c} classes")
    from sklearn.decomposition import PCA
    from sklearn.mixture import GaussianMixture

    if variance_kept is not None and variance_kept < 1.0:
        f = PCA(n_components=variance_kept, svd_solver="full").fit_transform(f)
    components = per_class * c
    while components >= n:
        components -= c
    mixture = GaussianMixture(n_components=components, covariance_type=covariance,
                              random_state=seed).fit(f)
    return leep(mixture.predict_proba(f), y)
