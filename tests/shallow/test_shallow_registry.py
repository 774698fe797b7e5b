"""The shallow-method registry: names, get with options, clear errors."""

import pytest

from tftransfer import shallow


def test_names_and_classes():
    names = shallow.names()
    assert names[:9] == ["jda", "bda", "meda", "easytl", "gfk", "nn1", "svm", "svc", "logreg"]
    assert {"coral_svm", "coral_svc", "tca_nn1", "sa_logreg", "gfk_svm"} <= set(names)
    assert "gfk_nn1" in names  # the GFK paper's classifier ("gfk" validates its head)
    assert shallow.SHALLOW_METHODS.get("meda") is shallow.MEDA


def test_get_builds_with_options():
    model = shallow.get("jda", n_components=5, kernel="rbf")
    assert isinstance(model, shallow.JDA) and model.n_components == 5
    combo = shallow.get("tca_svm", n_components=4, head_C=0.1)
    assert combo.get_params()["transform_name"] == "tca" and combo.head == "svm"
    assert shallow.get("nn1").head == "1nn" and shallow.get("nn1").transform_name is None


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown shallow method 'dann'.*jda, bda, meda"):
        shallow.get("dann")


def test_unknown_option_names_the_method():
    with pytest.raises(TypeError, match="'easytl'"):
        shallow.get("easytl", n_components=3)
