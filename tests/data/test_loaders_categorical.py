"""Category columns of tables: one-hot encoding over one vocabulary, and what is refused."""

import numpy as np
import pandas as pd
import pytest

from tftransfer.data.loaders import load_table
from tftransfer.data.loaders.categorical import MAX_CATEGORIES, encode_categories
from tftransfer.data.loaders.tabular import read_table


def write(tmp_path, name, **columns):
    path = tmp_path / name
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def test_one_file_gets_one_column_per_value_after_the_numbers(tmp_path):
    path = write(tmp_path, "a.csv", size=[1.0, 2.0, 3.0, 4.0],
                 island=["Dream", "Biscoe", None, "Dream"], label=["x", "y", "x", "y"])
    raw = read_table(path)
    assert raw.feature_names == ("size",) and raw.x.shape == (4, 1)
    assert [name for name, _ in raw.categorical] == ["island"]
    domain = load_table(path)
    assert domain.feature_names == ("size", "island=Biscoe", "island=Dream")
    np.testing.assert_array_equal(domain.x, [[1, 0, 1], [2, 1, 0], [3, 0, 0], [4, 0, 1]])
    assert any("'island' (2 values) one-hot encoded" in note for note in domain.notes)
    assert any("missing categories, zero in every column of their category: 'island' (1)" in note
               for note in domain.notes)


def test_files_read_together_share_one_sorted_vocabulary(tmp_path):
    source = read_table(write(tmp_path, "s.csv", f=[0.0, 1.0, 2.0], c=["b", "a", "b"],
                              label=[0, 1, 0]))
    # The target has a value the source lacks, and the column is empty (numeric) in a third file.
    target = read_table(write(tmp_path, "t.csv", c=["c", "a", "a"], f=[5.0, 6.0, 7.0],
                              label=[1, 1, 0]))
    empty = read_table(write(tmp_path, "e.csv", f=[1.0, 2.0], c=[np.nan, np.nan], label=[0, 1]))
    assert empty.categorical == () and "c" in empty.feature_names
    s, t, e = encode_categories([source, target, empty])
    for raw in (s, e):
        assert raw.feature_names == ("f", "c=a", "c=b", "c=c")
    assert t.feature_names == ("f", "c=a", "c=b", "c=c")
    np.testing.assert_array_equal(s.x[:, 1:], [[0, 1, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(t.x, [[5, 0, 0, 1], [6, 1, 0, 0], [7, 1, 0, 0]])
    np.testing.assert_array_equal(e.x, [[1, 0, 0, 0], [2, 0, 0, 0]])
    assert any("value(s) ['c=c'] never occur in" in n and "s.csv'" in n for n in t.notes)
    assert not any("never occur" in n for n in s.notes + e.notes)
    # Whole numbers read as the same value in text and number columns.
    numbers = read_table(write(tmp_path, "n.csv", c=[3.0, np.nan], f=[0.0, 1.0], label=[0, 1]))
    text = read_table(write(tmp_path, "x.csv", c=["3", "z"], f=[0.0, 1.0], label=[0, 1]))
    x, n = encode_categories([text, numbers])
    assert n.feature_names == x.feature_names == ("f", "c=3", "c=z")
    np.testing.assert_array_equal(n.x[:, 1:], [[1, 0], [0, 0]])


def test_identifiers_free_text_and_marked_numbers_are_refused(tmp_path):
    ids = [f"N{i}A1" for i in range(30)]
    path = write(tmp_path, "ids.csv", f=np.arange(30.0), id=ids, label=[i % 2 for i in range(30)])
    with pytest.raises(ValueError, match=r"column 'id' is text with 30 distinct values in 30 rows .*an identifier or free text rather than a category"):
        read_table(path)
    # A small file's few values are categories even when every row differs.
    few = write(tmp_path, "few.csv", f=[0.0, 1.0, 2.0], c=["p", "q", "r"], label=[0, 1, 0])
    assert len(read_table(few).categorical) == 1
    many = [f"v{i}" for i in range(2 * (MAX_CATEGORIES + 1))]
    path = write(tmp_path, "many.csv", f=np.zeros(len(many)), c=many[::2] + many[::2],
                 label=[i % 2 for i in range(len(many))])
    with pytest.raises(ValueError, match=rf"column 'c' is text with {MAX_CATEGORIES + 1} distinct values"):
        read_table(path)
    path = write(tmp_path, "marked.csv", f=[0.0] * 10, age=[str(20 + i) for i in range(9)] + ["unknown"],
                 label=[i % 2 for i in range(10)])
    with pytest.raises(ValueError, match=r"column 'age' holds numbers and 1 cell\(s\) that are not \('unknown'\)"):
        read_table(path)
    # A category column missing from another file is named.
    other = read_table(write(tmp_path, "o.csv", f=[0.0, 1.0], label=[0, 1]))
    with pytest.raises(ValueError, match=r"o.csv' has no column 'c', a category column of the other file"):
        encode_categories([read_table(few), other])


def test_the_vocabulary_limit_holds_for_the_files_together(tmp_path):
    # 60 values in each file: categories there (60 rows, each value twice in 120), 120 together.
    def half(offset):
        values = [f"v{offset + i}" for i in range(60)]
        return read_table(write(tmp_path, f"h{offset}.csv", f=np.zeros(120), c=values + values,
                                label=[i % 2 for i in range(120)]))
    small = [read_table(write(tmp_path, f"s{k}.csv", f=np.zeros(50),
                              c=[f"w{k}_{i % 25}" for i in range(50)], label=[i % 2 for i in range(50)]))
             for k in (0, 1)]
    assert [r.x.shape[1] for r in encode_categories(small)] == [51, 51]  # 50 values together: fine
    with pytest.raises(ValueError, match=rf"column 'c' has 120 distinct values over the files together .*at most {MAX_CATEGORIES}"):
        encode_categories([half(0), half(60)])


def test_a_table_without_header_whose_first_row_holds_categories(tmp_path):
    path = tmp_path / "nohead.csv"
    path.write_text("1.2,3.4,Biscoe,0\n2.2,1.4,Dream,1\n3.2,2.4,Dream,0\n0.2,0.4,Biscoe,1\n")
    domain = load_table(path)
    assert domain.n == 4 and domain.feature_names == ("0", "1", "2=Biscoe", "2=Dream")
    assert any("there is no header" in note for note in domain.notes)
    # A header whose names are not values of their columns stays a header.
    named = write(tmp_path, "named.csv", size=[1.0, 2.0], island=["Biscoe", "Dream"],
                  label=["a", "b"])
    assert load_table(named).feature_names == ("size", "island=Biscoe", "island=Dream")
