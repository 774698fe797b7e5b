"""experiments.regression end to end with tiny settings, and its mean ± std tables."""

import numpy as np
import pandas as pd
import pytest

from experiments import regression
from experiments.mean_std_tables import mean_std_markdown, write_records

CUBIC = "cubic->cubic_shifted"


@pytest.mark.slow  # ~7 s: two-stage TrAdaBoost.R2 fits 10 × 10 × 5 ridge ensembles a task
def test_shallow_rows_end_to_end_write_results_and_tables(tmp_path):
    text = regression.main(["--tasks", f"{CUBIC},diabetes:sex_1->sex_2", "--seeds", "1",
                            "--target-labels", "5", "--shallow-only", "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    # Every shallow row on the cubic task (the exact ratio too), all but that on diabetes.
    assert len(frame) == len(regression.SHALLOW) + len(regression.SHALLOW) - 1
    assert set(frame["method"]) == set(regression.SHALLOW)
    assert not ((frame["task"] != CUBIC) & frame["method"].str.contains("exact")).any()
    assert np.isfinite(frame["target_rmse"]).all() and (frame["target_rmse"] > 0).all()
    cubic = frame[frame["task"] == CUBIC].set_index(["seed", "method"])["target_rmse"]
    # Noise σ = 0.3 bounds the RMSE from below; reweighting by the exact density ratio
    # corrects the linear fit for the covariate shift, the unweighted fit does not.
    assert cubic[0, "ridge + IW (exact ratio)"] > 0.25
    assert cubic[0, "ridge + IW (exact ratio)"] < cubic[0, "ridge source-only"] - 0.05
    assert (tmp_path / "summary.md").read_text() == text
    assert "--tasks cubic->cubic_shifted,diabetes:sex_1->sex_2 --seeds 1 --target-labels 5" in text
    assert "## Synthetic covariate shift" in text and "## Diabetes split by a covariate" in text
    assert "| ridge target-only ORACLE (all) |" in text and "| sex_1->sex_2 | avg |" in text
    assert "MLP" not in text


@pytest.mark.slow
def test_deep_rows_train_the_engine_on_the_cubic_task(tmp_path):
    text = regression.main(["--tasks", CUBIC, "--seeds", "1", "--epochs", "1", "--out",
                            str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    assert set(frame["method"]) == set(regression.SHALLOW + regression.DEEP)
    deep = frame[frame["method"].isin(regression.DEEP)]["target_rmse"]
    assert np.isfinite(deep).all() and (deep > 0.25).all() and (deep < 5).all()
    assert "| MLP DANN |" in text and "| MLP target-only ORACLE (all) |" in text


@pytest.mark.parametrize("argv, match", [
    (["--tasks", "cubic->nowhere"], "unknown tasks.*valid: cubic->cubic_shifted"),
    (["--tasks", ","], "unknown tasks"),
])
def test_bad_tasks_are_rejected_with_the_valid_ones(tmp_path, argv, match):
    with pytest.raises(SystemExit, match=match):
        regression.main(argv + ["--out", str(tmp_path)])


def test_bad_counts_are_rejected(tmp_path, capsys):
    with pytest.raises(SystemExit):
        regression.main(["--seeds", "0", "--out", str(tmp_path)])
    assert "--seeds must be >= 1" in capsys.readouterr().err


def test_mean_std_markdown_cells_average_and_missing_cells(tmp_path):
    records = [{"task": t, "seed": s, "method": m, "v": v}
               for t, s, m, v in [("a", 0, "x", 1.0), ("a", 1, "x", 3.0),
                                  ("b", 0, "x", 3.0), ("b", 1, "x", 5.0),
                                  ("a", 0, "y", 2.0), ("a", 1, "y", float("nan"))]]
    table = mean_std_markdown(records, "v", ["a", "b"], ["x", "y"], digits=2)
    lines = table.splitlines()
    assert lines[0] == "| method | a | b | avg |"
    # x: per-seed task means 2 and 4 -> 3 ± 1; y: one finite value, no b cell -> no average.
    assert lines[2] == "| x | 2.00 ± 1.00 | 4.00 ± 1.00 | 3.00 ± 1.00 |"
    assert lines[3] == "| y | 2.00 ± 0.00 | – | – |"
    assert "avg" not in mean_std_markdown(records, "v", ["a"], ["x"], average=False)
    write_records(records + [{"task": "a", "seed": 2, "method": "z", "v": 0.0, "extra": 1}],
                  tmp_path / "deep" / "r.csv")
    frame = pd.read_csv(tmp_path / "deep" / "r.csv")
    assert list(frame.columns) == ["task", "seed", "method", "v", "extra"] and len(frame) == 7


@pytest.mark.slow  # ~15 s: the shallow rows once and the seven MLP rows for one epoch
def test_interrupted_run_resumes_without_redoing_finished_cells(tmp_path, monkeypatch):
    import tftransfer.regression.fit as fit_module

    real_shallow, real_fit = regression.shallow_rows, fit_module.fit_regression_task
    calls = {"shallow": 0, "deep": 0}

    def shallow(*args, **kwargs):
        calls["shallow"] += 1
        return real_shallow(*args, **kwargs)

    def fit(*args, **kwargs):
        if calls["deep"] == 2 and interrupt:
            raise KeyboardInterrupt  # the third MLP row of the first run
        calls["deep"] += 1
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(regression, "shallow_rows", shallow)
    monkeypatch.setattr(fit_module, "fit_regression_task", fit)
    argv = ["--tasks", CUBIC, "--seeds", "1", "--epochs", "1", "--out", str(tmp_path)]
    interrupt = True
    with pytest.raises(KeyboardInterrupt):
        regression.main(argv)
    assert calls == {"shallow": 1, "deep": 2} and not (tmp_path / "results.csv").exists()
    stored = sorted(p.name for p in (tmp_path / "cells").rglob("*.json"))
    assert len(stored) == len(regression.SHALLOW) + 2

    interrupt = False
    calls.update(shallow=0, deep=0)
    text = regression.main(argv)
    # Only the five MLP rows that had not finished are trained again (six fits: fine-tuning
    # pretrains on the source first).
    assert calls == {"shallow": 0, "deep": len(regression.DEEP) - 2 + 1}
    frame = pd.read_csv(tmp_path / "results.csv")
    assert list(frame["method"]) == ([m for m in regression.SHALLOW if "exact" not in m]
                                     + ["ridge + IW (exact ratio)"] + regression.DEEP)
    assert np.isfinite(frame["target_rmse"]).all()
    assert "| MLP DANN |" in text

    calls.update(shallow=0, deep=0)
    assert regression.main(argv) == text  # everything read back, the same tables
    assert calls == {"shallow": 0, "deep": 0}
