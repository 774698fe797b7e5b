"""The real-benchmark experiment modules run end to end in a quick mode (data in CI)."""

import json

import pandas as pd
import pytest

from tftransfer.data.loaders import default_data_dir

needs_data = pytest.mark.skipif(default_data_dir() is None,
                                reason="benchmark data folder (../shared/data) not present")


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize("module,task,methods", [
    ("office_caltech_surf", "W->D", "source_only,coral,sa,tca,iw_dc,iw_kmm,cdan_e,mdd,jda,meda"),
    ("mnist_usps", "U->M", "dan"),
    ("decaf", "D->W", "source_only,deep_coral"),
    ("reuters", "place->org", "source_only,dann,coral,iw_dc,nn1"),
    ("msrc_voc", "VOC->MSRC", "source_only,cdan_mcc,easytl"),
    ("newsgroups", "comp_vs_rec_vs_sci_vs_talk:1->3", "source_only,mcc,nn1"),
])
def test_quick_mode(module, task, methods, tmp_path):
    import importlib

    main = importlib.import_module(f"experiments.{module}").main
    text = main(["--tasks", task, "--methods", methods, "--seeds", "1", "--epochs", "1",
                 "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    assert sorted(frame["method"]) == sorted(methods.split(","))
    assert frame["target_accuracy"].between(0, 1).all()
    if module in ("office_caltech_surf", "mnist_usps", "decaf"):
        assert "### Published" in text and "Wang et al." in text
    else:  # no published table: the baselines checked in the data README
        assert "### Reference rows" in text and "checked" in text
    if module == "decaf":  # the published protocol: rows scaled to unit L2 norm
        configs = [json.loads(p.read_text()) for p in tmp_path.glob("runs/*/config.json")]
        assert configs and all(c["data_options"]["l2_normalize"] for c in configs)


@needs_data
@pytest.mark.slow
def test_auto_row_with_its_decision(tmp_path):
    from experiments import office_caltech_surf

    office_caltech_surf.main(["--tasks", "W->D", "--methods", "auto", "--seeds", "1", "--epochs", "1",
                              "--out", str(tmp_path)])
    frame = pd.read_csv(tmp_path / "results.csv")
    auto_rows = frame[frame["method"] == "auto"]
    assert len(auto_rows) == 1 and auto_rows["auto_pick"].iloc[0] in set(frame["method"])
    decisions = json.loads((tmp_path / "auto.json").read_text())["decisions"]
    assert decisions[0]["pick"] == auto_rows["auto_pick"].iloc[0]
    assert {c["candidate"] for c in decisions[0]["candidates"]} >= {"source_only", "dann", "mcc"}


@needs_data
def test_office_caltech_default_rows_leave_out_the_slowest_least_informative(monkeypatch, tmp_path):
    import experiments.benchmark as benchmark
    from experiments import office_caltech_surf

    seen = []
    monkeypatch.setattr(benchmark, "run_experiment",
                        lambda configs, args, **kwargs: seen.extend(configs) or "")
    office_caltech_surf.main(["--tasks", "W->D", "--seeds", "1", "--out", str(tmp_path)])
    rows = [config.method for config in seen]
    assert rows == list(office_caltech_surf.OFFICE_CALTECH_METHODS)
    assert {"source_only", "dann", "cdan", "mdd", "mcc", "jda", "meda", "nn1", "svm"} <= set(rows)
    assert not {"cdan_e", "cdan_mcc", "dan", "deep_coral", "target_only"} & set(rows)
    seen.clear()  # the left-out rows stay one flag away
    office_caltech_surf.main(["--tasks", "W->D", "--seeds", "1", "--methods", "cdan_e,target_only",
                              "--out", str(tmp_path)])
    assert [config.method for config in seen] == ["cdan_e", "target_only"]


def test_missing_data_dir_is_a_clear_error(tmp_path):
    from experiments import office_caltech_surf

    with pytest.raises(SystemExit, match="no data folder"):
        office_caltech_surf.main(["--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path)])


@needs_data
def test_tune_refuses_what_a_method_cannot_search_before_any_trial(tmp_path):
    from experiments import msrc_voc

    argv = ["--tasks", "MSRC->VOC", "--seeds", "1", "--tune", "--objective", "dev",
            "--out", str(tmp_path)]
    # Hyperband for a shallow method: refused before dann's search would run.
    with pytest.raises(SystemExit, match="error: tuner 'hyperband'.*'jda'.*random, bayes"):
        msrc_voc.main(["--methods", "dann,jda", "--tuner", "hyperband", *argv])
    assert not (tmp_path / "tuning").exists()
    with pytest.raises(SystemExit, match="error: MSRC->VOC jda: Unknown hyperparameters "
                                         "\\['epochs'\\].*n_components"):
        msrc_voc.main(["--methods", "jda", "--space", "epochs=1:3", *argv])


@needs_data
def test_newsgroups_runs_the_pairs_unless_asked_for_the_four_way_task(monkeypatch, tmp_path):
    import experiments.benchmark as benchmark
    from experiments import newsgroups

    seen = {}

    def fake_run(configs, args, **kwargs):
        seen["tasks"] = sorted({c.task for c in configs})
        return ""

    monkeypatch.setattr(benchmark, "run_experiment", fake_run)
    newsgroups.main(["--methods", "nn1", "--out", str(tmp_path)])
    assert seen["tasks"] == sorted(f"{p}:12->34" for p in (
        "comp_vs_rec", "comp_vs_sci", "comp_vs_talk", "rec_vs_sci", "rec_vs_talk", "sci_vs_talk"))
    newsgroups.main(["--methods", "nn1", "--tasks", "all", "--out", str(tmp_path)])
    assert len(seen["tasks"]) == 8 and {"comp_vs_rec_vs_sci_vs_talk:1->3",
                                        "comp_vs_rec_vs_sci_vs_talk:2->4"} <= set(seen["tasks"])
