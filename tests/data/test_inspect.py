"""Tests for describe / format_description (data/inspect.py): what a file holds, what to fix."""

import json

import numpy as np
import pandas as pd
import pytest
import scipy.io
from sklearn.datasets import dump_svmlight_file

from helpers import DATA, needs_data
from tftransfer.data.inspect import describe, format_description

def test_csv_counts_nan_and_constant_features(tmp_path, rng):
    table = pd.DataFrame(rng.normal(size=(10, 3)), columns=["f0", "f1", "f2"])
    table["bias"] = 1.0
    table.loc[3, "f1"] = np.nan
    table.loc[7, "f0"] = np.inf
    table["label"] = ["dog"] * 6 + ["cat"] * 4
    table.to_csv(tmp_path / "pets.csv", index=False)
    d = describe(tmp_path / "pets.csv")
    assert (d.format, d.detected_by, d.shape, d.dtype, d.storage) == (
        "csv", "suffix .csv", (10, 4), "float64", "dense")
    assert d.class_names == ("cat", "dog") and d.class_counts == (4, 6)
    assert (d.n_nan, d.n_inf) == (1, 1)
    assert d.constant_features == ("bias",) and d.n_constant == 1
    assert d.label_source == "column 'label'" and d.labelled and not d.ok
    assert d.problems[0].what == ("1 NaN and 1 infinite feature value(s), first at row 3, "
                                  "feature 'f1' (0-based)")
    assert "fill them" in d.problems[0].fix
    text = format_description(d)
    for line in ("format:    csv (suffix .csv)", "shape:     10 samples x 4 features (dense, float64)",
                 "values:    1 NaN, 1 infinite; 1 constant feature(s): bias",
                 "labels:    column 'label', 2 classes (class names)",
                 "  cat        4   40.0%", "  dog        6   60.0%",
                 "problem:   1 NaN and 1 infinite"):
        assert line in text, (line, text)
    json.dumps(d.to_dict())  # JSON-ready for a --json flag


def test_features_far_from_the_unit_scale_get_a_note_saying_what_run_does(tmp_path, rng):
    table = pd.DataFrame({"income": 5e4 + 1e4 * rng.normal(size=30), "age": 40 + rng.normal(size=30),
                          "label": np.arange(30) % 2})
    table.to_csv(tmp_path / "people.csv", index=False)
    pixels = pd.DataFrame(rng.integers(0, 256, size=(30, 9)).astype(float)).assign(label=0)
    pixels.loc[:14, "label"] = 1
    pixels.to_csv(tmp_path / "pixels.csv", index=False)
    unit = pd.DataFrame(rng.normal(size=(30, 2))).assign(label=np.arange(30) % 2)
    unit.to_csv(tmp_path / "unit.csv", index=False)
    notes = {name: " ".join(describe(tmp_path / f"{name}.csv").notes)
             for name in ("people", "pixels", "unit")}
    assert "different units" in notes["people"] and "z-score each feature" in notes["people"]
    assert "one unit" in notes["pixels"] and "divide every feature" in notes["pixels"]
    assert "unit scale" not in notes["unit"]


def test_svmlight_plus_minus_one_and_schemes(tmp_path, rng):
    x = np.abs(rng.normal(size=(9, 3))) + 0.1
    dump_svmlight_file(x, [-1, 1, 1] * 3, str(tmp_path / "pm.txt"), zero_based=False)
    d = describe(tmp_path / "pm.txt")
    assert d.format == "svmlight" and d.detected_by == "content of a .txt file"
    assert d.storage == "sparse" and d.shape == (9, 3) and d.ok
    assert (d.label_scheme, d.class_names, d.class_counts) == ("binary", ("-1", "1"), (3, 6))
    assert any("labels -1/+1 read as binary" in n for n in d.notes)
    assert "2 classes (binary)" in format_description(d)
    zero = describe(tmp_path / "pm.txt", labels="values")
    assert zero.label_scheme == "values" and "2 classes (distinct values)" in format_description(zero)


def test_category_columns_are_described_as_run_encodes_them(tmp_path):
    table = pd.DataFrame({"mass": [3750.0, 3800.0, 4200.0, 5000.0],
                          "island": ["Dream", "Biscoe", "Dream", None],
                          "label": ["a", "b", "a", "b"]})
    table.to_csv(tmp_path / "birds.csv", index=False)
    d = describe(tmp_path / "birds.csv")
    assert d.ok and d.shape == (4, 3)
    assert d.feature_names == ("mass", "island=Biscoe", "island=Dream")
    assert any("'island' (2 values) one-hot encoded" in n for n in d.notes)
    table = pd.concat([table] * 6, ignore_index=True)
    table["id"] = [f"N{i}" for i in range(len(table))]
    table.to_csv(tmp_path / "ids.csv", index=False)
    d = describe(tmp_path / "ids.csv")
    assert not d.ok and "column 'id' is text with 24 distinct values" in d.problems[0].what
    assert d.problems[0].fix == "drop or correct that column, as the problem says"


