"""Tests for Domain, TransferTask and their validation."""

import re

import numpy as np
import pytest

from tftransfer.data import Domain, TransferTask, validate_same_feature_shape


def make_domain(name="d", n=100, features=(4,), num_classes=3, labelled=True, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, *features)) + shift
    y = np.arange(n) % num_classes if labelled else None
    return Domain(name, x, y, num_classes=num_classes)


def make_task(n_source=100, n_target=120, num_classes=3, **kwargs):
    source = make_domain("src", n_source, num_classes=num_classes, seed=0)
    target = make_domain("tgt", n_target, num_classes=num_classes, seed=1, shift=1.0)
    return TransferTask.from_domains("src->tgt", source, target, **kwargs)


# ----------------------------------------------------------------------------- Domain


def test_domain_converts_dtypes_and_reports_shapes():
    d = Domain("toy", np.zeros((5, 2, 3), dtype=np.float64), np.array([0, 1, 1, 0, 1]), 2)
    assert d.x.dtype == np.float32 and d.y.dtype == np.int32
    assert d.n == 5 and d.feature_shape == (2, 3) and d.has_labels
    assert "toy" in repr(d)


def test_domain_accepts_whole_float_labels_and_no_labels():
    d = Domain("f", np.zeros((3, 1)), np.array([0.0, 1.0, 2.0]), 3)
    np.testing.assert_array_equal(d.y, [0, 1, 2])
    assert Domain("u", np.zeros((3, 1)), None, 3).y is None


def test_nan_error_names_domain_and_count():
    x = np.zeros((10, 2))
    x[0, 0] = x[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"Domain 'bad'.*2 non-finite values \(2 NaN, 0 inf\)"):
        Domain("bad", x, None, 2)


def test_inf_error_names_domain_and_count():
    x = np.zeros((10, 2))
    x[1, 1] = np.inf
    x[2, 0] = -np.inf
    x[4, 0] = np.nan
    with pytest.raises(ValueError, match=r"Domain 'bad'.*3 non-finite values \(1 NaN, 2 inf\)"):
        Domain("bad", x, None, 2)


def test_empty_domain_error():
    with pytest.raises(ValueError, match=r"Domain 'nothing': `x` must have shape "
                                         r"\(n, \*features\) with "
                                         r"n >= 1. Received: x of shape \(0, 4\)"):
        Domain("nothing", np.zeros((0, 4)), None, 2)


def test_x_needs_two_dims():
    with pytest.raises(ValueError, match=r"shape \(n, \*features\) with n >= 1. "
                                         r"Received: x of shape \(5,\)"):
        Domain("flat", np.zeros(5), None, 2)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array([0, 1, 3]), r"`y` must lie in \[0, 3\). Received: labels from 0 to 3"),
        (np.array([-1, 1, 2]), r"`y` must lie in \[0, 3\). Received: labels from -1 to 2"),
    ],
)
def test_labels_out_of_range(y, message):
    with pytest.raises(ValueError, match=message):
        Domain("lab", np.zeros((3, 2)), y, 3)


def test_label_shape_dtype_and_num_classes_errors():
    with pytest.raises(ValueError, match=r"`y` must hold one label per sample \(3\). "
                                         r"Received: 2 labels"):
        Domain("d", np.zeros((3, 2)), np.array([0, 1]), 2)
    with pytest.raises(ValueError, match=r"integer class indices. "
                                         r"Received: non-integer values such as 0\.5"):
        Domain("d", np.zeros((3, 2)), np.array([0.0, 0.5, 1.0]), 2)
    with pytest.raises(TypeError, match=r"integer class indices. Received: y of dtype <U1"):
        Domain("d", np.zeros((3, 2)), np.array(["a", "b", "c"]), 2)
    with pytest.raises(ValueError, match=r"`num_classes` must be an int >= 2. "
                                         r"Received: num_classes=1"):
        Domain("d", np.zeros((3, 2)), None, 1)
    with pytest.raises(TypeError, match=r"`num_classes` must be an int >= 2. "
                                        r"Received: num_classes=2\.0"):
        Domain("d", np.zeros((3, 2)), None, 2.0)


