"""GFK transform: the closed form equals the integral over the geodesic, errors, registry."""

import numpy as np
import pytest

from tftransfer import transforms
from tftransfer.transforms import GFK


def integrated_geodesic(ps, pt, nodes=60):
    """∫₀¹ Φ(t)Φ(t)ᵀ dt by Gauss-Legendre, Φ the Grassmann geodesic of Edelman, Arias &
    Smith (1998): (I − PsPsᵀ) Pt (PsᵀPt)⁻¹ = Q tan(Θ) Vᵀ, Φ(t) = Ps V cos(tΘ) + Q sin(tΘ)."""
    q, tangent, vt = np.linalg.svd(
        (np.eye(len(ps)) - ps @ ps.T) @ pt @ np.linalg.inv(ps.T @ pt), full_matrices=False)
    theta = np.arctan(tangent)
    t, w = np.polynomial.legendre.leggauss(nodes)
    total = 0.0
    for ti, wi in zip((t + 1) / 2, w / 2):
        phi = ps @ vt.T * np.cos(ti * theta) + q * np.sin(ti * theta)
        total = total + wi * phi @ phi.T
    return total


def test_kernel_equals_the_integral_over_the_geodesic(rng):
    xs = rng.normal(size=(60, 9))
    xt = rng.normal(size=(50, 9)) @ rng.normal(size=(9, 9))
    gfk = GFK(n_components=3).fit(xs, xt)
    g = gfk.matrix_ @ gfk.matrix_.T
    np.testing.assert_allclose(g, integrated_geodesic(gfk.source_basis_, gfk.target_basis_),
                               atol=1e-10)
    assert gfk.matrix_.shape == (9, 6) and np.all(np.diff(gfk.angles_) >= 0)
    z = gfk.transform_target(xt[:5]).astype(np.float64)
    np.testing.assert_allclose(z @ z.T, xt[:5] @ g @ xt[:5].T, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(gfk.transform_source(xt), gfk.transform_target(xt))


def test_same_subspace_gives_its_projection(rng):
    basis = np.linalg.qr(rng.normal(size=(6, 2)))[0]
    xs = rng.normal(size=(40, 2)) @ basis.T * [[3.0]] + 0.01 * rng.normal(size=(40, 6))
    xt = rng.normal(size=(40, 2)) @ basis.T * [[3.0]] + 0.01 * rng.normal(size=(40, 6))
    gfk = GFK(n_components=2).fit(xs, xt)
    g = gfk.matrix_ @ gfk.matrix_.T
    projection = gfk.source_basis_ @ gfk.source_basis_.T
    np.testing.assert_allclose(g, projection, atol=1e-3)
    assert np.all(np.isfinite(gfk.matrix_))


def test_too_many_components_or_rank_deficient_data_raise(rng):
    xs, xt = rng.normal(size=(8, 5)), rng.normal(size=(10, 5))
    with pytest.raises(ValueError, match=r"min\(n_features, n_source, n_target\) = 5"):
        GFK(n_components=6).fit(xs, xt)
    with pytest.raises(ValueError, match="source samples \\(4: rank-deficient"):
        GFK(n_components=5).fit(np.vstack([xs[:5]] * 2)[:5], xt)
    collinear = np.hstack([xs[:, :2], xs[:, :2] * 2.0, xs[:, :1]])
    with pytest.raises(ValueError, match="source samples \\(2"):
        GFK(n_components=3).fit(collinear, xt)
    with pytest.raises(ValueError, match="n_components"):
        GFK(n_components=0)


def test_registered_and_linear():
    gfk = transforms.get("gfk", n_components=2)
    assert isinstance(gfk, GFK) and "gfk" in transforms.names()
    rng = np.random.default_rng(0)
    gfk.fit(rng.normal(size=(20, 4)), rng.normal(size=(20, 4)))
    matrix, offset = gfk.linear_map("source")
    assert offset is None and matrix.shape == (4, 4)


def test_default_components_are_twenty_or_what_the_data_have(rng):
    xs, xt = rng.normal(size=(60, 30)), rng.normal(size=(50, 30)) + 1.0
    default, explicit = GFK().fit(xs, xt), GFK(n_components=20).fit(xs, xt)
    assert default.n_components_ == 20
    np.testing.assert_array_equal(default.matrix_, explicit.matrix_)  # the same k, bit for bit
    # Six columns, one constant in the source: 5 directions there, so k = 5 (and 5 explicitly).
    small_s, small_t = xs[:, :6].copy(), xt[:, :6]
    small_s[:, 0] = 1.0
    fitted = GFK().fit(small_s, small_t)
    assert fitted.n_components_ == 5
    np.testing.assert_array_equal(fitted.matrix_, GFK(n_components=5).fit(small_s, small_t).matrix_)
    with pytest.raises(ValueError, match="do not vary"):
        GFK().fit(np.ones((10, 3)), small_t[:, :3])
