"""JDA: its first iteration is TCA, the eigenproblem, the stopping rule, errors."""

import numpy as np
import pytest
from shift_data import missing_class_task, nuisance_shift_task

from tftransfer.shallow import JDA
from tftransfer.shallow.base import l2_normalize_rows
from tftransfer.shallow.mmd import joint_mmd_factors
from tftransfer.transforms import TCA


@pytest.mark.parametrize("kernel", ["primal", "linear", "rbf"])
def test_first_iteration_is_tca_with_the_same_settings(kernel):
    xs, ys, xt, _ = nuisance_shift_task(0, n=45, nuisance=6)
    lam, k = 0.7, 3
    jda = JDA(n_components=k, kernel=kernel, lam=lam, gamma=0.4, n_iter=1).fit(xs, ys, xt)
    # JDA works on unit-norm samples, and its Frobenius-normalised M0 = e e^T / (e^T e)
    # moves the scale (1/n_s + 1/n_t) into TCA's mu.
    us, ut = l2_normalize_rows(xs), l2_normalize_rows(xt)
    tca = TCA(n_components=k, kernel=kernel, mu=lam * (1 / len(xs) + 1 / len(xt)),
              gamma=0.4 if kernel == "rbf" else None)
    zs, zt = tca.fit_transform(us, ut)
    np.testing.assert_allclose(jda.components_, tca.components_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jda.transform_source(xs), l2_normalize_rows(zs), atol=2e-5)
    np.testing.assert_allclose(jda.transform_target(xt), l2_normalize_rows(zt), atol=2e-5)


def test_components_solve_the_generalised_eigenproblem():
    xs, ys, xt, _ = nuisance_shift_task(1, n=30, nuisance=3)
    jda = JDA(n_components=2, kernel="linear", lam=0.5, n_iter=2).fit(xs, ys, xt)
    x = l2_normalize_rows(np.vstack([xs, xt]))
    kernel = x @ x.T
    n = len(x)
    # Rebuild the M of the last iteration from the pseudo-labels it used.
    first = JDA(n_components=2, kernel="linear", lam=0.5, n_iter=1).fit(xs, ys, xt)
    columns, weights, _ = joint_mmd_factors(ys, first.pseudo_labels_, len(xt), 3, 0.5)
    m = (columns * weights) @ columns.T
    np.testing.assert_allclose(np.linalg.norm(m), 1.0)
    h = np.eye(n) - 1.0 / n
    left, right = kernel @ h @ kernel, kernel @ m @ kernel + 0.5 * np.eye(n)
    values = np.sort(np.linalg.eigvals(np.linalg.solve(right, left)).real)[::-1][:2]
    for j, a in enumerate(jda.components_.T):
        np.testing.assert_allclose(left @ a, values[j] * (right @ a), rtol=1e-6, atol=1e-9)


def test_stops_at_a_fixed_point_with_the_same_result_as_all_iterations():
    xs, ys, xt, _ = nuisance_shift_task(2)
    early = JDA(n_components=4, n_iter=30).fit(xs, ys, xt)
    assert early.n_iter_ < 30 and early.pseudo_label_changes_[-1] == 0
    exact = JDA(n_components=4, n_iter=early.n_iter_ + 3).fit(xs, ys, xt)
    np.testing.assert_array_equal(early.predict(xt), exact.predict(xt))
    assert early.mu_ == [0.5] * early.n_iter_


def test_a_class_missing_in_the_pseudo_labels_is_skipped_not_nan():
    xs, ys, xt, _ = missing_class_task(0)
    jda = JDA(n_components=2, n_iter=3).fit(xs, ys, xt)
    assert 2 in jda.skipped_classes_[-1]  # the target has no class 2
    assert np.all(np.isfinite(jda.predict_scores(xt)))
    assert set(jda.predict(xt)) <= {0, 1}


@pytest.mark.parametrize("head", ["svm", "logreg"])
def test_other_heads(head):
    xs, ys, xt, yt = nuisance_shift_task(0)
    jda = JDA(n_components=4, head=head).fit(xs, ys, xt)
    assert np.mean(jda.predict(xt) == yt) > 0.8


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_source_validated_head_is_chosen_once_and_kept(seed):
    xs, ys, xt, _ = nuisance_shift_task(seed)
    chosen = JDA(n_components=4).fit(xs, ys, xt)  # head="source_cv", the default
    assert chosen.head_ in ("logreg", "1nn") and set(chosen.head_cv_accuracy_) == {"logreg", "1nn"}
    fixed = JDA(n_components=4, head=chosen.head_).fit(xs, ys, xt)
    np.testing.assert_array_equal(chosen.predict_scores(xt), fixed.predict_scores(xt))
    assert chosen.n_iter_ == fixed.n_iter_


def test_default_head_fits_a_source_with_a_single_example_of_a_class(rng):
    xs, xt = rng.normal(size=(5, 6)), rng.normal(size=(9, 6))
    ys = np.array([2, 0, 0, 1, 1])  # class 2 has one labelled example
    jda = JDA(n_components=2).fit(xs, ys, xt)
    assert jda.head_ == "logreg" and jda.head_cv_accuracy_ == {}
    assert JDA(n_components=2, head="1nn").fit(xs, ys, xt).head_cv_accuracy_ is None


def test_more_components_than_the_data_allow_raise(rng):
    xs, ys, xt = rng.normal(size=(6, 12)), np.arange(6) % 2, rng.normal(size=(5, 12))
    with pytest.raises(ValueError, match="rank of the .*= 11.*n_components=12"):
        JDA(n_components=12).fit(xs, ys, xt)
    with pytest.raises(ValueError, match="n_source \\+ n_target = 11"):
        JDA(n_components=12, kernel="rbf").fit(xs, ys, xt)
    duplicated = np.hstack([xs[:, :2]] * 6)  # 12 features of rank 2
    with pytest.raises(ValueError, match="= 2.*n_components=3"):
        JDA(n_components=3).fit(duplicated, ys, np.hstack([xt[:, :2]] * 6))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="'primal', 'linear', 'rbf'"):
        JDA(kernel="poly")
    with pytest.raises(ValueError, match="lam"):
        JDA(lam=0.0)
    with pytest.raises(TypeError, match="n_components"):
        JDA(n_components=2.5)
    with pytest.raises(ValueError, match="'1nn', 'svm', 'svc', 'logreg'"):
        JDA(head="knn")
    jda = JDA().set_params(n_iter=0)
    with pytest.raises(ValueError, match="n_iter"):
        jda.fit(np.eye(4), [0, 1, 0, 1], np.eye(4))


def test_default_components_are_thirty_or_the_rank_of_the_data(rng):
    xs, ys, xt = rng.normal(size=(40, 50)), np.arange(40) % 2, rng.normal(size=(30, 50))
    assert JDA().fit(xs, ys, xt).n_components_ == 30
    few = np.hstack([xs[:, :3]] * 2)  # six features of rank 3: a small user table
    jda = JDA().fit(few, ys, np.hstack([xt[:, :3]] * 2))
    assert jda.n_components_ == 3 and jda.components_.shape == (6, 3)
