"""One compiled model per architecture and process: later runs reuse its traced step.

Tracing and optimising a train step costs seconds (graph construction and the first call),
while a grid's run of a small network trains in seconds too, so most of a grid's time went
into tracing the same step again for every task and seed. `CompiledModels` keeps the first
model built for an architecture; a later run with the same architecture builds its own
fresh, seeded model as before (cheap: no tracing), then copies that model's variables and
optimizer state into the kept one and trains the kept one. The numbers are those of the fresh
model, bit for bit (tests/runner/test_reuse.py): only the traced functions are shared.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from tftransfer.config import RunConfig
from tftransfer.schedules import AnnealedLearningRate, set_total_steps

#: Fields of a run that do not change the traced step (the data, its seed, its length).
_RUN_ONLY = ("experiment", "task", "seed", "epochs", "variant", "validators", "dataset",
             "data_options", "transform_options")


def architecture_key(config: RunConfig, task) -> str:
    """What a traced train step depends on: the config without its run-only fields, and the
    task's input shape and class count."""
    fields = {k: v for k, v in config.to_dict().items() if k not in _RUN_ONLY}
    fields.update(input_shape=list(task.input_shape), num_classes=task.num_classes)
    return json.dumps(fields, sort_keys=True, default=str)


def _optimizers(model):
    return [opt for opt in (model.optimizer, model.backbone_optimizer) if opt is not None]


def _total_steps(optimizer):
    schedule = getattr(optimizer, "_learning_rate", None)
    while schedule is not None and not isinstance(schedule, AnnealedLearningRate):
        schedule = getattr(schedule, "schedule", None)
    return None if schedule is None else schedule.total_steps


class CompiledModels:
    """The compiled models of this process, by architecture (least recently used dropped).

    Args:
        capacity: How many architectures to keep.
    """

    def __init__(self, capacity: int = 16):
        self.capacity = capacity
        self._models: "OrderedDict[str, object]" = OrderedDict()
        self.hits = 0

    def take(self, key: str, fresh):
        """The kept model of `key` in the state of `fresh` (built, compiled, not trained), or
        `fresh` itself (kept for later) when there is none."""
        kept = self._models.get(key)
        # Steps per call are fixed when compiling (they follow the run's steps per epoch).
        if kept is not None and kept.steps_per_execution != fresh.steps_per_execution:
            kept = None
        if kept is None:
            self._models[key] = fresh
            while len(self._models) > self.capacity:
                self._models.popitem(last=False)
            return fresh
        self._models.move_to_end(key)
        fresh.build_optimizers()
        kept.build_optimizers()
        for target, source in zip(kept.variables, fresh.variables):
            target.assign(source.value)
        for kept_opt, fresh_opt in zip(_optimizers(kept), _optimizers(fresh)):
            for target, source in zip(kept_opt.variables, fresh_opt.variables):
                target.assign(source.value)
            steps = _total_steps(fresh_opt)
            if steps is not None:
                set_total_steps(kept_opt, steps)
        if hasattr(kept, "pretrain_history"):
            kept.pretrain_history = None
        kept.stop_training = False
        self.hits += 1
        return kept

    def __len__(self) -> int:
        return len(self._models)

    def clear(self) -> None:
        self._models.clear()


#: This process's compiled models (grid workers are processes: one each).
COMPILED = CompiledModels()
