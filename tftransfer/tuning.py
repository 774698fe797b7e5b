"""KerasTuner search over a method's hyperparameters, scored by a model-selection validator.

The only module of tftransfer that imports `keras_tuner`. A search is a `TransferHyperModel`
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
(log-uniform), the freeze depth (an int from 0 to the backbone's number of layer groups),
λ (log-uniform; methods with an adaptation loss) and the method's own knobs. Any entry can be
replaced or fixed with `space=` (`Param` objects or the strings of `parse_param`:
"0.01:10:log", "1:4", "a|b|c", "0.5").

Resuming: with `overwrite=False` (the default) a relaunched search reloads the tuner's
folder and runs no finished trial again. A trial whose loss becomes NaN/inf, or that raises,
is recorded as FAILED with its reason (`trials.csv`, column `message`) and the search goes on.

Distributed search (KerasTuner's chief/worker mode, `distribute.tuning_role()`): with
`KERASTUNER_TUNER_ID`, `KERASTUNER_ORACLE_IP` and `KERASTUNER_ORACLE_PORT` set, the chief's
`tune()` serves the oracle until every trial is done (it trains nothing), then writes
`trials.csv` and returns the selection as usual; a worker's `tune()` trains the trials the
oracle hands it and returns a result with no trials and no selection (only the chief holds
them). Each process records the trials it trained in its tuner state (`<tuner_id>.json`),
which gives `trials.csv` its `trained_by` column when the folder is shared.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import inspect
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import grpc  # a keras-tuner dependency (its distributed oracle)
import keras_tuner as kt
import pandas as pd

from tftransfer import backbones, distribute, methods, selection
from tftransfer.backbones.freezing import resolve_freeze_depth
from tftransfer.config import RunConfig
from tftransfer.io import write_text_atomic
from tftransfer.reproducibility import set_seed
from tftransfer.runner import RunFailed, build_model, fit_config, load_task

TUNERS = ("random", "bayes", "hyperband")

#: Hyperparameters that are `RunConfig` fields; every other one is a method option.
RUN_FIELDS = ("learning_rate", "batch_size", "epochs", "optimizer", "lambda_schedule")


@dataclasses.dataclass(frozen=True)
class Param:
    """One dimension of a search space.

    Args:
        kind: "float", "int", "choice" or "fixed".
        low, high: Bounds of "float" / "int" (inclusive).
        log: Sample "float" log-uniformly (and "int" on a log scale).
        values: The options of "choice", or the one value of "fixed".
    """

    kind: str
    low: Optional[float] = None
    high: Optional[float] = None
    log: bool = False
    values: tuple = ()

    def __post_init__(self):
        if self.kind not in ("float", "int", "choice", "fixed"):
            raise ValueError(f"Param kind must be float, int, choice or fixed; got {self.kind!r}")
        if self.kind in ("float", "int"):
            if self.low is None or self.high is None or not self.low <= self.high:
                raise ValueError(f"{self.kind} Param needs low <= high, got {self.low!r}..{self.high!r}")
            if self.log and self.low <= 0:
                raise ValueError(f"a log-scale Param needs low > 0, got {self.low!r}")
        elif not self.values or (self.kind == "fixed" and len(self.values) != 1):
            raise ValueError(f"{self.kind} Param needs {'one value' if self.kind == 'fixed' else 'values'}")

    def declare(self, hp: kt.HyperParameters, name: str):
        """Declares the dimension on `hp` and returns this trial's value."""
        if self.kind == "float":
            return hp.Float(name, self.low, self.high, sampling="log" if self.log else "linear")
        if self.kind == "int":
            return hp.Int(name, int(self.low), int(self.high), sampling="log" if self.log else "linear")
        if self.kind == "choice":
            return hp.Choice(name, list(self.values))
        return hp.Fixed(name, self.values[0])


