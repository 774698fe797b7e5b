"""Runs of the shallow classifiers (`tftransfer.shallow`): fit on arrays, no Keras model."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import time

import numpy as np
import pandas as pd

from tftransfer import selection, shallow
from tftransfer.blas import one_blas_thread
from tftransfer.config import RunConfig
from tftransfer.selection._outputs import DomainOutputs, ModelOutputs
from tftransfer.shallow.calibration import fit_temperature, scaled_logits

#: Which side of the map each task split is on.
_DOMAIN_OF = {"source_train": "source", "source_val": "source", "target_train": "target",
              "target_test": "target"}


def flat_features(x) -> np.ndarray:
    """Samples as the (n, features) float64 matrix the shallow classifiers take."""
    return np.asarray(x, dtype=np.float64).reshape(len(x), -1)


def train_shallow(config: RunConfig, task, estimator=None):
    """Fits `config.method` (a shallow classifier) on the task; returns (estimator, seconds).

    The estimator (`estimator`, or a new one with `config.method_options`) sees the
    labelled source training split and the unlabelled target training inputs, never a
    target label. `config.seed` seeds it where it draws.
    """
    if estimator is None:
        estimator = shallow.get(config.method, **dict(config.method_options))
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=config.seed)
    start = time.perf_counter()
    with one_blas_thread():
        estimator.fit(flat_features(task.source_train.x), task.source_train.y,
                      flat_features(task.target_train.x))
    return estimator, time.perf_counter() - start


def seed_reaches_fit(estimator) -> bool:
    """Whether `config.seed` reaches the estimator's fit (its `random_state`). None of the
    registered classifiers draws at random otherwise (tests/runner/test_shallow_reuse.py fits
    each under two global NumPy seeds and gets the same scores), so without a `random_state`
    every seed of a task fits the same estimator."""
    return "random_state" in estimator.get_params()


def fit_key(config: RunConfig, estimator, task) -> str:
    """What a shallow fit depends on: the method, its parameters, and the three arrays it
    reads (source training inputs and labels, target training inputs)."""
    digest = hashlib.sha256(json.dumps(
        [config.method, dict(config.method_options),
         sorted((k, repr(v)) for k, v in estimator.get_params(deep=True).items())],
        sort_keys=True, default=str).encode())
    for array in (flat_features(task.source_train.x), np.asarray(task.source_train.y),
                  flat_features(task.target_train.x)):
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()


class _LastFit:
    """The last seed-independent fit of this process, for the next seed of the same task
    (`run_grid` runs the seeds of a shallow configuration one after the other in one worker).
    """

    key = None
    estimator = None
    seed = None


def train_shallow_reusing(config: RunConfig, task):
    """`train_shallow`, reusing this process's last fit when `config` differs from it only
    in the seed and the seed does not reach the fit (`seed_reaches_fit`): the same estimator,
    bit for bit, without fitting it again.

    Returns:
        (estimator, seconds, seed whose fit was reused or None).
    """
    estimator = shallow.get(config.method, **dict(config.method_options))
    if seed_reaches_fit(estimator):
        return (*train_shallow(config, task, estimator), None)
    start = time.perf_counter()
    key = fit_key(config, estimator, task)
    if key == _LastFit.key:
        return copy.deepcopy(_LastFit.estimator), time.perf_counter() - start, _LastFit.seed
    estimator, seconds = train_shallow(config, task, estimator)
    _LastFit.key, _LastFit.estimator, _LastFit.seed = key, copy.deepcopy(estimator), config.seed
    return estimator, seconds, None


def outputs_of(estimator, task) -> ModelOutputs:
    """The estimator's class scores and embedding on every split, for validators.

    The scores become logits by temperature scaling fitted on the labelled source
    validation split (`tftransfer.shallow.calibration`): a common probability scale, so
    that validators which read probabilities (and `auto`, comparing shallow and deep
    candidates) do not reward a method for the units of its scores. No target label is read.
    """
    scores, features = {}, {}
    for split, domain in _DOMAIN_OF.items():
        x = flat_features(getattr(task, split).x)
        scores[split] = estimator.predict_scores(x, domain=domain)
        features[split] = (estimator.transform_source(x) if domain == "source"
                           else estimator.transform_target(x))
    unseen = np.setdiff1d(task.source_val.y, estimator.classes_)
    if unseen.size:
        raise ValueError(f"source validation classes {unseen.tolist()} have no source training "
                         "sample: the shallow classifier cannot score them")
    source_val_labels = np.searchsorted(estimator.classes_, task.source_val.y)
    temperature = fit_temperature(scores["source_val"], source_val_labels)
    outputs = {split: DomainOutputs(split, scaled_logits(scores[split], temperature),
                                    np.asarray(features[split], np.float64),
                                    getattr(task, split).y)
               for split in _DOMAIN_OF}
    return ModelOutputs.from_outputs(task, outputs)


def evaluate_shallow(estimator, task, config: RunConfig, train_seconds: float) -> dict:
    """The metrics of a fitted shallow run, in the record schema of deep runs."""
    start = time.perf_counter()
    with one_blas_thread():
        target = estimator.predict(flat_features(task.target_test.x), domain="target")
        source = estimator.predict(flat_features(task.source_val.x), domain="source")
        labelled = task.target_test.y is not None  # a user's unlabelled files: NaN, not 0
        metrics = {"target_labels": "none",
                   "target_accuracy": (float(np.mean(target == task.target_test.y))
                                       if labelled else math.nan),
                   "source_val_accuracy": float(np.mean(source == task.source_val.y)),
                   "final_loss": math.nan, "train_seconds": train_seconds, "replicas": 1}
        if getattr(estimator, "head_", None):  # which head classified, e.g. source_cv's pick
            metrics["head"] = estimator.head_
        if config.validators:
            scores = selection.score_all(outputs_of(estimator, task), task, config.validators,
                                         seed=config.seed)
            metrics.update({f"score_{name}": value for name, value in scores.items()})
    metrics["evaluate_seconds"] = time.perf_counter() - start
    return metrics


def empty_history() -> pd.DataFrame:
    """A shallow fit has no epochs: an empty history with the `epoch` column."""
    return pd.DataFrame({"epoch": []})
