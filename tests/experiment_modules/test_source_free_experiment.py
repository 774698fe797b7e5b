"""experiments.source_free: its flags (the runs themselves are measured, not tested here)."""

import pytest

from experiments import source_free


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(SystemExit, match="valid: source_only, mcc, shot, shot_im, tent, adabn"):
        source_free.main(["--methods", "shot,dann"])
    with pytest.raises(SystemExit, match="valid: digits, mnist_usps"):
        source_free.main(["--benchmarks", "office"])


def test_every_source_free_method_is_known():
    assert set(source_free.SOURCE_FREE) == {"shot", "shot_im", "tent", "adabn"}
    assert set(source_free.ONLINE.values()) == {"tent", "adabn"}


def test_source_free_runs_train_the_configs_steps_per_epoch(tmp_path, monkeypatch):
    # The config's steps_per_epoch (the benchmarks' BASE sets 50) reaches fit_source_free, so
    # TENT/AdaBN's source phase is the source_only run of the same config: the same source
    # model. It used to be dropped (one pass over the source an epoch instead).
    from tftransfer.config import RunConfig
    from tftransfer.runner import run_grid

    seen = []
    real = source_free.fit_source_free

    def spy(model, task, **kwargs):
        seen.append(kwargs.get("steps_per_epoch"))
        return real(model, task, **kwargs)

    monkeypatch.setattr(source_free, "fit_source_free", spy)
    config = RunConfig(experiment="test", task="moons->moons_rotated", method="tent", epochs=2,
                       batch_size=16, steps_per_epoch=7, data_options={"n_samples": 96},
                       backbone_options={"units": [8]})
    record = source_free.run_source_free(config, tmp_path / "free")
    assert seen == [7]
    [baseline] = run_grid([config.replace(method="source_only")], tmp_path / "base", report=None)
    assert record["source_model_target_accuracy"] == baseline["target_accuracy"]


def test_method_options_are_checked_before_any_run(capsys):
    with pytest.raises(SystemExit):
        source_free.main(["--methods", "shot", "--method-options", '{"bogus": 1}'])
    assert "Unknown options ['bogus'] for method 'shot'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        source_free.main(["--methods", "shot", "--method-options", "[30]"])
    assert "--method-options must be a JSON object" in capsys.readouterr().err


def test_method_options_reach_the_source_free_rows_only(tmp_path, monkeypatch):
    seen = {}
    monkeypatch.setattr(source_free, "run_grid", lambda configs, out, jobs: [])
    monkeypatch.setattr(source_free, "default_data_dir", lambda: tmp_path)

    def fake_run(config, out):
        seen[config.method] = dict(config.method_options)
        return {"target_accuracy": 0.5, "source_model_target_accuracy": 0.5, "status": "done",
                "method": config.method, "task": config.task, "seed": config.seed}

    monkeypatch.setattr(source_free, "run_source_free", fake_run)
    monkeypatch.setattr(source_free, "write_results", lambda records, out, **kw: "")
    monkeypatch.setattr(source_free, "summary_table", lambda frame, column: frame)
    source_free.main(["--benchmarks", "digits", "--methods", "source_only,shot", "--seeds", "1",
                      "--tasks", "original->inverted", "--out", str(tmp_path),
                      "--method-options", '{"adaptation_epochs": 30}'])
    assert seen == {"shot": {"adaptation_epochs": 30}}
