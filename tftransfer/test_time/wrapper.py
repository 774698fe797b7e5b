"""A model that adapts on every batch it scores: test-time adaptation under `evaluate`/`predict`."""

from __future__ import annotations

import keras

from tftransfer.test_time.adapt import make_adapter


class TestTimeAdaptation(keras.Model):
    """`model` wrapped so that each batch it is called on is first adapted on (TENT, AdaBN),
    then scored: `wrapper.evaluate(data)` and `wrapper.predict(data)` are test-time adaptation
    with Keras' own loops, metrics and any input format.

    Why a wrapper and not only a callback: in Keras 3 `on_test_batch_begin` and
    `on_predict_batch_begin` receive the batch index, never the batch, so a callback cannot
    see the inputs it should adapt on unless it is handed the same data separately
    (`TestTimeAdaptationCallback` does that for arrays). Here the adaptation is the model's
    `call`: Keras' compiled test and predict steps call it on each batch, so it adapts on
    exactly the batch being scored, in order.

    The wrapped model is shared, not copied: it is adapted in place (with `episodic=True`, it
    is restored before every batch). Compile the wrapper with the loss and metrics to report;
    it cannot be trained with `fit`.

    Args:
        model: A built Keras model with BatchNorm layers (or the path of a saved one).
        method: "tent" or "adabn".
        episodic: Reset before every batch.
        **options: The method's options (`Tent`: steps, optimizer, from_logits).

    Example:
        >>> tta = TestTimeAdaptation(model, "tent")
        >>> tta.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        ...             metrics=["accuracy"])
        >>> tta.evaluate(x_test, y_test, batch_size=128)
    """

    __test__ = False

    def __init__(self, model, method: str = "tent", episodic: bool = False, **options):
        adapter = make_adapter(model, method, episodic=episodic, **options)
        super().__init__(name=f"{adapter.model.name}_{method}")
        self.adapter = adapter
        self.method = method
        self.inner = adapter.model

    def call(self, inputs, training=False):
        if isinstance(inputs, (tuple, list)):
            inputs = inputs[0]
        # Traced inside the block: the compiled step keeps the method's BatchNorm mode.
        with self.adapter.active():
            return self.adapter.step(inputs)

    def compute_output_spec(self, inputs, training=False):
        # Symbolic shape inference must not run an adaptation step.
        return self.inner.compute_output_spec(inputs, training=False)

    def build(self, input_shape):
        self.built = True

    def train_step(self, data):
        raise TypeError("TestTimeAdaptation adapts on the batches it scores (evaluate, predict); "
                        "train the wrapped model instead")

    def reset(self):
        """Restores the wrapped model's state from when the wrapper was made."""
        self.adapter.reset()
