"""`rank_backbones`: score candidate backbones on a labelled target before fine-tuning any."""

from __future__ import annotations

import os
import time
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

import keras
import numpy as np
import pandas as pd

from tftransfer import backbones
from tftransfer._checks import check_int
from tftransfer.backbones.files import load_model_file, model_or_file
from tftransfer.data.domains import Domain
from tftransfer.features import extract_features
from tftransfer.ranking._inputs import PROBABILITY_SUM_TOLERANCE
from tftransfer.ranking.registry import SCORES, Score

OWNER = "rank_backbones"
DEFAULT_SCORES = ("logme", "leep", "nce", "hscore")

Head = Union[keras.Model, str, os.PathLike]


def _check_specs(specs) -> Dict[str, str]:
    """{display name: spec}, every spec checked by the backbone registry."""
    if isinstance(specs, Mapping):
        named = dict(specs)
    elif isinstance(specs, (str, bytes)) or not isinstance(specs, Sequence):
        raise TypeError(f"{OWNER}: `specs` must be a sequence of backbone specs or a mapping "
                        f"name -> spec. Received: specs of type {type(specs).__name__}")
    else:
        named = {spec: spec for spec in specs}
        if len(named) != len(specs):
            raise ValueError(f"{OWNER}: `specs` must not repeat a spec. Received: specs={list(specs)!r}")
    if not named:
        raise ValueError(f"{OWNER}: `specs` must name at least one backbone. Received: specs={specs!r}")
    for name, spec in named.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{OWNER}: backbone names must be non-empty strings. Received: {name!r}")
        backbones.check_spec(spec)
    return named


def _check_target(target) -> Domain:
    if isinstance(target, Domain):
        domain = target
    elif isinstance(target, tuple) and len(target) == 2:
        x, y = target
        y = np.asarray(y)
        if y.ndim != 1 or y.size == 0 or y.dtype.kind not in "iu" or y.min() < 0:
            raise ValueError(f"{OWNER}: `target_domain` as (x, y) needs y as non-negative int "
                             f"labels. Received: y of dtype {y.dtype} and shape {y.shape}")
        domain = Domain("target", x, y, num_classes=max(int(y.max()) + 1, 2))
    else:
        raise TypeError(f"{OWNER}: `target_domain` must be a labelled Domain or a tuple (x, y). "
                        f"Received: target_domain of type {type(target).__name__}")
    if not domain.has_labels:
        raise ValueError(f"{OWNER}: `target_domain` must be labelled (every score reads the target "
                         f"labels). Received: Domain {domain.name!r} without labels")
    if len(np.unique(domain.y)) < 2:
        raise ValueError(f"{OWNER}: `target_domain` must hold at least 2 classes. Received: only "
                         f"class {int(domain.y[0])} in Domain {domain.name!r}")
    return domain


def _check_scores(scores) -> Tuple[Score, ...]:
    if isinstance(scores, str) or not isinstance(scores, Sequence) or not scores:
        raise TypeError(f"{OWNER}: `scores` must be a non-empty sequence of score names "
                        f"({', '.join(SCORES.names())}). Received: scores={scores!r}")
    if len(set(scores)) != len(scores):
        raise ValueError(f"{OWNER}: `scores` must not repeat a name. Received: scores={list(scores)!r}")
    return tuple(SCORES.get(name) for name in scores)


