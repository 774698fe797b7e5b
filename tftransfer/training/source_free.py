"""Source-free training: a source model trained on the source, the source dropped, then the
model adapted on unlabelled target inputs alone.

    fit_source_free(model, task)            the runner's protocol "source_free"
      = train_source_model(model, task)     labelled source batches, source validation
      + adapt_to_target(model, x_target)    receives the target inputs and nothing else

    adapt_source_model(trained, x_target, "shot")   from a model trained elsewhere
"""

from __future__ import annotations

import math
from typing import Optional

import keras
import numpy as np
import tensorflow as tf

from tftransfer import distribute, distributed_loop
from tftransfer._checks import check_int
from tftransfer.data.domains import TransferTask
from tftransfer.data.pipeline import labelled_dataset
from tftransfer.data.pipeline import steps_per_epoch as one_pass_steps
from tftransfer.methods.source_free import SourceFreeModel, rescheduled_copy
from tftransfer.test_time.adapter import as_model
from tftransfer.test_time.batch_norm import reestimate_batch_norm
# The module, not the function: fit.py may import this module while it is being imported.
from tftransfer.training import fit as training_fit

#: `adapt_source_model`'s adaptation epochs for a method without an `adaptation_epochs` default.
DEFAULT_ADAPTATION_EPOCHS = 10


class PseudoLabelRefresh(keras.callbacks.Callback):
    """Recomputes the model's target pseudo-labels at the start of every adaptation epoch,
    from its current features and predictions in inference mode (SHOT: the reference code
    relabels every `len(target loader)` iterations, i.e. once per epoch)."""

    def __init__(self, x_target: np.ndarray, batch_size: int):
        super().__init__()
        self.x_target = x_target
        self.batch_size = batch_size
        self._forward = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._forward is None:
            self._forward = inference_forward(self.model)
        features, logits = target_outputs(self._forward, self.x_target, self.batch_size)
        self.model.set_pseudo_labels(self.model.pseudo_labels(features, logits))


def inference_forward(model: SourceFreeModel):
    """A compiled x -> (B(F(x)), C(B(F(x)))) in inference mode."""

    @tf.function(reduce_retracing=True)
    def forward(batch):
        features = model.embed(batch, training=False)
        return features, model.classifier(features, training=False)

    return forward


def target_outputs(forward, x: np.ndarray, batch_size: int):
    """(features, logits) of every row of `x` through `forward` (`inference_forward`), as arrays."""
    features, logits = [], []
    for start in range(0, x.shape[0], batch_size):
        f, z = forward(tf.constant(x[start:start + batch_size]))
        features.append(f.numpy())
        logits.append(z.numpy())
    return np.concatenate(features), np.concatenate(logits)


def _check_model(model) -> SourceFreeModel:
    if not isinstance(model, SourceFreeModel):
        raise TypeError("source-free training needs a SourceFreeModel (the model of a "
                        "source-free method: shot, shot_im, tent, adabn). Received: "
                        f"{type(model).__name__}")
    return model


def _check_target(x_target) -> np.ndarray:
    x = np.asarray(x_target)
    if x.ndim < 2 or x.shape[0] == 0 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"`x_target` must be a non-empty numeric array (n, ...). Received: an "
                         f"array of shape {x.shape} and dtype {x.dtype}")
    return x.astype(np.float32, copy=False)


def train_source_model(model: SourceFreeModel, task: TransferTask, *, epochs: int,
                       batch_size: int, seed: int, callbacks=None, verbose=0,
                       steps: Optional[int] = None) -> keras.callbacks.History:
    """The source phase: `model` trained on the labelled source training split, validated on
    the source validation split, with a fresh copy of its compiled optimizer whose schedule
    spans these steps (the source_only model's training). `steps`: optimizer steps per epoch
    (default one pass over the source)."""
    _check_model(model)
    model.adapting = False
    steps = steps or one_pass_steps(task.source_train.n, 0, batch_size)
    if not model.built:
        model.build((None,) + tuple(task.input_shape))
    model.compile(optimizer=rescheduled_copy(model.optimizer, max(1, epochs) * steps),
                  jit_compile=model.jit_compile)
    data = labelled_dataset(task.source_train.x, task.source_train.y, batch_size=batch_size,
                            shuffle=True, seed=seed, repeat=True, drop_remainder=True)
    # First among the callbacks: the others' on_train_end already see the kept weights.
    best = [BestSourceWeights()] if model.source_selection == "best_source_val" else []
    history = training_fit.fit_steps(model, data, steps, task, epochs=epochs, batch_size=batch_size,
                        callbacks=[*best, *(callbacks or [])], verbose=verbose)
    model.source_history = history
    return history


