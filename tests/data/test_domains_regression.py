"""Domains and tasks with float regression targets."""

import numpy as np
import pytest

from tftransfer.data import Domain, TransferTask


def _domain(name, n=40, k=None, seed=0, y=True):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    targets = rng.normal(size=(n,) if k is None else (n, k)) if y else None
    return Domain(name, x, targets, task="regression")


def test_regression_domain_keeps_float_targets():
    d = _domain("a")
    assert d.y.dtype == np.float32 and d.num_classes is None and d.num_outputs == 1
    assert _domain("b", k=3).num_outputs == 3
    assert _domain("c", y=False).num_outputs is None
    sub = d.subset([0, 2])
    assert sub.task == "regression" and sub.y[1] == d.y[2]
    assert "task='regression'" in repr(d)


def test_regression_domain_rejects_bad_targets():
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match="`num_classes` must be None for task='regression'"):
        Domain("a", x, np.zeros(4), 3, task="regression")
    with pytest.raises(ValueError, match="finite"):
        Domain("a", x, np.array([0.0, np.nan, 1.0, 2.0]), task="regression")
    with pytest.raises(ValueError, match=r"shape \(4,\) or \(4, num_outputs\)"):
        Domain("a", x, np.zeros(3), task="regression")
    with pytest.raises(TypeError, match="must be numeric"):
        Domain("a", x, np.array(["a", "b", "c", "d"]), task="regression")
    with pytest.raises(ValueError, match="`task` must be one of"):
        Domain("a", x, np.zeros(4), task="ordinal")
    # Classification still refuses fractional labels.
    with pytest.raises(ValueError, match="integer class indices"):
        Domain("a", x, np.array([0.5, 1, 0, 1]), 2)


def test_regression_task_splits_partial_targets_and_subsets():
    task = TransferTask.from_domains(None, _domain("s"), _domain("t", seed=1), seed=3)
    assert task.task == "regression" and task.num_outputs == 1 and task.num_classes is None
    assert task.source_val.n == 8 and task.target_test.n == 20
    partial = task.target_partial_labels(5, seed=0)
    assert np.isfinite(partial).sum() == 5 and np.isnan(partial).sum() == 15
    np.testing.assert_array_equal(partial[np.isfinite(partial)],
                                  task.target_train.y[np.isfinite(partial)])
    # Nested draws, as for classes.
    more = task.target_partial_labels(8, seed=0)
    assert set(np.flatnonzero(np.isfinite(partial))) <= set(np.flatnonzero(np.isfinite(more)))
    labelled = task.target_labelled_subset(5, seed=0)
    assert labelled.n == 5 and labelled.task == "regression"
    assert "num_outputs=1" in repr(task)
    same = TransferTask.transductive(None, _domain("s"), _domain("t", seed=1))
    assert same.target_train.task == same.target_test.task == "regression"


def test_task_refuses_mixed_tasks_and_output_counts():
    classes = Domain("c", np.zeros((40, 3)), np.arange(40) % 2, 2)
    with pytest.raises(ValueError, match="one task"):
        TransferTask.from_domains(None, _domain("s"), classes)
    reg = _domain("s")
    with pytest.raises(ValueError, match="one number of outputs"):
        TransferTask("t", reg, reg, reg, _domain("k", k=2))
    with pytest.raises(ValueError, match="must have targets"):
        TransferTask("t", reg, _domain("u", y=False), reg, reg)
