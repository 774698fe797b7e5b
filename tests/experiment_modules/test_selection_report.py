"""experiments.selection_report: one search per task × method, every validator's pick."""

import pandas as pd
import pytest

from experiments import selection_report
from helpers import needs_data
from tftransfer import selection


def test_unknown_method_lists_the_valid_ones(tmp_path):
    with pytest.raises(SystemExit, match="dann"):
        selection_report.main(["--methods", "danm", "--out", str(tmp_path)])


def test_no_trials_is_a_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        selection_report.main(["--max-trials", "0", "--out", str(tmp_path)])
    assert "--max-trials must be >= 1" in capsys.readouterr().err


@needs_data
@pytest.mark.slow
def test_a_search_reports_each_validators_pick_against_the_oracle(tmp_path):
    # Two trials of DANN on one Office-Caltech task: the module's whole path (variant fields,
    # tuner, every validator, tables), which an import left broken unnoticed before this test.
    text = selection_report.main(["--datasets", "office_caltech_surf", "--tasks", "A->W",
                                  "--methods", "dann", "--max-trials", "2",
                                  "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "selection.csv")
    assert set(frame["validator"]) == set(selection.names())
    assert (frame["trials"] + frame["failed_trials"] == 2).all()
    assert (frame["selected_target_accuracy"] <= frame["oracle_target_accuracy"]).all()
    oracle = frame[frame["oracle"]]
    assert (oracle["selected_target_accuracy"] == oracle["oracle_target_accuracy"]).all()
    assert "## ORACLE selection: target_oracle" in text
    # A relaunch resumes the finished search: the same trials, the same tables.
    assert selection_report.main(["--datasets", "office_caltech_surf", "--tasks", "A->W",
                                  "--methods", "dann", "--max-trials", "2",
                                  "--out", str(tmp_path)]) == text
