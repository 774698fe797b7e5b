"""rank_backbones on two tiny backbones: a saved file with its classifier, and an mlp."""

import numpy as np
import pytest
import keras

from tftransfer import backbones
from tftransfer.data import Domain
from tftransfer.ranking import hscore, leep, logme, nce, rank_backbones


@pytest.fixture
def target():
    rng = np.random.default_rng(0)
    y = np.arange(36) % 3
    x = rng.normal(size=(36, 6)) + 2.0 * np.eye(6)[y]
    return Domain("tiny", x.astype("float32"), y, num_classes=3)


@pytest.fixture
def saved_classifier(tmp_path):
    inputs = keras.Input((6,))
    features = keras.layers.Dense(4, activation="relu", name="features")(inputs)
    outputs = keras.layers.Dense(5, activation="softmax", name="classifier")(features)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "tiny.keras"
    model.save(path)
    return model, path


def test_table_of_a_file_backbone_and_an_mlp(target, saved_classifier):
    model, path = saved_classifier
    spec = f"file:{path}"
    table = rank_backbones({"tiny_file": spec, "scratch_mlp": "mlp"}, target,
                           backbone_options={"mlp": {"units": (5,)}})
    assert list(table.columns) == ["backbone", "spec", "feature_dim", "logme", "logme_rank",
                                   "leep", "leep_rank", "nce", "nce_rank", "hscore",
                                   "hscore_rank", "seconds", "note"]
    assert list(table.backbone) == ["tiny_file", "scratch_mlp"]
    assert list(table.feature_dim) == [4, 5]
    for score in ("logme", "hscore"):
        assert sorted(table[f"{score}_rank"]) == [1.0, 2.0]
    assert (table.seconds > 0).all()

    file_row, mlp_row = table.iloc[0], table.iloc[1]
    # The file's own classifier gives LEEP/NCE: the same values as the full model's softmax.
    probabilities = model.predict(target.x, verbose=0)
    assert file_row.leep == pytest.approx(leep(probabilities, target.y), abs=1e-6)
    assert file_row.nce == pytest.approx(nce(probabilities.argmax(1), target.y), abs=1e-12)
    features = backbones.get(spec).predict(target.x, verbose=0)
    assert file_row.logme == pytest.approx(logme(features, target.y), abs=1e-6)
    assert file_row.hscore == pytest.approx(hscore(features, target.y), abs=1e-6)
    assert file_row.note == ""
    # An mlp from scratch has no source classifier: LEEP/NCE are not computed, and it says so.
    assert np.isnan(mlp_row.leep) and np.isnan(mlp_row.nce) and np.isnan(mlp_row.leep_rank)
    assert "leep, nce not computed: no source classifier for 'mlp' specs" in mlp_row.note
    assert file_row.leep_rank == 1.0


def test_source_heads_and_the_feature_cache(target, saved_classifier, tmp_path):
    _, path = saved_classifier
    head_input = keras.Input((5,))
    head = keras.Model(head_input, keras.layers.Dense(2)(head_input))   # logits on purpose
    cache = tmp_path / "cache"
    kwargs = dict(scores=("leep", "logme"), cache_dir=cache, source_heads={"mlp": head},
                  backbone_options={"mlp": {"units": (5,)}})
    keras.utils.set_random_seed(0)   # the same random mlp both times: same cache entries
    first = rank_backbones([f"file:{path}", "mlp"], target, **kwargs)
    assert not np.isnan(first.leep).any()
    assert "head outputs read as logits (softmax applied)" in first.note.iloc[1]
    # Two backbones' features and two heads' outputs: four cache entries, read back unchanged.
    assert len(list(cache.rglob("*.npz"))) == 4
    keras.utils.set_random_seed(0)
    second = rank_backbones([f"file:{path}", "mlp"], target, **kwargs)
    assert len(list(cache.rglob("*.npz"))) == 4
    np.testing.assert_array_equal(first[["leep", "logme"]].to_numpy(), second[["leep", "logme"]].to_numpy())


def test_bad_arguments_raise_clear_errors(target, saved_classifier):
    _, path = saved_classifier
    with pytest.raises(ValueError, match="Unknown transferability score 'sfda'. Valid"):
        rank_backbones(["mlp"], target, scores=("sfda",))
    with pytest.raises(ValueError, match="Unknown backbone 'resnet'"):
        rank_backbones(["resnet"], target)
    with pytest.raises(ValueError, match="must be labelled"):
        rank_backbones(["mlp"], Domain("u", target.x, None, num_classes=3))
    with pytest.raises(ValueError, match="`source_heads` has key 'lenet', which is none of"):
        rank_backbones(["mlp"], target, source_heads={"lenet": "head.keras"})
    with pytest.raises(TypeError, match="`specs` must be a sequence"):
        rank_backbones("mlp", target)
    with pytest.raises(ValueError, match="at least 2 classes"):
        rank_backbones(["mlp"], (target.x, np.zeros(target.n, int)))
