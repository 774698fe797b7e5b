"""Tests for the class vocabulary (loaders/labels.py): label schemes, names, conversions."""

import numpy as np
import pytest

from tftransfer.data.loaders import build_vocabulary, canonical_labels


def vocab(*arrays, **kwargs):
    return build_vocabulary([canonical_labels(a, len(a), "f")[0] for a in arrays], **kwargs)


@pytest.mark.parametrize(
    "values, scheme, classes",
    [
        ([-1, 1, 1, -1], "binary", (-1, 1)),
        ([0, 1, 3, 2], "zero_based", (0, 1, 2, 3)),
        ([1, 3, 2, 3], "one_based", (1, 2, 3)),
        ([3, 7, 7], "values", (3, 7)),
        ([-1, 0, 1], "values", (-1, 0, 1)),
        ([1.0, 2.0, 1.0], "one_based", (1, 2)),
        (["dog", "cat", "eel"], "values", ("cat", "dog", "eel")),
        (["+1", "-1", "1"], "binary", (-1, 1)),  # numeric strings are numbers
    ],
)
def test_auto_detection(values, scheme, classes):
    labels, _ = canonical_labels(np.asarray(values, dtype=object), len(values), "f")
    vocabulary = build_vocabulary([labels])
    assert (vocabulary.scheme, vocabulary.classes) == (scheme, classes)
    if isinstance(classes[0], int):
        assert vocabulary.notes  # every numeric detection is said
    expected = [classes.index(v) for v in labels.tolist()]
    assert vocabulary.encode(labels, "f").tolist() == expected


def test_binary_names_and_indices():
    vocabulary = vocab(np.array([1, -1, 1]))
    assert vocabulary.names == ("-1", "1")
    assert vocabulary.encode(np.array([1, -1]), "f").tolist() == [1, 0]
    assert "binary" in vocabulary.notes[0] and "-1 -> class 0" in vocabulary.notes[0]


def test_one_shared_vocabulary_over_files():
    vocabulary = vocab(np.array(["dog", "cat"], dtype=object), np.array(["eel", "cat"], dtype=object))
    assert vocabulary.classes == ("cat", "dog", "eel")
    mixed = vocab(np.array([1, 2]), np.array(["cat", "dog"], dtype=object))
    assert mixed.classes == ("1", "2", "cat", "dog")
    assert "compared as text" in mixed.notes[0]


def test_explicit_schemes_and_num_classes():
    assert vocab(np.array([1, 2]), labels="zero_based").classes == (0, 1, 2)  # class 0 empty
    assert vocab(np.array([0, 1]), labels="zero_based", num_classes=4).classes == (0, 1, 2, 3)
    assert vocab(np.array([1, 2]), labels="one_based", num_classes=3).classes == (1, 2, 3)
    assert vocab(np.array([5, 9]), labels="values").classes == (5, 9)
    assert vocab(np.array([-1, 1]), labels="binary").notes == ()  # said, so no note
    with pytest.raises(ValueError, match="labels='one_based' declares labels 1..K, but the labels hold 0"):
        vocab(np.array([0, 1]), labels="one_based")
    with pytest.raises(ValueError, match=r"labels='binary' expects labels -1 and \+1, got \[0, 1\]"):
        vocab(np.array([0, 1]), labels="binary")
    with pytest.raises(ValueError, match="labels='zero_based' reads numeric labels, but the labels are class names"):
        vocab(np.array(["a", "b"], dtype=object), labels="zero_based")
    with pytest.raises(ValueError, match="num_classes=2 is too small for zero-based labels up to 3"):
        vocab(np.array([0, 3]), num_classes=2)
    with pytest.raises(ValueError, match=r"num_classes=3 but the labels hold 2 distinct classes"):
        vocab(np.array(["a", "b"], dtype=object), num_classes=3)
    with pytest.raises(ValueError, match="`labels` must be one of 'auto', 'zero_based'"):
        vocab(np.array([0, 1]), labels="two_based")


def test_given_classes():
    vocabulary = vocab(np.array(["dog"], dtype=object), classes=["eel", "cat", "dog"])
    assert vocabulary.classes == ("cat", "dog", "eel") and vocabulary.scheme == "given"
    assert vocabulary.encode(np.array(["dog"]), "f").tolist() == [1]
    with pytest.raises(ValueError, match=r"labels \['ant'\] are not among the classes"):
        vocabulary.encode(np.array(["ant"]), "f")
    with pytest.raises(ValueError, match="must not repeat a class"):
        vocab(np.array([0, 1]), classes=[0, 1, 1])
    with pytest.raises(ValueError, match="at least 2 class labels"):
        vocab(np.array([0]), classes=[0])


def test_long_class_names_are_not_truncated():
    vocabulary = vocab(np.array(["cat", "horse"], dtype=object))
    assert vocabulary.encode(np.array(["horse", "cat"]), "f").tolist() == [1, 0]
    with pytest.raises(ValueError, match="not among the classes"):
        vocabulary.encode(np.array(["hor"]), "f")


def test_canonical_labels_conversions_and_errors():
    ints, notes = canonical_labels(np.array([[1.0], [2.0]]), 2, "f")
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2] and notes == ()
    assert canonical_labels(np.array([[3, 4, 5]]), 3, "f")[0].tolist() == [3, 4, 5]  # a row
    one_hot = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
    for matrix in (one_hot, one_hot.T):
        labels, notes = canonical_labels(matrix, 4, "f")
        assert labels.tolist() == [1, 0, 2, 1] and "one-hot" in notes[0]
    assert canonical_labels(np.array([True, False]), 2, "f")[0].tolist() == [1, 0]
    names, _ = canonical_labels(np.array([b"cat", "dog "], dtype=object), 2, "f")
    assert names.tolist() == ["cat", "dog"]
    with pytest.raises(ValueError, match=r"other values such as 0\.5; is this a regression target"):
        canonical_labels(np.array([0.5, 1.0]), 2, "f")
    with pytest.raises(ValueError, match=r"such as 0\.25"):  # pandas object column of floats
        canonical_labels(np.array([0.25, 1.0], dtype=object), 2, "f")
    with pytest.raises(ValueError, match=r"2 sample\(s\) have no label \(rows \[1, 3\]"):
        canonical_labels(np.array([0.0, np.nan, 1.0, np.nan]), 4, "f")
    with pytest.raises(ValueError, match=r"1 sample\(s\) have no label \(rows \[1\]"):
        canonical_labels(np.array(["a", "", "b"], dtype=object), 3, "f")
    with pytest.raises(ValueError, match=r"expected one label per sample \(3\), got labels of shape \(2,\)"):
        canonical_labels(np.array([0, 1]), 3, "f")
    with pytest.raises(ValueError, match="neither one label per sample nor one-hot rows"):
        canonical_labels(np.ones((3, 2)), 3, "f")
