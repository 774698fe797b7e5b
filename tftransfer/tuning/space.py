"""The search-space language and a method's default space."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Dict, Mapping, Optional, Sequence

import numpy as np

from tftransfer import backbones, methods, shallow, variants
from tftransfer.backbones.freezing import resolve_freeze_depth
from tftransfer.config import RunConfig
from tftransfer.methods import Recipe
from tftransfer.runner import load_task, resolve

#: Hyperparameters that are `RunConfig` fields; recipe fields go to `RunConfig.recipe`, every
#: other one is a method option.
RUN_FIELDS = ("batch_size", "epochs")


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

    def contains(self, value) -> bool:
        """Whether `value` is one this dimension can take."""
        if self.kind in ("choice", "fixed"):
            return any(value == v and type(value) is type(v) for v in self.values)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.kind == "int" and int(value) != value:
            return False
        return self.low <= value <= self.high

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
        return Param("choice", values=tuple(literal(v) for v in text.split("|")))
    parts = text.split(":")
    if len(parts) in (2, 3):
        if len(parts) == 3 and parts[2] != "log":
            raise ValueError(f"bad search dimension {text!r}: the third field may only be 'log'")
        low, high = literal(parts[0]), literal(parts[1])
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            raise ValueError(f"bad search dimension {text!r}: bounds must be numbers")
        kind = "int" if isinstance(low, int) and isinstance(high, int) else "float"
        return Param(kind, low=low, high=high, log=len(parts) == 3)
    return Param("fixed", values=(literal(text),))


def literal(text: str):
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


def default_space(config: RunConfig, task=None) -> Dict[str, Param]:
    """The default search space of `config.method` on `config.backbone`.

    It is the method's own (`Method.search_space()`: the learning rate around the recipe's,
    the freeze depth over the backbone's layer groups, λ for methods with adaptation losses,
    and the method's knobs); for a shallow classifier (`tftransfer.shallow`), its class's
    `search_space()` (dimension, regularisation, kernel or head C).

    The freeze depth is searched only where something trained is there to keep: a pretrained
    backbone (`backbones.is_pretrained`: `file:`, `hub:`, `keras_application:` with weights),
    from 0 (frozen, a linear probe) to every group, or the fine-tuner's source-pretrained one.
    A backbone trained from scratch (`mlp`, `lenet`) is trained whole: freezing part of it
    freezes random weights, which only removes capacity (measured: in
    `experiments.selection_report`'s DANN searches on Office-Caltech with the MLP, half the
    trials froze its only layer, and even the best of 6 trials by target accuracy averaged
    below DANN's defaults).

    Args:
        config: The base configuration (method, backbone and its options).
        task: The task (for the backbone's input shape); loaded when None.
    """
    if variants.is_shallow(config.method):
        space = {name: parse_param(spec)
                 for name, spec in shallow.get(config.method).search_space().items()}
        dims = space.get("n_components")
        if dims is not None and dims.kind == "int":
            task = task if task is not None else load_task(config)
            space["n_components"] = _within_the_data(dims, task)
        return space
    method = methods.get(config.method)
    space = {}
    for name, spec in method.search_space().items():
        if name == "freeze_depth" and spec == "backbone":
            if not (method.protocol == "finetune"
                    or backbones.is_pretrained(config.backbone, config.backbone_options)):
                continue
            task = task if task is not None else load_task(config)
            backbone = backbones.get(config.backbone, input_shape=task.input_shape,
                                     **dict(config.backbone_options))
            space[name] = Param("int", 0, resolve_freeze_depth(backbone, "all"))
        else:
            space[name] = parse_param(spec)
    return space


def _within_the_data(dims: Param, task) -> Param:
    """A subspace dimension's range cut to what `task` allows: at most its features and
    either domain's training samples (a user's table of 6 columns searches k in 1..6, not the
    papers' 10..100, where every trial would fail)."""
    limit = min(int(np.prod(task.input_shape)), task.source_train.n, task.target_train.n)
    if limit >= dims.high:
        return dims
    if limit > dims.low:
        return dataclasses.replace(dims, high=limit)
    return Param("int", 1, limit) if limit > 1 else Param("fixed", values=(1,))


#: An option whose default value cannot be found.
_UNKNOWN = object()


def default_values(config: RunConfig, space: Mapping[str, Param]) -> Optional[Dict[str, Any]]:
    """`config`'s own value of every dimension of `space` — its options or recipe where it sets
    them, else the method's defaults; a fixed dimension's value — or None when one of them is
    unknown or outside its dimension (a space that leaves the defaults out).

    `tune` makes it the first trial of a fresh search, so that the defaults are always
    among the configurations the validator chooses from.
    """
    resolved = resolve(config)
    estimator = shallow.get(config.method, **dict(config.method_options)) if resolved.shallow else None
    values = {}
    for name, param in space.items():
        if param.kind == "fixed":
            value = param.values[0]
        elif name in RUN_FIELDS:
            value = getattr(config, name)
        elif estimator is not None:
            value = estimator.get_params().get(name, _UNKNOWN)
            if value is None:  # a default the data may lower: the number, cut as the range is
                value = estimator.NOMINAL_DEFAULTS.get(name, value)
                if value is not None and param.kind == "int":
                    value = min(value, int(param.high))
        elif name in Recipe.fields():
            value = getattr(resolved.recipe, name)
        else:
            value = _method_default(resolved, name)
        if name == "freeze_depth" and param.kind == "int":
            # None / "all": every group trainable; "none": none.
            value = {None: param.high, "all": param.high, "none": 0}.get(value, value)
        if value is _UNKNOWN or not param.contains(value):
            return None
        values[name] = value
    return values


def _method_default(resolved, name: str):
    """A deep method's option: set by the config, else the method's knob or model default,
    else the model class's argument default."""
    method = resolved.method
    if name in resolved.config.method_options:
        return resolved.config.method_options[name]
    if name in method.knobs():
        return method.knobs()[name]
    if name in method.defaults:
        return method.defaults[name]
    for klass in method.model_class.__mro__:
        if "__init__" in vars(klass):
            parameter = inspect.signature(klass.__init__).parameters.get(name)
            if parameter is not None and parameter.default is not inspect.Parameter.empty:
                return parameter.default
    return _UNKNOWN


def config_for(base: RunConfig, values: Mapping[str, Any]) -> RunConfig:
    """`base` with a trial's hyperparameter values: run fields and recipe fields set, the
    rest method options."""
    values = {k: v for k, v in values.items() if not k.startswith("tuner/")}
    fields = {k: v for k, v in values.items() if k in RUN_FIELDS}
    recipe = {k: v for k, v in values.items() if k in Recipe.fields()}
    options = {k: v for k, v in values.items() if k not in fields and k not in recipe}
    return base.replace(**fields, recipe={**dict(base.recipe), **recipe},
                        method_options={**dict(base.method_options), **options}).validate()


def check_space(base: RunConfig, space: Mapping[str, Param]) -> None:
    """Every hyperparameter must be a run field, a recipe field or an option of the method
    (of a shallow classifier: an argument of its constructor)."""
    if variants.is_shallow(base.method):
        estimator = shallow.get(base.method)
        unknown = []
        for name, param in space.items():
            try:  # the constructor knows its arguments (a pipeline's: its transform's too)
                shallow.get(base.method, **{name: _example(param)})
            except TypeError as error:
                if "unexpected keyword" not in str(error):
                    raise
                unknown.append(name)
        if unknown:
            raise ValueError(f"Unknown hyperparameters {sorted(unknown)} for shallow method "
                             f"{base.method!r}. Valid: {', '.join(sorted(estimator.get_params()))}"
                             " (and a pipeline's transform options)")
        return
    method = methods.get(base.method)
    valid = sorted(set(method.options()) | set(RUN_FIELDS) | set(Recipe.fields()))
    unknown = sorted(n for n in space if n not in valid)
    if unknown:
        raise ValueError(f"Unknown hyperparameters {unknown} for method {base.method!r}. "
                         f"Valid: {', '.join(valid)}")


def _example(param: Param):
    """A value of `param`'s range (to check that a constructor takes its name)."""
    if param.kind == "int":
        return int(param.low)
    return param.low if param.kind == "float" else param.values[0]
