"""Text encoders through TF-Hub: a `TextVectorization` encoder trained on raw strings,
exported with `export_hub`, read back by "hub:" as a string-input backbone, and fine-tuned by
the engine on `tftransfer.text` batches."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tftransfer import backbones, methods
from tftransfer.data.loaders import load_text
from tftransfer.text import (paired_text_dataset, text_dataset, text_encoder,
                             train_text_encoder, write_text_file)

POSITIVE = ("good great fine nice", "great nice lovely good", "fine lovely great")
NEGATIVE = ("bad awful poor", "poor bad terrible awful", "terrible awful bad")
QUERIES = ["good great", "awful bad bad", "never seen words", "", "GOOD, great!"]
SMALL = dict(max_tokens=40, sequence_length=6, embedding_dim=8, units=6)


def _corpus(rng, n=24):
    """n shuffled two-class documents (class 1 positive words, class 0 negative words)."""
    docs, labels = [], []
    for i in range(n):
        words = list((POSITIVE if i % 2 else NEGATIVE)[i % 3].split())
        rng.shuffle(words)
        docs.append(" ".join(words))
        labels.append("pos" if i % 2 else "neg")
    return docs, labels


@pytest.fixture
def domain(tmp_path, rng):
    docs, labels = _corpus(rng)
    return load_text(write_text_file(tmp_path / "source.txt", docs, labels))


def _train(encoder, domain, steps=6):
    model = methods.get("source_only")(encoder, num_classes=domain.num_classes)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    data = text_dataset(domain, batch_size=8, shuffle=True, seed=0, repeat=True,
                        drop_remainder=True)
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return model


def test_trained_encoder_round_trips_through_hub_and_reads_raw_strings(tmp_path, domain):
    encoder = text_encoder(domain, **SMALL)
    assert encoder.inputs[0].dtype == "string" and encoder.output_shape == (None, 6)
    _train(encoder, domain)
    before = encoder(tf.constant(QUERIES), training=False).numpy()
    assert np.isfinite(before).all() and np.abs(before).sum() > 0  # "" too: no 0/0

    path = backbones.export_hub(encoder, tmp_path / "encoder")
    del encoder
    keras.backend.clear_session()
    loaded = backbones.get("hub:" + path)
    assert loaded.inputs[0].dtype == "string"
    assert loaded.input_shape == (None,) and loaded.output_shape == (None, 6)
    after = loaded(tf.constant(QUERIES), training=False).numpy()
    np.testing.assert_allclose(after, before, rtol=1e-6, atol=1e-7)
    # The vocabulary travelled with the SavedModel: known words give other features than
    # unknown ones; an empty document (padding only) gives ReLU(bias), not NaN.
    assert not np.allclose(after[0], after[2])
    assert np.isfinite(after[3]).all()


def test_train_text_encoder_exports_features_that_separate_the_classes(tmp_path, domain):
    from sklearn.linear_model import LogisticRegression

    path = train_text_encoder(domain, tmp_path / "trained", epochs=4, batch_size=8,
                              learning_rate=0.05, seed=0, **SMALL)
    fe = backbones.get("hub:" + path)
    features = fe(tf.constant(domain.documents), training=False).numpy()
    assert features.shape == (domain.n, 6) and np.isfinite(features).all()
    accuracy = LogisticRegression(C=100.0).fit(features, domain.y).score(features, domain.y)
    assert accuracy == 1.0


def test_train_text_encoder_needs_labels(tmp_path, domain):
    unlabelled = load_text(write_text_file(tmp_path / "u.txt", domain.documents), num_classes=2)
    with pytest.raises(ValueError, match="must be a labelled TextDomain"):
        train_text_encoder(unlabelled, tmp_path / "x")


@pytest.mark.slow
def test_engine_fine_tunes_a_hub_text_backbone_on_string_batches(tmp_path, domain):
    encoder = text_encoder(domain, **SMALL)
    path = backbones.export_hub(encoder, tmp_path / "encoder")
    fe = backbones.get("hub:" + path)
    before = [w.numpy().copy() for w in fe.trainable_weights]
    assert before, "the exported encoder's variables are trainable"

    model = methods.get("dann")(fe, num_classes=2)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    data = paired_text_dataset(domain, domain.y, domain.documents[::-1], batch_size=8, seed=0)
    history = model.fit(data, epochs=1, steps_per_epoch=4, verbose=0, shuffle=False)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    moved = [float(np.max(np.abs(b - w.numpy()))) for b, w in zip(before, fe.trainable_weights)]
    assert max(moved) > 0
    logits = model(tf.constant(QUERIES), training=False)
    assert tuple(logits.shape) == (len(QUERIES), 2)


def test_hub_text_backbone_rejects_a_numeric_dtype(tmp_path, domain):
    path = backbones.export_hub(text_encoder(domain, **SMALL), tmp_path / "encoder")
    with pytest.raises(ValueError, match="must be the SavedModel's input dtype 'string'"):
        backbones.get("hub:" + path, dtype="float32")


def test_text_encoder_rejects_bad_arguments(domain):
    with pytest.raises(ValueError, match="non-empty 1-D sequence of strings"):
        text_encoder(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="units"):
        text_encoder(domain, units=0)
