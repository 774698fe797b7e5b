"""Test-time adaptation: TENT and AdaBN on streams, the wrapper and the callback forms."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer import backbones, test_time
from tftransfer.methods import DomainAdaptationModel
from tftransfer.test_time import (AdaBN, Tent, TestTimeAdaptation, TestTimeAdaptationCallback,
                                  adapt, batch_norm_layers, reestimate_batch_norm)


def _data(seed=0, n=240):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32")
    return x, y


_TRAINED = []


def _engine_model():
    """An engine model with BatchNorm in the backbone and the bottleneck, trained briefly
    (once per session; each call returns a fresh copy)."""
    keras.utils.set_random_seed(0)
    model = DomainAdaptationModel(backbones.get("mlp", input_shape=(6,), units=(16,),
                                                batch_norm=True), 2, bottleneck_units=8)
    model.build((None, 6))
    if not _TRAINED:
        x, y = _data()
        model.compile(optimizer=keras.optimizers.Adam(0.01))
        model.fit(x, y, epochs=3, batch_size=32, verbose=0)
        _TRAINED.append(model.get_weights())
    model.set_weights(_TRAINED[0])
    model.compile(optimizer="adam")
    return model


def _first_bn_model(dropout=0.0):
    """Dense [-> Dropout] -> BatchNorm -> ReLU -> Dense: the BN sees an affine map of x."""
    keras.utils.set_random_seed(0)
    layers = [keras.Input((6,)), keras.layers.Dense(12)]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers += [keras.layers.BatchNormalization(), keras.layers.ReLU()]
    model = keras.Sequential(layers + [keras.layers.Dense(2)])
    x, y = _data()
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    return model


def _snapshot(model):
    return {w.path: np.array(w) for w in model.weights}


def _changed(before, model):
    return {p for p, w in _snapshot(model).items() if not np.array_equal(before[p], w)}


def _bn_paths(model, kind):
    names = {"affine": ("gamma", "beta"), "statistics": ("moving_mean", "moving_variance")}[kind]
    return {getattr(layer, n).path for layer in batch_norm_layers(model) for n in names}


# ------------------------------------------------------------------ what changes
@pytest.mark.parametrize("method,changed", [
    ("tent", "affine"),  # TENT trains only the batch-norm affine parameters
    ("adabn", "statistics"),  # AdaBN only re-estimates the batch-norm statistics
])
def test_each_method_changes_only_its_batch_norm_weights(method, changed):
    model = _engine_model()
    before = _snapshot(model)
    x, _ = _data(1)
    adapt(model, 3.0 * x + 1.0, method, batch_size=40)
    assert _changed(before, model) == _bn_paths(model, changed)
    assert len(batch_norm_layers(model)) == 2  # backbone + bottleneck


def test_episodic_reset_restores_the_weights():
    x, _ = _data(1)
    x = 2.0 * x - 1.0
    for method in ("tent", "adabn"):
        model = _engine_model()
        before = _snapshot(model)
        episodic = adapt(model, x, method, batch_size=60, episodic=True)
        assert _changed(before, model) == set(), method
        # Each batch is adapted on as if it came first: batch 3 alone gives the same outputs.
        alone = adapt(model, x[120:180], method, batch_size=60, episodic=True)
        np.testing.assert_allclose(episodic.outputs[120:180], alone.outputs, rtol=1e-5, atol=1e-5)
        # Without the reset, batch 3 is scored by a model adapted on batches 1-2 as well.
        online = adapt(model, x, method, batch_size=60)
        assert not np.allclose(online.outputs[120:180], alone.outputs, atol=1e-5), method


def test_tent_lowers_the_entropy_of_a_shifted_batch():
    model = _engine_model()
    x, _ = _data(2)
    x = 2.5 * x + 1.5
    adapter = Tent(model, steps=1, optimizer=keras.optimizers.Adam(0.01))

    def entropy(outputs):
        p = keras.ops.softmax(outputs).numpy()
        return float(np.mean(-(p * np.log(p + 1e-12)).sum(1)))

    with adapter.active():
        step = tf.function(adapter.step)
        first = entropy(step(tf.constant(x)))
        for _ in range(20):
            last = entropy(step(tf.constant(x)))
    assert last < first - 0.05, (first, last)


# ------------------------------------------------------------------ AdaBN's statistics
def test_adabn_statistics_are_those_of_the_target_set():
    model = _first_bn_model()
    x, _ = _data(3, n=250)
    target = 2.0 * x + 0.5
    dense, bn = model.layers[0], model.layers[1]
    z = target @ dense.kernel.numpy() + dense.bias.numpy()
    for batch_size in (None, 64):  # one pass, or batches combined exactly (last one: 58 rows)
        reestimate_batch_norm(model, target, batch_size=batch_size)
        np.testing.assert_allclose(bn.moving_mean.numpy(), z.mean(0), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(bn.moving_variance.numpy(), z.var(0), rtol=1e-4, atol=1e-5)
    # The stream form accumulates the same statistics batch by batch.
    adapter_model = _first_bn_model()
    adapt(adapter_model, target, "adabn", batch_size=50)
    np.testing.assert_allclose(adapter_model.layers[1].moving_variance.numpy(), z.var(0), rtol=1e-4)


def test_adabn_undoes_an_affine_shift_of_the_inputs():
    # BN after the first Dense makes the model invariant to x -> a x + b (a > 0) once its
    # statistics are the domain's: AdaBN on the shifted target predicts as on the source.
    x, _ = _data(4)
    source_model = _first_bn_model()
    reestimate_batch_norm(source_model, x, batch_size=None)
    on_source = source_model.predict(x, verbose=0)
    target_model = _first_bn_model()
    shifted = 3.0 * x - 2.0
    assert not np.allclose(target_model.predict(shifted, verbose=0), on_source, atol=1e-2)
    reestimate_batch_norm(target_model, shifted, batch_size=None)
    np.testing.assert_allclose(target_model.predict(shifted, verbose=0), on_source, rtol=1e-3,
                               atol=1e-3)


def test_dropout_is_off_while_statistics_are_estimated():
    x, _ = _data(5)
    model = _first_bn_model(dropout=0.5)
    dense, dropout, bn = model.layers[:3]
    reestimate_batch_norm(model, x, batch_size=None)
    z = x @ dense.kernel.numpy() + dense.bias.numpy()  # what BN sees with dropout off
    np.testing.assert_allclose(bn.moving_variance.numpy(), z.var(0), rtol=1e-4, atol=1e-6)
    assert dropout.rate == 0.5  # restored


def test_frozen_batch_norm_is_adapted_and_stays_frozen():
    model = _first_bn_model()
    bn = model.layers[1]
    bn.trainable = False
    x, _ = _data(6)
    before = np.array(bn.moving_mean)
    adapt(model, 2.0 * x, "adabn", batch_size=60)
    assert not np.array_equal(before, bn.moving_mean.numpy()) and bn.trainable is False


# ------------------------------------------------------------------ Keras forms
def test_wrapper_evaluate_and_predict_score_as_adapt():
    x, y = _data(7)
    target = 2.0 * x + 1.0
    for method in ("tent", "adabn"):
        reference = adapt(_engine_model(), target, method, batch_size=48)
        tta = TestTimeAdaptation(_engine_model(), method)
        tta.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
        logs = tta.evaluate(target, y, batch_size=48, verbose=0, return_dict=True)
        assert logs["accuracy"] == pytest.approx(np.mean(reference.predictions == y), abs=1e-6)
        predicted = TestTimeAdaptation(_engine_model(), method).predict(target, batch_size=48,
                                                                          verbose=0)
        np.testing.assert_allclose(predicted, reference.outputs, rtol=1e-4, atol=1e-4)
    with pytest.raises(TypeError, match="adapts on the batches it scores"):
        tta.fit(target, y, epochs=1, verbose=0)


def test_callback_adapts_each_batch_before_keras_scores_it():
    x, y = _data(8)
    target = 2.0 * x + 1.0
    reference = adapt(_engine_model(), target, "adabn", batch_size=48)
    model = _engine_model()
    logs = model.evaluate(target, y, batch_size=48, verbose=0, return_dict=True,
                          callbacks=[TestTimeAdaptationCallback(target, 48, "adabn")])
    assert logs["accuracy"] == pytest.approx(np.mean(reference.predictions == y), abs=1e-6)
    model = _engine_model()
    before = _snapshot(model)
    predicted = model.predict(target, batch_size=48, verbose=0,
                              callbacks=[TestTimeAdaptationCallback(target, 48, "tent")])
    assert predicted.shape == (target.shape[0], 2)
    assert _changed(before, model) == _bn_paths(model, "affine")  # statistics restored
    with pytest.raises(ValueError, match="same array and batch_size"):
        _engine_model().predict(target, batch_size=48, verbose=0,
                                callbacks=[TestTimeAdaptationCallback(target[:96], 48, "adabn")])


# ------------------------------------------------------------------ inputs
def test_saved_model_path_and_dataset_inputs(tmp_path):
    model = _engine_model()
    path = tmp_path / "deployed.keras"
    model.save(path)
    x, _ = _data(9)
    from_path = adapt(str(path), x, "adabn", batch_size=40)
    dataset = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(40)  # (x, y): y ignored
    from_dataset = adapt(_engine_model(), dataset, "adabn")
    np.testing.assert_allclose(from_path.outputs, from_dataset.outputs, rtol=1e-5, atol=1e-5)


def test_bad_inputs_get_clear_errors():
    model = _engine_model()
    x, _ = _data()
    with pytest.raises(ValueError, match="Valid test-time adaptation methods: tent, adabn"):
        adapt(model, x, "shot", batch_size=8)
    with pytest.raises(ValueError, match="batch_size"):
        adapt(model, x, "tent")
    plain = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="has none"):
        adapt(plain, x, "adabn", batch_size=8)
    with pytest.raises(TypeError, match="keras.Model or the path"):
        AdaBN(42)
    assert test_time.names() == ["tent", "adabn"]
