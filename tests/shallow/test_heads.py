"""Classical heads: 1-NN equals scikit-learn's, scores are graded and argmax-consistent."""

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
                                            ("logreg", 3)])
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


def test_bad_head_arguments():
    with pytest.raises(ValueError, match="'1nn', 'svm', 'svc', 'logreg'. Received: head='knn'"):
        make_head("knn")
    with pytest.raises(ValueError, match="head_C"):
        make_head("svm", C=0.0)
