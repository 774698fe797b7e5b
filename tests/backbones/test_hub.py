"""TF-Hub backbones: export_hub -> "hub:" round trip, fine-tuning, freezing, offline handles,
and MirroredStrategy (2 logical CPUs) against one device."""

import hashlib
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer import backbones, methods
from tftransfer.backbones.hub import HubLayer


def _data(rng, n=16, features=8, num_classes=3):
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (np.arange(n) % num_classes).astype("int32")


def _export(tmp_path, batch_norm=True, name="encoder"):
    fe = backbones.get("mlp", input_shape=(8,), units=(16, 6), batch_norm=batch_norm)
    path = backbones.export_hub(fe, tmp_path / name)
    return fe, path


def _fine_tune(fe, x, y, steps=3, **method_options):
    model = methods.get("source_only")(fe, num_classes=3, **method_options)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    before = {w.path: w.numpy().copy() for w in fe.weights}
    model.fit(x, y, batch_size=len(x), epochs=steps, verbose=0, shuffle=False)
    return {p: float(np.max(np.abs(v - w.numpy())))
            for (p, v), w in zip(before.items(), fe.weights)}


def test_round_trip_gives_identical_outputs_in_both_training_modes(tmp_path, rng):
    original, path = _export(tmp_path)
    loaded = backbones.get("hub:" + path)
    x, _ = _data(rng)
    np.testing.assert_array_equal(loaded(x, training=False).numpy(),
                                  original(x, training=False).numpy())
    assert loaded.output_shape == (None, 6)
    # Training mode: batch statistics, and the moving statistics move the same way.
    np.testing.assert_allclose(loaded(x, training=True).numpy(),
                               original(x, training=True).numpy(), atol=1e-6)
    moving = lambda model: sorted(float(np.sum(w.numpy())) for w in model.non_trainable_weights)
    np.testing.assert_allclose(moving(loaded), moving(original), rtol=1e-6)
    np.testing.assert_allclose(loaded(x, training=False).numpy(),
                               original(x, training=False).numpy(), atol=1e-6)


def test_frozen_batch_norm_is_exported_in_inference_mode(tmp_path, rng):
    fe = backbones.get("mlp", input_shape=(8,), units=(16, 6), batch_norm=True)
    backbones.apply_freeze_depth(fe, "none")
    path = backbones.export_hub(fe, tmp_path / "frozen")
    loaded = backbones.get("hub:" + path)
    x, _ = _data(rng)
    np.testing.assert_allclose(tf.saved_model.load(path)(x, training=True).numpy(),
                               fe(x, training=False).numpy(), atol=1e-6)
    assert not loaded.trainable_weights  # exported trainable_variables were empty


def test_hub_backbone_fine_tunes_and_freezes(tmp_path, rng):
    _, path = _export(tmp_path)
    x, y = _data(rng)
    changes = _fine_tune(backbones.get("hub:" + path), x, y)
    assert len(changes) == 12 and min(changes.values()) > 0  # kernels, BN and moving stats

    frozen = backbones.get("hub:" + path)
    changes = _fine_tune(frozen, x, y, freeze_depth="none")
    assert max(changes.values()) == 0.0  # moving statistics too: inference mode
    assert not frozen.trainable_weights

    partial = backbones.get("hub:" + path)
    changes = _fine_tune(partial, x, y, freeze_depth=1)
    summary = backbones.trainable_summary(partial)
    assert "hub_layer/dense_0" in summary and "hub_layer/bn_1" in summary
    groups = backbones.weighted_layers(partial)
    assert [[g.name.split("/")[-1] for g in group] for group in groups] == [
        ["dense_0", "bn_0"], ["dense_1", "bn_1"]]
    for p, change in changes.items():
        name = p.split("/")[-1]
        if name.startswith(("dense_0.", "bn_0.gamma", "bn_0.beta")):
            assert change == 0.0, p  # bottom group frozen
        if name.startswith(("dense_1.", "bn_1.gamma", "bn_1.beta")):
            assert change > 0.0, p


