"""String tf.data pipelines and term-weight rows as documents (`tftransfer.text`)."""

import numpy as np
import pytest
import scipy.sparse

from tftransfer.data.loaders import load_text
from tftransfer.text import paired_text_dataset, term_documents, text_dataset, write_text_file

DOCS = np.array([f"doc {i} word{i % 3}" for i in range(10)])


def _batches(ds, count):
    return [tuple(np.asarray(t) for t in b) if isinstance(b, tuple) else np.asarray(b)
            for b in ds.take(count).as_numpy_iterator()]


def test_text_dataset_batches_raw_strings_with_int_or_float_labels():
    y = np.arange(10) % 2
    docs, labels = next(iter(text_dataset(DOCS, y, batch_size=4)))
    assert docs.dtype.name == "string" and labels.dtype.name == "int32"
    assert [d.decode() for d in docs.numpy()] == list(DOCS[:4])
    _, targets = next(iter(text_dataset(DOCS, y * 0.5, batch_size=4)))
    assert targets.dtype.name == "float32"
    only = next(iter(text_dataset(list(DOCS), batch_size=3, drop_remainder=True)))
    assert only.shape == (3,)


def test_shuffled_endless_stream_is_the_same_for_every_iterator_and_covers_each_pass():
    y = np.arange(10)
    ds = text_dataset(DOCS, y, batch_size=5, shuffle=True, seed=3, repeat=True,
                      drop_remainder=True)
    first, second = _batches(ds, 4), _batches(ds, 4)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a[1], b[1])
    assert sorted(np.concatenate([first[0][1], first[1][1]])) == list(range(10))
    assert sorted(np.concatenate([first[2][1], first[3][1]])) == list(range(10))
    assert not np.array_equal(first[0][1], np.arange(5))  # shuffled


def test_text_dataset_takes_a_text_domain_and_its_labels(tmp_path):
    domain = load_text(write_text_file(tmp_path / "d.txt", DOCS, ["a", "b"] * 5))
    docs, labels = next(iter(text_dataset(domain, batch_size=10)))
    assert [d.decode() for d in docs.numpy()] == list(DOCS)
    np.testing.assert_array_equal(labels.numpy(), domain.y)


def test_paired_text_dataset_pairs_source_and_target_batches():
    ds = paired_text_dataset(DOCS, np.arange(10) % 2, DOCS[:6], batch_size=4, seed=0)
    (docs_s, y_s), (docs_t,) = next(iter(ds))
    assert docs_s.shape == (4,) and y_s.shape == (4,) and docs_t.shape == (4,)
    assert set(d.decode() for d in docs_t.numpy()) <= set(DOCS[:6])
    ds = paired_text_dataset(DOCS, np.arange(10) % 2, DOCS[:6], np.full(6, -1), batch_size=4,
                             seed=0)
    (_, _), (_, y_t) = next(iter(ds))
    assert (y_t.numpy() == -1).all()


@pytest.mark.parametrize("documents, match", [
    (np.zeros((4, 2), "U3"), "non-empty 1-D sequence of strings"),
    ([], "non-empty 1-D sequence of strings"),
    (np.arange(4), "non-empty 1-D sequence of strings"),
])
def test_text_dataset_rejects_non_documents(documents, match):
    with pytest.raises(ValueError, match=match):
        text_dataset(documents, batch_size=2)


def test_label_count_must_match_the_documents():
    with pytest.raises(ValueError, match=r"one label per document, shape \(10,\)"):
        text_dataset(DOCS, np.zeros(9), batch_size=2)
    with pytest.raises(ValueError, match="source_y"):
        paired_text_dataset(DOCS, np.zeros(3), DOCS, batch_size=2, seed=0)


def test_term_documents_orders_terms_by_weight_then_column():
    x = np.array([[0.0, 0.5, 0.2, 0.5],
                  [0.0, 0.0, 0.0, 0.0],
                  [3.0, 0.0, 0.0, 1.0]])
    docs = term_documents(x)
    assert docs.tolist() == ["t1 t3 t2", "", "t0 t3"]
    assert term_documents(x, max_terms=1).tolist() == ["t1", "", "t0"]
    assert term_documents(scipy.sparse.csr_matrix(x)).tolist() == docs.tolist()
    with pytest.raises(ValueError, match="max_terms"):
        term_documents(x, max_terms=0)


def test_term_documents_round_trip_through_the_text_loader(tmp_path):
    x = scipy.sparse.random(12, 30, density=0.3, random_state=0, format="lil")
    x[4, :] = 0  # a document without terms
    x = x.tocsr()
    x.eliminate_zeros()
    x.data = x.data + 0.01  # strictly positive weights
    docs = term_documents(x)
    assert docs[4] == "" and all(docs[i] for i in range(12) if i != 4)
    labels = np.where(np.arange(12) % 2, "pos", "neg")
    domain = load_text(write_text_file(tmp_path / "terms" / "reuters.txt", docs, labels))
    # Labelled lines keep an empty document ("neg<TAB>"): rows and labels stay aligned.
    assert domain.documents.tolist() == docs.tolist()
    assert [domain.class_names[c] for c in domain.y] == labels.tolist()
    # The bag of terms survives: each document's terms are its row's non-zero columns.
    for i, doc in enumerate(domain.documents):
        assert sorted(int(t[1:]) for t in doc.split()) == sorted(x[i].indices.tolist())


def test_write_text_file_checks_labels_and_keeps_one_document_a_line(tmp_path):
    path = write_text_file(tmp_path / "u.txt", ["one\ttab", "two\nlines\r\nthree"])
    assert path.read_text().splitlines() == ["one tab", "two lines three"]
    with pytest.raises(ValueError, match=r"one label per document \(2\)"):
        write_text_file(tmp_path / "bad.txt", ["a", "b"], ["x"])
