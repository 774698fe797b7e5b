"""experiments.anomaly_transfer on a tiny grid: the table, and resuming an interrupted run."""

import pandas as pd
import pytest

from experiments import anomaly_transfer

TINY = ["--tasks", "two_machines", "--seeds", "1", "--steps", "3",
        "--methods", "source_only,mmd,oracle"]


@pytest.mark.slow  # ~10 s: four short trainings
def test_interrupted_run_resumes_without_redoing_finished_cells(tmp_path, monkeypatch):
    real = anomaly_transfer.run_cell
    calls = []

    def interrupted(task, method, seed, steps):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append((method, seed))
        return real(task, method, seed, steps)

    monkeypatch.setattr(anomaly_transfer, "run_cell", interrupted)
    with pytest.raises(KeyboardInterrupt):
        anomaly_transfer.main(TINY + ["--out", str(tmp_path)])
    first = list(calls)
    assert len(first) == 2 and not (tmp_path / "summary.md").exists()

    calls.clear()
    text = anomaly_transfer.main(TINY + ["--out", str(tmp_path)])
    assert len(calls) == 1 and not set(calls) & set(first)  # only the missing cell
    frame = pd.read_csv(tmp_path / "results.csv")
    assert len(frame) == 3 and frame["roc_auc"].between(0, 100).all()
    assert "| MK-MMD-aligned |" in text and "ORACLE" in text
    assert "--tasks two_machines --methods source_only,mmd,oracle --seeds 1 --steps 3" in text

    calls.clear()
    anomaly_transfer.main(TINY + ["--out", str(tmp_path)])
    assert calls == []  # everything read back
    anomaly_transfer.main(TINY[:-2] + ["--methods", "source_only", "--out", str(tmp_path)])
    assert calls == []
    # Other settings are other cells.
    anomaly_transfer.main(TINY[:4] + ["--steps", "4", "--methods", "source_only", "--out",
                                      str(tmp_path)])
    assert len(calls) == 1


@pytest.mark.parametrize("argv, match", [
    (["--tasks", "A->B"], "unknown tasks"),
    (["--methods", "dann"], "unknown methods"),
    (["--digits", "3-12"], "--digits"),
])
def test_bad_arguments(tmp_path, argv, match):
    with pytest.raises(SystemExit, match=match):
        anomaly_transfer.main(argv + ["--out", str(tmp_path)])
