"""A constructed domain shift for the shallow-method tests (tiny, seeded)."""

import numpy as np


def nuisance_shift_task(seed, n=90, nuisance=16, offset=5.0):
    """3 classes on a circle in 2 signal features, plus `nuisance` class-free features.

    The target is the source distribution with every nuisance feature offset by
    `offset`. Raw 1-NN then ranks source samples by their (class-free) nuisance noise
    along the offset, which scatters its predictions; a method that removes the offset
    directions (MMD), projects on the class structure (GFK) or compares with class
    centres (EasyTL) recovers the classes. Returns (xs, ys, xt, yt).
    """
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(3) / 3
    means = 2.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def draw(shift):
        y = np.arange(n) % 3
        signal = means[y] + rng.normal(0, 0.8, (n, 2))
        return np.hstack([signal, rng.normal(0, 0.8, (n, nuisance)) + shift]), y

    (xs, ys), (xt, yt) = draw(0.0), draw(offset)
    return xs, ys, xt, yt


def missing_class_task(seed, n=60):
    """3 source classes, a target holding only classes 0 and 1 (its pseudo-labels miss one)."""
    rng = np.random.default_rng(seed)
    means = np.array([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 4.0]])
    ys = np.arange(n) % 3
    yt = np.arange(n) % 2
    xs = means[ys] + rng.normal(0, 0.5, (n, 3))
    xt = means[yt] + rng.normal(0, 0.5, (n, 3)) + 0.3
    return xs, ys, xt, yt
