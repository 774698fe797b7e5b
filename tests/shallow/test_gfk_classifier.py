"""The GFK classifier: 1-NN under the geodesic flow kernel distance, or its validated head."""

import numpy as np
import pytest
from shift_data import nuisance_shift_task

from tftransfer.shallow import GFKClassifier
from tftransfer.transforms import GFK


def test_is_1nn_under_the_kernel_distance():
    xs, ys, xt, _ = nuisance_shift_task(0, n=40, nuisance=5)
    model = GFKClassifier(n_components=3, head="1nn").fit(xs, ys, xt)
    g = GFK(n_components=3).fit(xs, xt).matrix_
    kernel = g @ g.T
    diff = xt[:, None] - xs[None]
    distances = np.einsum("tsd,de,tse->ts", diff, kernel, diff)
    np.testing.assert_array_equal(model.predict(xt), ys[np.argmin(distances, axis=1)])


def test_default_head_is_the_source_validated_one_on_the_gfk_embedding():
    xs, ys, xt, _ = nuisance_shift_task(0, n=40, nuisance=5)
    model = GFKClassifier(n_components=3).fit(xs, ys, xt)
    assert model.head == "source_cv"
    chosen = model._head.chosen_
    assert chosen in ("logreg", "1nn")
    same = GFKClassifier(n_components=3, head=chosen).fit(xs, ys, xt)
    np.testing.assert_array_equal(model.predict_scores(xt), same.predict_scores(xt))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="n_components"):
        GFKClassifier(n_components=0)
    with pytest.raises(ValueError, match="head"):
        GFKClassifier(head="tree")
