"""Runner: hashed run dirs, resume, failure isolation, determinism."""

import json

import pandas as pd
import pytest

from tftransfer.config import RunConfig
from tftransfer.results import write_results
from tftransfer.runner import resolve, run, run_grid, train_and_evaluate

BASE = dict(experiment="test", task="moons->moons_rotated", method="dann", epochs=2, batch_size=32,
            data_options={"n_samples": 96}, backbone_options={"units": [8]})


def test_same_config_twice_is_bit_identical():
    config = RunConfig(**BASE, seed=3)
    first, history_1 = train_and_evaluate(config)
    second, history_2 = train_and_evaluate(config)
    for key in ("target_accuracy", "source_val_accuracy", "final_loss"):
        assert first[key] == second[key], key
    pd.testing.assert_frame_equal(history_1.drop(columns="epoch_seconds"),
                                  history_2.drop(columns="epoch_seconds"), check_exact=True)


def test_run_writes_its_directory_and_a_relaunch_skips_it(tmp_path):
    config = RunConfig(**BASE)
    record = run(config, tmp_path)
    run_dir = tmp_path / "runs" / config.run_id()
    assert {p.name for p in run_dir.iterdir()} == {"config.json", "history.csv", "metrics.json", "done"}
    assert json.loads((run_dir / "config.json").read_text()) == config.to_dict()
    assert len(pd.read_csv(run_dir / "history.csv")) == 2
    assert not record["cached"]
    stamp = (run_dir / "metrics.json").stat().st_mtime_ns
    again = run(config, tmp_path)
    assert again["cached"] and again["target_accuracy"] == record["target_accuracy"]
    assert (run_dir / "metrics.json").stat().st_mtime_ns == stamp


def test_a_results_version_bump_retrains_instead_of_reusing_old_results(tmp_path, monkeypatch):
    from tftransfer import config as config_module

    config = RunConfig(**BASE)
    first = run(config, tmp_path)
    old_id = config.run_id()
    monkeypatch.setattr(config_module, "RESULTS_VERSION", config_module.RESULTS_VERSION + 1)
    assert config.run_id() != old_id
    again = run(config, tmp_path)
    assert not again["cached"] and again["run_id"] == config.run_id()
    assert (tmp_path / "runs" / old_id / "done").exists()  # old results kept, not reused
    assert again["target_accuracy"] == first["target_accuracy"]  # same code, same numbers


def test_a_classical_run_records_the_head_it_classified_with(tmp_path):
    options = {"n_components": 2}  # the moons have 2 features
    chosen = run(RunConfig(**{**BASE, "method": "jda", "method_options": options}), tmp_path)
    assert chosen["head"] in ("logreg", "1nn")  # source_cv's pick
    given = run(RunConfig(**{**BASE, "method": "gfk", "method_options": {**options, "head": "1nn"}}),
                tmp_path)
    assert given["head"] == "1nn"
    assert "head" not in run(RunConfig(**BASE), tmp_path)  # a deep run has no such head


def test_a_shallow_results_version_bump_changes_only_classical_run_ids(monkeypatch):
    from tftransfer import config as config_module

    deep, classical = RunConfig(**BASE), RunConfig(**{**BASE, "method": "jda"})
    ids = deep.run_id(), classical.run_id()
    monkeypatch.setattr(config_module, "SHALLOW_RESULTS_VERSION",
                        config_module.SHALLOW_RESULTS_VERSION + 1)
    assert deep.run_id() == ids[0]
    assert classical.run_id() != ids[1]


def test_a_method_results_version_changes_only_that_methods_run_ids(monkeypatch):
    from tftransfer import config as config_module

    dann, mdd = RunConfig(**BASE), RunConfig(**{**BASE, "method": "mdd"})
    ids = dann.run_id(), mdd.run_id()
    versions = dict(config_module.METHOD_RESULTS_VERSIONS)
    monkeypatch.setattr(config_module, "METHOD_RESULTS_VERSIONS",
                        {**versions, "mdd": versions.get("mdd", 1) + 1})
    assert dann.run_id() == ids[0]
    assert mdd.run_id() != ids[1]


