"""`tftransfer tune`: a KerasTuner search on files, then the selection trained like a run."""

import json

import numpy as np
import pandas as pd
import pytest

from tftransfer.cli import main


@pytest.mark.slow
def test_tune_searches_then_trains_the_selected_configuration(tmp_path, capsys):
    rng = np.random.default_rng(0)
    for name, shift in (("a", 0.0), ("b", 0.7)):
        y = np.arange(40) % 2
        frame = pd.DataFrame(rng.normal(size=(40, 3)) + 2.0 * y[:, None] + shift,
                             columns=["u", "v", "w"])
        frame.assign(label=np.where(y, "yes", "no")).to_csv(tmp_path / f"{name}.csv", index=False)
    out = tmp_path / "out"
    status = main(["tune", "--source", str(tmp_path / "a.csv"), "--target", str(tmp_path / "b.csv"),
                   "--methods", "dann", "--max-trials", "2", "--epochs", "1", "--steps-per-epoch", "1",
                   "--backbone-option", "units=[8]", "--space", "lambda_=0.1:1:log",
                   "--out", str(out), "--no-report"])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "[2/2] dann trial_" in printed  # a line per trial with the time left
    best = json.loads((out / "tuning" / "best.json").read_text())
    selected = best["methods"]["dann"]["selected"]
    assert best["objective"] == "dev" and 0.1 <= selected["method_options"]["lambda_"] <= 1.0
    trials = pd.read_csv(best["methods"]["dann"]["trials"])
    assert len(trials) == 2 and (trials["status"] == "COMPLETED").all()
    results = pd.read_csv(out / "results.csv", dtype={"run_id": str})
    assert results["method"].tolist() == ["dann"]
    config = json.loads((out / "runs" / results["run_id"].item() / "config.json").read_text())
    assert config["method_options"] == selected["method_options"]
    assert "maximising dev (honest" in (out / "summary.md").read_text()