def test_unreadable_and_unusable_files_are_described(tmp_path, rng):
    (tmp_path / "empty.csv").write_text("")
    d = describe(tmp_path / "empty.csv")
    assert not d.ok and d.shape is None and "is empty" in d.problems[0].what
    assert "export the data again" in d.problems[0].fix
    assert "problem:   " in format_description(d) and "  fix:     " in format_description(d)
    single = pd.DataFrame({"f0": [1.0, 2.0, 3.0], "label": ["a"] * 3})
    single.to_csv(tmp_path / "single.csv", index=False)
    d = describe(tmp_path / "single.csv")
    assert d.problems[0].what == "a single class ('a')" and "at least 2 classes" in d.problems[0].fix
    bare = pd.DataFrame({"f0": [1.0, 2.0], "f1": [0.5, 1.5]})
    bare.to_csv(tmp_path / "bare.csv", index=False)
    d = describe(tmp_path / "bare.csv", label_column=False)
    assert d.ok and not d.labelled and "labels:    none" in format_description(d)
    assert any("no labels: usable as an unlabelled target" in n for n in d.notes)
    d = describe(tmp_path / "bare.csv")  # the last column, fractional, read as labels
    assert "labels must be class labels" in d.problems[0].what
    (tmp_path / "junk.mat").write_bytes(b"\x00" * 200)
    d = describe(tmp_path / "junk.mat")
    assert not d.ok and "Could not read" in d.problems[0].what and "mat file" in d.problems[0].fix
    with pytest.raises(FileNotFoundError, match="nope.csv' not found"):
        describe(tmp_path / "nope.csv")
    (tmp_path / "x.weird").write_text("?")
    with pytest.raises(ValueError, match="Cannot tell the format"):
        describe(tmp_path / "x.weird")
    with pytest.raises(ValueError, match=r"option\(s\) \['x_key'\] do not apply to csv files"):
        describe(tmp_path / "bare.csv", x_key="X")


def test_pair_mat_is_described_by_its_source_half(tmp_path, rng):
    scipy.io.savemat(tmp_path / "pair.mat", {"Xs": rng.normal(size=(4, 6)), "Ys": np.array([[1, 2, 2, 1, 2, 2]]).T,
                                             "Xt": rng.normal(size=(4, 5)), "Yt": np.array([[1, 2, 1, 2, 1]]).T})
    d = describe(tmp_path / "pair.mat")
    assert d.shape == (6, 4) and d.class_counts == (2, 4) and d.label_scheme == "one_based"
    assert "holds a source/target pair" in d.notes[0] and "side='target'" in d.notes[0]
    assert ("variables", "Xs (4, 6), Ys (6, 1), Xt (4, 5), Yt (5, 1)") in d.details
    target = describe(tmp_path / "pair.mat", side="target")
    assert target.shape == (5, 4) and target.class_counts == (3, 2)
    text = format_description(target)
    assert "version:   5 (scipy.io)" in text and "read:      x='Xt' (dense), y='Yt'" in text


def test_text_file(tmp_path):
    (tmp_path / "docs.txt").write_text("pos\tgood film\nneg\tbad film\npos\tfine\n")
    d = describe(tmp_path / "docs.txt")
    assert (d.storage, d.shape, d.class_names, d.class_counts) == ("text", (3,), ("neg", "pos"), (1, 2))
    assert "shape:     3 documents (text, str)" in format_description(d)


@needs_data
@pytest.mark.parametrize(
    "relative, options, shape, counts",
    [
        ("office_caltech10_surf/amazon_SURF_L10.mat", {}, (958, 800), None),
        ("mnist_usps_jda/MNIST_vs_USPS.mat", {"side": "target"}, (1800, 256), None),
        ("reuters21578_da/org_vs_people_1.mat", {}, (1237, 4771), (649, 588)),
        ("msrc_voc/MSRC_vs_VOC.mat", {}, (1269, 240), (58, 272, 72, 495, 182, 190)),
        ("msrc_voc/MSRC_vs_VOC.mat", {"side": "target"}, (1530, 240), (233, 194, 318, 558, 134, 93)),
    ],
)
def test_real_files(relative, options, shape, counts):
    d = describe(DATA / relative, **options)
    assert d.ok and d.shape == shape
    if counts is not None:  # the class counts the data README lists
        assert d.class_counts == counts
