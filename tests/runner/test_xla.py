"""RunConfig(xla=True): XLA-compiled steps under op determinism, repeatable, refused where not
measured to be."""

import pandas as pd
import pytest
import tensorflow as tf

from tftransfer.config import RunConfig
from tftransfer.runner import train, train_and_evaluate
from tftransfer.runner.build import check_xla

BASE = RunConfig(experiment="test", task="moons->moons_rotated", method="dann", epochs=2,
                 batch_size=32, data_options={"n_samples": 96}, backbone_options={"units": [8]},
                 method_options={"bottleneck_units": 8, "discriminator_units": (8, 8)}, xla=True)


def test_xla_is_kept_under_op_determinism():
    model = train(BASE, reuse_compiled=False)[0]
    # Keras alone would turn it off: `set_seed` enabled op determinism for the run.
    assert model.jit_compile is True
    assert train(BASE.replace(xla=False), reuse_compiled=False)[0].jit_compile is False


@pytest.mark.parametrize("method", ["dann", "mcc"])
def test_an_xla_run_repeats_bit_for_bit(method):
    config = BASE.replace(method=method, method_options={"bottleneck_units": 8})
    first, history_1 = train_and_evaluate(config, reuse_compiled=False)
    second, history_2 = train_and_evaluate(config, reuse_compiled=False)
    for key in ("target_accuracy", "source_val_accuracy", "final_loss"):
        assert first[key] == second[key], key
    pd.testing.assert_frame_equal(history_1.drop(columns="epoch_seconds"),
                                  history_2.drop(columns="epoch_seconds"), check_exact=True)


def test_xla_is_refused_across_replicas_and_on_a_deterministic_gpu(monkeypatch):
    with pytest.raises(ValueError, match="one device"):
        check_xla(BASE.replace(strategy="mirrored"), single_device=False)
    check_xla(BASE.replace(xla=False), single_device=False)  # nothing asked, nothing refused
    monkeypatch.setattr(tf.config, "list_physical_devices",
                        lambda kind=None: ["GPU:0"] if kind == "GPU" else [])
    with pytest.raises(ValueError, match="deterministic=False"):
        check_xla(BASE, single_device=True)
    check_xla(BASE.replace(deterministic=False), single_device=True)


def test_a_network_xla_cannot_compile_deterministically_gets_a_clear_error():
    # Max pooling's gradient has no deterministic XLA kernel in TF (LeNet's pools).
    config = RunConfig(experiment="test", task="original->rotated", method="source_only",
                       backbone="lenet", backbone_options={"feature_units": 8}, epochs=1,
                       steps_per_epoch=2, batch_size=16, xla=True)
    with pytest.raises(ValueError, match="MaxPool.*Set xla=False, or deterministic=False"):
        train(config, reuse_compiled=False)


def test_a_config_asking_xla_across_replicas_is_refused_at_validation():
    with pytest.raises(ValueError, match="one device"):
        BASE.replace(strategy="mirrored").validate()
    BASE.replace(strategy="auto").validate()  # may be one device: decided when it runs