def test_a_composition_carries_its_parts_method_results_versions(monkeypatch):
    from tftransfer import config as config_module

    composed = RunConfig(**{**BASE, "method": "dann+mcc"})
    before = composed.run_id()
    versions = dict(config_module.METHOD_RESULTS_VERSIONS)
    monkeypatch.setattr(config_module, "METHOD_RESULTS_VERSIONS",
                        {**versions, "mcc": versions.get("mcc", 1) + 1})
    assert composed.run_id() != before


def test_the_weighting_results_version_changes_only_weighted_run_ids(monkeypatch):
    from tftransfer import config as config_module

    plain = RunConfig(**{**BASE, "method": "source_only"})
    weighted = plain.replace(importance_weighting="kmm")
    ids = plain.run_id(), weighted.run_id()
    monkeypatch.setattr(config_module, "WEIGHTING_RESULTS_VERSION",
                        config_module.WEIGHTING_RESULTS_VERSION + 1)
    assert plain.run_id() == ids[0]
    assert weighted.run_id() != ids[1]


def test_the_xla_field_at_its_default_keeps_every_earlier_run_id():
    import hashlib

    from tftransfer import config as config_module

    config = RunConfig(**BASE)
    # The payload runs were hashed with before the field existed.
    before = {k: v for k, v in config.to_dict().items() if k != "xla"}
    canonical = json.dumps({"results_version": config_module.RESULTS_VERSION, "config": before},
                           sort_keys=True, separators=(",", ":"))
    assert config.run_id() == hashlib.sha1(canonical.encode()).hexdigest()[:12]
    assert config.replace(xla=True).run_id() != config.run_id()
    with pytest.raises(TypeError, match="xla"):
        config.replace(xla="yes").validate()


def test_a_nan_run_fails_with_a_reason_and_the_grid_goes_on(tmp_path):
    exploding = RunConfig(**{**BASE, "recipe": {"learning_rate": 1e30}, "method": "source_only"})
    fine = RunConfig(**BASE)
    records = run_grid([exploding, fine], tmp_path, report=None)
    assert [r["status"] for r in records] == ["failed", "done"]
    assert "NaN" in records[0]["error"]
    failed_dir = tmp_path / "runs" / exploding.run_id()
    assert (failed_dir / "failed.json").exists() and not (failed_dir / "done").exists()
    text = write_results(records, tmp_path, title="t", selection="none")
    assert "Failed runs (1)" in text
    assert len(pd.read_csv(tmp_path / "results.csv")) == 1


def test_results_table_has_mean_std_and_average(tmp_path):
    records = [{"experiment": "e", "task": t, "method": m, "seed": s, "target_accuracy": a,
                "source_val_accuracy": 0.9, "train_seconds": 1.0, "target_labels": lab,
                "target_labels_per_class": 0, "run_id": "x", "status": "done"}
               for t, m, lab, s, a in [("A->B", "dann", "none", 0, 0.5), ("A->B", "dann", "none", 1, 0.7),
                                       ("C->D", "dann", "none", 0, 0.9), ("C->D", "dann", "none", 1, 0.9),
                                       ("A->B", "target_only", "all", 0, 1.0),
                                       ("A->B", "target_only", "all", 1, 1.0)]]
    text = write_results(records, tmp_path, title="T", selection="none")
    assert "| dann | 60.0 ± 10.0 | 90.0 ± 0.0 | 75.0 ± 5.0 |" in text
    assert "target_only (ORACLE: all target labels)" in text
    frame = pd.read_csv(tmp_path / "results.csv")
    for column in ("experiment", "task", "method", "seed", "target_accuracy", "source_val_accuracy",
                   "train_seconds"):
        assert column in frame


