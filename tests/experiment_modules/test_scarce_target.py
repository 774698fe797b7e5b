"""The scarce-target experiment in a tiny quick mode, its resume, and its flag errors."""

import pandas as pd
import pytest

from tftransfer.data.loaders import default_data_dir

needs_data = pytest.mark.skipif(default_data_dir() is None,
                                reason="benchmark data folder (../shared/data) not present")

# One setting, k=1, one seed, one epoch of 15 steps (batch 512): tiny.
QUICK = ["--settings", "a", "--k", "1", "--seeds", "1", "--epochs", "1", "--pretrain-epochs", "1",
         "--batch-size", "512", "--jobs", "1", "--methods", "scratch,linear_probe,finetune_d1,finetune+dann"]


@needs_data
@pytest.mark.slow
def test_quick_mode_end_to_end_then_resume(tmp_path, capsys):
    from experiments import scarce_target

    argv = [*QUICK, "--out", str(tmp_path)]
    text = scarce_target.main(argv)
    frame = pd.read_csv(tmp_path / "results.csv", dtype={"k": str})
    assert {"setting", "k", "method", "seed", "target_accuracy", "train_seconds"} <= set(frame)
    assert sorted(frame["method"]) == sorted(["scratch", "linear_probe", "finetune_d1", "finetune+dann"])
    assert set(frame["setting"]) == {"a"} and set(frame["k"]) == {"1"}
    assert frame["target_accuracy"].between(0, 1).all()
    assert (tmp_path / "accuracy_vs_k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "summary.md").read_text() == text
    assert "the model at the end of training" in text and "| scratch |" in text
    assert len(list(tmp_path.glob("pretrained/*/hub/saved_model.pb"))) == 1
    capsys.readouterr()
    scarce_target.main(argv)  # relaunch: the export and every run are reused
    out = capsys.readouterr().out
    assert "reusing" in out and out.count("(cached)") == 4


@needs_data
def test_cifar_task_uses_the_labelled_draw_as_source():
    from tftransfer.data.scarce import scarce_target_task

    task = scarce_target_task("cifar10->usps", labelled_per_class=2, seed=3)
    assert task.input_shape == (32, 32, 3) and task.source_train.n == 20
    labelled = task.target_labelled_subset(2, 3)  # the draw FineTuner makes with that seed
    assert (labelled.x == task.source_train.x).all() and (labelled.y == task.source_train.y).all()
    with pytest.raises(ValueError, match="labelled_per_class"):
        scarce_target_task("cifar10->usps")
    with pytest.raises(ValueError, match="Valid tasks: mnist->usps, cifar10->usps"):
        scarce_target_task("svhn->usps")


@pytest.mark.parametrize("flags,message", [
    (["--settings", "a,c"], r"unknown setting \['c'\]; valid settings: a, b"),
    (["--k", "0,5"], r"invalid --k \['0'\]; valid: .*ints >= 1.*'all'"),
    (["--k", "few"], r"invalid --k \['few'\]"),
    (["--seeds", "0"], r"--seeds must be an int >= 1, got 0"),
    (["--epochs", "0"], r"--epochs must be an int >= 1, got 0"),
    (["--tune", "--tasks", "M->U"], r"not supported by scarce_target: --tasks \(see --settings\), --tune"),
])
def test_bad_flags_raise_before_any_training(flags, message, tmp_path):
    from experiments import scarce_target

    with pytest.raises(SystemExit, match=message):
        scarce_target.main([*flags, "--out", str(tmp_path)])
    assert not any(tmp_path.iterdir())


@needs_data
def test_bad_methods_list_the_valid_ones(tmp_path):
    from experiments import scarce_target

    # Depths up to setting a's 3 layer groups, then every DA method after "finetune+".
    with pytest.raises(SystemExit, match=r"unknown method \['finetune_d7', 'magic'\]; valid methods: "
                                         r"scratch, linear_probe, finetune_d1, finetune_d2, "
                                         r"finetune_d3, finetune_dall, finetune\+dann, finetune\+dan"):
        scarce_target.main(["--settings", "a", "--methods", "scratch,finetune_d7,magic",
                            "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match=r"unknown method \['finetune\+finetune'\].*finetune\+dann, finetune\+dan"):
        scarce_target.main(["--methods", "finetune+finetune", "--out", str(tmp_path)])
    assert not any(tmp_path.iterdir())
