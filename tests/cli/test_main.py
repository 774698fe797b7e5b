"""`tftransfer` exit statuses and one-line errors for every bad input; the entry points."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tftransfer.cli import main

ROOT = Path(__file__).resolve().parents[2]


def table(n=30, features=3, classes=("a", "b"), shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(classes)
    frame = pd.DataFrame(rng.normal(size=(n, features)) + 2.0 * y[:, None] + shift,
                         columns=[f"f{i}" for i in range(features)])
    frame["label"] = np.asarray(classes)[y]
    return frame


@pytest.fixture
def good(tmp_path):
    table().to_csv(tmp_path / "source.csv", index=False)
    table(shift=0.5, seed=1).to_csv(tmp_path / "target.csv", index=False)
    return tmp_path


def run_cli(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_error_line(err, *fragments):
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def bad_file(folder, kind):
    """A source file with one problem, and the message fragment that names it."""
    path = folder / f"{kind}.csv"
    if kind == "empty":
        path.write_text("")
        return path, "empty"
    frame = table()
    if kind == "nan":
        frame.loc[3, "f1"] = np.nan
        fragment = "NaN"
    elif kind == "more_features":
        frame.insert(0, "extra", 1.0)
        fragment = "feature columns differ"
    elif kind == "one_class":
        frame["label"] = "a"
        fragment = "single class"
    frame.to_csv(path, index=False)
    return path, fragment


@pytest.mark.parametrize("kind", ["empty", "nan", "more_features", "one_class"])
def test_bad_source_files_fail_with_status_1_and_one_line(good, capsys, kind):
    path, fragment = bad_file(good, kind)
    status, _, err = run_cli(capsys, "run", "--source", path, "--target", good / "target.csv",
                             "--methods", "source_only", "--out", good / "out", "--quiet")
    assert status == 1
    assert_one_error_line(err, fragment)
    assert not (good / "out" / "runs").exists()  # nothing trained


@pytest.mark.parametrize("argv, fragments", [
    (["--methods", "nope"], ["unknown method 'nope'", "valid methods: source_only"]),
    (["--backbone", "resnet999"], ["Unknown backbone 'resnet999'"]),
    (["--epochs", "0"], ["--epochs", "expected an integer >= 1"]),
    (["--bogus-flag"], ["unrecognized arguments: --bogus-flag"]),
    (["--labels", "weird"], ["invalid choice: 'weird'"]),
])
def test_bad_usage_exits_2_with_one_line(good, capsys, argv, fragments):
    status, _, err = run_cli(capsys, "run", "--source", good / "source.csv", "--target",
                             good / "target.csv", "--out", good / "out", *argv)
    assert status == 2
    assert_one_error_line(err, *fragments)


def test_missing_file_is_bad_usage(good, capsys):
    status, _, err = run_cli(capsys, "run", "--source", good / "nowhere.csv", "--target",
                             good / "target.csv")
    assert status == 2
    assert_one_error_line(err, "nowhere.csv", "not found")
    status, _, err = run_cli(capsys, "data", good / "nowhere.csv")
    assert status == 2
    assert_one_error_line(err, "not found")


def test_a_method_needing_target_labels_on_an_unlabelled_target(good, capsys):
    table().drop(columns="label").to_csv(good / "unlabelled.csv", index=False)
    status, _, err = run_cli(capsys, "run", "--source", good / "source.csv", "--target",
                             good / "unlabelled.csv", "--methods", "target_only", "--quiet")
    assert status == 2
    assert_one_error_line(err, "target_only", "has none")


def test_class_sets_that_differ_name_both_lists(good, capsys):
    table(classes=("a", "b", "c")).to_csv(good / "three.csv", index=False)
    status, _, err = run_cli(capsys, "run", "--source", good / "source.csv", "--target",
                             good / "three.csv", "--quiet")
    assert status == 1
    assert_one_error_line(err, "class sets differ", "['c']")


def test_data_describes_files_and_fails_on_a_problem(good, capsys):
    status, out, err = run_cli(capsys, "data", good / "source.csv", good / "target.csv")
    assert status == 0 and err == ""
    assert out.count("problems:  none") == 2 and "3 features" in out and "2 classes" in out
    path, _ = bad_file(good, "nan")
    status, out, err = run_cli(capsys, "data", path)
    assert status == 1
    assert "1 NaN" in out and "fix:" in out  # the description, then one error line
    assert_one_error_line(err, "NaN", "fix:")
    status, _, err = run_cli(capsys, "data", good / "source.csv", "--format", "nope")
    assert status == 2
    assert_one_error_line(err, "Unknown file format 'nope'")
    status, out, _ = run_cli(capsys, "data", good / "source.csv", "--json")
    assert status == 0 and '"class_names": ["a", "b"]' in out


def test_list_names_every_kind(capsys):
    status, out, err = run_cli(capsys, "list")
    assert status == 0 and err == ""
    for fragment in ("methods (--methods):", "dann", "auto", "backbones (--backbone):", "mlp",
                     "keras_application:", "validators", "target_oracle  (ORACLE", "formats",
                     "svmlight", ".parquet"):
        assert fragment in out
    status, out, _ = run_cli(capsys, "list", "formats")
    assert status == 0 and "methods" not in out


def test_report_of_a_folder_that_is_not_a_results_folder(tmp_path, capsys):
    status, _, err = run_cli(capsys, "report", tmp_path)
    assert status == 1
    assert_one_error_line(err, "no results.csv")
    status, _, err = run_cli(capsys, "report", tmp_path / "missing")
    assert status == 2
    assert_one_error_line(err, "not found")


def test_tune_checks_its_usage_before_reading_files(good, capsys):
    status, _, err = run_cli(capsys, "tune", "--source", good / "source.csv", "--target",
                             good / "target.csv", "--objective", "vibes")
    assert status == 2
    assert_one_error_line(err, "Unknown validator 'vibes'")
    table().drop(columns="label").to_csv(good / "unlabelled.csv", index=False)
    status, _, err = run_cli(capsys, "tune", "--source", good / "source.csv", "--target",
                             good / "unlabelled.csv", "--quiet")
    assert status == 2
    assert_one_error_line(err, "tune needs a labelled target")


def test_help_of_every_subcommand_is_a_reference(capsys):
    for command, flags in [("run", ["--source", "--target-test", "--methods", "--seeds", "--out",
                                    "--backbone", "--epochs", "--jobs", "--format",
                                    "--label-column", "--labels", "--quiet", "--tensorboard",
                                    "exit status"]),
                           ("tune", ["--objective", "--max-trials", "--tuner", "--space"]),
                           ("report", ["DIR", "--no-tsne"]), ("data", ["PATH", "--json"]),
                           ("list", ["formats"])]:
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        for flag in flags:
            assert flag in out, (command, flag)


@pytest.mark.slow
def test_python_m_and_the_console_script(tmp_path):
    """The real entry points: a usage error is one line with status 2, --help works."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "tftransfer", "run", "--source", "x.csv"],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: the following arguments are required: --target (see `tftransfer run --help`)"]
    # A missing file is found before TensorFlow loads (its start-up lines would precede it).
    result = subprocess.run([sys.executable, "-m", "tftransfer", "data", "nowhere.csv"],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: data file 'nowhere.csv' not found; check the path"]
    script = shutil.which("tftransfer", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the console script is not installed in this environment (pip install -e .)")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "usage: tftransfer" in result.stdout


def test_all_may_sit_in_a_method_list():
    from tftransfer import variants
    from tftransfer.cli.run import parse_methods

    every = [*variants.names(), "auto"]
    assert parse_methods("all") == every
    assert parse_methods("all,auto") == every
    assert parse_methods("dann+mcc, all") == ["dann+mcc", *every]
