"""Multi-kernel Gaussian maximum mean discrepancy (MK-MMD).

References:
    Gretton, Borgwardt, Rasch, Schölkopf & Smola, "A Kernel Two-Sample Test",
    JMLR 13, 2012 (unbiased estimator: Lemma 6; biased estimator: the V-statistic
    that follows it).
    Long, Cao, Wang & Jordan, "Learning Transferable Features with Deep Adaptation
    Networks" (DAN), ICML 2015 (multi-kernel MMD over a family of Gaussian kernels).
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
from keras import ops

from tftransfer._checks import check_choice, check_int, check_positive
from tftransfer.losses._tensors import as_feature_pair

ESTIMATORS = ("biased", "unbiased")


def _check_kernels(num_kernels, kernel_multiplier, owner: str):
    """`(num_kernels, kernel_multiplier)` as an int >= 1 and a finite float > 0."""
    return (check_int(num_kernels, "num_kernels", minimum=1, owner=owner),
            check_positive(kernel_multiplier, "kernel_multiplier", owner=owner))


def _as_bandwidths(bandwidths):
    if isinstance(bandwidths, (list, tuple, numbers.Real, np.ndarray, np.generic)):
        values = np.asarray(bandwidths, dtype="float64").reshape(-1)
        if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise ValueError(
                "mk_mmd: `bandwidths` must be a non-empty sequence of finite values > 0. "
                f"Received: bandwidths={bandwidths!r}"
            )
    # Tensors are taken as given: their values may not be known until run time.
    return ops.reshape(ops.cast(ops.convert_to_tensor(bandwidths), "float32"), (-1,))


def _squared_distances(z):
    """Pairwise squared Euclidean distances of the rows of `z`, shape (N, N)."""
    sq_norms = ops.sum(ops.square(z), axis=1)
    gram = ops.matmul(z, ops.transpose(z))
    dist = sq_norms[:, None] + sq_norms[None, :] - 2.0 * gram
    # The expansion can go slightly negative through cancellation.
    return ops.maximum(dist, 0.0)


def _diagonal_mask(n):
    idx = ops.arange(n)
    return ops.equal(idx[:, None], idx[None, :])


def _median_off_diagonal(dist):
    """Median of the off-diagonal entries of a symmetric (N, N) matrix.

    Sort-based so it has static shapes under XLA (no boolean masking): the diagonal is
    pushed below every distance, so it occupies the first N sorted slots and the
    N(N-1) off-diagonal entries follow. N(N-1) is even, so the median is the mean of
    the two middle off-diagonal entries.
    """
    n = ops.shape(dist)[0]
    masked = ops.where(_diagonal_mask(n), -1.0, dist)
    flat = ops.sort(ops.reshape(masked, (-1,)))
    upper = n + (n * (n - 1)) // 2
    return 0.5 * (ops.take(flat, upper - 1) + ops.take(flat, upper))


def _bandwidths_from_distances(dist, num_kernels, kernel_multiplier):
    # Guards an all-identical batch, whose median distance is 0.
    base = _median_off_diagonal(dist) + keras.config.epsilon()
    exponents = [float(i - num_kernels // 2) for i in range(num_kernels)]
    scales = ops.convert_to_tensor([kernel_multiplier**e for e in exponents], "float32")
    return ops.stop_gradient(base * scales)


def median_heuristic_bandwidths(x, y, num_kernels: int = 5, kernel_multiplier: float = 2.0):
    """Gaussian kernel bandwidths σ² around the median pairwise squared distance.

    The base bandwidth is the median heuristic of Gretton et al. (2012, section 8):
    σ₀² = median{||z_i − z_j||² : i ≠ j} over the joint sample z = [x; y]. The family
    used by DAN (Long et al., 2015) is σ_i² = σ₀² · kernel_multiplier^(i − ⌊K/2⌋) for
    i = 0..K−1, a geometric grid centred on σ₀². No gradient flows through the result.

    Args:
        x: Source sample, shape (n, ...). Dimensions after the first are flattened.
        y: Target sample, shape (m, ...), same number of features as `x`.
        num_kernels: Number K of bandwidths, an integer >= 1.
        kernel_multiplier: Ratio between consecutive bandwidths, a real > 0.

    Returns:
        A float32 tensor of shape (num_kernels,) holding the σ² values.

    Raises:
        TypeError: If `num_kernels` or `kernel_multiplier` has the wrong type.
        ValueError: If an argument is out of range or the feature sizes differ.
    """
    owner = "median_heuristic_bandwidths"
    num_kernels, kernel_multiplier = _check_kernels(num_kernels, kernel_multiplier, owner)
    x, y = as_feature_pair(x, y, owner)
    dist = _squared_distances(ops.concatenate([x, y], axis=0))
    return _bandwidths_from_distances(dist, num_kernels, kernel_multiplier)


def mk_mmd(
    x,
    y,
    bandwidths=None,
    num_kernels: int = 5,
    kernel_multiplier: float = 2.0,
    estimator: str = "biased",
):
    """Squared multi-kernel maximum mean discrepancy between two samples.

    With the kernel k(a, b) = (1/K) Σ_k exp(−||a − b||² / σ_k²) (equal weights: a
    fixed instance of the convex combination of kernels in Long et al., 2015), the
    squared MMD of Gretton et al. (2012) is estimated as

        biased:    1/n² Σ_ij k(x_i, x_j) + 1/m² Σ_ij k(y_i, y_j)
                   − 2/(nm) Σ_ij k(x_i, y_j)
        unbiased:  1/(n(n−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j)
                   − 2/(nm) Σ_ij k(x_i, y_j)      (Lemma 6)

    The biased estimate is >= 0; the unbiased one can be slightly negative when the
    two distributions are equal.

    Args:
        x: Source sample, shape (n, d) or (n, ...) (flattened to (n, d)).
        y: Target sample, shape (m, d) or (m, ...).
        bandwidths: The σ² values of the Gaussian kernels, shape (K,). If None they
            come from `median_heuristic_bandwidths(x, y, num_kernels,
            kernel_multiplier)`.
        num_kernels: Number of kernels when `bandwidths` is None, an integer >= 1.
        kernel_multiplier: Ratio between consecutive bandwidths when `bandwidths`
            is None, a real > 0.
        estimator: "biased" or "unbiased" (the latter needs n, m >= 2).

    Returns:
        A float32 scalar tensor.

    Raises:
        TypeError: If `num_kernels` or `kernel_multiplier` has the wrong type.
        ValueError: If an argument is out of range, the estimator name is unknown,
            the feature sizes differ, or the unbiased estimator gets fewer than two
            examples per domain.

    Note:
        This is a whole-batch statistic, not a per-example loss: under a
        `tf.distribute` strategy scale it by 1 / num_replicas_in_sync yourself.
    """
    estimator = check_choice(estimator, "estimator", ESTIMATORS, owner="mk_mmd")
    num_kernels, kernel_multiplier = _check_kernels(num_kernels, kernel_multiplier, "mk_mmd")
    unbiased = estimator == "unbiased"
    x, y = as_feature_pair(x, y, "mk_mmd", min_rows=2 if unbiased else 0,
                           why=" for the unbiased estimator" if unbiased else "")

    n = ops.shape(x)[0]
    m = ops.shape(y)[0]
    # One distance matrix for the joint sample serves the median and all three blocks.
    dist = _squared_distances(ops.concatenate([x, y], axis=0))
    if bandwidths is None:
        bandwidths = _bandwidths_from_distances(dist, num_kernels, kernel_multiplier)
    else:
        bandwidths = _as_bandwidths(bandwidths)
    kernel = ops.mean(ops.exp(-dist[None, :, :] / bandwidths[:, None, None]), axis=0)

    k_xx = kernel[:n, :n]
    k_yy = kernel[n:, n:]
    k_xy = kernel[:n, n:]
    n_f = ops.cast(n, "float32")
    m_f = ops.cast(m, "float32")
    if estimator == "biased":
        xx = ops.mean(k_xx)
        yy = ops.mean(k_yy)
    else:
        xx = ops.sum(ops.where(_diagonal_mask(n), 0.0, k_xx)) / (n_f * (n_f - 1.0))
        yy = ops.sum(ops.where(_diagonal_mask(m), 0.0, k_yy)) / (m_f * (m_f - 1.0))
    return xx + yy - 2.0 * ops.mean(k_xy)


@keras.saving.register_keras_serializable(package="tftransfer")
class MMD(keras.losses.Loss):
    """Multi-kernel MMD between a source and a target batch, as a Keras loss.

    `loss(source, target)` returns `mk_mmd(source, target, ...)` with median-heuristic
    bandwidths; see `mk_mmd` for the estimator (Gretton et al., JMLR 2012; Long et al.,
    ICML 2015). The two arguments take the places of `y_true` and `y_pred`. The value
    is a scalar over the whole batch, so `sample_weight` does not apply.

    Args:
        num_kernels: Number of Gaussian kernels, an integer >= 1.
        kernel_multiplier: Ratio between consecutive bandwidths, a real > 0.
        estimator: "biased" or "unbiased".
        name: Name of the loss.
        **kwargs: Other `keras.losses.Loss` arguments (`reduction`, `dtype`).

    Raises:
        TypeError: If `num_kernels` or `kernel_multiplier` has the wrong type.
        ValueError: If an argument is out of range or the estimator name is unknown.
    """

    def __init__(
        self,
        num_kernels: int = 5,
        kernel_multiplier: float = 2.0,
        estimator: str = "biased",
        name: str = "mmd",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.num_kernels, self.kernel_multiplier = _check_kernels(
            num_kernels, kernel_multiplier, "MMD")
        self.estimator = check_choice(estimator, "estimator", ESTIMATORS, owner="MMD")

    def call(self, source, target):
        return mk_mmd(
            source,
            target,
            num_kernels=self.num_kernels,
            kernel_multiplier=self.kernel_multiplier,
            estimator=self.estimator,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            num_kernels=self.num_kernels,
            kernel_multiplier=self.kernel_multiplier,
            estimator=self.estimator,
        )
        return config
