"""Validators as an epoch / checkpoint selector during `fit`."""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

import keras
import numpy as np

from tftransfer._checks import check_choice, check_instance, check_int
from tftransfer.data.domains import TransferTask
from tftransfer.selection._outputs import ModelOutputs
from tftransfer.selection.base import Validator
from tftransfer.selection.registry import get

PREFIX = "selection_"


class SelectionCallback(keras.callbacks.Callback):
    """Scores the model with validators at the end of every epoch and keeps the best epoch.

    Each score is added to the epoch's logs as `selection_<name>` (higher better), so
    `History`, `CSVLogger`, `ModelCheckpoint(monitor="selection_dev", mode="max")`,
    `EarlyStopping(..., mode="max")` and KerasTuner objectives (`direction="max"`) see it;
    put this callback before them in the list. One forward pass per split serves all
    validators. The epoch with the best score of `monitor` is remembered in `best_epoch` /
    `best_score`, and with `restore_best_weights=True` its weights are put back at the end
    of training (an epoch selector).

    Args:
        task: The `TransferTask` being trained on.
        validators: Validator names or instances (default `("source_val",)`).
        monitor: Name of the validator that selects the epoch; default the first.
        seed: Seed of every validator (the same each epoch, so epochs are comparable).
        batch_size: Rows per forward pass.
        every: Score every `every` epochs (and the last epoch is not forced).
        restore_best_weights: Whether to restore the best epoch's weights at the end.

    Example:
        >>> cb = SelectionCallback(task, ["dev", "snd"], monitor="dev", restore_best_weights=True)
        >>> tftransfer.training.fit_task(model, task, epochs=20, batch_size=64, seed=0, callbacks=[cb])
        >>> cb.best_epoch, cb.best_score
    """

    def __init__(self, task: TransferTask, validators: Sequence[Union[str, Validator]] = (
            "source_val",), *, monitor: Optional[str] = None, seed: int = 0,
                 batch_size: int = 512, every: int = 1, restore_best_weights: bool = False):
        super().__init__()
        check_instance(task, "task", TransferTask, owner="SelectionCallback")
        if isinstance(validators, (str, Validator)):
            validators = [validators]
        self.validators = [v if isinstance(v, Validator) else get(v) for v in validators]
        if not self.validators:
            raise ValueError("SelectionCallback: `validators` must name at least one validator. "
                             "Received: none")
        known = [v.name for v in self.validators]
        self.monitor = known[0] if monitor is None else monitor
        check_choice(self.monitor, "monitor", known, owner="SelectionCallback")
        every = check_int(every, "every", minimum=1, owner="SelectionCallback")
        self.task, self.seed, self.batch_size, self.every = task, seed, batch_size, every
        self.restore_best_weights = bool(restore_best_weights)
        self.best_epoch: Optional[int] = None
        self.best_score = -math.inf
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.best_epoch, self.best_score, self.best_weights = None, -math.inf, None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        outputs = ModelOutputs(self.model, self.task, batch_size=self.batch_size)
        scores = {v.name: v.score_outputs(outputs, seed=self.seed) for v in self.validators}
        if logs is not None:
            logs.update({PREFIX + name: value for name, value in scores.items()})
        if scores[self.monitor] > self.best_score:
            self.best_epoch, self.best_score = epoch, scores[self.monitor]
            if self.restore_best_weights:
                self.best_weights = [np.array(w) for w in self.model.get_weights()]

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
