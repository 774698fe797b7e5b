"""What every test-time adaptation method shares: the model, the state it changes, the reset."""

from __future__ import annotations

import contextlib

import keras
import tensorflow as tf

from tftransfer._checks import check_bool
from tftransfer.test_time.batch_norm import batch_statistics_mode, require_batch_norm


def as_model(model) -> keras.Model:
    """`model`, or the model saved at that path (`.keras`, `.h5`), loaded without compiling."""
    from tftransfer.backbones.files import model_or_file

    loaded = model_or_file(model)
    if loaded is not None:
        return loaded
    raise TypeError(f"`model` must be a keras.Model or the path of a saved model. Received: "
                    f"model of type {type(model).__name__}")


class TestTimeAdapter:
    """A model adapted on the batches it is asked to score, one after the other.

    `step(x)` adapts on the batch `x` and returns the model outputs that score it; it is
    written with TF ops on the model's variables, so it can be traced once
    (`tf.function`, Keras' compiled test and predict steps) and called for every batch. Call
    it, and trace it, inside `active()`, which puts the model's BatchNorm layers in the mode
    the method needs. With `episodic=True` every step starts from the state the adapter was
    created with (`reset`), so each batch is adapted on as if it came first.

    Subclasses set `name`, implement `adapt_step(x)` and list the variables they change in
    `state_variables()`.
    """

    name = "test-time adaptation"
    #: Momentum of the BatchNorm layers while active (None: their own).
    momentum = None
    # Not a test class, whatever pytest's collector thinks of the name.
    __test__ = False

    def __init__(self, model, episodic: bool = False):
        self.model = as_model(model)
        self.episodic = check_bool(episodic, "episodic", owner=type(self).__name__)
        self.layers = require_batch_norm(self.model, self.name)
        if not all(layer.built for layer in self.layers):
            raise ValueError(f"{self.name}: model {self.model.name!r} is not built; train it, "
                             "call it on a batch or build(input_shape) first")

    def state_variables(self) -> list:
        """The variables the adaptation changes (what `reset` restores)."""
        raise NotImplementedError

    def snapshot(self) -> None:
        """Takes the current state as the one `reset` restores."""
        self._saved = [tf.Variable(tf.convert_to_tensor(v), trainable=False)
                       for v in self.state_variables()]

    def reset(self) -> None:
        """Restores the state of the last `snapshot` (the model as the adapter found it)."""
        for variable, saved in zip(self.state_variables(), self._saved):
            variable.assign(saved)

    @contextlib.contextmanager
    def active(self):
        """BatchNorm layers on batch statistics under `training=True` (and the method's
        momentum), dropout off; restored on exit."""
        with batch_statistics_mode(self.model, momentum=self.momentum):
            yield self

    def adapt_step(self, x):
        raise NotImplementedError

    def step(self, x):
        """Adapts on `x` (from the saved state when episodic) and returns the outputs that
        score it."""
        if self.episodic:
            self.reset()
        return self.adapt_step(x)
