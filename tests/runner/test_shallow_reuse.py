"""The seeds of a shallow configuration share one fit: the same records as fitting each
seed, and the fit is made once per grid worker."""

import random

import numpy as np
import pytest

from tftransfer import shallow
from tftransfer.config import RunConfig
from tftransfer.runner import run_grid
from tftransfer.runner import shallow_run
from tftransfer.runner.grid import seed_groups
from tftransfer.runner.shallow_run import seed_reaches_fit

BASE = dict(experiment="test", task="moons->moons_rotated", method="jda",
            data_options={"n_samples": 96})
ACCURACY_COLUMNS = ("target_accuracy", "source_val_accuracy")
JDA_2D = {"n_components": 2}  # the moons have 2 features


@pytest.mark.parametrize("name", shallow.names())
def test_no_registered_classifier_draws_from_the_global_seeds(rng, name):
    # The reuse rests on this: without a `random_state`, the run's seed (which seeds Python's
    # and NumPy's global generators) cannot change the fit.
    xs = rng.normal(size=(120, 40))
    ys = np.arange(120) % 3
    xs[:, 0] += 3 * ys
    xt = rng.normal(size=(100, 40)) + 0.5
    scores = []
    for seed in (0, 1):
        np.random.seed(seed)
        random.seed(seed)
        estimator = shallow.get(name)
        assert not seed_reaches_fit(estimator)
        estimator.fit(xs, ys, xt)
        scores.append(estimator.predict_scores(xt, domain="target"))
    np.testing.assert_array_equal(scores[0], scores[1])


def test_seed_groups_keep_shallow_seeds_together_and_deep_runs_alone():
    configs = [RunConfig(**{**BASE, "method": m, "seed": s})
               for s in range(2) for m in ("jda", "dann", "meda")]
    assert seed_groups(configs) == [[0, 3], [1], [2, 5], [4]]


@pytest.mark.parametrize("jobs", [1, 2])
def test_reused_fits_give_the_records_of_separate_fits(tmp_path, monkeypatch, jobs):
    configs = [RunConfig(**{**BASE, "method": m, "seed": s, "validators": ("dev", "snd"),
                            "method_options": options})
               for m, options in (("jda", JDA_2D), ("easytl", {})) for s in range(3)]
    separate = []
    for config in configs:  # a fresh fit each: the last fit is forgotten before every run
        shallow_run._LastFit.key = None
        [record] = run_grid([config], tmp_path / f"alone_{config.method}_{config.seed}",
                            report=None)
        separate.append(record)
    assert all(r["status"] == "done" for r in separate), [r["error"] for r in separate]
    assert all("fit_reused_from_seed" not in r for r in separate)
    shallow_run._LastFit.key = None
    together = run_grid(configs, tmp_path / "grid", report=None, jobs=jobs)
    for alone, grouped in zip(separate, together):
        for column in ACCURACY_COLUMNS + ("score_dev", "score_snd"):
            assert grouped[column] == alone[column], column
    assert [r.get("fit_reused_from_seed") for r in together] == [None, 0, 0, None, 0, 0]


def test_a_fit_is_made_once_per_configuration(tmp_path, monkeypatch):
    fits = []
    real = shallow_run.train_shallow
    monkeypatch.setattr(shallow_run, "train_shallow",
                        lambda config, task, estimator=None: fits.append(config.seed)
                        or real(config, task, estimator))
    shallow_run._LastFit.key = None
    records = run_grid([RunConfig(**{**BASE, "seed": s, "method_options": JDA_2D})
                        for s in range(3)], tmp_path, report=None)
    assert [r["status"] for r in records] == ["done"] * 3
    assert fits == [0]


def test_another_task_or_option_fits_again(tmp_path):
    shallow_run._LastFit.key = None
    base = {**BASE, "method_options": JDA_2D}
    configs = [RunConfig(**base), RunConfig(**{**base, "seed": 1, "data_options": {"n_samples": 80}}),
               RunConfig(**{**base, "seed": 2, "method_options": {"n_components": 1}})]
    records = run_grid(configs, tmp_path, report=None)
    assert [r["status"] for r in records] == ["done"] * 3
    assert [r.get("fit_reused_from_seed") for r in records] == [None, None, None]
