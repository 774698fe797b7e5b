"""WeightNormDense: w = g · v / ||v|| per output unit."""

import keras
import numpy as np
import pytest

from tftransfer.layers.weight_normalization import WeightNormDense


def test_starts_as_the_dense_layer_of_its_direction_and_scales_with_g():
    layer = WeightNormDense(3)
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    out = layer(x).numpy()
    v = layer.kernel_v.numpy()
    np.testing.assert_allclose(out, x @ v, rtol=1e-5, atol=1e-6)  # g = ||v|| at creation
    layer.kernel_g.assign([1.0, 2.0, 3.0])
    unit = v / np.linalg.norm(v, axis=0)
    np.testing.assert_allclose(layer(x).numpy(), x @ (unit * [1.0, 2.0, 3.0]), rtol=1e-5, atol=1e-6)
    # The output does not depend on the length of v, only on its direction.
    layer.kernel_v.assign(10.0 * v)
    np.testing.assert_allclose(layer(x).numpy(), x @ (unit * [1.0, 2.0, 3.0]), rtol=1e-5, atol=1e-5)


def test_serialises_and_rejects_bad_units():
    layer = WeightNormDense(4, use_bias=False, name="head")
    copy = WeightNormDense.from_config(layer.get_config())
    assert copy.units == 4 and copy.use_bias is False and copy.name == "head"
    copy.build((None, 2))
    assert [w.name for w in copy.weights] == ["kernel_v", "kernel_g"]
    with pytest.raises(ValueError, match="units"):
        WeightNormDense(0)
    config = keras.saving.serialize_keras_object(layer)
    assert isinstance(keras.saving.deserialize_keras_object(config), WeightNormDense)
