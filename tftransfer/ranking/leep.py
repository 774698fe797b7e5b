"""LEEP: log expected empirical prediction of the source classifier on the target."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer.ranking._inputs import source_probabilities as check_probabilities
from tftransfer.ranking._inputs import target_labels

OWNER = "leep"


def leep(source_probabilities, labels, *, num_classes: Optional[int] = None) -> float:
    r"""LEEP (Nguyen, Hassner, Seeger, Archambeau, "LEEP: A New Measure to Evaluate
    Transferability of Learned Representations", ICML 2020).

    :math:`\theta(x_i) \in \Delta^{Z}` are the source classifier's probabilities over its
    Z source classes for the target example :math:`x_i`. The empirical joint distribution
    of target label y and source label z (the paper's eq. 1) and the conditional are

    .. math::
        \hat P(y, z) = \frac{1}{n} \sum_{i: y_i = y} \theta(x_i)_z, \qquad
        \hat P(y \mid z) = \frac{\hat P(y, z)}{\sum_{y'} \hat P(y', z)},

    and LEEP is the average log-likelihood of the "expected empirical predictor" (eq. 2)

    .. math::
        T(\theta, \mathcal{D}) = \frac{1}{n} \sum_{i=1}^{n}
        \log \Big( \sum_{z} \hat P(y_i \mid z)\, \theta(x_i)_z \Big).

    Properties (tested): :math:`-H(Y) \le T \le 0`. The upper bound holds because each
    expected prediction is a convex combination of probabilities; the lower bound because
    :math:`\hat P(y \mid z)` is one EM step, for the likelihood :math:`T`, from the table
    :math:`Q(y \mid z) = \hat P(y)` that ignores the source label and scores exactly
    :math:`-H(Y)` (the E-step weights are :math:`\theta(x_i)_z` themselves), and EM never
    lowers the likelihood. Uninformative (uniform) predictions give :math:`-H(Y)`; one-hot
    predictions give NCE of their argmax labels.

    Differences from the reference implementations: none in the value. Transfer-Learning-
    Library (`tllib.ranking.leep`) divides by a zero column sum (a source class with
    probability 0 on every target example, as with one-hot predictions) and gets NaN in
    :math:`\hat P(y \mid z)` and in the score; google-research
    `stable_transfer` (`transferability/leep.py`) uses `divide_no_nan` and replaces a zero
    expected prediction by the uniform :math:`1/C`. Here such columns get 0, which is exact
    (they are multiplied by :math:`\theta(x_i)_z = 0`), and the expected prediction of an
    example is always > 0 in exact arithmetic (it is at least
    :math:`\max_z \theta(x_i)_z^2 / (n \hat P(z))`); it is floored at the smallest positive
    float only against underflow. Rows are validated as probabilities (non-negative,
    summing to 1 within 1e-3) and renormalised; logits are refused.

    Args:
        source_probabilities: `(n, Z)` source-class probabilities of the target examples
            (a softmax output), finite.
        labels: `(n,)` non-negative integer target labels, at least 2 classes.
        num_classes: When given, labels must lie in `[0, num_classes)`.

    Returns:
        The LEEP score, a float in [-H(Y), 0] (nats); higher is better.

    Raises:
        ValueError: rows that are not probabilities, non-finite values, a shape mismatch,
            negative or out-of-range labels, fewer than 2 classes.
        TypeError: non-numeric probabilities or non-integer labels.

    Example:
        >>> y = np.array([0, 0, 1, 1])
        >>> leep(np.eye(2)[y], y)              # a source head that already predicts y
        0.0
        >>> round(leep(np.full((4, 2), 0.5), y), 4)   # uninformative: log(1/2)
        -0.6931
    """
    theta = check_probabilities(source_probabilities, owner=OWNER)
    y, c = target_labels(labels, theta.shape[0], owner=OWNER, num_classes=num_classes)
    n = theta.shape[0]
    targets = np.zeros((n, c))
    targets[np.arange(n), y] = 1.0
    joint = targets.T @ theta / n                                  # (C, Z): P(y, z)
    marginal = joint.sum(axis=0, keepdims=True)                    # (1, Z): P(z)
    conditional = np.divide(joint, marginal, out=np.zeros_like(joint), where=marginal > 0)
    expected = np.einsum("iz,iz->i", theta, conditional[y])       # sum_z P(y_i|z) theta_iz
    return float(np.mean(np.log(np.maximum(expected, np.finfo(np.float64).tiny))))

