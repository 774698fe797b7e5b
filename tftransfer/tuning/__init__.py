"""KerasTuner search over a method's hyperparameters, scored by a model-selection validator.

The only package of tftransfer that imports `keras_tuner`. A search is a `TransferHyperModel`
(a thin adapter over the runner's own `build_model` and the method's `fit_task`) driven by
RandomSearch, BayesianOptimization or Hyperband. After each trial every validator of
`tftransfer.selection` is computed on the trained model and reported to the tuner, together
with the target test accuracy, which is ONLY reported (`target_accuracy`): the objective is
whichever validator you name, and only `target_oracle` reads target labels.

Example:
    >>> from tftransfer.config import RunConfig
    >>> from tftransfer import tuning
    >>> base = RunConfig(experiment="demo", task="original->rotated", method="dann")
    >>> result = tuning.tune(base, objective="dev", max_trials=10, directory="results/tuning")
    >>> result.best_config.method_options, result.trials.head()

Search spaces: `default_space(config)` gives, for every method, the learning rate
(log-uniform), the freeze depth (an int from 0 to the backbone's number of layer groups, for a
pretrained backbone), λ (log-uniform; methods with an adaptation loss) and the method's own
knobs. Any entry can be replaced or fixed with `space=` (`Param` objects or the strings of
`parse_param`: "0.01:10:log", "1:4", "a|b|c", "0.5"). A fresh search's first trial (random,
Bayesian, or Hyperband's first bracket at its budget) is the configuration's own values
(`default_values`: the method's defaults where the config does not set them), when the space
contains them.

Resuming: with `overwrite=False` (the default) a relaunched search reloads the tuner's
folder and runs no finished trial again. A trial whose loss becomes NaN/inf, or that raises,
is recorded as FAILED with its reason (`trials.csv`, column `message`) and the search goes on.

Distributed search (KerasTuner's chief/worker mode, `tuning.roles.tuning_role()`): with
`KERASTUNER_TUNER_ID`, `KERASTUNER_ORACLE_IP` and `KERASTUNER_ORACLE_PORT` set, the chief's
`tune()` serves the oracle until every trial is done (it trains nothing), then writes
`trials.csv` and returns the selection as usual; a worker's `tune()` trains the trials the
oracle hands it and returns a result with no trials and no selection (only the chief holds
them). Each process records the trials it trained in its tuner state (`<tuner_id>.json`),
which gives `trials.csv` its `trained_by` column when the folder is shared.
"""

from __future__ import annotations

import importlib

# Exports resolve on first use, so `python -m tftransfer.tuning.cluster` (the launcher) and
# `tftransfer.tuning.roles` do not import KerasTuner or TensorFlow.
_EXPORTS = {
    "Param": "space", "parse_param": "space", "parse_space": "space", "default_space": "space",
    "default_values": "space",
    "config_for": "space", "check_space": "space", "RUN_FIELDS": "space",
    "TransferHyperModel": "hypermodel",
    "tune": "search", "check_tuner": "search", "TuningResult": "search", "trials_frame": "search", "TUNERS": "search",
    "oracle_port": "roles", "tuning_role": "roles", "expected_tuning_workers": "roles",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"tftransfer.tuning.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'tftransfer.tuning' has no attribute {name!r}")
