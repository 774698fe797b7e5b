"""`tune`: a KerasTuner search over a method's hyperparameters, scored by a validator."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import grpc  # a keras-tuner dependency (its distributed oracle)
import joblib  # a scikit-learn dependency: the shallow trials' checkpoints
import keras_tuner as kt
import pandas as pd

from tftransfer import distribute, selection
from tftransfer.config import RunConfig
from tftransfer.io import write_text_atomic
from tftransfer.runner import load_task, resolve
from tftransfer.tuning import roles
from tftransfer.tuning.hypermodel import ShallowHyperModel, TransferHyperModel
from tftransfer.tuning.space import (Param, check_space, config_for, default_space, default_values,
                                     parse_param)

TUNERS = ("random", "bayes", "hyperband")


class _RecordsTrainedTrials:
    """Tuner mixin: the ids of the trials this process trained, kept in its tuner state.

    KerasTuner saves a tuner's state to `<project>/<tuner_id>.json` after every trial; in a
    distributed search that is the only trace of which worker trained which trial.
    """

    trained_trials: tuple = ()

    def on_trial_end(self, trial):
        # Before super(): it reports the trial, then saves this state.
        self.trained_trials = (*self.trained_trials, trial.trial_id)
        super().on_trial_end(trial)

    def get_state(self):
        return {**super().get_state(), "trained_trials": list(self.trained_trials)}

    def set_state(self, state):
        super().set_state(state)
        self.trained_trials = tuple(state.get("trained_trials", ()))


class _RunsShallowTrials:
    """Tuner mixin for a shallow classifier: KerasTuner's black-box use of a tuner
    (`run_trial` returns the trial's metrics; no Keras model is built or fitted), with the
    fitted estimator saved as the trial's checkpoint (`load_model` reads it back)."""

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        estimator = self.hypermodel.build(hp)
        scores = self.hypermodel.fit(hp, estimator)
        path = self._estimator_path(trial.trial_id)
        joblib.dump(estimator, f"{path}.tmp")
        os.replace(f"{path}.tmp", path)  # a killed trial leaves no half-written checkpoint
        return scores

    def load_model(self, trial):
        return joblib.load(self._estimator_path(trial.trial_id))

    def _estimator_path(self, trial_id) -> str:
        return os.path.join(self.get_trial_dir(trial_id), "estimator.joblib")


class _DefaultsFirst:
    """Oracle mixin: the first trial of a fresh search takes `first_values` (the base
    configuration's own values, `space.default_values`), the later ones are sampled as the
    oracle samples them. A search thus always weighs the defaults against what it draws:
    six random draws can all miss the defaults' region (DANN's η0 = 0.03 on 0.001–0.1, log).

    It replaces the first random draw, which every KerasTuner oracle makes for its first
    trial: random search, Bayesian optimisation's initial points, and Hyperband's first
    bracket — whose bookkeeping (budget, rounds) stays the oracle's, so there the defaults
    start at that bracket's budget and go on to the next round only if they rank among its
    best.
    """

    first_values: Optional[Dict[str, Any]] = None

    def _random_values(self):
        if not self.trials and self.first_values is not None:
            return dict(self.first_values)
        return super()._random_values()


def _defaults_first(oracle, values: Dict[str, Any]) -> None:
    """Makes `oracle` start a fresh search with `values` (`_DefaultsFirst`). KerasTuner's
    tuners build their oracle inside `__init__`, so the mixin joins the built one's class."""
    oracle.__class__ = type(f"DefaultsFirst{type(oracle).__name__}", (_DefaultsFirst, type(oracle)), {})
    oracle.first_values = dict(values)


_SEARCHES = (("random", kt.RandomSearch), ("bayes", kt.BayesianOptimization),
             ("hyperband", kt.Hyperband))
_TUNER_CLASSES = {name: type(cls.__name__, (_RecordsTrainedTrials, cls), {})
                  for name, cls in _SEARCHES}
#: Hyperband shares a budget of epochs among trials; a shallow fit has no epochs.
_SHALLOW_TUNER_CLASSES = {name: type(f"Shallow{cls.__name__}",
                                     (_RecordsTrainedTrials, _RunsShallowTrials, cls), {})
                          for name, cls in _SEARCHES if name != "hyperband"}


@dataclasses.dataclass
class TuningResult:
    """What a search leaves: the tuner, the selected configuration and the trials table."""

    tuner: kt.Tuner
    objective: str
    best_config: Optional[RunConfig]
    best_scores: Dict[str, float]
    trials: pd.DataFrame

    @property
    def oracle(self) -> bool:
        """Whether the selection read target labels (objective `target_oracle`)."""
        return selection.is_oracle(self.objective)

    def best_model(self):
        """The selected trial's trained model (a fitted estimator for a shallow method),
        reloaded from its checkpoint."""
        return self.tuner.get_best_models(1)[0]


def check_tuner(base: RunConfig, tuner: str):
    """Checks that `tuner` can search `base`'s method; returns `resolve(base)`.

    Raises:
        ValueError: an unknown name in `base` or an unknown tuner (the valid ones listed), or
            Hyperband for a shallow method (it shares a budget of epochs; a shallow fit has none).
    """
    if tuner not in TUNERS:
        raise ValueError(f"Unknown tuner {tuner!r}. Valid tuners: {', '.join(TUNERS)}")
    resolved = resolve(base)  # every name of the base config, with the valid ones listed
    if resolved.shallow and tuner == "hyperband":
        raise ValueError(f"tuner 'hyperband' shares a budget of epochs among trials and shallow "
                         f"method {base.method!r} has no epochs. Valid tuners for it: "
                         f"{', '.join(_SHALLOW_TUNER_CLASSES)}")
    return resolved


def tune(base: RunConfig, *, objective: str, directory, max_trials: int = 10, tuner: str = "random",
         space: Optional[Mapping[str, Any]] = None, validators: Optional[Sequence[str]] = None,
         project_name: Optional[str] = None, overwrite: bool = False, strategy=None,
         seed: int = 0, task=None, verbose: int = 0) -> TuningResult:
    """Searches `base`'s hyperparameters, maximising the validator `objective`.

    Args:
        base: The base configuration; its `method`, `task`, `epochs`, `seed` are kept.
        objective: A validator name (`tftransfer.selection.names()`); `target_oracle` is
            allowed and marks the result as oracle.
        directory: Folder of the tuner's state (trials, checkpoints) and `trials.csv`.
        max_trials: Trials of random / Bayesian search. Hyperband sizes its brackets from
            `base.epochs` (factor 3, one iteration) and ignores it. With every tuner the first
            trial of a fresh search is `base`'s own values (the method's defaults where
            `base` does not set them) when the space contains them
            (`space.default_values`); Hyperband trains it at its first bracket's budget.
        tuner: "random", "bayes" or "hyperband".
        space: Overrides of `default_space(base)`: {name: Param or spec string}.
        validators: Validators computed for every trial (default: all, oracle included in
            the table only as a labelled column); must include `objective`.
        project_name: Sub-folder of `directory`; default from the task, method, objective,
            tuner and space, so that a different search never resumes another's trials.
        overwrite: Start afresh instead of resuming.
        strategy: A tf.distribute strategy or name, passed to the tuner
            (`distribution_strategy`); None or "default" trains on one device.
        seed: Seed of the tuner's sampling.
        task: The task, if already loaded.
        verbose: KerasTuner verbosity.

    Returns:
        A `TuningResult`; `trials.csv` is written to `directory/project_name/`. In a
        distributed search (`roles.tuning_role()`), the chief's result is the whole
        search's and only the chief writes `trials.csv`; a worker's has an empty `trials`
        and `best_config` None.

    Raises:
        ValueError: an unknown objective, tuner or hyperparameter; bad `max_trials`;
            half-set or bad KERASTUNER_* variables; `overwrite` in a distributed search.
    """
    selection.get(objective)  # unknown names list the valid ones
    role = roles.tuning_role()  # before KerasTuner reads the variables, for clear errors
    if role is not None and overwrite:
        raise ValueError("overwrite=True is not supported in a distributed search (every process "
                         "would delete the shared folder while the others use it); delete "
                         f"{directory} before launching instead")
    if isinstance(max_trials, bool) or not isinstance(max_trials, int) or max_trials < 1:
        raise ValueError(f"max_trials must be an int >= 1, got {max_trials!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    validators = list(validators) if validators is not None else selection.names()
    if objective not in validators:
        validators.append(objective)
    resolved = check_tuner(base, tuner)
    task = task if task is not None else load_task(base)
    full_space = default_space(base, task)
    for name, value in (space or {}).items():
        full_space[name] = value if isinstance(value, Param) else parse_param(str(value))
    check_space(base, full_space)

    hypermodel = (ShallowHyperModel if resolved.shallow else TransferHyperModel)(
        base, full_space, validators, task=task)
    tuner_classes = _SHALLOW_TUNER_CLASSES if resolved.shallow else _TUNER_CLASSES
    project_name = project_name or _project_name(base, objective, tuner, full_space)
    strategy = distribute.resolve_strategy(strategy) if strategy not in (None, "default") else None
    common = dict(objective=kt.Objective(objective, "max"), directory=str(directory),
                  # + 1: KerasTuner takes seed 0 as "no seed" (`seed or random.randint(...)`),
                  # which made two launches of a seed-0 search sample different trials.
                  project_name=project_name, overwrite=overwrite, seed=seed + 1,
                  distribution_strategy=strategy,
                  # A failed trial is recorded and the search goes on, however many fail.
                  max_consecutive_failed_trials=max_trials + 1)
    if tuner == "hyperband":
        search = _TUNER_CLASSES[tuner](hypermodel, max_epochs=base.epochs, factor=3,
                                       hyperband_iterations=1, **common)
    else:
        search = tuner_classes[tuner](hypermodel, max_trials=max_trials, **common)
    first = default_values(base, full_space)
    if first is not None and role != "worker":  # a worker's oracle is the chief's, remote
        _defaults_first(search.oracle, first)
    if role == "chief":
        # Not only the workers it has heard from: a late one would find the oracle gone.
        search.oracle.tuner_ids.update(roles.expected_tuning_workers())
    try:
        search.search(verbose=verbose)  # on the chief: serves the oracle until the search ends
    except grpc.RpcError as error:
        # The chief stops serving once the search is over and every worker it knows of has
        # been told so: a worker asking later is answered by a closed socket. (Should the
        # chief have failed instead, its own exit status says so.)
        if role != "worker" or error.code() != grpc.StatusCode.UNAVAILABLE:
            raise
        print(f"{search.tuner_id}: the oracle at {os.environ[roles.ORACLE_IP_VAR]}:"
              f"{os.environ[roles.ORACLE_PORT_VAR]} is gone; taking the search as over")
    if role == "chief":
        # KerasTuner's oracle saves itself before forgetting an ended trial, and only the
        # (single-process) tuner's own save wrote it again: without this, a relaunch reruns
        # each worker's last trial as if it had crashed.
        search.save()
    if role == "worker":
        # A worker's oracle is a gRPC client without the trial list, and the chief may stop
        # serving as soon as the last worker is told the search is over: the chief reports.
        return TuningResult(search, objective, None, {}, pd.DataFrame())
    trials = trials_frame(search, validators)
    if distribute.is_chief():
        write_text_atomic(Path(directory) / project_name / "trials.csv", trials.to_csv(index=False))
    completed = trials[trials["status"] == "COMPLETED"]
    best_config, best_scores = None, {}
    if len(completed):
        best = completed.sort_values([objective, "trial_id"], ascending=[False, True]).iloc[0]
        best_config = config_for(base, json.loads(best["hyperparameters"]))
        best_scores = {name: float(best[name]) for name in [*validators, "target_accuracy"]}
    return TuningResult(search, objective, best_config, best_scores, trials)


def trials_frame(search: kt.Tuner, validators: Sequence[str]) -> pd.DataFrame:
    """One row per trial: id, status, each hyperparameter, each score, the failure reason,
    and `trained_by`: the tuner ID(s) that trained it, as their tuner states in the
    project folder say ('' when not found, e.g. workers on other machines' disks)."""
    trained_by = _trained_by(Path(search.project_dir))
    rows = []
    for trial_id, trial in sorted(search.oracle.trials.items()):
        values = {k: v for k, v in trial.hyperparameters.values.items() if not k.startswith("tuner/")}
        row = {"trial_id": trial_id, "status": str(trial.status), **values,
               "hyperparameters": json.dumps(values, sort_keys=True)}
        for name in [*validators, "target_accuracy"]:
            row[name] = (trial.metrics.get_last_value(name)
                         if trial.metrics.exists(name) else float("nan"))
        row["message"] = _reason(trial.message)
        row["trained_by"] = ",".join(trained_by.get(trial_id, []))
        rows.append(row)
    return pd.DataFrame(rows)


def _trained_by(project_dir: Path) -> Dict[str, List[str]]:
    """{trial_id: [tuner IDs]} from the tuner states (`<tuner_id>.json`) in `project_dir`."""
    found: Dict[str, List[str]] = {}
    for path in sorted(project_dir.glob("*.json")):  # oracle.json has no "trained_trials"
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for trial_id in state.get("trained_trials", []) if isinstance(state, dict) else []:
            found.setdefault(trial_id, []).append(path.stem)
    return found


def _reason(message: Optional[str]) -> str:
    """The last line of a failed trial's traceback (its exception), or ''."""
    lines = [line for line in (message or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _project_name(base: RunConfig, objective: str, tuner: str, space: Mapping[str, Param]) -> str:
    digest = hashlib.sha1(json.dumps(
        {"base": base.to_dict(), "objective": objective, "tuner": tuner,
         "space": {k: dataclasses.asdict(v) for k, v in sorted(space.items())}},
        sort_keys=True, default=str).encode()).hexdigest()[:10]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{base.task}_{base.method}")
    return f"{slug}_{digest}"