class BestSourceWeights(keras.callbacks.Callback):
    """Puts back, when training ends, the model's weights (BatchNorm statistics included) of
    the epoch with the highest source validation accuracy; the first such epoch on ties."""

    def __init__(self):
        super().__init__()
        self.best, self.epoch, self.weights = -np.inf, None, None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get("val_accuracy")
        if value is None:
            raise ValueError("source_selection='best_source_val' needs the source validation "
                             "accuracy (`val_accuracy`) in the epoch logs")
        if value > self.best:
            self.best, self.epoch, self.weights = value, epoch, self.model.get_weights()

    def on_train_end(self, logs=None):
        if self.weights is not None:
            self.model.set_weights(self.weights)


def adapt_to_target(model: SourceFreeModel, x_target, *, epochs: int, batch_size: int,
                    seed: int, callbacks=None, verbose=0,
                    steps: Optional[int] = None) -> Optional[keras.callbacks.History]:
    """The adaptation phase, on unlabelled target inputs only (no labels, no source data).

    Methods that take gradient steps train `epochs` passes over `x_target` (batches of
    `(x_t, index)`, the index keying each example's pseudo-label), with the model's
    adaptation optimizer, no validation (there is no labelled data to validate on); those
    that re-estimate BatchNorm statistics then do so on `x_target`. `steps`: optimizer steps
    per epoch (default one pass over `x_target`).

    Returns:
        The Keras `History` of the gradient steps, or None when there are none (AdaBN).
    """
    _check_model(model)
    x_target = _check_target(x_target)
    epochs = check_int(epochs, "epochs", minimum=0)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    history = None
    if model.takes_gradient_steps and epochs > 0:
        n = x_target.shape[0]
        steps = steps or one_pass_steps(n, 0, batch_size)
        model.start_adaptation(model.adaptation_optimizer(epochs * steps), n)
        data = labelled_dataset(x_target, np.arange(n, dtype=np.int32), batch_size=batch_size,
                                shuffle=True, seed=seed, repeat=True, drop_remainder=True)
        all_callbacks = ([PseudoLabelRefresh(x_target, batch_size)]
                         if model.uses_pseudo_labels else []) + list(callbacks or [])
        with model.adaptation_context():
            if distribute.is_multi_worker(model.distribute_strategy):
                model.set_schedule_steps(epochs * steps)
                history = distributed_loop.fit(model, data, epochs=epochs, steps_per_epoch=steps,
                                               callbacks=all_callbacks, verbose=verbose)
            else:
                history = model.fit(data, epochs=epochs, steps_per_epoch=steps,
                                    callbacks=all_callbacks, verbose=verbose, shuffle=False)
    if model.reestimates_statistics:
        reestimate_batch_norm(model, x_target, batch_size=model.statistics_batch_size)
    model.adaptation_history = history
    return history


def merge_histories(source: keras.callbacks.History,
                    adaptation: Optional[keras.callbacks.History]) -> keras.callbacks.History:
    """One History, the source epochs then the adaptation epochs, with a `phase` column;
    metrics a phase does not report are NaN there."""
    phases = [("source", source.history)]
    if adaptation is not None:
        phases.append(("adaptation", adaptation.history))
    keys = []
    for _, logs in phases:
        keys += [k for k in logs if k not in keys]
    merged = {key: [] for key in keys}
    merged["phase"] = []
    for phase, logs in phases:
        rows = len(next(iter(logs.values()))) if logs else 0
        for key in keys:
            merged[key] += list(logs.get(key, [math.nan] * rows))
        merged["phase"] += [phase] * rows
    history = keras.callbacks.History()
    history.history = merged
    history.epoch = list(range(len(merged["phase"])))
    return history


