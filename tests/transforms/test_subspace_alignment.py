"""Subspace Alignment: identical domains, the alignment algebra, accuracy on a shift."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from helpers import rotated_shifted_task
from tftransfer.transforms import SubspaceAlignment


def test_identical_domains_give_the_same_embedding(rng):
    x = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6))
    sa = SubspaceAlignment(n_components=3).fit(x, x)
    np.testing.assert_allclose(np.abs(sa.alignment_), np.eye(3), atol=1e-8)
    np.testing.assert_allclose(sa.transform_source(x), sa.transform_target(x), atol=1e-4)


def test_same_distribution_bases_agree_up_to_sign(rng):
    mixing = np.diag([5.0, 3.0, 2.0, 1.0, 0.5]) @ np.linalg.qr(rng.normal(size=(5, 5)))[0]
    xs, xt = rng.normal(size=(4000, 5)) @ mixing, rng.normal(size=(4000, 5)) @ mixing + 3.0
    sa = SubspaceAlignment(n_components=2).fit(xs, xt)
    x = rng.normal(size=(50, 5)) @ mixing
    proj_s = (x - sa.source_mean_) @ sa.source_components_
    proj_t = (x + 3.0 - sa.target_mean_) @ sa.target_components_
    # Column by column, Xs Ps ≈ ± Xt Pt; the source map itself needs no sign fix.
    for j in range(2):
        sign = np.sign(proj_s[:, j] @ proj_t[:, j])
        np.testing.assert_allclose(
            proj_s[:, j], sign * proj_t[:, j], atol=0.1 * np.abs(proj_t[:, j]).max())
    # The same point seen in either domain lands at the same place after alignment.
    zs, zt = sa.transform_source(x), sa.transform_target(x + 3.0)
    np.testing.assert_allclose(zs, zt, atol=0.1 * np.abs(zt).max())


def test_maps_follow_the_paper(rng):
    xs, xt = rng.normal(size=(60, 5)), rng.normal(size=(70, 5)) * 2 + 1
    sa = SubspaceAlignment(n_components=3).fit(xs, xt)
    ps, pt = sa.source_components_, sa.target_components_
    np.testing.assert_allclose(ps.T @ ps, np.eye(3), atol=1e-10)
    np.testing.assert_allclose(sa.alignment_, ps.T @ pt)
    zs, zt = sa.fit_transform(xs, xt)
    np.testing.assert_allclose(zs, (xs - xs.mean(0)) @ ps @ (ps.T @ pt), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(zt, (xt - xt.mean(0)) @ pt, rtol=1e-5, atol=1e-5)
    assert zs.dtype == np.float32 and zs.shape == (60, 3) and zt.shape == (70, 3)
    # Default: half the usable dimension (SA aligns nothing at k = d), at most 100.
    assert SubspaceAlignment().fit(xs, xt).n_components_ == 2


def test_sa_beats_no_adaptation_on_a_rotation_and_mean_shift():
    results = []
    for seed in range(3):
        xs, ys, xt, yt = rotated_shifted_task(seed)
        baseline = LogisticRegression().fit(xs, ys).score(xt, yt)
        zs, zt = SubspaceAlignment(n_components=1).fit_transform(xs, xt)
        results.append((baseline, LogisticRegression().fit(zs, ys).score(zt, yt)))
    baseline, adapted = np.mean(results, axis=0)
    # Measured: baseline 0.67 on average, SA 1.00.
    assert adapted > baseline + 0.2 and adapted > 0.95, results


def test_bad_arguments_raise(rng):
    for bad in (0, -3):
        with pytest.raises(ValueError, match="n_components"):
            SubspaceAlignment(n_components=bad)
    for bad in (2.5, "3", True):
        with pytest.raises(TypeError, match="n_components"):
            SubspaceAlignment(n_components=bad)
    with pytest.raises(ValueError, match=r"min\(n_features, n_source, n_target\) = 4"):
        SubspaceAlignment(n_components=5).fit(rng.normal(size=(30, 4)), rng.normal(size=(30, 4)))


def test_standardize_domain_is_sa_of_each_domain_z_scored():
    rng = np.random.default_rng(3)
    xs = rng.normal(size=(80, 6)) * [1, 5, 0.2, 3, 1, 2] + 4
    xt = rng.normal(size=(70, 6)) * [2, 1, 1, 0.5, 3, 1] - 1
    z = lambda x, ref: (x - ref.mean(0)) / ref.std(0)  # noqa: E731
    plain = SubspaceAlignment(n_components=3).fit(z(xs, xs), z(xt, xt))
    scaled = SubspaceAlignment(n_components=3, standardize="domain").fit(xs, xt)
    np.testing.assert_allclose(scaled.transform_source(xs[:10]),
                               plain.transform_source(z(xs[:10], xs)), atol=1e-5)
    np.testing.assert_allclose(scaled.transform_target(xt[:10]),
                               plain.transform_target(z(xt[:10], xt)), atol=1e-5)


def test_standardize_must_be_a_known_name():
    with pytest.raises(ValueError, match="standardize.*'domain'"):
        SubspaceAlignment(standardize="global")