def _per_backbone(mapping, what: str, named: Dict[str, str]) -> Dict[str, Any]:
    """`mapping` keyed by backbone name or spec, re-keyed by name; unknown keys are errors."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{OWNER}: `{what}` must be a mapping backbone name (or spec) -> value. "
                        f"Received: {what} of type {type(mapping).__name__}")
    by_name = {}
    for key, value in mapping.items():
        matches = [name for name, spec in named.items() if key in (name, spec)]
        if not matches:
            raise ValueError(f"{OWNER}: `{what}` has key {key!r}, which is none of the backbones. "
                             f"Valid keys: {', '.join(repr(n) for n in named)}")
        for name in matches:
            by_name[name] = value
    return by_name


def _load_head(head: Head, name: str) -> keras.Model:
    model = model_or_file(head)
    if model is not None:
        return model
    raise TypeError(f"{OWNER}: the source head of {name!r} must be a keras.Model or a model file "
                    f"path. Received: {type(head).__name__}")


def file_classifier_head(spec: str, feature_extractor: keras.Model,
                         options: Mapping[str, Any]) -> Tuple[Optional[keras.Model], str]:
    """The classifier above the cut of a `file:` backbone, or (None, why there is none).

    The model file is loaded again and the sub-model from the feature extractor's output
    layer (its `layer` option, else the default cut: the layer before the classifier) to
    the file's output is the head: the source model's own classifier, applied to features.
    """
    if options.get("reinitialize"):
        return None, "file backbone re-initialised: its source classifier no longer matches"
    path = spec.partition(":")[2]
    full = load_model_file(path, custom_objects=options.get("custom_objects"),
                           safe_mode=options.get("safe_mode", True))
    cut = full.get_layer(options.get("layer") or feature_extractor.layers[-1].name)
    if cut is full.layers[-1]:
        return None, f"file backbone cut at its output layer {cut.name!r}: no classifier above it"
    return keras.Model(cut.output, full.outputs[0], name=f"{feature_extractor.name}_head"), ""


def _as_probabilities(outputs: np.ndarray) -> Tuple[np.ndarray, str]:
    """Head outputs as probabilities; logits go through a softmax, and the note says so."""
    outputs = outputs.reshape(len(outputs), -1).astype(np.float64)
    if outputs.min() >= 0 and np.all(np.abs(outputs.sum(axis=1) - 1) <= PROBABILITY_SUM_TOLERANCE):
        return outputs, ""
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True), "head outputs read as logits (softmax applied)"


def rank_backbones(specs: Union[Sequence[str], Mapping[str, str]], target_domain, *,
                   scores: Sequence[str] = DEFAULT_SCORES, batch_size: int = 256,
                   cache_dir=None, source_heads: Optional[Mapping[str, Head]] = None,
                   backbone_options: Optional[Mapping[str, Mapping[str, Any]]] = None
                   ) -> pd.DataFrame:
    """Scores every candidate backbone on the labelled target: one forward pass each.

    Each backbone is built by `tftransfer.backbones.get(spec, input_shape=<the target's
    example shape>)`, its features of the target examples come from
    `tftransfer.features.extract_features` (read from `cache_dir` when they are there), and
    every score of `scores` is computed on them (`tftransfer.ranking.SCORES`). Feature maps
    are flattened to vectors.

    Source classifier (LEEP, NCE). These scores read the source classifier's predictions on
    the target, so a backbone needs its head:

    * `file:<path>`: the file's own classifier, the layers above the cut (see
      `file_classifier_head`); a softmax output is used as it is;
    * any spec: the head given in `source_heads` (a `keras.Model` from the backbone's
      features to the source-class probabilities, or a `.keras`/`.h5` file of one), e.g. the
      `source_head.keras` that `tftransfer.zoo` writes beside each `hub:` export;
    * otherwise (`hub:` without a head, `keras_application:` built with `include_top=False`,
      a re-initialised file, `mlp`/`lenet` from scratch) there is no source classifier:
      those scores are NaN, their ranks too, and the `note` column says why. Nothing is
      substituted for the missing head.

    Head outputs that are not probabilities (rows not summing to 1) are taken for logits
    and go through a softmax; the note says so. Head outputs are cached like features.

    Args:
        specs: Backbone specs (`"file:..."`, `"hub:..."`, `"keras_application:<Name>"`,
            `"mlp"`, `"lenet"`), or a mapping display name -> spec.
        target_domain: The labelled target examples: a `Domain` with labels, or `(x, y)`.
            Their example shape is every backbone's input shape.
        scores: Score names (`tftransfer.ranking.names()`).
        batch_size: Examples per forward batch.
        cache_dir: Feature cache folder (`tftransfer.features`); None extracts without one.
        source_heads: Optional mapping backbone name (or spec) -> source classifier head.
        backbone_options: Optional mapping backbone name (or spec) -> keyword options of
            `backbones.get` (e.g. `{"mlp": {"units": (64,)}}`).

    Returns:
        A `pandas.DataFrame`, one row per backbone in the order given, with columns
        `backbone`, `spec`, `feature_dim`, then per score `<score>` (value, higher = better)
        and `<score>_rank` (1 = best; ties share the best rank; NaN when not computed),
        `seconds` (building, forward passes or cache reads, and scoring that backbone) and
        `note`.

    Raises:
        ValueError: an unknown spec or score (the valid ones are listed), an unlabelled or
            one-class target, keys of `source_heads`/`backbone_options` that name no backbone.
        TypeError: arguments of the wrong type.

    Example:
        >>> table = rank_backbones(
        ...     {"resnet8": "file:/data/pretrained/resnet8_cifar10.h5",
        ...      "lenet_usps": "hub:/zoo/lenet_usps/hub"},
        ...     usps_rgb, source_heads={"lenet_usps": "/zoo/lenet_usps/source_head.keras"},
        ...     cache_dir="cache/")
        >>> table.sort_values("logme_rank")[["backbone", "logme", "leep", "seconds"]]
    """
    named = _check_specs(specs)
    target = _check_target(target_domain)
    chosen = _check_scores(scores)
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner=OWNER)
    heads = _per_backbone(source_heads, "source_heads", named)
    options = _per_backbone(backbone_options, "backbone_options", named)
    for name, value in options.items():
        if not isinstance(value, Mapping):
            raise TypeError(f"{OWNER}: `backbone_options[{name!r}]` must be a mapping of keyword "
                            f"options. Received: {type(value).__name__}")

    rows = []
    for name, spec in named.items():
        start = time.perf_counter()
        notes = []
        spec_options = dict(options.get(name, {}))
        extractor = backbones.get(spec, input_shape=target.feature_shape, **spec_options)
        raw = extract_features(extractor, target.x, cache_dir=cache_dir, batch_size=batch_size)
        features = raw.reshape(len(raw), -1)
        probabilities = None
        if any(score.needs_source_classifier for score in chosen):
            if name in heads:
                head, why_not = _load_head(heads[name], name), ""
            elif spec.startswith("file:"):
                head, why_not = file_classifier_head(spec, extractor, spec_options)
            else:
                head, why_not = None, f"no source classifier for {spec.partition(':')[0]!r} specs"
            if head is None:
                skipped = [s.name for s in chosen if s.needs_source_classifier]
                notes.append(f"{', '.join(skipped)} not computed: {why_not} (pass source_heads)")
            else:
                outputs = extract_features(head, raw, cache_dir=cache_dir, batch_size=batch_size)
                probabilities, note = _as_probabilities(outputs)
                if note:
                    notes.append(note)
        row = {"backbone": name, "spec": spec, "feature_dim": features.shape[1]}
        for score in chosen:
            if score.needs_source_classifier and probabilities is None:
                row[score.name] = np.nan
                continue
            try:
                row[score.name] = score(labels=target.y, features=features,
                                        source_probabilities=probabilities)
            except ValueError as error:  # e.g. constant features: the score is undefined
                row[score.name] = np.nan
                notes.append(f"{score.name}: {error}")
        row["seconds"] = time.perf_counter() - start
        row["note"] = "; ".join(notes)
        rows.append(row)

    table = pd.DataFrame(rows)
    for score in chosen:
        table[f"{score.name}_rank"] = table[score.name].rank(ascending=False, method="min")
    columns = ["backbone", "spec", "feature_dim"]
    for score in chosen:
        columns += [score.name, f"{score.name}_rank"]
    return table[columns + ["seconds", "note"]]