def fit_source_free(model: SourceFreeModel, task: TransferTask, *, epochs: int, batch_size: int,
                    seed: int, target_labels_per_class: int = 0, source_weights=None,
                    callbacks=None, verbose=0,
                    steps_per_epoch: Optional[int] = None) -> keras.callbacks.History:
    """Protocol "source_free": train `model` on the source, drop the source, adapt on the
    target's unlabelled training inputs.

    The source phase runs `model.source_epochs` (default `epochs`) epochs; the adaptation
    phase `model.adaptation_epochs` (default `epochs`) and is handed `task.target_train.x`
    only — not the task — so nothing in it can reach a source example or a target label.
    `steps_per_epoch` fixes both phases' optimizer steps per epoch (None: one pass over the
    source, then over the target).

    Returns:
        The merged `History` (`merge_histories`): source epochs, then adaptation epochs.

    Raises:
        ValueError: target labels or source weights were asked for (a source-free method
            uses neither).
    """
    _check_model(model)
    if target_labels_per_class:
        raise ValueError("source-free methods read no target label: target_labels_per_class "
                         f"must be 0. Received: target_labels_per_class={target_labels_per_class}")
    if source_weights is not None:
        raise ValueError("source-free methods train the source model alone: importance weights "
                         "(computed from the target) do not apply")
    source_epochs = epochs if model.source_epochs is None else model.source_epochs
    source_history = train_source_model(model, task, epochs=source_epochs, batch_size=batch_size,
                                        seed=seed, callbacks=callbacks, verbose=verbose,
                                        steps=steps_per_epoch)
    x_target = task.target_train.x
    del task  # from here on, only the target inputs
    adaptation_epochs = epochs if model.adaptation_epochs is None else model.adaptation_epochs
    adaptation_history = adapt_to_target(model, x_target, epochs=adaptation_epochs,
                                         batch_size=batch_size, seed=seed, callbacks=callbacks,
                                         verbose=verbose, steps=steps_per_epoch)
    return merge_histories(source_history, adaptation_history)


def adapt_source_model(source_model, x_target, method="shot", *, epochs: Optional[int] = None,
                       batch_size: int = 64, seed: int = 0, callbacks=None, verbose=0,
                       **options) -> SourceFreeModel:
    """Adapts a model trained elsewhere to unlabelled target inputs, without source data.

    Args:
        source_model: A trained `keras.Model` (an engine model, or a functional / Sequential
            classifier ending with a Dense head) or the path of a saved one (`.keras`). It
            is copied, not changed.
        x_target: Unlabelled target inputs (n, ...).
        method: A source-free `Method` or its registered name ("shot", "shot_im", "tent",
            "adabn").
        epochs: Adaptation epochs (passes over `x_target`); None: the method's
            `adaptation_epochs` default (SHOT's 30, TENT's 1), else
            `DEFAULT_ADAPTATION_EPOCHS`. A value given here wins over the method's default.
        batch_size: Adaptation batch size.
        seed: Seed of the target batch order.
        **options: The method's options (e.g. `pseudo_label_weight`, `adaptation_recipe`).

    Returns:
        The adapted model (a `SourceFreeModel` holding the copy; `adaptation_history`).
    """
    if isinstance(method, str):
        from tftransfer.methods import SOURCE_FREE_METHODS

        method = SOURCE_FREE_METHODS.get(method)
    from tftransfer.methods.source_free import SourceFreeMethod

    if not isinstance(method, SourceFreeMethod):
        raise ValueError(f"`method` must be a source-free method. Received: {method!r}")
    if epochs is not None:
        options["adaptation_epochs"] = check_int(epochs, "epochs", minimum=0)
    knobs, model_args = method.split_options(options)
    model = method.model_class.from_source_model(as_model(source_model),
                                                 losses=method.build_losses(**knobs),
                                                 **model_args)
    x_target = _check_target(x_target)
    steps = one_pass_steps(x_target.shape[0], 0, batch_size)
    adaptation_epochs = (DEFAULT_ADAPTATION_EPOCHS if model.adaptation_epochs is None
                         else model.adaptation_epochs)
    model.compile(optimizer=method.recipe.build_optimizer(max(1, adaptation_epochs) * steps))
    adapt_to_target(model, x_target, epochs=adaptation_epochs, batch_size=batch_size, seed=seed,
                    callbacks=callbacks, verbose=verbose)
    return model
