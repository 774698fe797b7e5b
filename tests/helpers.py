"""Tiny seeded tasks shared by the tests."""

import numpy as np

from tftransfer.data import Domain, TransferTask


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
