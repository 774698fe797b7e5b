"""tftransfer._checks: values pass through, bad ones get the expected/Received message."""

import os

import numpy as np
import pytest

from tftransfer import _checks


def test_numbers_and_ranges():
    assert _checks.check_int(np.int32(3), "n", minimum=1) == 3
    assert _checks.check_int(None, "n", allow_none=True) is None
    with pytest.raises(ValueError, match=r"^Owner: `n` must be an int >= 0 and <= 2147483646. "
                                         r"Received: n=-1$"):
        _checks.check_int(-1, "n", minimum=0, maximum=2**31 - 2, owner="Owner")
    with pytest.raises(TypeError, match=r"`n` must be an int >= 1. Received: n=True"):
        _checks.check_int(True, "n", minimum=1)
    assert _checks.check_positive(np.float32(0.5), "x") == 0.5
    with pytest.raises(ValueError, match=r"`x` must be a finite number > 0. Received: x=nan"):
        _checks.check_positive(float("nan"), "x")
    with pytest.raises(ValueError, match=r"`a` must be a finite number > 0 and < 1"):
        _checks.check_fraction(1.0, "a")


def test_choice_instance_and_units():
    assert _checks.check_choice(None, "pooling", ("avg", None)) is None
    with pytest.raises(ValueError, match=r"`k` must be one of 'a', 'b'. Received: k=\['a'\]"):
        _checks.check_choice(["a"], "k", ("a", "b"))  # unhashable: rejected, not a crash
    assert _checks.check_instance("p", "path", (str, os.PathLike)) == "p"
    with pytest.raises(TypeError, match=r"^F: `path` must be a str or a PathLike. "
                                        r"Received: path of type int$"):
        _checks.check_instance(3, "path", (str, os.PathLike), owner="F")
    with pytest.raises(TypeError, match=r"`t` must be a task. Received: t of type dict"):
        _checks.check_instance({}, "t", list, expected="a task")
    assert _checks.check_units([32, 32], "size", length=2) == (32, 32)
    with pytest.raises(ValueError, match=r"`size` must be a sequence of 2 ints >= 1. "
                                         r"Received: size=\(1, 2, 3\)"):
        _checks.check_units((1, 2, 3), "size", length=2)
    with pytest.raises(TypeError, match=r"`size` must be a sequence of 2 ints >= 1"):
        _checks.check_units(32, "size", length=2)
    with pytest.raises(ValueError, match=r"`units` must be a non-empty sequence"):
        _checks.check_units((), "units", allow_empty=False)


def test_arrays():
    arr = _checks.as_float_array([[1, 2]], "m", ndim=2)
    assert arr.dtype == np.float64 and arr.shape == (1, 2)
    with pytest.raises(ValueError, match=r"`m` must be 2-D. Received: m of shape \(2,\)"):
        _checks.as_float_array([1, 2], "m", ndim=2)
    with pytest.raises(ValueError, match=r"`m` must be non-empty. Received: m of shape \(0, 3\)"):
        _checks.as_float_array(np.zeros((0, 3)), "m")
    with pytest.raises(TypeError, match=r"`m` must be a numeric array. Received: m of type list"):
        _checks.as_float_array([["a"]], "m")
    bad = np.array([[np.nan, np.inf], [-np.inf, 0.0]])
    with pytest.raises(ValueError, match=r"^O: `x` must hold finite values \(why\). Received: 3 "
                                         r"non-finite values \(1 NaN, 2 inf\) in x of shape"):
        _checks.check_all_finite(bad, "x", owner="O", note="why")

    x = np.zeros((4, 3), np.float32)
    assert _checks.as_samples(x, "x", dtype=np.float32) is x  # no copy
    assert _checks.as_samples(np.ones((2, 2), bool), "x").dtype == bool
    with pytest.raises(TypeError, match=r"`x` must be a numeric array. Received: x of dtype <U1"):
        _checks.as_samples(np.array([["a"]]), "x")  # strings are not parsed into numbers
    with pytest.raises(ValueError, match=r"shape \(n, \*features\) with n >= 1. "
                                         r"Received: x of shape \(0, 3\)"):
        _checks.as_samples(np.zeros((0, 3)), "x")

    assert _checks.check_fitted_features(x, 3) is x
    with pytest.raises(ValueError, match=r"`X` must have the 2 features the estimator was fitted "
                                         r"on. Received: X of shape \(4, 3\)"):
        _checks.check_fitted_features(x, 2)
    assert _checks.check_shape_fits([8, 8], (None, 8), "input_shape") == (8, 8)
    with pytest.raises(ValueError, match=r"`input_shape` must fit the input shape \(None, 8\) "
                                         r"\(None = any\). Received: input_shape=\(8, 9\)"):
        _checks.check_shape_fits((8, 9), (None, 8), "input_shape")
    with pytest.raises(ValueError, match=r"Received: x of shape \(2, 8\)$"):
        _checks.check_shape_fits((8,), (9,), "x", received="x of shape (2, 8)")


def test_labels():
    np.testing.assert_array_equal(_checks.as_labels([[1.0], [0.0]], 2), [1, 0])
    with pytest.raises(ValueError, match=r"`y` must hold integer class indices. "
                                         r"Received: non-integer values such as 0.5$"):
        _checks.as_labels([0.5, 1.0], 2)
    with pytest.raises(ValueError, match=r"`y` must lie in \[0, 2\). Received: labels from 0 to 2"):
        _checks.as_labels([0, 2], 2, num_classes=2)
    names = np.array(["cat", "dog"])
    assert _checks.as_labels(names, 2, indices=False) is names  # any values, returned as given
    with pytest.raises(ValueError, match=r"one label per sample \(3\). Received: 2 labels"):
        _checks.as_labels(names, 3, indices=False)
    with pytest.raises(ValueError, match="must hold finite values"):
        _checks.as_labels([0.5, np.nan], 2, indices=False)
