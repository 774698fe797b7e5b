"""Fitting a one-class detector on source normals, aligned to an unlabelled target."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer._checks import as_samples, check_all_finite, check_int, check_same_features
from tftransfer.data.pipeline import labelled_dataset, paired_dataset


def _check_domain(x, name: str, owner: str) -> np.ndarray:
    x = as_samples(x, name, owner=owner, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"{owner}: `{name}` must be 2-D (n, input_dim). "
                         f"Received: {name} of shape {x.shape}")
    return check_all_finite(x, name, owner=owner)


def fit_detector(model, x_source, x_target=None, *, steps: int, batch_size: int = 64,
                 seed: int = 0, verbose: int = 0):
    """Sets the centre of `model` on `x_source`, then trains it for `steps` batches.

    Each step draws a batch of `batch_size` source rows and, when `model.alignment` is not
    "none", a batch of as many target rows (`tftransfer.data.pipeline.paired_dataset`:
    each domain reshuffled every pass with its own seed, so the stream depends on `seed`
    only). The caller seeds TensorFlow and compiles the model.

    Args:
        model: An `AlignedDeepSVDD`, compiled.
        x_source: Normal source data, shape (n_s, input_dim), n_s >= 2.
        x_target: Unlabelled target data, shape (n_t, input_dim), n_t >= 2; required when
            the model aligns, ignored otherwise.
        steps: Number of training steps, >= 1.
        batch_size: Batch size per domain, >= 2 (a covariance needs two rows).
        seed: Seed of the batch order, >= 0.
        verbose: Keras fit verbosity.

    Returns:
        The Keras `History`.

    Raises:
        TypeError: If an array is not numeric or a count is not an int.
        ValueError: If an array is empty, not 2-D or not finite, the feature sizes differ,
            a domain has fewer than 2 rows, or the aligned model gets no target.
    """
    owner = "fit_detector"
    steps = check_int(steps, "steps", minimum=1, owner=owner)
    batch_size = check_int(batch_size, "batch_size", minimum=2, owner=owner)
    seed = check_int(seed, "seed", minimum=0, owner=owner)
    xs = _check_domain(x_source, "x_source", owner)
    if len(xs) < 2:
        raise ValueError(f"{owner}: `x_source` needs at least 2 rows. "
                         f"Received: x_source of shape {xs.shape}")
    aligns = model.alignment != "none"
    if aligns:
        if x_target is None:
            raise ValueError(f"{owner}: a model with alignment={model.alignment!r} needs "
                             "`x_target` (unlabelled target data). Received: x_target=None")
        xt = _check_domain(x_target, "x_target", owner)
        check_same_features(xs, xt, ("x_source", "x_target"), owner=owner)
        if len(xt) < 2:
            raise ValueError(f"{owner}: `x_target` needs at least 2 rows. "
                             f"Received: x_target of shape {xt.shape}")
    model.initialize_center(xs)
    if aligns:
        ds = paired_dataset(xs, np.zeros(len(xs), np.int32), xt, batch_size=batch_size,
                            seed=seed)
    else:
        ds = labelled_dataset(xs, None, batch_size=batch_size, shuffle=True, seed=seed,
                              repeat=True, drop_remainder=True)
    return model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=verbose, shuffle=False)
