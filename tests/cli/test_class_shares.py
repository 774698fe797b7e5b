"""The class-shares note: the source's classes against source_only's target predictions."""

import numpy as np
import pandas as pd

from tftransfer.cli.class_shares import class_shares_note


def _labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


def test_wine_split_at_the_median_alcohol_shows_its_label_shift():
    # The low-alcohol half's classes [6, 66, 21] as source; source_only predicting the high
    # half's [53, 5, 27] (docs/benchmarks.md, "Sample-selection bias that moves the labels").
    predictions = pd.DataFrame({"source_only": np.repeat(["0", "1", "2"], [53, 5, 27]),
                                "dann": "1"})
    note = class_shares_note(["0", "1", "2"], _labels([6, 66, 21]), predictions)
    assert note.startswith("Class shares (%), source / source_only's target predictions: "
                           "0 6 / 62, 1 71 / 6, 2 23 / 32 (total variation 0.65).")
    # the same shares: distance 0, whatever other methods predicted
    same = pd.DataFrame({"source_only": np.repeat(["0", "1", "2"], [6, 66, 21])})
    assert "(total variation 0.00)" in class_shares_note(["0", "1", "2"], _labels([6, 66, 21]),
                                                         same)


def test_a_class_never_predicted_counts_as_zero_and_names_are_matched_as_text():
    predictions = pd.DataFrame({"source_only": ["cat", "cat", "cat", "dog"]})
    note = class_shares_note(["cat", "dog", "eel"], _labels([2, 1, 1]), predictions)
    assert "cat 50 / 75, dog 25 / 25, eel 25 / 0 (total variation 0.25)" in note


def test_many_classes_list_the_three_that_differ_most():
    names = [f"c{i}" for i in range(12)]
    source = _labels([10] * 12)
    predicted = np.repeat(names, [10] * 9 + [0, 25, 5])  # c9 vanishes, c10 doubles+, c11 halves
    note = class_shares_note(names, source, pd.DataFrame({"source_only": predicted}))
    assert "the 3 classes that differ most: c9 8 / 0, c10 8 / 21, c11 8 / 4 (" in note


def test_no_note_without_source_only_predictions():
    assert class_shares_note(["a", "b"], _labels([3, 3]), pd.DataFrame({"dann": ["a"]})) is None
    assert class_shares_note(["a", "b"], _labels([3, 3]),
                             pd.DataFrame({"source_only": []})) is None