def test_saved_model_reloads_with_config_and_weights(tmp_path, rng):
    _, path = _export(tmp_path)
    model = methods.get("source_only")(backbones.get("hub:" + path), num_classes=3)
    x, y = _data(rng)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    model.build((None, 8))
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    layer = model.feature_extractor.layers[1]
    assert layer.get_config()["handle"] == path
    model.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(reloaded(x).numpy(), model(x).numpy())


def test_url_handle_resolves_offline_from_the_cache(tmp_path, rng, monkeypatch):
    original, path = _export(tmp_path)
    handle = "https://tfhub.dev/tftransfer/test-encoder/1"
    cache = tmp_path / "cache"
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(cache))
    folder = cache / hashlib.sha1(handle.encode("utf8")).hexdigest()
    with pytest.raises(FileNotFoundError, match="not in the TF-Hub cache.*" + folder.name):
        backbones.get("hub:" + handle)
    shutil.copytree(path, folder)
    loaded = backbones.get("hub:" + handle)
    x, _ = _data(rng)
    np.testing.assert_array_equal(loaded(x).numpy(), original(x).numpy())


def test_hub_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a SavedModel folder"):
        backbones.get("hub:" + str(tmp_path / "missing"))
    _, path = _export(tmp_path)
    with pytest.raises(ValueError, match=r"`input_shape` must fit the input shape \(8,\) "
                                         r"\(None = any\). Received: input_shape=\(9,\)"):
        backbones.get("hub:" + path, input_shape=(9,))
    with pytest.raises(ValueError, match=r"`spec` must give the argument after 'hub:' "
                                         r"\(hub:<handle-or-path>\). Received: spec='hub:'"):
        backbones.get("hub:")


def _train(strategy, path, x, y, init=None):
    with strategy.scope():  # the SavedModel's variables are created at load time
        model = methods.get("source_only")(backbones.get("hub:" + path), num_classes=3)
        model.compile(optimizer=keras.optimizers.SGD(0.1))
        model.build((None, 8))
        if init is not None:
            model.set_weights(init)
        start = model.get_weights()
        data = tf.data.Dataset.from_tensor_slices((x, y)).batch(8, drop_remainder=True)
        model.fit(data, epochs=1, steps_per_epoch=4, verbose=0, shuffle=False)
    return start, model.get_weights()


def test_two_replicas_equal_one_device(tmp_path, rng, two_cpu_strategy):
    _, path = _export(tmp_path, batch_norm=False)  # per-replica BN statistics would differ
    x, y = _data(rng, n=32)
    start, one_device = _train(tf.distribute.get_strategy(), path, x, y)
    _, two_replicas = _train(two_cpu_strategy, path, x, y, init=start)
    assert max(np.max(np.abs(a - b)) for a, b in zip(start, one_device)) > 1e-3  # it trained
    for a, b in zip(one_device, two_replicas):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_loading_outside_the_strategy_scope_is_a_clear_error(tmp_path, rng, two_cpu_strategy):
    _, path = _export(tmp_path, batch_norm=False)
    layer = HubLayer(path)
    with pytest.raises(RuntimeError, match="inside strategy.scope"):
        two_cpu_strategy.run(lambda: layer(tf.zeros((2, 8))))


def test_model_export_artefacts_and_regularization_losses(tmp_path, rng):
    x, _ = _data(rng)
    fe = backbones.get("mlp", input_shape=(8,), units=(16, 6))
    fe.export(str(tmp_path / "served"), verbose=False)  # Keras' own format: a `serve` endpoint
    served = backbones.get("hub:" + str(tmp_path / "served"))
    np.testing.assert_array_equal(served(x).numpy(), fe(x).numpy())
    assert len(served.trainable_weights) == 4

    inputs = keras.Input((8,))
    dense = keras.layers.Dense(4, kernel_regularizer=keras.regularizers.L2(0.1), name="dense")
    regularized = keras.Model(inputs, dense(inputs))
    loaded = backbones.get("hub:" + backbones.export_hub(regularized, tmp_path / "regularized"))
    loaded(x, training=True)
    np.testing.assert_allclose([float(v) for v in loaded.losses],
                               [float(v) for v in regularized.losses], rtol=1e-6)
