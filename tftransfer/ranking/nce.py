"""NCE: the negative conditional entropy of the target labels given the source labels."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer.ranking._inputs import source_labels, target_labels

OWNER = "nce"


def nce(source_labels_predicted, labels, *, num_classes: Optional[int] = None) -> float:
    r"""NCE (Tran, Nguyen, Hassner, "Transferability and Hardness of Supervised
    Classification Tasks", ICCV 2019).

    :math:`z_i` is the source class the source classifier predicts for the target example
    :math:`x_i` (its argmax) and :math:`y_i` the target label. With the empirical joint
    distribution :math:`\hat P(y, z) = \frac{1}{n} \lvert\{i : y_i = y, z_i = z\}\rvert`,
    the conditional entropy (the paper's eq. 2 and Definition 3) is

    .. math::
        H(Y \mid Z) = -\sum_{y, z} \hat P(y, z) \log \frac{\hat P(y, z)}{\hat P(z)},

    and the score is :math:`\mathrm{NCE} = -H(Y \mid Z)` (natural logarithm, nats), so
    that higher means more transferable, like the other scores. Bounds (tested):
    :math:`-H(Y) \le \mathrm{NCE} \le 0` (conditioning does not increase entropy);
    0 exactly when every source label determines the target label.

    Differences from the reference implementations: none in the value. Transfer-Learning-
    Library (`tllib.ranking.nce`) counts pairs in a Python loop and adds 1e-20 inside the
    logarithm; here the joint is one `np.bincount` and empty cells are left out of the sum
    (their limit :math:`0 \log 0 = 0`), so the value is exact. google-research
    `stable_transfer` has no NCE.

    Args:
        source_labels_predicted: `(n,)` non-negative integer source classes predicted for
            the target examples (e.g. `source_probabilities.argmax(1)`).
        labels: `(n,)` non-negative integer target labels, at least 2 classes.
        num_classes: When given, target labels must lie in `[0, num_classes)`.

    Returns:
        The NCE score, a float in [-H(Y), 0]; higher is better.

    Raises:
        ValueError: a shape mismatch, negative or out-of-range labels, fewer than 2 target
            classes.
        TypeError: non-integer labels.

    Example:
        >>> y = np.array([0, 0, 1, 1])
        >>> nce(np.array([3, 3, 5, 5]), y)       # source labels determine the target
        0.0
        >>> round(nce(np.array([0, 1, 0, 1]), y), 4)  # independent of it: -H(Y) = -log 2
        -0.6931
    """
    z = source_labels(source_labels_predicted, owner=OWNER)
    y, c = target_labels(labels, z.shape[0], owner=OWNER, num_classes=num_classes)
    n = z.shape[0]
    _, z = np.unique(z, return_inverse=True)
    z = z.reshape(-1)
    joint = np.bincount(z * c + y, minlength=(z.max() + 1) * c).reshape(-1, c) / n  # (Z, C)
    marginal = joint.sum(axis=1, keepdims=True)
    cells = joint > 0
    return float(np.sum(joint[cells] * np.log((joint / marginal)[cells])))
