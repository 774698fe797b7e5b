"""`tftransfer run`: files -> runs, results, predictions, report, TensorBoard; resuming."""

import contextlib
import dataclasses
import io
import json

import numpy as np
import pandas as pd
import pytest

from tftransfer.cli import main
from tftransfer.cli import training

# One pass over the larger domain per epoch (the default budget is 50 steps an epoch).
FAST = ["--epochs", "2", "--batch-size", "32", "--steps-per-epoch", "1",
        "--backbone-option", "units=[16]"]


def blobs(rng, n, shift=0.0, names=("cat", "dog", "eel")):
    """Class c around 2.5·c on every feature (+ shift): separable, shifted for the target."""
    y = np.arange(n) % len(names)
    x = rng.normal(scale=0.6, size=(n, 4)) + 2.5 * y[:, None] + shift
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(4)])
    frame["label"] = np.asarray(names)[y]
    return frame


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    rng = np.random.default_rng(0)
    blobs(rng, 60).to_csv(folder / "shop.csv", index=False)
    street = blobs(rng, 45, shift=0.8)
    street.to_csv(folder / "street.csv", index=False)
    street.drop(columns="label").to_csv(folder / "street_unlabelled.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def finished(files, tmp_path_factory):
    """One real run of two methods with TensorBoard logs; (status, out folder, stdout)."""
    out = tmp_path_factory.mktemp("out")
    stdout = io.StringIO()  # module scope: no capsys
    with contextlib.redirect_stdout(stdout):
        status = main(["run", "--source", str(files / "shop.csv"), "--target",
                       str(files / "street.csv"), "--methods", "source_only,dann", "--seeds", "1",
                       "--out", str(out), "--tensorboard", *FAST])
    return status, out, stdout.getvalue()


@pytest.mark.slow  # the module's run (about 20 s) trains two models
def test_run_writes_results_predictions_and_run_directories(finished):
    status, out, printed = finished
    assert status == 0, printed
    results = pd.read_csv(out / "results.csv")
    assert sorted(results["method"]) == ["dann", "source_only"]
    assert results["task"].unique().tolist() == ["shop->street"]
    assert results["target_accuracy"].between(0, 1).all()
    # every unsupervised run stores auto's honest validators
    assert {"score_dev", "score_reverse_validation"} <= set(results.columns)
    # a progress line per run, with the time left
    lines = [l for l in printed.splitlines() if l.startswith("[")]
    assert len(lines) == 2 and all("left" in l for l in lines)
    predictions = pd.read_csv(out / "predictions.csv")
    assert list(predictions.columns) == ["row", "source_only", "dann", "label"]
    assert len(predictions) == 45 and set(predictions["dann"]) <= {"cat", "dog", "eel"}
    # the source's class shares (20 of 60 each) beside source_only's target predictions
    shares = "Class shares (%), source / source_only's target predictions: cat 33 / "
    assert shares in printed and shares in (out / "summary.md").read_text()
    task = json.loads((out / "task.json").read_text())
    assert task["class_names"] == ["cat", "dog", "eel"]
    assert task["protocol"].startswith("transductive")
    for run_id in results["run_id"]:
        run_dir = out / "runs" / run_id
        assert {"config.json", "history.csv", "metrics.json", "features.npz", "predictions.csv",
                "done"} <= {p.name for p in run_dir.iterdir()}
        config = json.loads((run_dir / "config.json").read_text())
        assert config["dataset"] == "files" and len(config["data_options"]["fingerprint"]) == 16
        with np.load(run_dir / "features.npz") as features:
            # the same sampled rows for every run of the task
            assert features["source_rows"].tolist() == list(range(54))
            assert features["target_features"].shape[0] == 45


@pytest.mark.slow  # the module's run (about 20 s) trains two models
def test_run_report_files_and_plots_exist(finished):
    status, out, _ = finished
    html = (out / "report.html").read_text()
    figures = sorted((out / "figures").glob("*.png"))
    names = {p.stem for p in figures}
    assert {"bars", "curves_shop_to_street", "embedding_domain_shop_to_street",
            "embedding_class_shop_to_street"} <= names
    for path in figures:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 2000
    assert html.count("data:image/png;base64,") == len(figures)
    markdown = (out / "report.md").read_text()
    assert "| source_only |" in markdown and "proxy A-distance" in markdown
    assert "features: dann" in markdown and "Negative transfer" in markdown


@pytest.mark.slow  # the module's run (about 20 s) trains two models
def test_tensorboard_logs_every_loss_term_and_lambda(finished):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    _, out, _ = finished
    runs = sorted((out / "tensorboard").iterdir())
    assert [r.name.split("_seed")[0] for r in runs] == ["dann", "source_only"]
    accumulator = EventAccumulator(str(runs[0] / "train"), size_guidance={"tensors": 0}).Reload()
    tags = set(accumulator.Tags()["tensors"])
    assert {"epoch_loss", "epoch_task_loss", "epoch_adaptation_loss", "epoch_lambda"} <= tags
    assert len(accumulator.Tensors("epoch_lambda")) == 2  # one per epoch


@pytest.mark.slow  # the module's run (about 20 s) trains two models
def test_relaunch_resumes_without_retraining(finished, files, monkeypatch, capsys):
    status, out, _ = finished
    results = pd.read_csv(out / "results.csv")
    trained = []
    original = training.train_run

    def counted(config, *args, **kwargs):
        trained.append(config.label)
        return original(config, *args, **kwargs)

    monkeypatch.setattr(training, "train_run", counted)
    # A killed command: the dann run never reached its `done` marker.
    dann = results.loc[results["method"] == "dann", "run_id"].item()
    (out / "runs" / dann / "done").unlink()
    argv = ["run", "--source", str(files / "shop.csv"), "--target", str(files / "street.csv"),
            "--methods", "source_only,dann", "--out", str(out), "--no-report", *FAST]
    assert main(argv) == 0
    assert trained == ["dann"]  # source_only read back
    assert "source_only seed=0: target acc" in capsys.readouterr().out
    # Relaunched again: nothing trains, the same numbers come back.
    trained.clear()
    assert main(argv) == 0
    assert trained == [] and "(cached)" in capsys.readouterr().out
    again = pd.read_csv(out / "results.csv")
    np.testing.assert_allclose(again.sort_values("method")["target_accuracy"],
                               results.sort_values("method")["target_accuracy"])


def test_a_changed_file_gets_new_runs(files, tmp_path):
    source = tmp_path / "s.csv"
    (tmp_path / "t.csv").write_text((files / "street.csv").read_text())
    source.write_text((files / "shop.csv").read_text())
    from tftransfer.cli import inputs

    before = inputs.data_options(source, tmp_path / "t.csv")["fingerprint"]
    frame = pd.read_csv(source)
    frame.loc[0, "f0"] += 1.0
    frame.to_csv(source, index=False)
    assert inputs.data_options(source, tmp_path / "t.csv")["fingerprint"] != before


def test_standardize_is_a_data_option_only_when_not_the_default(files):
    from tftransfer.cli import inputs
    from tftransfer.cli.parser import parse

    source, target = files / "shop.csv", files / "street.csv"
    assert "standardize" not in inputs.data_options(source, target)  # run ids as before
    options = inputs.data_options(source, target, standardize="pooled")
    assert options["standardize"] == "pooled"
    task, _ = inputs.load_files_task(options)
    assert any("standardize='pooled'" in note for note in task.notes)
    args = parse(["run", "--source", str(source), "--target", str(target),
                  "--standardize", "none", "--missing", "mean"])
    assert args.standardize == "none" and args.missing == "mean"
    assert "missing" not in inputs.data_options(source, target)
    assert inputs.data_options(source, target, missing="mean")["missing"] == "mean"


@pytest.mark.slow
def test_prediction_only_target_gets_class_names_and_an_honest_report(files, tmp_path, capsys):
    argv = ["run", "--source", str(files / "shop.csv"), "--target",
            str(files / "street_unlabelled.csv"), "--methods", "source_only,dann", "--out",
            str(tmp_path), *FAST, "--epochs", "10"]
    assert main(argv) == 0, capsys.readouterr().err
    predictions = pd.read_csv(tmp_path / "predictions.csv")
    assert list(predictions.columns) == ["row", "source_only", "dann"]  # no labels to show
    assert len(predictions) == 45 and set(predictions["source_only"]) <= {"cat", "dog", "eel"}
    # the source-only model separates the (mildly shifted) blobs: most predictions are right
    truth = pd.read_csv(files / "street.csv")["label"]
    assert (predictions["source_only"] == truth).mean() > 0.6
    results = pd.read_csv(tmp_path / "results.csv")
    assert results["target_accuracy"].isna().all()
    markdown = (tmp_path / "report.md").read_text()
    assert "DEV score (honest validator" in markdown  # negative transfer judged honestly
    assert "PREDICTIONS (the target has no labels)" in markdown
    summary = (tmp_path / "summary.md").read_text()
    assert "nan" not in summary and "no target accuracy" in summary
    assert "Class shares (%), source / source_only's target predictions: cat 33 / " in summary
    printed = capsys.readouterr().out
    assert "source val acc" in printed and "prediction only" in printed


@pytest.mark.slow
def test_auto_trains_the_candidates_and_adds_its_row(files, tmp_path, capsys, monkeypatch):
    from tftransfer import auto

    # Three candidates keep the test short; the wiring is the same for all of auto's.
    monkeypatch.setattr(auto, "CANDIDATES", ("source_only", "dann", "mcc"))
    argv = ["run", "--source", str(files / "shop.csv"), "--target", str(files / "street.csv"),
            "--methods", "auto", "--out", str(tmp_path), "--no-report", "--epochs", "1",
            "--steps-per-epoch", "1", "--batch-size", "64", "--backbone-option", "units=[8]"]
    assert main(argv) == 0, capsys.readouterr().err
    results = pd.read_csv(tmp_path / "results.csv")
    assert set(results["method"]) == set(auto.CANDIDATES) | {"auto"}
    row = results[results["method"] == "auto"].iloc[0]
    picked = results[results["method"] == row["auto_pick"]].iloc[0]
    assert row["target_accuracy"] == picked["target_accuracy"]
    decisions = json.loads((tmp_path / "auto.json").read_text())["decisions"]
    assert decisions[0]["pick"] == row["auto_pick"]
    assert len(decisions[0]["candidates"]) == len(auto.CANDIDATES)
    assert f"auto (seed 0): {row['auto_pick']}" in capsys.readouterr().out


def test_the_default_budget_is_fifty_steps_an_epoch_or_one_pass_if_longer(files):
    from tftransfer.cli import inputs
    from tftransfer.cli.parser import parse
    from tftransfer.cli.run import build_configs

    argv = ["run", "--source", str(files / "shop.csv"), "--target", str(files / "street.csv"),
            "--methods", "source_only"]
    task, options = inputs.load_files_task(inputs.data_options(files / "shop.csv",
                                                               files / "street.csv"))
    config, = build_configs(task, options, ["source_only"], parse(argv))
    assert (config.epochs, config.steps_per_epoch, config.batch_size) == (10, 50, 32)
    # A source of 60 rows is 2 batches of 32: one pass is less than 50 steps. Larger data
    # gets at least one pass an epoch.
    source = task.source_train
    big = dataclasses.replace(task, source_train=dataclasses.replace(
        source, x=np.repeat(source.x, 30, 0), y=np.repeat(source.y, 30)))
    config, = build_configs(big, options, ["source_only"], parse(argv))
    assert config.steps_per_epoch == -(-big.source_train.n // 32) > 50
    config, = build_configs(task, options, ["source_only"],
                            parse(argv + ["--steps-per-epoch", "1", "--epochs", "20"]))
    assert (config.epochs, config.steps_per_epoch) == (20, 2)
