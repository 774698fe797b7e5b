"""MEDA: the linear system, the Laplacian, mu in [0, 1], the stopping rule, errors."""

import numpy as np
import pytest
import scipy.sparse
from shift_data import missing_class_task, nuisance_shift_task
from sklearn.metrics.pairwise import rbf_kernel

from tftransfer.shallow import MEDA
from tftransfer.shallow.base import l2_normalize_rows
from tftransfer.shallow.heads import make_head
from tftransfer.shallow.meda import cosine_knn_laplacian
from tftransfer.shallow.mmd import joint_mmd_factors


def test_laplacian_of_the_cosine_knn_graph(rng):
    x = l2_normalize_rows(rng.normal(size=(12, 4)))
    laplacian = cosine_knn_laplacian(x, 3).toarray()
    cosine = x @ x.T
    weights = np.zeros_like(cosine)
    for i in range(12):
        nearest = np.argsort(-cosine[i])[:4]  # itself + 3 neighbours
        weights[i, nearest] = cosine[i, nearest]
    weights = np.maximum(weights, weights.T)
    degree = weights.sum(axis=0)
    expected = np.eye(12) - weights / np.sqrt(np.outer(degree, degree))
    np.testing.assert_allclose(laplacian, expected, atol=1e-12)
    assert scipy.sparse.issparse(cosine_knn_laplacian(x, 3))


def test_coefficients_solve_the_papers_system_and_mu_lies_in_the_unit_interval():
    xs, ys, xt, _ = nuisance_shift_task(0, n=45, nuisance=6)
    meda = MEDA(n_components=2, n_neighbors=4, n_iter=2, lam=5.0, rho=0.5, eta=0.2)
    meda.fit(xs, ys, xt)
    assert all(0.0 <= mu <= 1.0 for mu in meda.mu_)
    assert [b.mu for b in meda.balance_] == meda.mu_
    # Rebuild eq. (13) of the last iteration from the previous iteration's labels.
    first = MEDA(n_components=2, n_neighbors=4, n_iter=1, lam=5.0, rho=0.5, eta=0.2)
    pseudo = first.fit(xs, ys, xt).pseudo_labels_
    z = l2_normalize_rows(np.vstack([xs, xt]) @ meda.gfk_.matrix_)
    n, n_s = len(z), len(xs)
    kernel = rbf_kernel(z, gamma=0.5)
    columns, weights, _ = joint_mmd_factors(ys, pseudo, len(xt), 3, meda.mu_[-1])
    m = (columns * weights) @ columns.T
    e = np.diag(np.r_[np.ones(n_s), np.zeros(len(xt))])
    laplacian = cosine_knn_laplacian(z, 4).toarray()
    system = (e + 5.0 * m + 0.5 * laplacian) @ kernel + 0.2 * np.eye(n)
    targets = np.zeros((n, 3))
    targets[np.arange(n_s), ys] = 1.0
    np.testing.assert_allclose(system @ meda.coefficients_, targets, atol=1e-8)
    np.testing.assert_allclose(meda.predict_scores(xt), kernel[n_s:] @ meda.coefficients_,
                               atol=1e-8)


def test_fixed_mu_and_no_graph():
    xs, ys, xt, yt = nuisance_shift_task(1)
    meda = MEDA(n_components=2, mu=0.3, rho=0.0, kernel="linear").fit(xs, ys, xt)
    assert set(meda.mu_) == {0.3} and meda.balance_ == [] and meda.gamma_ is None
    assert np.mean(meda.predict(xt) == yt) > 0.8


def test_stops_when_the_pseudo_labels_repeat():
    xs, ys, xt, _ = nuisance_shift_task(2)
    meda = MEDA(n_components=2, n_iter=25).fit(xs, ys, xt)
    assert meda.n_iter_ < 25 and meda.pseudo_label_changes_[-1] == 0


def test_missing_class_and_rank_errors(rng):
    xs, ys, xt, _ = missing_class_task(2)
    meda = MEDA(n_components=2, n_neighbors=5).fit(xs, ys, xt)
    assert np.all(np.isfinite(meda.predict_scores(xt)))
    assert any(2 in skipped for skipped in meda.skipped_classes_)
    with pytest.raises(ValueError, match="GFK: `n_components` must be at most min"):
        MEDA(n_components=4).fit(xs, ys, xt)
    flat = np.hstack([xs[:, :1], xs[:, :1], xs[:, :1]])  # rank 1
    with pytest.raises(ValueError, match="non-zero variance of the source samples \\(1"):
        MEDA(n_components=2).fit(flat, ys, xt)
    with pytest.raises(ValueError, match="n_neighbors.*< n_source \\+ n_target = 120"):
        MEDA(n_components=2, n_neighbors=120).fit(xs, ys, xt)


@pytest.mark.parametrize("head", ["1nn", "logreg"])
def test_first_pseudo_labels_come_from_the_initial_head(head):
    xs, ys, xt, _ = nuisance_shift_task(3)
    meda = MEDA(n_components=2, n_iter=1, initial_head=head).fit(xs, ys, xt)
    z = l2_normalize_rows(np.vstack([xs, xt]) @ meda.gfk_.matrix_)
    first = np.argmax(make_head(head).fit(z[:len(xs)], ys, 3).scores(z[len(xs):]), axis=1)
    assert meda.pseudo_label_changes_ == [int(np.sum(meda.pseudo_labels_ != first))]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="initial_head"):
        MEDA(initial_head="tree")
    with pytest.raises(ValueError, match="eta"):
        MEDA(eta=0)
    with pytest.raises(ValueError, match="rho"):
        MEDA(rho=-1)
    with pytest.raises(ValueError, match="'rbf', 'linear'"):
        MEDA(kernel="primal")
    with pytest.raises(ValueError, match="mu"):
        MEDA(mu=2)


def test_default_subspace_fits_two_features():
    xs, ys, xt, _ = nuisance_shift_task(0)
    meda = MEDA().fit(xs[:, :2], ys, xt[:, :2])
    assert meda.gfk_.n_components_ == 2 and np.all(np.isfinite(meda.predict_scores(xt[:, :2])))