def test_domain_is_frozen():
    d = make_domain()
    with pytest.raises(AttributeError):
        d.name = "other"


def test_subset_by_indices_and_mask():
    d = make_domain(n=10, num_classes=2)
    s = d.subset([1, 3, 5], name="odd")
    assert s.name == "odd" and s.n == 3
    np.testing.assert_array_equal(s.x, d.x[[1, 3, 5]])
    np.testing.assert_array_equal(s.y, d.y[[1, 3, 5]])
    mask = np.zeros(10, dtype=bool)
    mask[:4] = True
    assert d.subset(mask).n == 4 and d.subset(mask).name == d.name
    with pytest.raises(ValueError, match=r"`indices` must lie in \[0, 10\). "
                                         r"Received: indices from 0 to 10"):
        d.subset([0, 10])
    with pytest.raises(ValueError, match=r"Domain 'none': `x` must have shape .* with n >= 1"):
        d.subset([], name="none")


# ------------------------------------------------------------------------ TransferTask


def test_feature_shapes_differ_message():
    source = make_domain("a", features=(64,))
    target = make_domain("b", features=(32,))
    expected = "must have one feature shape. Received: source (64,) vs target (32,)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        TransferTask.from_domains("a->b", source, target)
    with pytest.raises(ValueError, match=re.escape("a (64,) vs b (32,)")):
        validate_same_feature_shape(source, target)


def test_task_constructor_validation():
    lab = make_domain("lab", features=(4,))
    unlab = make_domain("unlab", labelled=False)
    other = make_domain("wide", features=(5,))
    two = make_domain("two", num_classes=2)
    TransferTask("x", lab, lab, unlab, lab, 3)  # unlabelled target_train is fine
    with pytest.raises(ValueError, match=re.escape("source_train (4,) vs target_test (5,)")):
        TransferTask("x", lab, lab, lab, other, 3)
    with pytest.raises(ValueError, match=r"target_test \('unlab'\) must have labels"
                                         r".*Received: y=None"):
        TransferTask("x", lab, lab, lab, unlab, 3)
    with pytest.raises(ValueError, match=r"source_val \('unlab'\) must have labels"):
        TransferTask("x", lab, unlab, lab, lab, 3)
    with pytest.raises(ValueError, match=r"num_classes=3. Received: source_train \('two'\) with "
                                         r"num_classes=2"):
        TransferTask("x", two, lab, lab, lab, 3)
    with pytest.raises(TypeError, match=r"`target_train` must be a Domain. "
                                        r"Received: target_train of type ndarray"):
        TransferTask("x", lab, lab, np.zeros((3, 4)), lab, 3)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_fractions_must_be_in_open_interval(fraction):
    message = rf"`source_val_fraction` must be a finite number > 0 and < 1. Received: " \
              rf"source_val_fraction={fraction}"
    with pytest.raises(ValueError, match=message):
        make_task(source_val_fraction=fraction)
    with pytest.raises(ValueError, match=r"`target_test_fraction` must be a finite "
                                         r"number > 0 and < 1"):
        make_task(target_test_fraction=fraction)


def _rows(domain):
    return {row.tobytes() for row in domain.x}


def test_splits_are_disjoint_and_cover_domain():
    task = make_task(seed=3)
    assert task.name == "src->tgt" and task.input_shape == (4,) and task.num_classes == 3
    assert (task.source_train.n, task.source_val.n) == (80, 20)
    assert (task.target_train.n, task.target_test.n) == (60, 60)
    assert not _rows(task.source_train) & _rows(task.source_val)
    assert not _rows(task.target_train) & _rows(task.target_test)
    source = make_domain("src", 100, num_classes=3, seed=0)
    assert _rows(task.source_train) | _rows(task.source_val) == _rows(source)
    assert task.source_train.name == "src/train" and task.target_test.name == "tgt/test"
    assert task.target_train.has_labels


