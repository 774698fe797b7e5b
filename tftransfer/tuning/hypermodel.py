"""A registered method + backbone as a KerasTuner HyperModel."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import keras_tuner as kt
import numpy as np

from tftransfer import selection, shallow
from tftransfer.blas import one_blas_thread
from tftransfer.config import RunConfig
from tftransfer.reproducibility import set_seed
from tftransfer.runner import RunFailed, build_model, fit_config, load_task
from tftransfer.runner.shallow_run import flat_features, outputs_of, train_shallow
from tftransfer.tuning.space import Param, config_for


class TransferHyperModel(kt.HyperModel):
    """A registered method + backbone as a KerasTuner HyperModel.

    `build(hp)` is the runner's `build_model` on the trial's configuration (KerasTuner opens
    the strategy scope around it); `fit(hp, model)` trains with the method's recipe
    (the runner's `fit_config`) and returns every validator's score plus
    `target_accuracy` (reported, never an objective unless `target_oracle` is named).

    Args:
        base: The base configuration (task, method, backbone, epochs, seed...).
        space: {hyperparameter: Param}; hyperparameters that are `RunConfig` fields
            (`RUN_FIELDS`) set the field, recipe fields the recipe, the others are method
            options.
        validators: Validator names computed after each trial.
        task: The task (loaded from `base` when None); loaded once for all trials.
    """

    def __init__(self, base: RunConfig, space: Mapping[str, Param], validators: Sequence[str],
                 task=None):
        super().__init__(name=f"{base.method}_on_{base.task}")
        self.base = base.validate()
        self.space = dict(space)
        self.validators = list(validators)
        self.task = task if task is not None else load_task(base)

    def config(self, hp: kt.HyperParameters) -> RunConfig:
        return config_for(self.base, {name: p.declare(hp, name) for name, p in self.space.items()})

    def build(self, hp):
        config = self.config(hp)
        set_seed(config.seed, deterministic=config.deterministic)
        return build_model(config, self.task)

    def fit(self, hp, model, *args, epochs=None, callbacks=None, **kwargs):
        config = self.config(hp)
        if epochs is not None:  # Hyperband's budget for this round
            config = config.replace(epochs=int(epochs))
        try:
            fit_config(model, config, self.task, callbacks=list(callbacks or []))
        except RunFailed as failure:
            raise kt.errors.FailedTrialError(str(failure)) from failure
        scores = selection.score_all(model, self.task, self.validators, seed=config.seed)
        if not all(math.isfinite(v) for v in scores.values()):
            raise kt.errors.FailedTrialError(f"a validator returned a non-finite score: {scores}")
        scores["target_accuracy"] = selection.score("target_oracle", model, self.task)
        return scores


class ShallowHyperModel(TransferHyperModel):
    """A shallow classifier (`tftransfer.shallow`) as a KerasTuner HyperModel.

    `build(hp)` is the unfitted estimator with the trial's options; `fit(hp, estimator)`
    fits it on the task's labelled source and unlabelled target training samples and
    returns every validator's score (on temperature-scaled class scores,
    `runner.shallow_run.outputs_of`) plus `target_accuracy` (reported, never an objective
    unless `target_oracle` is named). KerasTuner trains no Keras model here: the tuner runs
    the trial itself (`tuning.search`'s shallow tuners).

    Args:
        base, space, validators, task: As `TransferHyperModel`; every hyperparameter is
            an option of the estimator.
    """

    def build(self, hp):
        config = self.config(hp)
        return shallow.get(config.method, **dict(config.method_options))

    def fit(self, hp, model, *args, **kwargs):
        config = self.config(hp)
        try:
            model, _ = train_shallow(config, self.task, estimator=model)
            with one_blas_thread():  # as the runner's shallow runs
                scores = selection.score_all(outputs_of(model, self.task), self.task,
                                             self.validators, seed=config.seed)
        except (ValueError, np.linalg.LinAlgError) as error:  # e.g. more dimensions than samples
            raise kt.errors.FailedTrialError(f"{type(error).__name__}: {error}") from error
        if not all(math.isfinite(v) for v in scores.values()):
            raise kt.errors.FailedTrialError(f"a validator returned a non-finite score: {scores}")
        target = model.predict(flat_features(self.task.target_test.x), domain="target")
        scores["target_accuracy"] = (float(np.mean(target == self.task.target_test.y))
                                     if self.task.target_test.y is not None else math.nan)
        return scores