def test_config_hash_validation_and_unknown_keys():
    config = RunConfig(**BASE)
    assert config.run_id() == RunConfig.from_dict(config.to_dict()).run_id()
    assert config.run_id() != config.replace(seed=1).run_id()
    with pytest.raises(ValueError, match="Unknown config keys \\['epoch'\\]. Valid keys: .*epochs"):
        RunConfig.from_dict({**config.to_dict(), "epoch": 3})
    with pytest.raises(ValueError, match="`method_options.lambda_` must be a finite number >= 0"):
        config.replace(method_options={"lambda_": -1}).validate()
    with pytest.raises(ValueError, match="`epochs` must be an int >= 1. Received: epochs=0"):
        config.replace(epochs=0).validate()


def test_names_are_checked_where_they_are_resolved():
    config = RunConfig(**BASE)
    config.replace(method="danny", strategy="tpu").validate()  # the config is a leaf
    with pytest.raises(ValueError, match="Unknown method 'danny'. Valid methods: .*dann"):
        resolve(config.replace(method="danny"))
    with pytest.raises(ValueError, match="set target_labels_per_class >= 1"):
        resolve(config.replace(method="finetune"))
    with pytest.raises(ValueError, match="Unknown strategy 'tpu'"):
        resolve(config.replace(strategy="tpu"))
    with pytest.raises(ValueError, match=r"Unknown recipe fields \['lr'\]. Valid: optimizer, learning_rate"):
        resolve(config.replace(recipe={"lr": 0.1}))
    with pytest.raises(ValueError, match=r"Unknown options \['temperature'\] for method 'dann'"):
        resolve(config.replace(method_options={"temperature": 2.0}))
    # A transform's options are checked before any run, and need a transform to apply to.
    with pytest.raises(ValueError, match="`standardize` must be one of 'domain', 'none'"):
        resolve(config.replace(method="source_only", transform="coral",
                               transform_options={"standardize": "yes"}))
    with pytest.raises(ValueError, match="transform_options need a transform"):
        resolve(config.replace(transform_options={"standardize": "domain"}))


def test_a_pretrained_backbone_gets_the_recipe_multiplier():
    config = RunConfig(**BASE)
    assert "backbone_lr_multiplier" not in resolve(config).method_options
    pretrained = config.replace(backbone="file:model.keras")
    assert resolve(pretrained).method_options["backbone_lr_multiplier"] == 0.1
    assert resolve(pretrained.replace(method_options={"backbone_lr_multiplier": 0.5})
                   ).method_options["backbone_lr_multiplier"] == 0.5


def test_runner_strategy_argument_gives_the_same_run(two_cpu_strategy):
    """The strategy reaches the runner, which builds the model inside its scope."""
    config = RunConfig(**{**BASE, "recipe": {"learning_rate": 0.05}})
    single, history_1 = train_and_evaluate(config)
    mirrored, history_2 = train_and_evaluate(config.replace(strategy="mirrored"))
    assert (single["replicas"], mirrored["replicas"]) == (1, 2)
    # Same predictions; the SUM-aggregated metric rounds differently in the last float bit.
    assert mirrored["target_accuracy"] == pytest.approx(single["target_accuracy"], abs=1e-6)
    assert mirrored["final_loss"] == pytest.approx(single["final_loss"], rel=1e-5)


@pytest.mark.slow
def test_parallel_workers_give_the_same_records(tmp_path):
    configs = [RunConfig(**BASE, seed=s) for s in (0, 1)]
    sequential = run_grid(configs, tmp_path / "one", report=None)
    parallel = run_grid(configs, tmp_path / "two", report=None, jobs=2)
    for a, b in zip(sequential, parallel):
        assert (a["seed"], a["status"]) == (b["seed"], b["status"]) == (a["seed"], "done")
        assert a["target_accuracy"] == b["target_accuracy"] and a["final_loss"] == b["final_loss"]
    with pytest.raises(ValueError, match="jobs must be an int >= 1"):
        run_grid(configs, tmp_path, jobs=0)
