"""Tiny seeded tasks (and a tiny optimizer check) shared by the tests."""

import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest
from scipy.stats import multivariate_normal, norm

from tftransfer.data import Domain, TransferTask, default_data_dir

#: The benchmark data folder (`default_data_dir()`), or None.
DATA = default_data_dir()
#: Marks a test that reads the benchmark files of `DATA`; it skips when they are absent.
needs_data = pytest.mark.skipif(
    DATA is None or not DATA.is_dir(),
    reason=f"benchmark data folder not found (default_data_dir() -> {DATA}); set "
    "$TFTRANSFER_DATA_DIR or provide ../shared/data",
)


def benchmark_script(name: str):
    """benchmarks/NAME.py (a script, not a package) loaded as a module."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_task(n=64, features=8, num_classes=3, shift=1.5, seed=0, name="src->tgt"):
    """Gaussian blobs per class; the target is the source shifted along every feature."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2.0, (num_classes, features))

    def domain(label, offset):
        y = np.arange(n) % num_classes
        x = centres[y] + rng.normal(0, 1.0, (n, features)) + offset
        return Domain(label, x.astype("float32"), y, num_classes)

    return TransferTask.from_domains(name, domain("src", 0.0), domain("tgt", shift), seed=seed)


def rotated_shifted_task(seed, n=200, degrees=20.0, shift=4.0):
    """Two 2-D classes; the target is rotated by `degrees` and shifted along the 2nd axis."""
    rng = np.random.default_rng(seed)

    def draw():
        y = rng.integers(0, 2, n)
        means = np.where(y[:, None] == 1, [2.0, 1.5], [-2.0, -1.5])
        return means + rng.normal(0, 0.7, (n, 2)), y

    (xs, ys), (xt, yt) = draw(), draw()
    a = np.deg2rad(degrees)
    rotation = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return xs, ys, xt @ rotation.T + [0.0, shift], yt


def gaussian_shift_1d(seed, n=300, column=False):
    """Source N(0, 1) and target N(0.5, 0.7²) samples, and the true density ratio
    N(x; 0.5, 0.7²) / N(x; 0, 1) at the source samples.

    Args:
        seed: Seed of the draws.
        n: Samples per domain.
        column: Shape the samples `(n, 1)` rather than `(n,)`.

    Returns:
        (xs, xt, ratio).
    """
    rng = np.random.default_rng(seed)
    size = (n, 1) if column else n
    xs, xt = rng.normal(0, 1, size), rng.normal(0.5, 0.7, size)
    return xs, xt, norm.pdf(np.ravel(xs), 0.5, 0.7) / norm.pdf(np.ravel(xs), 0, 1)


def gaussian_shift_2d(seed, cov_s, cov_t, n_s=300, n_t=300, mean_t=(0.7, -0.3)):
    """Source N(0, cov_s) and target N(mean_t, cov_t) samples in 2-D, and the true density
    ratio p_t(x) / p_s(x) at the source samples.

    Args:
        seed: Seed of the draws (source first).
        cov_s, cov_t: The covariances.
        n_s, n_t: Samples per domain.
        mean_t: The target mean (the source's is 0).

    Returns:
        (xs, xt, ratio).
    """
    rng = np.random.default_rng(seed)
    xs = rng.multivariate_normal([0, 0], cov_s, n_s)
    xt = rng.multivariate_normal(list(mean_t), cov_t, n_t)
    ratio = (multivariate_normal(list(mean_t), cov_t).pdf(xs)
             / multivariate_normal([0, 0], cov_s).pdf(xs))
    return xs, xt, ratio


def weights_after_fit(optimizer, epochs=2):
    """The weights of a small seeded Dense-BatchNorm-Dense classifier after `fit` with
    `optimizer` (4 steps a call): the optimizer tests compare optimizers through it."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 5)).astype("float32"), rng.integers(0, 3, 64)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3)])
    model.compile(optimizer=optimizer, steps_per_execution=4,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return [w.numpy() for w in model.weights]
