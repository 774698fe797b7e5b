"""The joint (marginal + class-conditional) MMD matrix of JDA, BDA and MEDA, in low-rank form."""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np


def joint_mmd_factors(
    y_source: np.ndarray,
    y_target: Optional[np.ndarray],
    n_target: int,
    n_classes: int,
    mu: float,
    class_weighted: bool = False,
) -> Tuple[np.ndarray, np.ndarray, List[int]]:
    """Columns e_j (n, r) and weights w_j (r,) with M = Σ_j w_j e_j e_jᵀ and ‖M‖_F = 1.

    The MMD matrix of balanced distribution adaptation (Wang et al., ICDM 2017, eq. 3;
    JDA is the case μ = ½, MEDA reuses it with its estimated μ):

        M = (1 − μ) · C · M₀ + μ · Σ_c M_c,      then M ← M / ‖M‖_F,

    over the n = n_s + n_t samples [source; target], with M₀ = e₀e₀ᵀ,
    e₀ = [1/n_s …; −1/n_t …] (marginal MMD), M_c = e_c e_cᵀ, e_c = 1/n_s^c on the source
    samples of class c and −α_c/n_t^c on the target samples pseudo-labelled c
    (conditional MMD). The factor C (number of classes) on M₀ and the Frobenius
    normalisation are those of the reference code (Long's `JDA.m`, Wang's `BDA.m` /
    `MEDA.m`); with them JDA's M = C·M₀ + Σ_c M_c is exactly BDA's at μ = ½.
    α_c = 1, or with `class_weighted` (W-BDA) the class-prior ratio
    α_c = (n_t^c / n_t) / (n_s^c / n_s).

    A class with no source sample or no target pseudo-label contributes no M_c term (the
    reference MATLAB code keeps a source-only term for it and the reference Python code
    divides by zero; skipping it is the class-conditional MMD over the classes that can
    be compared). Without pseudo-labels (`y_target` None: JDA's first iteration) M is
    M₀ alone, whatever μ, so the first iteration of JDA / BDA is TCA's problem. If the
    weights leave M = 0 (μ = 1 with no comparable class), M falls back to M₀.

    Returns:
        (columns, weights, skipped classes): M = columns · diag(weights) · columnsᵀ.
    """
    n_source = len(y_source)
    marginal = np.concatenate(
        [np.full(n_source, 1.0 / n_source), np.full(n_target, -1.0 / n_target)])
    columns, weights, skipped = [marginal], [(1.0 - mu) * n_classes], []
    if y_target is None:
        weights = [1.0]
    else:
        for c in range(n_classes):
            in_source, in_target = y_source == c, y_target == c
            ns_c, nt_c = int(in_source.sum()), int(in_target.sum())
            if ns_c == 0 or nt_c == 0:
                skipped.append(c)
                continue
            alpha = (nt_c / n_target) / (ns_c / n_source) if class_weighted else 1.0
            column = np.concatenate([in_source / ns_c, -alpha * in_target / nt_c])
            columns.append(column)
            weights.append(mu)
    columns, weights = np.stack(columns, axis=1), np.asarray(weights, dtype=np.float64)
    keep = weights != 0
    columns, weights = columns[:, keep], weights[keep]
    # ‖Σ w_j e_j e_jᵀ‖_F² = Σ_ij w_i w_j (e_iᵀ e_j)²: an r × r computation, never n × n.
    gram = columns.T @ columns
    norm = float(np.sqrt(max(weights @ (gram**2) @ weights, 0.0))) if len(weights) else 0.0
    if norm == 0.0:
        return marginal[:, None], np.array([1.0 / float(marginal @ marginal)]), skipped
    return columns, weights / norm, skipped
