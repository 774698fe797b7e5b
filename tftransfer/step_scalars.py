"""An optimizer mixin: the scalars of a step (η, Adam's β powers) made once per step."""

from __future__ import annotations

import keras
import tensorflow as tf


class StepScalars:
    """Mixin for a Keras optimizer: what depends only on the step is computed once per `apply`.

    Keras 3's optimizer evaluates `self.learning_rate` again for each variable's decoupled
    weight decay (θ ← θ − η λ_wd θ), so a learning-rate schedule — the recipe's annealed
    η_p = η0 (1 + α p)^−β, about eight ops — is traced and run once per variable and step,
    and Adam raises β₁ and β₂ to the step once per variable. Here `learning_rate` is
    evaluated once at the start of `apply` and every reader in that step gets the same
    tensor; `step_scalar` caches any other per-step value. The values are the ones each copy
    computed, so every number is unchanged. Measured: a run of the runner's SGD recipe that
    builds and traces its own model is 3–8 % faster; a grid, which reuses compiled models,
    and a constant-rate Adam step gain nothing measurable (the saved scalar ops are ones
    TensorFlow runs inline; docs/benchmarks.md, "A step's scalars made once per step").
    Outside `apply` (a user reading `optimizer.learning_rate`) nothing is cached.
    """

    _step_cache = None

    def apply(self, grads, trainable_variables=None):
        # Made here, before any branch Keras may take (gradient accumulation's cond), so
        # every reader in the step can use it.
        self._step_cache = {"learning_rate": tf.convert_to_tensor(super().learning_rate)}
        try:
            return super().apply(grads, trainable_variables)
        finally:
            self._step_cache = None

    @property
    def learning_rate(self):
        cache = self._step_cache  # read once: a replica thread's `apply` may end meanwhile
        return super().learning_rate if cache is None else cache["learning_rate"]

    @learning_rate.setter
    def learning_rate(self, value):
        keras.optimizers.Optimizer.learning_rate.fset(self, value)

    def step_scalar(self, key, make):
        """`make()`, made once per `apply` for each `key` (called again outside `apply`)."""
        cache = self._step_cache
        if cache is None:
            return make()
        if key not in cache:
            cache[key] = make()
        return cache[key]