def parse_param(text: str) -> Param:
    """Parses a command-line search dimension.

    "LOW:HIGH" (uniform; ints if both are ints), "LOW:HIGH:log", "A|B|C" (a choice), or a
    single value (fixed). Values are read as int, float, true/false, or left as strings.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a search dimension must be a non-empty string, got {text!r}")
    if "|" in text:
        return Param("choice", values=tuple(_literal(v) for v in text.split("|")))
    parts = text.split(":")
    if len(parts) in (2, 3):
        if len(parts) == 3 and parts[2] != "log":
            raise ValueError(f"bad search dimension {text!r}: the third field may only be 'log'")
        low, high = _literal(parts[0]), _literal(parts[1])
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            raise ValueError(f"bad search dimension {text!r}: bounds must be numbers")
        kind = "int" if isinstance(low, int) and isinstance(high, int) else "float"
        return Param(kind, low=low, high=high, log=len(parts) == 3)
    return Param("fixed", values=(_literal(text),))


def _literal(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def parse_space(items: Sequence[str]) -> Dict[str, Param]:
    """`["lambda_=0.01:10:log", "learning_rate=0.001"]` -> {name: Param}."""
    space = {}
    for item in items:
        name, sep, spec = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"a search-space override must be NAME=SPEC, got {item!r}")
        space[name.strip()] = parse_param(spec)
    return space


# Method-specific knobs (on top of learning rate, freeze depth and λ).
_METHOD_KNOBS: Dict[str, Dict[str, Param]] = {
    "deep_coral": {"lambda_": Param("float", 0.1, 1000.0, log=True)},  # CORAL loss is ~1e-3
    "cdan": {"entropy_conditioning": Param("choice", values=(False, True))},
    "mdd": {"margin": Param("float", 1.0, 6.0)},
    "mcc": {"temperature": Param("float", 1.0, 5.0)},
    "finetune": {"l2sp_alpha": Param("float", 1e-4, 1.0, log=True),
                 "backbone_lr_multiplier": Param("float", 0.01, 1.0, log=True)},
}


def default_space(config: RunConfig, task=None) -> Dict[str, Param]:
    """The default search space of `config.method` on `config.backbone`.

    Args:
        config: The base configuration (method, backbone and its options).
        task: The task (for the backbone's input shape); loaded when None.
    """
    task = task if task is not None else load_task(config)
    backbone = backbones.get(config.backbone, input_shape=task.input_shape,
                             **dict(config.backbone_options))
    groups = resolve_freeze_depth(backbone, "all")
    # A frozen random backbone (depth 0) is pointless for the baselines that train from scratch.
    lowest = 1 if config.method in ("source_only", "target_only") and groups else 0
    space = {"learning_rate": Param("float", 1e-4, 1e-2, log=True),
             "freeze_depth": Param("int", lowest, groups)}
    if methods.get(config.method).uses_target:
        space["lambda_"] = Param("float", 0.01, 10.0, log=True)
    space.update(_METHOD_KNOBS.get(config.method, {}))
    return space


def config_for(base: RunConfig, values: Mapping[str, Any]) -> RunConfig:
    """`base` with a trial's hyperparameter values: run fields set, the rest method options."""
    fields = {k: v for k, v in values.items() if k in RUN_FIELDS}
    options = {k: v for k, v in values.items() if k not in RUN_FIELDS and not k.startswith("tuner/")}
    return base.replace(**fields, method_options={**dict(base.method_options), **options}).validate()


class TransferHyperModel(kt.HyperModel):
    """A registered method + backbone as a KerasTuner HyperModel.

    `build(hp)` is the runner's `build_model` on the trial's configuration (KerasTuner opens
    the strategy scope around it); `fit(hp, model)` trains with the method's recipe
    (`fit_task`, the runner's callbacks) and returns every validator's score plus
    `target_accuracy` (reported, never an objective unless `target_oracle` is named).

    Args:
        base: The base configuration (task, method, backbone, epochs, seed...).
        space: {hyperparameter: Param}; hyperparameters that are `RunConfig` fields
            (`RUN_FIELDS`) set the field, the others are method options.
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


_TUNER_CLASSES = {name: type(cls.__name__, (_RecordsTrainedTrials, cls), {})
                  for name, cls in (("random", kt.RandomSearch),
                                    ("bayes", kt.BayesianOptimization),
                                    ("hyperband", kt.Hyperband))}


@contextlib.contextmanager
def oracle_port(offset: int):
    """Runs a distributed search on `KERASTUNER_ORACLE_PORT + offset` (no-op outside one).

    For a process that runs several searches one after the other: a worker done with search
    k would otherwise ask the chief's oracle of search k, still serving the other workers,
    for search k+1's trials, be told the search is over, and skip it. Give search k the
    offset k on every process.

    Args:
        offset: Added to the port; an int >= 0.
    """
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"oracle_port offset must be an int >= 0, got {offset!r}")
    if distribute.tuning_role() is None or offset == 0:
        yield
        return
    name = distribute.ORACLE_PORT_VAR
    base = os.environ[name]
    if int(base) + offset > 65535:
        raise ValueError(f"{name}={base} + search offset {offset} is above 65535")
    os.environ[name] = str(int(base) + offset)
    try:
        yield
    finally:
        os.environ[name] = base


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
        """The selected trial's trained model, reloaded from its checkpoint."""
        return self.tuner.get_best_models(1)[0]


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
            `base.epochs` (factor 3, one iteration) and ignores it.
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
        distributed search (`distribute.tuning_role()`), the chief's result is the whole
        search's and only the chief writes `trials.csv`; a worker's has an empty `trials`
        and `best_config` None.

    Raises:
        ValueError: an unknown objective, tuner or hyperparameter; bad `max_trials`;
            half-set or bad KERASTUNER_* variables; `overwrite` in a distributed search.
    """
    selection.get(objective)  # unknown names list the valid ones
    role = distribute.tuning_role()  # before KerasTuner reads the variables, for clear errors
    if role is not None and overwrite:
        raise ValueError("overwrite=True is not supported in a distributed search (every process "
                         "would delete the shared folder while the others use it); delete "
                         f"{directory} before launching instead")
    if tuner not in TUNERS:
        raise ValueError(f"Unknown tuner {tuner!r}. Valid tuners: {', '.join(TUNERS)}")
    if isinstance(max_trials, bool) or not isinstance(max_trials, int) or max_trials < 1:
        raise ValueError(f"max_trials must be an int >= 1, got {max_trials!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    validators = list(validators) if validators is not None else selection.names()
    if objective not in validators:
        validators.append(objective)
    base = base.validate()
    task = task if task is not None else load_task(base)
    full_space = default_space(base, task)
    for name, value in (space or {}).items():
        full_space[name] = value if isinstance(value, Param) else parse_param(str(value))
    _check_space(base, full_space)

    hypermodel = TransferHyperModel(base, full_space, validators, task=task)
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
        search = _TUNER_CLASSES[tuner](hypermodel, max_trials=max_trials, **common)
    if role == "chief":
        # Not only the workers it has heard from: a late one would find the oracle gone.
        search.oracle.tuner_ids.update(distribute.expected_tuning_workers())
    try:
        search.search(verbose=verbose)  # on the chief: serves the oracle until the search ends
    except grpc.RpcError as error:
        # The chief stops serving once the search is over and every worker it knows of has
        # been told so: a worker asking later is answered by a closed socket. (Should the
        # chief have failed instead, its own exit status says so.)
        if role != "worker" or error.code() != grpc.StatusCode.UNAVAILABLE:
            raise
        print(f"{search.tuner_id}: the oracle at {os.environ[distribute.ORACLE_IP_VAR]}:"
              f"{os.environ[distribute.ORACLE_PORT_VAR]} is gone; taking the search as over")
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


def _check_space(base: RunConfig, space: Mapping[str, Param]) -> None:
    """Every hyperparameter must be a run field or an argument of the method's constructor."""
    cls = methods.get(base.method)
    accepted = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            accepted |= set(inspect.signature(klass.__init__).parameters)
    unknown = sorted(n for n in space if n not in RUN_FIELDS and n not in accepted)
    if unknown:
        valid = sorted((accepted - {"self", "kwargs", "feature_extractor", "num_classes",
                                    "classifier"}) | set(RUN_FIELDS))
        raise ValueError(f"Unknown hyperparameters {unknown} for method {base.method!r}. "
                         f"Valid: {', '.join(valid)}")


def _project_name(base: RunConfig, objective: str, tuner: str, space: Mapping[str, Param]) -> str:
    digest = hashlib.sha1(json.dumps(
        {"base": base.to_dict(), "objective": objective, "tuner": tuner,
         "space": {k: dataclasses.asdict(v) for k, v in sorted(space.items())}},
        sort_keys=True, default=str).encode()).hexdigest()[:10]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{base.task}_{base.method}")
    return f"{slug}_{digest}"
