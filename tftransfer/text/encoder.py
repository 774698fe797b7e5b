"""A text encoder the project trains itself and exports as a TF-Hub SavedModel reading strings.

No pretrained text model can be downloaded here, so `train_text_encoder` builds one from a
labelled text domain: `TextVectorization` (the domain's vocabulary) → `Embedding` → mean over
the document's tokens (`TokenMean`; an empty document gives zeros) → Dense + ReLU, trained
with a classification head by the engine (`DomainAdaptationModel`, source-only) on raw
strings, then written with `tftransfer.backbones.export_hub`, vocabulary included.
`backbones.get("hub:" + path)` reads it back as a backbone with string inputs
(`keras.Input(shape=(), dtype="string")`) that fine-tunes like any other — the way a TF-Hub
text embedding (NNLM, Universal Sentence Encoder) is used in Keras.

Example:
    >>> docs = tftransfer.data.load_text("source.txt")
    >>> path = train_text_encoder(docs, "/tmp/encoder", epochs=5)
    >>> fe = tftransfer.backbones.get("hub:" + path)       # strings in, 64 features out
"""

from __future__ import annotations

from typing import Optional

import keras
import numpy as np

from tftransfer._checks import check_int
from tftransfer.text.pipeline import as_documents, text_dataset

__all__ = ["TokenMean", "text_encoder", "train_text_encoder"]


@keras.saving.register_keras_serializable(package="tftransfer")
class TokenMean(keras.layers.Layer):
    """Mean of the token embeddings over the non-padding tokens (id > 0) of each document.

    Called on `[embedded, tokens]`: (n, length, dim) embeddings and the (n, length) token ids
    they came from. An empty document (padding only) gives zeros, where Keras' masked
    `GlobalAveragePooling1D` divides 0 by 0 and gives NaN.
    """

    def call(self, inputs):
        embedded, tokens = inputs
        present = keras.ops.cast(keras.ops.greater(tokens, 0), embedded.dtype)
        total = keras.ops.sum(embedded * keras.ops.expand_dims(present, -1), axis=1)
        count = keras.ops.maximum(keras.ops.sum(present, axis=1, keepdims=True), 1.0)
        return total / count

    def compute_output_shape(self, input_shape):
        shape = input_shape[0]
        return (shape[0], shape[2])


def text_encoder(documents, *, max_tokens: int = 20000, sequence_length: int = 200,
                 embedding_dim: int = 64, units: int = 64, name: str = "text_encoder"
                 ) -> keras.Model:
    """A string → feature model whose vocabulary is adapted to `documents`.

    Args:
        documents: The documents the vocabulary comes from (1-D strings or a `TextDomain`).
        max_tokens: Vocabulary size (the most frequent tokens; index 0 pads, 1 is unknown).
        sequence_length: Tokens kept a document (padded or truncated).
        embedding_dim: Width of the token embeddings.
        units: Width of the output features (Dense + ReLU on the mean embedding).

    Returns:
        An untrained `keras.Model` from `keras.Input(shape=(), dtype="string")` to (n, units).
    """
    owner = "text_encoder"
    for value, what in ((max_tokens, "max_tokens"), (sequence_length, "sequence_length"),
                        (embedding_dim, "embedding_dim"), (units, "units")):
        check_int(value, what, minimum=1, owner=owner)
    docs = as_documents(documents, owner=owner)
    vectorize = keras.layers.TextVectorization(max_tokens=max_tokens,
                                               output_sequence_length=sequence_length,
                                               name="vectorize")
    vectorize.adapt(docs)
    inputs = keras.Input(shape=(), dtype="string", name="documents")
    tokens = vectorize(inputs)
    embedded = keras.layers.Embedding(vectorize.vocabulary_size(), embedding_dim,
                                      name="embedding")(tokens)
    pooled = TokenMean(name="mean")([embedded, tokens])
    features = keras.layers.Dense(units, activation="relu", name="features")(pooled)
    return keras.Model(inputs, features, name=name)


def train_text_encoder(domain, path, *, epochs: int = 5, batch_size: int = 32, seed: int = 0,
                       learning_rate: float = 1e-3, max_tokens: int = 20000,
                       sequence_length: int = 200, embedding_dim: int = 64, units: int = 64,
                       verbose: int = 0) -> str:
    """Trains a `text_encoder` on a labelled `TextDomain` and exports it for `hub:`.

    The encoder and a Dense(num_classes) head are trained together as a source-only
    `DomainAdaptationModel` (Adam, cross-entropy) on the domain's raw strings; the encoder is
    then written with `export_hub` (its vocabulary included), so `hub:<path>` takes strings.

    Args:
        domain: A labelled `TextDomain` (`tftransfer.data.loaders.load_text`).
        path: Folder of the SavedModel.
        epochs, batch_size, seed, learning_rate: Training.
        max_tokens, sequence_length, embedding_dim, units: See `text_encoder`.
        verbose: Keras `fit` verbosity.

    Returns:
        `path` as a string.
    """
    from tftransfer.backbones import export_hub
    from tftransfer.methods import DomainAdaptationModel

    owner = "train_text_encoder"
    if getattr(domain, "y", None) is None:
        raise ValueError(f"{owner}: `domain` must be a labelled TextDomain. Received: "
                         f"{type(domain).__name__} without labels")
    epochs = check_int(epochs, "epochs", minimum=1, owner=owner)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0, owner=owner))
    encoder = text_encoder(domain, max_tokens=max_tokens, sequence_length=sequence_length,
                           embedding_dim=embedding_dim, units=units)
    model = DomainAdaptationModel(encoder, domain.num_classes, name="text_encoder_training")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    steps = int(np.ceil(domain.n / batch_size))
    data = text_dataset(domain.documents, domain.y, batch_size=batch_size, shuffle=True,
                        seed=seed, repeat=True, drop_remainder=True)
    model.fit(data, epochs=epochs, steps_per_epoch=steps, verbose=verbose, shuffle=False)
    return export_hub(encoder, path)
