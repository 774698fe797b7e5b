"""experiments.defaults_report: which tasks each task set runs, and a held-out run end to end."""

import pandas as pd
import pytest

from experiments import defaults_report
from helpers import needs_data
from tftransfer.data.benchmarks import BENCHMARK_TASKS


@pytest.mark.parametrize("benchmark", sorted(defaults_report.MODULES))
def test_held_out_and_report_tasks_split_every_task(benchmark):
    report = defaults_report.tasks_of(benchmark, "report")
    held_out = defaults_report.tasks_of(benchmark, "held_out")
    every = defaults_report.tasks_of(benchmark, "all")
    assert not set(report) & set(held_out)
    assert sorted(report + held_out) == sorted(every)


def test_held_out_tasks_are_those_no_default_was_chosen_on():
    assert defaults_report.tasks_of("office_caltech_surf", "held_out") == (
        "C->W", "C->D", "A->C", "W->A", "D->A", "D->W")
    assert len(defaults_report.tasks_of("reuters", "held_out")) == 3
    assert defaults_report.tasks_of("newsgroups", "held_out") == (
        "comp_vs_sci:12->34", "comp_vs_talk:12->34", "rec_vs_talk:12->34",
        "comp_vs_rec_vs_sci_vs_talk:1->3", "comp_vs_rec_vs_sci_vs_talk:2->4")
    assert defaults_report.tasks_of("digits_shift", "held_out") == (
        "inverted->original", "rotated->original", "noisy->original", "blurred->original")
    for benchmark in ("mnist_usps", "decaf", "msrc_voc"):
        assert defaults_report.tasks_of(benchmark, "held_out") == ()
    assert defaults_report.tasks_of("decaf", "all") == BENCHMARK_TASKS["decaf"]
    with pytest.raises(ValueError, match="report, held_out, all"):
        defaults_report.tasks_of("decaf", "some")


def test_a_task_set_without_tasks_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="no held_out task"):
        defaults_report.main(["--benchmarks", "decaf,mnist_usps", "--tasks", "held_out",
                              "--out", str(tmp_path)])


@needs_data
@pytest.mark.slow
def test_held_out_report_runs_only_the_left_out_tasks(tmp_path):
    text = defaults_report.main(["--benchmarks", "msrc_voc,reuters", "--tasks", "held_out",
                                 "--methods", "nn1", "--seeds", "1", "--jobs", "1",
                                 "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    assert set(frame["experiment"]) == {"reuters"}  # msrc_voc has no held-out task
    assert set(frame["task"]) == set(defaults_report.tasks_of("reuters", "held_out"))
    assert set(frame["method"]) == {"nn1", "source_only"}
    assert "| nn1 |" in text