def test_splits_are_stratified():
    source = make_domain("src", 200, num_classes=4)
    target = make_domain("tgt", 200, num_classes=4, seed=1)
    y = np.r_[np.zeros(120), np.ones(40), np.full(30, 2), np.full(10, 3)].astype(int)
    source = Domain("src", source.x, y, 4)
    task = TransferTask.from_domains(None, source, target, source_val_fraction=0.2, seed=0)
    assert task.name == "src->tgt"
    np.testing.assert_array_equal(np.bincount(task.source_val.y, minlength=4), [24, 8, 6, 2])
    np.testing.assert_array_equal(np.bincount(task.source_train.y, minlength=4), [96, 32, 24, 8])


def test_split_falls_back_to_plain_split_for_singleton_class():
    x = np.arange(20, dtype=float)[:, None]
    y = np.r_[np.zeros(19), [1]].astype(int)
    d = Domain("tiny", x, y, 2)
    task = TransferTask.from_domains("t", d, d, seed=0)  # stratify impossible: no error
    assert task.source_train.n + task.source_val.n == 20


def test_splits_are_seeded_and_reproducible():
    a, b, c = make_task(seed=7), make_task(seed=7), make_task(seed=8)
    np.testing.assert_array_equal(a.source_val.x, b.source_val.x)
    np.testing.assert_array_equal(a.target_test.x, b.target_test.x)
    assert not np.array_equal(a.source_val.x, c.source_val.x)


def test_target_partial_labels_exact_per_class_and_reproducible():
    task = make_task(n_target=120)
    y = task.target_train.y
    partial = task.target_partial_labels(per_class=5, seed=0)
    assert partial.dtype == np.int32 and partial.shape == y.shape
    np.testing.assert_array_equal(np.bincount(partial[partial >= 0], minlength=3), [5, 5, 5])
    np.testing.assert_array_equal(partial[partial >= 0], y[partial >= 0])
    np.testing.assert_array_equal(partial, task.target_partial_labels(per_class=5, seed=0))
    assert not np.array_equal(partial, task.target_partial_labels(per_class=5, seed=1))
    # Nested: the 5-per-class set is inside the 8-per-class set for one seed.
    bigger = task.target_partial_labels(per_class=8, seed=0)
    assert set(np.flatnonzero(partial >= 0)) <= set(np.flatnonzero(bigger >= 0))
    assert (task.target_partial_labels(per_class=0, seed=0) == -1).all()
    # target_train.y is untouched
    np.testing.assert_array_equal(task.target_train.y, y)


def test_target_partial_labels_takes_all_of_a_small_class():
    x = np.zeros((13, 2))
    y = np.r_[np.zeros(10), np.ones(3)].astype(int)
    d = Domain("d", x, y, 2)
    task = TransferTask("t", d, d, d, d, 2)
    partial = task.target_partial_labels(per_class=5, seed=0)
    np.testing.assert_array_equal(np.bincount(partial[partial >= 0]), [5, 3])


def test_target_partial_labels_errors():
    task = make_task()
    with pytest.raises(ValueError, match=r"`per_class` must be an int >= 0. "
                                         r"Received: per_class=-1"):
        task.target_partial_labels(per_class=-1, seed=0)
    unlab = make_domain("u", labelled=False)
    lab = make_domain("l")
    no_labels = TransferTask("t", lab, lab, unlab, lab, 3)
    with pytest.raises(ValueError, match=r"target_train \('u'\) must have labels"):
        no_labels.target_partial_labels(per_class=1, seed=0)


def test_target_labelled_subset():
    task = make_task()
    sub = task.target_labelled_subset(per_class=4, seed=2)
    partial = task.target_partial_labels(per_class=4, seed=2)
    assert sub.n == 12 and sub.name == "tgt/train[4/class]"
    np.testing.assert_array_equal(sub.x, task.target_train.x[partial >= 0])
    np.testing.assert_array_equal(np.bincount(sub.y), [4, 4, 4])
    with pytest.raises(ValueError, match=r"`per_class` must be an int >= 1. Received: per_class=0"):
        task.target_labelled_subset(per_class=0, seed=0)
