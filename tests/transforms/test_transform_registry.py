"""The transform registry: names, `get(name, **options)`, clear errors."""

import numpy as np
import pytest
from sklearn.base import clone

from tftransfer import transforms
from tftransfer.transforms import CORAL, TCA, TRANSFORMS, SubspaceAlignment


def test_names_and_classes():
    assert transforms.names() == ["coral", "sa", "tca", "gfk"]
    assert TRANSFORMS.get("sa") is SubspaceAlignment


def test_get_builds_with_options():
    tca = transforms.get("tca", n_components=4, kernel="rbf", gamma=0.5)
    assert isinstance(tca, TCA) and tca.get_params() == {
        "n_components": 4, "kernel": "rbf", "mu": 1.0, "gamma": 0.5}
    assert isinstance(transforms.get("coral"), CORAL)


@pytest.mark.parametrize("name,options,error,match", [
    ("jda", {}, ValueError, "coral, sa, tca"),  # an unknown name lists the valid ones
    ("coral", {"lambda_": 1.0}, TypeError, "'coral'"),  # an unknown option names the transform
    ("coral", {"epsilon": -1.0}, ValueError, "epsilon"),
])
def test_get_errors(name, options, error, match):
    with pytest.raises(error, match=match):
        transforms.get(name, **options)


def test_sklearn_clone_and_set_params(rng):
    sa = SubspaceAlignment(n_components=2).fit(rng.normal(size=(10, 3)),
                                              rng.normal(size=(10, 3)))
    copy = clone(sa)
    assert copy.get_params() == {"n_components": 2, "standardize": "none"}
    assert not hasattr(copy, "alignment_")
    copy.set_params(n_components=0)
    with pytest.raises(ValueError, match="n_components"):
        copy.fit(np.ones((5, 3)), np.ones((5, 3)))
