"""FixedLinearMap / as_keras_layer: equal to the numpy transforms, frozen, `.keras` round trip."""

import keras
import numpy as np
import pytest

from tftransfer.transforms import CORAL, TCA, FixedLinearMap, SubspaceAlignment, as_keras_layer


def _domains(rng, n=80, d=5):
    xs = rng.normal(size=(n, d)) @ rng.normal(size=(d, d))
    xt = rng.normal(size=(n, d)) * np.linspace(0.5, 2.0, d) + 1.0
    return xs, xt


FITTED = {
    "coral": lambda xs, xt: CORAL(epsilon=1.0).fit(xs, xt),
    "sa": lambda xs, xt: SubspaceAlignment(n_components=3).fit(xs, xt),
    "tca_linear": lambda xs, xt: TCA(n_components=3, kernel="linear").fit(xs, xt),
    "tca_primal": lambda xs, xt: TCA(n_components=3, kernel="primal").fit(xs, xt),
}


@pytest.mark.parametrize("name", list(FITTED))
def test_layer_equals_the_numpy_transform(name, rng):
    xs, xt = _domains(rng)
    transform = FITTED[name](xs, xt)
    x = rng.normal(size=(16, 5)) + 0.5
    for domain in ("source", "target"):
        layer = as_keras_layer(transform, domain)
        out = keras.ops.convert_to_numpy(layer(x.astype("float32")))
        expected = transform.transform(x, domain)
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_coral_target_layer_is_the_identity_and_sa_target_centres(rng):
    xs, xt = _domains(rng)
    layer = as_keras_layer(CORAL().fit(xs, xt), "target")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.matrix), np.eye(5))
    assert layer.offset is None
    sa = SubspaceAlignment(n_components=2).fit(xs, xt)
    layer = as_keras_layer(sa)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.offset), sa.target_mean_,
                               rtol=1e-6)


def test_rbf_tca_raises_a_value_error_saying_what_to_do(rng):
    xs, xt = _domains(rng)
    with pytest.raises(ValueError, match="[Pp]recompute"):
        as_keras_layer(TCA(n_components=2, kernel="rbf").fit(xs, xt))


def test_model_with_the_layer_saves_and_reloads(tmp_path, rng):
    xs, xt = _domains(rng)
    sa = SubspaceAlignment(n_components=3).fit(xs, xt)
    model = keras.Sequential(
        [keras.Input((5,)), as_keras_layer(sa, "target", name="sa_map"), keras.layers.Dense(2)]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    matrix_before = keras.ops.convert_to_numpy(model.get_layer("sa_map").matrix).copy()
    model.fit(xt.astype("float32"), (xt[:, 0] > 1).astype("int32"), epochs=1, verbose=0)
    layer = model.get_layer("sa_map")
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.matrix), matrix_before)

    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded.get_layer("sa_map"), FixedLinearMap)
    x = xt[:10].astype("float32")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    features = keras.Model(reloaded.inputs, reloaded.get_layer("sa_map").output)
    np.testing.assert_allclose(features.predict(x, verbose=0), sa.transform_target(x),
                               rtol=1e-4, atol=1e-4)


def test_config_holds_nested_lists_and_round_trips():
    layer = FixedLinearMap([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], offset=[1.0, 0.0, -1.0],
                           bias=[0.5, -0.5], name="m")
    config = layer.get_config()
    assert config["matrix"] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert config["offset"] == [1.0, 0.0, -1.0] and config["bias"] == [0.5, -0.5]
    clone = FixedLinearMap.from_config(config)
    x = np.array([[1.0, 1.0, 1.0], [0.0, 2.0, -1.0]], "float32")
    expected = (x - [1.0, 0.0, -1.0]) @ np.array([[1, 2], [3, 4], [5, 6]]) + [0.5, -0.5]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(clone(x)), expected, rtol=1e-6)
    assert clone.name == "m" and clone.compute_output_shape((None, 7, 3)) == (None, 7, 2)


def test_bad_arguments_raise(rng):
    with pytest.raises(ValueError, match="2-D"):
        FixedLinearMap([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        FixedLinearMap([[np.nan]])
    with pytest.raises(ValueError, match=r"offset.*\(2,\)"):
        FixedLinearMap(np.eye(2), offset=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"bias.*\(3,\)"):
        FixedLinearMap(np.ones((2, 3)), bias=[1.0])
    with pytest.raises(TypeError, match="numeric"):
        FixedLinearMap([["a"]])
    with pytest.raises(ValueError, match="last dimension 2"):
        FixedLinearMap(np.eye(2))(np.ones((1, 3), "float32"))
    xs, xt = _domains(rng)
    with pytest.raises(ValueError, match="'source', 'target'"):
        as_keras_layer(CORAL().fit(xs, xt), domain="both")
    with pytest.raises(TypeError, match="linear_map"):
        as_keras_layer(object())
    with pytest.raises(RuntimeError, match="not fitted"):
        as_keras_layer(CORAL())
