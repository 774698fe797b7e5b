"""Adaptation beats no adaptation on shifts built so that it must (3 seeds each)."""

import keras
import numpy as np
import pytest

from tftransfer import backbones, methods
from tftransfer.config import RunConfig
from tftransfer.data import Domain, TransferTask
from tftransfer.reproducibility import set_seed
from tftransfer.runner import train_and_evaluate
from tftransfer.training import fit_task


def _moons_accuracy(method, seed):
    """Rotated two moons (Ganin et al. 2016, sec. 5.1): a 35° rotation of the target.

    Every method with its default recipe (SGD, annealed η0 = 0.03, its λ and schedule)."""
    config = RunConfig(experiment="test", task="moons->moons_rotated", method=method, seed=seed,
                       epochs=6, steps_per_epoch=50, batch_size=32,
                       backbone_options={"units": [64, 64]})
    return train_and_evaluate(config)[0]["target_accuracy"]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["dann", "cdan", "dan", "mcc", "deep_coral"])
def test_beats_source_only_on_rotated_moons(method):
    # Measured: source-only 0.76; DANN 0.96, CDAN 0.95, DAN 0.92, MCC 0.85, Deep CORAL (its
    # default λ = 30) 0.89 (means over seeds 0-2).
    source_only = np.mean([_moons_accuracy("source_only", s) for s in range(3)])
    adapted = np.mean([_moons_accuracy(method, s) for s in range(3)])
    assert adapted > source_only + 0.05, (method, source_only, adapted)


def _scaled_task(seed, n=400):
    """Gaussian classes; the target's features are rescaled by 0.3x to 3x (a covariance shift)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.5, (3, 8))
    y_s, y_t = np.arange(n) % 3, rng.permutation(np.arange(n) % 3)
    scale = np.array([3.0, 0.3, 2.5, 0.4, 1.0, 3.0, 0.3, 2.0])
    x_s = centres[y_s] + rng.normal(0, 1, (n, 8))
    x_t = (centres[y_t] + rng.normal(0, 1, (n, 8))) * scale
    return TransferTask.from_domains("s->t", Domain("s", x_s.astype("float32"), y_s, 3),
                                     Domain("t", x_t.astype("float32"), y_t, 3), seed=seed)


def _scaled_accuracy(method, seed, **options):
    set_seed(seed)
    task = _scaled_task(seed)
    model = methods.get(method)(backbones.get("mlp", input_shape=(8,), units=(32, 16)), num_classes=3,
                                **options)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    fit_task(model, task, epochs=30, batch_size=32, seed=seed)
    return model.evaluate(task.target_test.x, task.target_test.y, verbose=0, return_dict=True)["accuracy"]


@pytest.mark.slow
def test_deep_coral_beats_source_only_under_covariance_shift():
    # Measured: source-only 0.83/0.82/0.725, Deep CORAL (λ=300) 0.835/0.78/0.875.
    source_only = [_scaled_accuracy("source_only", s) for s in range(3)]
    coral = [_scaled_accuracy("deep_coral", s, lambda_=300.0) for s in range(3)]
    assert np.mean(coral) > np.mean(source_only) + 0.02, (source_only, coral)


@pytest.mark.slow
def test_mdd_keeps_its_source_classifier():
    # With the full reversed gradient on the features (scale 1.0) the source validation
    # accuracy fell to 0.11 (chance) on this task; with the authors' 0.1 it stays at 0.86.
    config = RunConfig(experiment="test", task="original->rotated", method="mdd", seed=0,
                       epochs=20, batch_size=64, backbone_options={"units": [128, 64]})
    metrics = train_and_evaluate(config)[0]
    assert metrics["source_val_accuracy"] > 0.75, metrics
    assert metrics["target_accuracy"] > 0.40, metrics
