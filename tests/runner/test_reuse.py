"""A run that reuses another run's compiled model gives the fresh model's numbers, bit for bit."""

import pandas as pd
import pytest

from tftransfer.config import RunConfig
from tftransfer.runner import train_and_evaluate
from tftransfer.runner.reuse import COMPILED, architecture_key

BASE = RunConfig(experiment="test", task="moons->moons_rotated", method="dann", epochs=2,
                 batch_size=32, data_options={"n_samples": 96}, backbone_options={"units": [8]},
                 method_options={"bottleneck_units": 8, "discriminator_units": (8, 8)})


@pytest.mark.parametrize("options", [{}, {"mixup": "source"}])
def test_reused_model_trains_like_a_fresh_one(options):
    config = BASE.replace(method_options={**BASE.method_options, **options})
    COMPILED.clear()
    fresh, history = train_and_evaluate(config, reuse_compiled=False)
    train_and_evaluate(config.replace(seed=5, task="moons->moons"))  # kept for this architecture
    hits = COMPILED.hits
    reused, reused_history = train_and_evaluate(config)
    assert COMPILED.hits == hits + 1
    for key in ("target_accuracy", "source_val_accuracy", "final_loss"):
        assert reused[key] == fresh[key], key
    pd.testing.assert_frame_equal(history.drop(columns="epoch_seconds"),
                                  reused_history.drop(columns="epoch_seconds"), check_exact=True)


def test_the_key_ignores_the_data_and_seed_but_not_the_network():
    from tftransfer.runner import load_task

    task = load_task(BASE)
    key = architecture_key(BASE, task)
    assert architecture_key(BASE.replace(seed=3, epochs=9, task="moons->moons"), task) == key
    assert architecture_key(BASE.replace(method="mcc"), task) != key
    assert architecture_key(BASE.replace(backbone_options={"units": [16]}), task) != key
    assert architecture_key(BASE.replace(recipe={"learning_rate": 0.1}), task) != key
