"""TransformThenHead: a registered map + a head; options are estimator parameters."""

import numpy as np
import pytest
from shift_data import nuisance_shift_task
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from tftransfer.shallow import TransformThenHead
from tftransfer.transforms import CORAL


def test_coral_then_logreg_is_the_two_steps_by_hand():
    xs, ys, xt, _ = nuisance_shift_task(0)
    model = TransformThenHead("coral", "logreg", epsilon=0.5).fit(xs, ys, xt)
    coral = CORAL(epsilon=0.5).fit(xs, xt)
    head = LogisticRegression(max_iter=1000).fit(coral.transform_source(xs), ys)
    expected = head.predict_log_proba(coral.transform_target(xt))
    np.testing.assert_allclose(model.predict_scores(xt), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.transform_source(xs), coral.transform_source(xs))


def test_raw_features_baseline():
    xs, ys, xt, _ = nuisance_shift_task(1)
    model = TransformThenHead(None, "1nn").fit(xs, ys, xt)
    assert model.transform_ is None
    np.testing.assert_array_equal(model.transform_target(xt), xt.astype(np.float32))


def test_transform_options_are_parameters():
    model = TransformThenHead("tca", "svm", n_components=3, kernel="rbf")
    assert model.get_params() == {"transform_name": "tca", "head": "svm", "head_C": 1.0,
                                  "n_components": 3, "kernel": "rbf"}
    copy = clone(model).set_params(n_components=2, head_C=0.1)
    assert copy.get_params()["n_components"] == 2 and copy.head_C == 0.1
    assert model.get_params()["n_components"] == 3
    xs, ys, xt, _ = nuisance_shift_task(2, n=30)
    assert copy.fit(xs, ys, xt).transform_target(xt).shape == (30, 2)


def test_bad_arguments_list_the_valid_names():
    with pytest.raises(ValueError, match="'coral', 'sa', 'tca', 'gfk'.*transform_name='jda'"):
        TransformThenHead("jda")
    with pytest.raises(TypeError, match="'tca'.*lambda_"):
        TransformThenHead("tca", lambda_=1.0)
    with pytest.raises(TypeError, match="need a transform"):
        TransformThenHead(None, n_components=3)
    with pytest.raises(ValueError, match="epsilon"):
        TransformThenHead("coral").set_params(epsilon=-1.0)
