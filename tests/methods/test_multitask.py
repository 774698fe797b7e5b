"""Multi-task: one shared trunk and a head per task, trained jointly on partly labelled rows."""

import keras
import numpy as np
import pytest

from tftransfer import backbones
from tftransfer.methods import MultiTaskModel


def _data(n=192, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = np.stack([(x[:, 0] > 0).astype(int), np.digitize(x[:, 1], [-0.5, 0.5])], axis=1)
    y[: n // 3, 1] = -1  # rows labelled for the first task only
    y[n // 3: 2 * n // 3, 0] = -1  # rows labelled for the second task only
    return x, y


def test_joint_training_learns_every_head_and_round_trips(tmp_path):
    x, y = _data()
    model = MultiTaskModel(backbones.get("mlp", input_shape=(6,), units=(32,)),
                           task_classes={"sign": 2, "bin": 3})
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    heads = model.split_logits(model.predict(x, verbose=0))
    assert heads["sign"].shape == (len(x), 2) and heads["bin"].shape == (len(x), 3)
    for k, task in enumerate(["sign", "bin"]):
        labelled = y[:, k] >= 0
        accuracy = np.mean(heads[task][labelled].argmax(1) == y[labelled, k])
        assert accuracy > 0.85, task
    model.save(tmp_path / "mt.keras")
    loaded = keras.models.load_model(tmp_path / "mt.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_unlabelled_entries_do_not_contribute():
    x, y = _data(n=32)
    model = MultiTaskModel(backbones.get("mlp", input_shape=(6,), units=(8,)), task_classes={"a": 2, "b": 3})
    logits = model(x)
    masked = y.copy()
    masked[:, 1] = -1
    only_a = model._cross_entropy(masked, logits).numpy()
    ce_a = keras.losses.sparse_categorical_crossentropy(np.maximum(y[:, 0], 0), logits[:, :2],
                                                        from_logits=True).numpy()
    np.testing.assert_allclose(only_a, np.where(y[:, 0] >= 0, ce_a, 0.0), rtol=1e-6)


def test_bad_task_classes():
    fe = backbones.get("mlp", input_shape=(6,))
    with pytest.raises(ValueError, match="task 'b' needs an int >= 2 classes"):
        MultiTaskModel(fe, task_classes={"a": 2, "b": 1})
    with pytest.raises(ValueError, match="at least one task"):
        MultiTaskModel(fe, task_classes={})
