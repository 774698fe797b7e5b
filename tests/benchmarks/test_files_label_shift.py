"""benchmarks/files_label_shift.py: its class subsampling, the median splits' label shift, and
its usage errors (the runs are the command line's, tested in tests/cli)."""

import numpy as np
import pytest

from helpers import benchmark_script
from tftransfer.selection.label_shift import class_shares, total_variation


def _script():
    return benchmark_script("files_label_shift")


@pytest.mark.parametrize("kind, whole, kept", [("skew", 5, 4), ("strong", 3, 2)])
def test_subsampling_keeps_some_classes_whole_and_a_seeded_share_of_the_others(kind, whole, kept):
    script = _script()
    y = np.repeat(np.arange(10), 15)
    rows = script.subsample(y, kind)
    counts = np.bincount(y[rows], minlength=10)
    assert (counts[:whole] == 15).all() and (counts[whole:] == kept).all(), counts
    np.testing.assert_array_equal(rows, script.subsample(y, kind))
    assert not np.array_equal(rows, script.subsample(y, kind, seed=1))


def test_the_set_tasks_move_the_classes_proportions_as_documented(tmp_path):
    tasks = _script().task_files(tmp_path)  # the median splits read no data folder
    shifts = {}
    for name in ("wine low->high", "cancer high->low"):
        group, make = tasks[name]
        source, target = make()
        assert group == "set" and len(source) and len(target)
        k = int(max(source["label"].max(), target["label"].max())) + 1
        shifts[name] = total_variation(class_shares(source["label"], k), class_shares(target["label"], k))
    assert shifts == pytest.approx({"wine low->high": 0.65, "cancer high->low": 0.63}, abs=0.01)
    assert sum(group == "judged" for group, _ in tasks.values()) == 10


def test_a_missing_data_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        _script().main(["--tasks", "DeCAF W->D skew", "--data-dir", str(tmp_path / "none"),
                        "--out", str(tmp_path / "out")])
    assert stop.value.code == 2 and "DeCAF W->D skew: " in capsys.readouterr().err


@pytest.mark.parametrize("argv, fragment", [
    (["--tasks", "wine low->medium"], "unknown task(s) ['wine low->medium']; valid: wine low->high"),
    (["--seeds", "0"], "--seeds must be >= 1"),
])
def test_unknown_names_are_usage_errors(argv, fragment, capsys):
    with pytest.raises(SystemExit) as stop:
        _script().main(argv)
    assert stop.value.code == 2 and fragment in capsys.readouterr().err


def test_a_failing_run_is_a_usage_error_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:  # the command line refuses the method name
        _script().main(["--tasks", "wine low->high", "--methods", "no_such_method", "--seeds",
                        "1", "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    assert "wine low->high: `tftransfer run` failed" in capsys.readouterr().err
