"""Every registered method: fit/evaluate on a tiny task, reports its terms, round-trips."""

import keras
import numpy as np
import pytest

from helpers import tiny_task
from tftransfer import backbones, methods
from tftransfer.training import fit_task


def _model(name, task, **options):
    fe = backbones.get("mlp", input_shape=task.input_shape, units=(16, 8))
    model = methods.get(name)(fe, num_classes=task.num_classes, **options)
    model.compile(optimizer="adam")
    model.build((None,) + task.input_shape)
    return model


@pytest.mark.parametrize("name", methods.names())
def test_fit_task_and_evaluate(name):
    task = tiny_task()
    model = _model(name, task)
    history = fit_task(model, task, epochs=2, batch_size=16, seed=0,
                       protocol=methods.get(name).protocol,
                       target_labels_per_class=3 if methods.get(name).target_labels == "few" else 0)
    logs = history.history
    for key in ("loss", "task_loss", "accuracy", "lambda", "val_loss", "val_accuracy"):
        assert len(logs[key]) == 2, key
    assert ("adaptation_loss" in logs) == model.uses_target
    assert all(np.isfinite(logs["loss"]))
    result = model.evaluate(task.target_test.x, task.target_test.y, verbose=0, return_dict=True)
    assert 0.0 <= result["accuracy"] <= 1.0
    assert model.predict(task.target_test.x, verbose=0).shape == (task.target_test.n, task.num_classes)


@pytest.mark.parametrize("name", methods.names())
def test_fit_task_traces_the_train_step_once(name):
    # Optimizer variables created inside the first trace would make tf.function trace twice.
    task = tiny_task()
    model = _model(name, task)
    traces = []
    step = model.train_step

    def counted_step(data):
        traces.append(1)  # Python runs only while tracing
        return step(data)

    model.train_step = counted_step
    fit_task(model, task, epochs=2, batch_size=16, seed=0, protocol=methods.get(name).protocol,
             target_labels_per_class=3 if methods.get(name).target_labels == "few" else 0)
    assert len(traces) == 1


@pytest.mark.parametrize("name", methods.names())
def test_keras_file_round_trip(name, tmp_path):
    task = tiny_task()
    model = _model(name, task, lambda_=0.25)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    np.testing.assert_allclose(loaded.predict(task.target_test.x, verbose=0),
                               model.predict(task.target_test.x, verbose=0), atol=1e-6)
    assert float(loaded.lambda_.numpy()) == 0.25
    assert loaded.get_config()["num_classes"] == task.num_classes


def test_unknown_method_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown method 'nope'.*dann.*finetune"):
        methods.get("nope")


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf")])
def test_negative_or_non_finite_lambda_is_rejected(bad):
    task = tiny_task()
    fe = backbones.get("mlp", input_shape=task.input_shape)
    with pytest.raises(ValueError, match="`lambda_` must be a finite number >= 0"):
        methods.get("dann")(fe, num_classes=3, lambda_=bad)


def test_compile_rejects_a_foreign_loss():
    task = tiny_task()
    fe = backbones.get("mlp", input_shape=task.input_shape)
    model = methods.get("dan")(fe, num_classes=3)
    with pytest.raises(ValueError, match="defines its own losses"):
        model.compile(optimizer="adam", loss="mse")


def test_plain_fit_on_numpy_arrays():
    """A Keras user can call fit(x, y) directly: no adaptation term, standard History."""
    task = tiny_task()
    model = _model("dann", task)
    history = model.fit(task.source_train.x, task.source_train.y, batch_size=16, epochs=1, verbose=0)
    assert "adaptation_loss" not in history.history and "accuracy" in history.history


@pytest.mark.parametrize("mode", ["source", "domains"])
def test_mixup_option_adds_its_term(mode):
    task = tiny_task()
    model = _model("dann", task, mixup=mode, mixup_alpha=0.4)
    history = fit_task(model, task, epochs=1, batch_size=16, seed=0)
    assert np.isfinite(history.history["mixup_loss"]).all()
    assert model.get_config()["mixup"] == mode
    with pytest.raises(ValueError, match="`mixup` must be one of None, 'source', 'domains'"):
        _model("dann", task, mixup="between")
