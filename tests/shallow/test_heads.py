"""Classical heads: 1-NN equals scikit-learn's, scores are graded and argmax-consistent."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC, LinearSVC

from tftransfer.shallow.heads import make_head


def test_nearest_neighbour_head_is_1nn_with_distance_scores(rng):
    z, y = rng.normal(size=(50, 4)), rng.integers(0, 3, 50)
    queries = rng.normal(size=(30, 4))
    scores = make_head("1nn").fit(z, y, 3).scores(queries)
    expected = KNeighborsClassifier(n_neighbors=1).fit(z, y).predict(queries)
    np.testing.assert_array_equal(np.argmax(scores, axis=1), expected)
    distances = np.linalg.norm(queries[:, None] - z[None], axis=2)
    for c in range(3):
        np.testing.assert_allclose(-scores[:, c], distances[:, y == c].min(axis=1), atol=1e-7)


@pytest.mark.parametrize("name,n_classes", [("svm", 3), ("svm", 2), ("svc", 3), ("svc", 2),
                                            ("logreg", 3), ("logreg", 2)])
def test_linear_heads_match_scikit_learn(name, n_classes, rng):
    z, y = rng.normal(size=(60, 5)), np.arange(60) % n_classes
    z[:, 0] += 2.0 * y
    scores = make_head(name, C=0.5).fit(z, y, n_classes).scores(z)
    assert scores.shape == (60, n_classes)
    model = {"svm": LinearSVC(C=0.5, dual=True, random_state=0),
             "svc": SVC(kernel="linear", C=0.5), "logreg": LogisticRegression(C=0.5)}[name]
    np.testing.assert_array_equal(np.argmax(scores, axis=1), model.fit(z, y).predict(z))
    if name == "logreg":
        np.testing.assert_allclose(np.exp(scores).sum(axis=1), 1.0)
        np.testing.assert_allclose(np.exp(scores), model.predict_proba(z), rtol=1e-12, atol=1e-15)


def test_libsvm_head_stops_at_its_iteration_cap_and_says_so(monkeypatch, rng):
    # Overlapping classes with a hard margin (large C): libsvm needs far more than 5
    # iterations; each pair of classes stops at the cap and the user is told why.
    from sklearn.exceptions import ConvergenceWarning

    from tftransfer.shallow import heads

    z, y = rng.normal(size=(80, 4)), np.arange(80) % 3
    monkeypatch.setattr(heads, "SVC_MAX_ITER", 5)
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        head = make_head("svc", C=1e3).fit(z, y, 3)
    assert np.all(head._model.n_iter_ <= 5) and head._model.n_iter_.shape == (3,)
    assert np.isfinite(head.scores(z)).all()
    # liblinear ("svm") reaches its own cap of 1,000 here too, and stays quiet (it is refitted
    # inside the iterative methods); so does "logreg".
    for quiet in ("svm", "logreg"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            make_head(quiet, C=1e3).fit(z, y, 3)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_regression_scores_stay_finite_far_from_the_boundary(n_classes, rng):
    z, y = rng.normal(size=(60, 3)), np.arange(60) % n_classes
    z[:, 0] += 4.0 * y
    far = np.array([[1e4, 0.0, 0.0], [-1e4, 0.0, 0.0]])  # predict_log_proba: log(0) = −inf
    head = make_head("logreg", C=10.0).fit(z, y, n_classes)
    assert np.isneginf(head._model.predict_log_proba(far)).any()
    scores = head.scores(far)
    assert np.all(np.isfinite(scores))
    np.testing.assert_array_equal(np.argmax(scores, axis=1), head._model.predict(far))


def _rings(rng, n=200):
    """Two concentric rings: no line separates them, the nearest neighbour does."""
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = 1.0 + 2.0 * y + rng.normal(0, 0.1, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1), y


def _overlapping_blobs(rng, n=200):
    """Two overlapping Gaussians in 20-d: the linear boundary wins, 1-NN is noisy."""
    y = np.arange(n) % 2
    z = rng.normal(size=(n, 20))
    z[:, 0] += 1.5 * y
    return z, y


def test_source_validated_head_picks_1nn_only_where_the_source_shows_it_better(rng):
    z, y = _rings(rng)
    head = make_head("source_cv").fit(z, y, 2)
    assert head.chosen_ == "1nn" and head.mcnemar_ > 3.841
    assert head.cv_accuracy_["1nn"] > 0.95 > 0.7 > head.cv_accuracy_["logreg"]
    queries, _ = _rings(rng, 50)
    np.testing.assert_array_equal(head.scores(queries), make_head("1nn").fit(z, y, 2).scores(queries))
    z, y = _overlapping_blobs(rng)
    head = make_head("source_cv", C=0.5).fit(z, y, 2)
    assert head.chosen_ == "logreg" and head.cv_accuracy_["logreg"] > head.cv_accuracy_["1nn"]
    np.testing.assert_allclose(head.scores(z), make_head("logreg", C=0.5).fit(z, y, 2).scores(z))


def test_source_validated_head_keeps_logreg_on_a_tie_or_weak_evidence():
    # The same samples twice: 1-NN's held-out nearest neighbour is the twin, a few
    # samples better than logistic regression, but not significantly (McNemar).
    z = np.repeat(np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]), 2, axis=0)
    y = np.array([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1])
    head = make_head("source_cv").fit(z, y, 2)
    assert head.cv_accuracy_["1nn"] > head.cv_accuracy_["logreg"]
    assert head.mcnemar_ <= 3.841 and head.chosen_ == "logreg"


def test_source_validated_head_keeps_logreg_when_a_class_has_one_example(rng):
    # No stratified fold can hold that class on both sides: no evidence, so no CV (it
    # crashed inside scikit-learn before).
    z, y = rng.normal(size=(7, 3)), np.array([0, 0, 0, 1, 1, 1, 2])
    head = make_head("source_cv").fit(z, y, 3)
    assert head.chosen_ == "logreg" and head.cv_accuracy_ == {} and head.mcnemar_ == 0.0
    np.testing.assert_allclose(head.scores(z), make_head("logreg").fit(z, y, 3).scores(z))


def test_bad_head_arguments():
    with pytest.raises(ValueError, match="'1nn', 'svm', 'svc', 'logreg', 'source_cv'. Received: head='knn'"):
        make_head("knn")
    with pytest.raises(ValueError, match="head_C"):
        make_head("svm", C=0.0)
