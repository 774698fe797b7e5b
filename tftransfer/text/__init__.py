"""Text through the engine and TF-Hub: string pipelines, a text encoder exported for `hub:`,
and the cross-domain term matrices as documents.

* `text_dataset`, `paired_text_dataset`: tf.data batches of raw strings (a `TextDomain`'s
  documents, `tftransfer.data.loaders.load_text`) for models that read text;
* `text_encoder`, `train_text_encoder`: `TextVectorization` → `Embedding` → mean → Dense,
  trained on one text domain and exported with `export_hub` so that `hub:<path>` is a
  string-input backbone;
* `term_documents`, `write_text_file`: Reuters / 20 Newsgroups term-weight rows as documents
  of anonymous term tokens, written in `load_text`'s format.

A real TF-Hub text model works the same way offline: place its SavedModel in
`$TFHUB_CACHE_DIR/<sha1 of the handle>/` and build `hub_backbone(handle, input_shape=(),
dtype="string")` (see `tftransfer.backbones.hub`).
"""

from tftransfer.text.documents import term_documents, write_text_file
from tftransfer.text.encoder import text_encoder, train_text_encoder
from tftransfer.text.pipeline import paired_text_dataset, text_dataset

__all__ = ["paired_text_dataset", "term_documents", "text_dataset", "text_encoder",
           "train_text_encoder", "write_text_file"]
