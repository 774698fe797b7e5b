"""benchmarks/peers.py: the accuracy rule, the command line, and (with the `bench` extra
installed: adapt, torch) that every contender learns the same small problem."""

import numpy as np
import pytest

from helpers import benchmark_script


def _peers():
    return benchmark_script("peers")


def test_accuracy_rule_allows_two_standard_errors():
    peers = _peers()
    assert peers._not_worse_values([0.5, 0.5], [0.5, 0.5])
    assert not peers._not_worse_values([0.4, 0.4], [0.5, 0.5])  # no spread: any deficit counts
    # difference -0.02; standard error sqrt(0.0008/2 + 0.0008/2) = 0.0283, margin 0.0566
    assert peers._not_worse_values([0.48, 0.52], [0.50, 0.54])
    # difference -0.06 > margin 0.0566
    assert not peers._not_worse_values([0.48, 0.52], [0.54, 0.58])


def test_unknown_contender_is_rejected(capsys):
    with pytest.raises(SystemExit):
        _peers().main(["throughput", "--contenders", "tftransfer,keras"])
    assert "unknown contenders ['keras']" in capsys.readouterr().err


def _shifted_problem(rng, n=192, features=16, classes=3):
    centers = rng.normal(size=(classes, features)) * 3
    ys = rng.integers(0, classes, n)
    yt = rng.integers(0, classes, n)
    xs = centers[ys] + rng.normal(size=(n, features))
    xt = centers[yt] + rng.normal(size=(n, features)) + 0.5
    return {"xs": xs.astype("float32"), "ys": ys.astype("int32"), "xt": xt.astype("float32"),
            "yt": yt.astype("int32"), "classes": classes, "batch_size": 32, "lambda_": 0.1,
            "steps_per_epoch": n // 32, "epochs": 3, "warmup_epochs": 1}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tftransfer", "adapt", "torch"])
def test_every_contender_learns_the_same_problem(name, rng):
    pytest.importorskip("adapt", reason="the `bench` extra (adapt) is not installed")
    pytest.importorskip("torch", reason="the `bench` extra (torch) is not installed")
    train = _peers().make_trainer(name, _shifted_problem(rng), "cpu", 0)
    result = train(0)
    assert result["timed_s"] > 0 and result["first_call_s"] > 0
    assert result["accuracy"] > 0.9  # well-separated classes, a small shift: chance is 1/3
