"""benchmarks/balanced_target.py: the ORACLE subsample has the source's class proportions."""

import numpy as np
import pandas as pd
import pytest

from helpers import benchmark_script
from tftransfer.data.domains import Domain, TransferTask


def _script():
    return benchmark_script("balanced_target")


def _task(transductive=True):
    rng = np.random.default_rng(0)
    ys = np.repeat([0, 1, 2], [50, 30, 20])  # source proportions 0.5 / 0.3 / 0.2
    yt = np.repeat([0, 1, 2], [10, 60, 40])  # the target's differ
    xs, xt = rng.normal(size=(100, 3)), rng.normal(size=(110, 3))
    target_test = Domain("t", xt if transductive else xt + 1, yt, num_classes=3)
    return TransferTask("s->t", Domain("s", xs[:80], ys[:80], num_classes=3),
                        Domain("s", xs[80:], ys[80:], num_classes=3),
                        Domain("t", xt, None, num_classes=3), target_test, 3)


def test_balanced_target_has_the_source_proportions_and_keeps_the_samples_paired():
    script = _script()
    task = _task()
    balanced = script.balanced_target(task)
    counts = np.bincount(balanced.target_test.y, minlength=3)
    # The rarest target class relative to the source (class 0: 10 / 0.5) sets the size: 20.
    assert counts.tolist() == [10, 6, 4]
    np.testing.assert_array_equal(balanced.target_train.x, balanced.target_test.x)
    assert balanced.target_train.y is None
    rows = {tuple(r) for r in task.target_test.x}
    assert all(tuple(r) in rows for r in balanced.target_test.x)
    assert balanced.source_train is task.source_train
    # The same seed gives the same subsample.
    np.testing.assert_array_equal(script.balanced_target(task).target_test.x, balanced.target_test.x)


def test_inductive_tasks_are_refused():
    with pytest.raises(ValueError, match="transductive"):
        _script().balanced_target(_task(transductive=False))


def test_delta_table_is_against_source_only_per_target():
    targets = ["as is", "as is", "balanced (ORACLE)", "balanced (ORACLE)"]
    frame = pd.DataFrame({"task": "a->b", "target": targets, "method": ["source_only", "dann"] * 2,
                          "seed": 0, "accuracy": [60.0, 55.0, 64.0, 66.0]})
    table = _script().delta_table(frame)
    assert table.loc[("a->b", "as is"), "dann"] == -5.0
    assert table.loc[("a->b", "balanced (ORACLE)"), "dann"] == 2.0


def test_a_target_without_a_source_class_is_a_clear_error():
    task = _task()
    y = task.target_test.y.copy()
    y[y == 2] = 1  # the target loses class 2
    target = Domain("t", task.target_test.x, y, num_classes=3)
    lacking = TransferTask("s->t", task.source_train, task.source_val, task.target_train, target, 3)
    with pytest.raises(ValueError, match=r"no sample of source classes \[2\]"):
        _script().balanced_target(lacking)


@pytest.mark.parametrize("argv, message", [
    (["--tasks", "foo"], "unknown tasks"),
    (["--methods", "source_only"], "one or more methods"),
    (["--seeds", "0"], "--seeds must be >= 1"),
])
def test_bad_arguments_are_one_line_errors(argv, message, capsys):
    with pytest.raises(SystemExit):
        _script().main(argv)
    assert message in capsys.readouterr().err
