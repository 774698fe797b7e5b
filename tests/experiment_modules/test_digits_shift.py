"""The default experiment end to end in a quick mode, and its resume."""

import pandas as pd
import pytest

from experiments import digits_shift


@pytest.mark.slow
def test_quick_mode_end_to_end_and_relaunch(tmp_path, capsys):
    argv = ["--methods", "source_only,target_only,dann,finetune", "--tasks", "original->inverted",
            "--seeds", "1", "--epochs", "1", "--out", str(tmp_path)]
    text = digits_shift.main(argv)
    frame = pd.read_csv(tmp_path / "results.csv")
    assert len(frame) == 4 and set(frame["method"]) == {"source_only", "target_only", "dann", "finetune"}
    assert frame["target_accuracy"].between(0, 1).all()
    assert "target_only (ORACLE: all target labels)" in text
    assert "finetune (5 target labels/class)" in text
    assert (tmp_path / "summary.md").read_text() == text
    capsys.readouterr()
    digits_shift.main(argv)  # relaunch: everything is cached
    assert capsys.readouterr().out.count("(cached)") == 4


def test_a_name_given_twice_counts_once():
    from experiments.common import parse_list

    assert parse_list("a,b,a", ["a", "b"], "task", []) == ["a", "b"]


def test_unknown_names_are_rejected(tmp_path):
    with pytest.raises(SystemExit, match="Unknown method.*Valid methods"):
        digits_shift.main(["--methods", "dann,magic", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="unknown task.*original->inverted"):
        digits_shift.main(["--tasks", "mnist->usps", "--out", str(tmp_path)])


def test_classical_methods_run_in_the_digits_module(tmp_path):
    # auto's candidates include them: `--methods auto` crashed on "Unknown method 'jda'".
    text = digits_shift.main(["--methods", "jda,nn1", "--tasks", "original->inverted", "--seeds",
                              "1", "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    assert sorted(frame["method"]) == ["jda", "nn1"] and frame["target_accuracy"].notna().all()
    assert "jda" in text


@pytest.mark.slow
def test_semi_supervised_flag_reveals_target_labels(tmp_path):
    text = digits_shift.main(["--methods", "dann", "--tasks", "original->rotated", "--seeds", "1",
                              "--epochs", "1", "--target-labels", "2", "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    assert frame["target_labels_per_class"].tolist() == [2]
    assert "dann (2 target labels/class)" in text


@pytest.mark.slow
def test_tune_flag_searches_then_trains_the_selected_configuration(tmp_path):
    argv = ["--methods", "dann", "--tasks", "original->rotated", "--seeds", "2", "--epochs", "1",
            "--tune", "--objective", "dev", "--max-trials", "2", "--space", "freeze_depth=2",
            "--out", str(tmp_path)]
    text = digits_shift.main(argv)
    trials = pd.read_csv(tmp_path / "trials.csv")
    assert len(trials) == 2 and set(trials["status"]) == {"COMPLETED"}
    assert {"task", "method", "lambda_", "learning_rate", "dev", "target_accuracy"} <= set(trials)
    results = pd.read_csv(tmp_path / "results.csv")
    assert sorted(results["seed"]) == [0, 1]
    best = trials.loc[trials["dev"].idxmax()]
    assert "selected per task × method by `dev` (honest)" in text
    runs = [pd.read_json(p, typ="series") for p in tmp_path.glob("runs/*/config.json")]
    assert {round(r["method_options"]["lambda_"], 9) for r in runs} == {round(best["lambda_"], 9)}
    with pytest.raises(SystemExit, match="Unknown validator 'accuracy'.*dev"):
        digits_shift.main([*argv[:-2], "--objective", "accuracy", "--out", str(tmp_path)])
