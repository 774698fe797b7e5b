"""Tests for the format readers: tables, svmlight labels, MATLAB v5/v7.3, HDF5, text, detection.

Every file is written by the test itself in tmp_path (a few rows); the real .mat files of
the data folder are read in the `needs_data` tests at the end.
"""

import h5py
import numpy as np
import pandas as pd
import pytest
import scipy.io
import scipy.sparse
from sklearn.datasets import dump_svmlight_file

from helpers import DATA, needs_data
from tftransfer.data import Domain
from tftransfer.data.loaders import (
    FORMATS,
    FileDomain,
    TextDomain,
    detect_format,
    format_options,
    load_file,
    load_hdf5,
    load_mat,
    load_npz,
    load_svmlight,
    load_table,
    load_text,
    parquet_engine,
    read_file,
    read_mat,
    read_svmlight_files,
    read_text,
    tfidf_features,
)

def frame(rng, n=8, labels=("cat", "dog")):
    table = pd.DataFrame(rng.normal(size=(n, 3)), columns=["f0", "f1", "f2"])
    table["label"] = [labels[i % len(labels)] for i in range(n)]
    return table


# --------------------------------------------------------------------------- detection


def test_detect_format(tmp_path, rng):
    for name in ("a.csv", "a.TSV", "a.npz", "a.mat", "a.h5", "a.svm", "a.parquet"):
        (tmp_path / name).write_text("")
    assert detect_format(tmp_path / "a.csv") == ("csv", "suffix .csv")
    assert detect_format(tmp_path / "a.TSV")[0] == "tsv"
    assert [detect_format(tmp_path / n)[0] for n in ("a.npz", "a.mat", "a.h5", "a.svm")] == [
        "npz", "mat", "hdf5", "svmlight"]
    assert detect_format(tmp_path) == ("image_folder", "a folder")
    (tmp_path / "libsvm.txt").write_text("# comment\n-1 1:0.5 3:2\n+1 2:1\n")
    (tmp_path / "docs.txt").write_text("pos\tA fine film.\n")
    (tmp_path / "data.scale").write_text("1 1:0.5 3:2\n")
    assert detect_format(tmp_path / "libsvm.txt") == ("svmlight", "content of a .txt file")
    assert detect_format(tmp_path / "docs.txt") == ("text", "suffix .txt")
    assert detect_format(tmp_path / "data.scale") == ("svmlight", "content")
    (tmp_path / "notes.xyz").write_text("hello\n")
    with pytest.raises(ValueError, match=r"Cannot tell the format of .*notes.xyz.*'.xyz'; pass format=\.\.\. \(one of npz, csv"):
        detect_format(tmp_path / "notes.xyz")
    with pytest.raises(FileNotFoundError, match="nope.csv' not found"):
        detect_format(tmp_path / "nope.csv")


def test_read_file_options_are_checked(tmp_path, rng):
    frame(rng).to_csv(tmp_path / "a.csv", index=False)
    assert "label_column" in format_options("csv") and "table_format" not in format_options("csv")
    assert set(format_options("mat")) >= {"x_key", "y_key", "side", "samples_axis"}
    raw = read_file(tmp_path / "a.csv", label_column=None, x_key=None)  # None options ignored
    assert raw.format == "csv" and raw.n == 8
    with pytest.raises(ValueError, match=r"option\(s\) \['x_key'\] do not apply to csv files; options for csv: label_column, delimiter"):
        read_file(tmp_path / "a.csv", x_key="X")
    with pytest.raises(ValueError, match="Unknown file format 'xls'. Valid file formats: npz, csv"):
        load_file(tmp_path / "a.csv", format="xls")
    assert len(FORMATS) == 9


# --------------------------------------------------------------------------- tables


def test_csv_with_class_names(tmp_path, rng):
    table = frame(rng, labels=("dog", "cat", "eel"))
    table.to_csv(tmp_path / "pets.csv", index=False)
    domain = load_file(tmp_path / "pets.csv")
    assert isinstance(domain, FileDomain) and isinstance(domain, Domain)
    assert domain.class_names == ("cat", "dog", "eel") and domain.num_classes == 3
    expected = [("cat", "dog", "eel").index(v) for v in table["label"]]
    np.testing.assert_array_equal(domain.y, expected)
    np.testing.assert_allclose(domain.x, table[["f0", "f1", "f2"]].to_numpy(np.float32))
    assert domain.feature_names == ("f0", "f1", "f2") and domain.format == "csv"
    # the label column anywhere, by name or position; tsv by suffix
    table[["label", "f0", "f1", "f2"]].to_csv(tmp_path / "first.tsv", index=False, sep="\t")
    np.testing.assert_array_equal(load_table(tmp_path / "first.tsv").y, expected)
    np.testing.assert_array_equal(load_table(tmp_path / "first.tsv", label_column=0).y, expected)
    renamed = table.rename(columns={"label": "species"})
    renamed.to_csv(tmp_path / "species.csv", index=False)
    last = load_table(tmp_path / "species.csv")
    assert last.class_names == ("cat", "dog", "eel")
    assert "labels read from the last column 'species'" in last.notes[0]
    table[["f0", "f1"]].to_csv(tmp_path / "bare.csv", index=False)
    unlabelled = load_table(tmp_path / "bare.csv", label_column=False, num_classes=3)
    assert not unlabelled.has_labels and unlabelled.feature_shape == (2,)


def test_csv_numeric_labels_and_no_header(tmp_path, rng):
    x = rng.normal(size=(6, 2))
    np.savetxt(tmp_path / "plain.csv", np.column_stack([x, [1, 2, 3, 1, 2, 3]]), delimiter=",")
    domain = load_table(tmp_path / "plain.csv")
    assert domain.feature_shape == (2,) and domain.class_names == ("1", "2", "3")
    np.testing.assert_array_equal(domain.y, [0, 1, 2, 0, 1, 2])
    assert any("no header" in note for note in domain.notes)
    assert any("one-based" in note for note in domain.notes)
    np.testing.assert_allclose(domain.x, x.astype(np.float32), rtol=1e-6)


def test_table_errors(tmp_path, rng):
    table = frame(rng)
    table.loc[3, "f1"] = np.nan
    table.to_csv(tmp_path / "nan.csv", index=False)
    with pytest.raises(ValueError, match=r"nan.csv': 1 NaN and 0 infinite feature value\(s\) in 1 sample\(s\) \(first: row 3, column 'f1', 0-based\); fill them"):
        load_table(tmp_path / "nan.csv")
    table = frame(rng)
    table["age"] = [str(a) for a in range(30, 38)]
    table.loc[5, "age"] = "?"
    table.to_csv(tmp_path / "marked.csv", index=False)
    with pytest.raises(ValueError, match=r"column 'age' holds numbers and 1 cell\(s\) that are not \('\?'\); if those mark missing values, leave the cells empty"):
        load_table(tmp_path / "marked.csv")
    frame(rng).to_csv(tmp_path / "ok.csv", index=False)
    with pytest.raises(ValueError, match=r"has no column 'y'; columns: \['f0', 'f1', 'f2', 'label'\]"):
        load_table(tmp_path / "ok.csv", label_column="y")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty.csv' is empty: it holds no header and no rows"):
        load_table(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("f0,f1,label\n")
    with pytest.raises(ValueError, match=r"header.csv' is empty: it has a header \(3 columns\) but no rows"):
        load_table(tmp_path / "header.csv")
    single = frame(rng, labels=("cat",))
    single.to_csv(tmp_path / "single.csv", index=False)
    with pytest.raises(ValueError, match=r"single.csv' has a single class \('cat'\); a classifier needs at least 2"):
        load_table(tmp_path / "single.csv")
    labels_missing = frame(rng)
    labels_missing.loc[2, "label"] = None
    labels_missing.to_csv(tmp_path / "hole.csv", index=False)
    with pytest.raises(ValueError, match=r"1 sample\(s\) have no label \(rows \[2\]"):
        load_table(tmp_path / "hole.csv")


@pytest.mark.skipif(parquet_engine() is None, reason="neither pyarrow nor fastparquet installed")
def test_parquet_round_trip(tmp_path, rng):
    table = frame(rng)
    table.to_parquet(tmp_path / "a.parquet")
    domain = load_file(tmp_path / "a.parquet")
    assert domain.class_names == ("cat", "dog") and domain.feature_shape == (3,)


@pytest.mark.skipif(parquet_engine() is not None, reason="a parquet engine is installed")
def test_parquet_without_engine_says_what_to_install(tmp_path):
    (tmp_path / "a.parquet").write_bytes(b"PAR1")
    with pytest.raises(ValueError, match=r"a.parquet' needs pyarrow or fastparquet.*pip install pyarrow"):
        load_file(tmp_path / "a.parquet")


# --------------------------------------------------------------------------- svmlight


def svm_file(path, x, y, **kwargs):
    dump_svmlight_file(x, y, str(path), **kwargs)
    return path


def test_svmlight_plus_minus_one(tmp_path, rng):
    x = np.abs(rng.normal(size=(10, 4)))
    y = np.array([-1, 1] * 5)
    path = svm_file(tmp_path / "pm.svm", x, y, zero_based=False)
    for labels in ("auto", "binary"):
        domain = load_svmlight(path, labels=labels)
        assert domain.class_names == ("-1", "1") and domain.num_classes == 2
        np.testing.assert_array_equal(domain.y, (y > 0).astype(int))
        np.testing.assert_allclose(domain.x, x.astype(np.float32), rtol=1e-6)
    assert "labels -1/+1 read as binary" in load_svmlight(path).notes[0]
    assert load_svmlight(path, labels="binary").notes == ()
    with pytest.raises(ValueError, match="labels='one_based' declares labels 1..K, but the labels hold -1"):
        load_svmlight(path, labels="one_based")
    assert load_file(path, labels="binary").class_names == ("-1", "1")


def test_svmlight_files_read_together(tmp_path, rng):
    x = np.abs(rng.normal(size=(6, 5))) + 0.1
    a = svm_file(tmp_path / "a.svm", x, [1, 2, 3] * 2, zero_based=False)
    b = svm_file(tmp_path / "b.svm", x[:, :3], [1, 2, 3] * 2, zero_based=False)  # fewer columns
    raw_a, raw_b = read_svmlight_files([a, b])
    assert raw_a.x.shape == raw_b.x.shape == (6, 5)  # one feature count, 1-based indices
    np.testing.assert_allclose(raw_a.x.toarray(), x, rtol=1e-6)
    np.testing.assert_allclose(raw_b.x.toarray()[:, :3], x[:, :3], rtol=1e-6)
    (tmp_path / "bad.svm").write_text("1 1:2\nx 1:y\n")
    with pytest.raises(ValueError, match=r"Could not parse .*bad.svm' as an svmlight file"):
        read_svmlight_files([a, tmp_path / "bad.svm"])
    (tmp_path / "empty.svm").write_text("# nothing\n")
    with pytest.raises(ValueError, match="empty.svm' is empty: it holds no samples"):
        load_svmlight(tmp_path / "empty.svm")


# --------------------------------------------------------------------------- MATLAB v5


def test_mat_v5_dense_rows(tmp_path, rng):
    x = rng.integers(0, 5, size=(12, 7)).astype(np.uint8)
    labels = (np.arange(12) % 3 + 1).reshape(-1, 1)
    scipy.io.savemat(tmp_path / "surf.mat", {"fts": x, "labels": labels})
    domain = load_mat(tmp_path / "surf.mat")
    assert domain.x.shape == (12, 7) and domain.class_names == ("1", "2", "3")
    np.testing.assert_array_equal(domain.y, np.arange(12) % 3)
    np.testing.assert_array_equal(domain.x, x)
    assert load_file(tmp_path / "surf.mat", x_key="fts", y_key="labels").num_classes == 3


def test_mat_v5_sparse_columns_pair(tmp_path, rng):
    # Reuters-like: sparse features stored one document per column, sparse -1/+1 labels.
    xs = scipy.sparse.random(9, 6, density=0.4, random_state=0, format="csc")  # 9 terms x 6 docs
    xt = scipy.sparse.random(9, 5, density=0.4, random_state=1, format="csc")
    ys = scipy.sparse.csc_matrix(np.array([[-1], [1], [-1], [1], [1], [-1]], dtype=float))
    yt = scipy.sparse.csc_matrix(np.array([[1], [-1], [1], [-1], [1]], dtype=float))
    path = tmp_path / "pair.mat"
    scipy.io.savemat(path, {"Xs": xs, "Xt": xt, "Ys": ys, "Yt": yt})
    with pytest.raises(ValueError, match=r"holds a source/target pair \('Xs', 'Xt'\); say which half to read with side='source'"):
        load_mat(path)
    source = load_mat(path, side="source")
    assert source.x.shape == (6, 9) and source.class_names == ("-1", "1")
    np.testing.assert_allclose(source.x, xs.toarray().T.astype(np.float32))
    np.testing.assert_array_equal(source.y, [0, 1, 0, 1, 1, 0])
    assert any("one sample per column (9 x 6)" in n for n in source.notes)
    target = load_mat(path, side="target", labels="binary")
    assert target.x.shape == (5, 9)
    np.testing.assert_allclose(target.x, xt.toarray().T.astype(np.float32))
    raw = read_mat(path, side="target")
    assert scipy.sparse.issparse(raw.x) and raw.x.shape == (5, 9)  # sparse until to_domain
    # explicit keys and samples_axis
    assert load_mat(path, x_key="Xt", y_key="Yt").x.shape == (5, 9)
    with pytest.raises(ValueError, match=r"features 'Xt' of shape \(9, 5\) do not match the 6 labels"):
        load_mat(path, x_key="Xt", y_key="Ys")
    with pytest.raises(ValueError, match=r"has no array 'X' \(x_key\); arrays found: Xs \(9, 6\), Xt \(9, 5\)"):
        load_mat(path, x_key="X")


def test_mat_v5_class_names_and_unlabelled(tmp_path, rng):
    x = rng.normal(size=(4, 3))
    names = np.array([["cat"], ["dog"], ["cat"], ["eel"]], dtype=object)
    scipy.io.savemat(tmp_path / "named.mat", {"X": x, "y": names})
    domain = load_mat(tmp_path / "named.mat")
    assert domain.class_names == ("cat", "dog", "eel")
    np.testing.assert_array_equal(domain.y, [0, 1, 0, 2])
    scipy.io.savemat(tmp_path / "bare.mat", {"X": x.T})  # features x samples, no labels
    with pytest.raises(ValueError, match="has no labels; pass num_classes"):
        load_mat(tmp_path / "bare.mat")
    guessed = load_mat(tmp_path / "bare.mat", num_classes=2)
    assert guessed.x.shape == (3, 4) and any("samples_axis=1" in n for n in guessed.notes)
    assert load_mat(tmp_path / "bare.mat", num_classes=2, samples_axis=1).x.shape == (4, 3)
    assert load_mat(tmp_path / "bare.mat", num_classes=2, n_features=3).x.shape == (4, 3)
    (tmp_path / "junk.mat").write_bytes(b"not a mat file at all")
    with pytest.raises(ValueError, match="Could not read .*junk.mat' as a MATLAB .mat file"):
        load_mat(tmp_path / "junk.mat")


# --------------------------------------------------------------------------- MATLAB v7.3


def write_v73(path, variables):
    """A MATLAB v7.3-style file: HDF5 with every matrix stored transposed (column-major)."""
    with h5py.File(path, "w") as handle:
        for key, value in variables.items():
            if scipy.sparse.issparse(value):
                value = scipy.sparse.csc_matrix(value)
                group = handle.create_group(key)
                group.attrs["MATLAB_sparse"] = value.shape[0]
                group.attrs["MATLAB_class"] = np.bytes_(b"double")
                group["data"], group["ir"], group["jc"] = value.data, value.indices, value.indptr
            elif isinstance(value, list):  # a cell array of strings
                refs = handle.create_group("#refs#")
                dataset = handle.create_dataset(key, (1, len(value)), dtype=h5py.ref_dtype)
                for i, text in enumerate(value):
                    chars = refs.create_dataset(f"s{i}", data=np.array([[ord(c)] for c in text], np.uint16))
                    chars.attrs["MATLAB_class"] = np.bytes_(b"char")
                    dataset[0, i] = chars.ref
                dataset.attrs["MATLAB_class"] = np.bytes_(b"cell")
            else:
                handle[key] = np.asarray(value).T
                handle[key].attrs["MATLAB_class"] = np.bytes_(b"double")


def test_mat_v73_transposed_storage(tmp_path, rng):
    # JDA-style: MATLAB Xs is 16 features x 10 samples, Ys a 10 x 1 column of 1..3.
    xs_matlab = rng.normal(size=(16, 10))
    xt_matlab = rng.normal(size=(16, 7))
    ys, yt = np.arange(10) % 3 + 1, np.arange(7) % 3 + 1
    path = tmp_path / "pair73.mat"
    write_v73(path, {"Xs": xs_matlab, "Xt": xt_matlab, "Ys": ys.reshape(-1, 1).astype(float),
                     "Yt": yt.reshape(-1, 1).astype(float)})
    with h5py.File(path, "r") as handle:
        assert handle["Xs"].shape == (10, 16)  # what h5py sees: the MATLAB matrix transposed
    source = load_mat(path, side="source")
    assert source.x.shape == (10, 16) and source.class_names == ("1", "2", "3")
    np.testing.assert_allclose(source.x, xs_matlab.T.astype(np.float32))
    np.testing.assert_array_equal(source.y, ys - 1)
    target = load_mat(path, side="target")
    np.testing.assert_allclose(target.x, xt_matlab.T.astype(np.float32))
    assert read_mat(path, side="source").details[0] == ("version", "7.3 (HDF5)")
    # One sample per row in MATLAB (n x d), stored d x n by h5py: read as is.
    rows_matlab = rng.normal(size=(6, 4))
    write_v73(tmp_path / "rows73.mat", {"X": rows_matlab, "labels": np.array([[1, 2, 1, 2, 1, 2]]).T})
    rows = load_mat(tmp_path / "rows73.mat")
    np.testing.assert_allclose(rows.x, rows_matlab.astype(np.float32))
    assert not any("per column" in n for n in rows.notes)


def test_mat_v73_sparse_and_cell_labels(tmp_path, rng):
    x_matlab = scipy.sparse.random(5, 8, density=0.5, random_state=2, format="csc")  # d x n
    write_v73(tmp_path / "sparse73.mat", {"X": x_matlab, "y": ["dog", "cat"] * 4})
    raw = read_mat(tmp_path / "sparse73.mat")
    assert scipy.sparse.issparse(raw.x) and raw.x.shape == (8, 5)
    domain = load_mat(tmp_path / "sparse73.mat")
    np.testing.assert_allclose(domain.x, x_matlab.toarray().T.astype(np.float32))
    assert domain.class_names == ("cat", "dog")
    np.testing.assert_array_equal(domain.y, [1, 0] * 4)


# --------------------------------------------------------------------------- npz, HDF5


def test_npz_and_hdf5_pairs_and_keys(tmp_path, rng):
    xs, xt = rng.normal(size=(6, 3)), rng.normal(size=(4, 3))
    np.savez(tmp_path / "pair.npz", Xs=xs, Ys=[0, 1] * 3, Xt=xt, Yt=[1, 0] * 2)
    assert load_npz(tmp_path / "pair.npz", side="target").x.shape == (4, 3)
    with pytest.raises(ValueError, match="source/target pair"):
        load_npz(tmp_path / "pair.npz")
    with h5py.File(tmp_path / "digits.h5", "w") as handle:
        handle["train/data"], handle["train/target"] = xs, np.arange(6) % 2
        handle["test/data"], handle["test/target"] = xt, np.arange(4) % 2
    domain = load_hdf5(tmp_path / "digits.h5", x_key="test/data", y_key="test/target")
    np.testing.assert_allclose(domain.x, xt.astype(np.float32))  # plain HDF5: not transposed
    assert domain.class_names == ("0", "1")
    with pytest.raises(ValueError, match=r"found no features array by its usual names.*pass x_key=<name>"):
        load_hdf5(tmp_path / "digits.h5")
    np.savez(tmp_path / "odd.npz", emb=xs, y=[0, 1] * 3)
    only = load_npz(tmp_path / "odd.npz")  # the only matrix is taken, with a note
    assert only.x.shape == (6, 3) and "the only matrix" in only.notes[0]


# --------------------------------------------------------------------------- text


def test_text_lines_and_tables(tmp_path):
    (tmp_path / "reviews.txt").write_text("pos\tA fine film.\nneg\tDull and long.\n\npos\tLoved it.\n")
    docs = load_text(tmp_path / "reviews.txt")
    assert isinstance(docs, TextDomain) and docs.n == 3
    assert docs.documents.tolist() == ["A fine film.", "Dull and long.", "Loved it."]
    assert docs.class_names == ("neg", "pos") and docs.y.tolist() == [1, 0, 1]
    assert isinstance(load_file(tmp_path / "reviews.txt"), TextDomain)
    (tmp_path / "last.txt").write_text("A fine film.\t1\nDull.\t-1\n")
    last = load_text(tmp_path / "last.txt", label_column=-1)
    assert last.class_names == ("-1", "1") and last.y.tolist() == [1, 0]
    (tmp_path / "bare.txt").write_text("no label here\nnor here\n")
    raw = read_text(tmp_path / "bare.txt")
    assert raw.labels is None and "unlabelled" in raw.notes[0]
    (tmp_path / "mixed.txt").write_text("pos\tgood\nno tab on this line\n")
    with pytest.raises(ValueError, match="line 2 has no '\\\\t' between label and document"):
        read_text(tmp_path / "mixed.txt")
    pd.DataFrame({"text": ["good", "bad"], "label": ["pos", "neg"]}).to_csv(tmp_path / "t.csv", index=False)
    table = load_file(tmp_path / "t.csv", format="text")
    assert table.documents.tolist() == ["good", "bad"] and table.y.tolist() == [1, 0]
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(ValueError, match="empty.txt' is empty: it holds no document"):
        read_text(tmp_path / "empty.txt")


def test_tfidf_features_share_one_vocabulary(tmp_path):
    (tmp_path / "s.txt").write_text("a\tred apple\nb\tblue sky\n")
    (tmp_path / "t.txt").write_text("red sky\nblue apple\n")
    source, target = read_text(tmp_path / "s.txt"), read_text(tmp_path / "t.txt")
    vectors = tfidf_features([source, target])
    assert vectors[0].x.shape == vectors[1].x.shape == (2, 4)  # apple, blue, red, sky
    assert not vectors[1].is_text and "TF-IDF" in vectors[1].notes[-1]
    np.testing.assert_allclose(np.linalg.norm(vectors[0].x.toarray(), axis=1), 1.0, rtol=1e-6)


# --------------------------------------------------------------------------- real data


@needs_data
@pytest.mark.parametrize(
    "relative, side, shape, classes",
    [
        ("office_caltech10_surf/amazon_SURF_L10.mat", None, (958, 800), 10),
        ("mnist_usps_jda/MNIST_vs_USPS.mat", "source", (2000, 256), 10),
        ("mnist_usps_jda/MNIST_vs_USPS.mat", "target", (1800, 256), 10),
        ("reuters21578_da/org_vs_people_1.mat", "source", (1237, 4771), 2),
        ("reuters21578_da/org_vs_people_1.mat", "target", (1208, 4771), 2),
        ("msrc_voc/MSRC_vs_VOC.mat", "source", (1269, 240), 6),
        ("msrc_voc/MSRC_vs_VOC.mat", "target", (1530, 240), 6),
    ],
)
def test_real_mat_files(relative, side, shape, classes):
    domain = load_file(DATA / relative, side=side)
    assert domain.x.shape == shape and domain.num_classes == classes
    assert set(np.unique(domain.y)) == set(range(classes))


@needs_data
def test_real_mat_files_match_the_benchmark_readers():
    from tftransfer.data import load_mnist_usps_jda, load_office_caltech_surf

    mnist = load_mat(DATA / "mnist_usps_jda/MNIST_vs_USPS.mat", side="source")
    reference = load_mnist_usps_jda("M")  # checked upright against the USPS originals
    np.testing.assert_array_equal(mnist.x, reference.x)
    np.testing.assert_array_equal(mnist.y, reference.y)
    amazon = load_mat(DATA / "office_caltech10_surf/amazon_SURF_L10.mat")
    reference = load_office_caltech_surf("A", preprocess=False)
    np.testing.assert_array_equal(amazon.x, reference.x)
    np.testing.assert_array_equal(amazon.y, reference.y)
    reuters = load_mat(DATA / "reuters21578_da/org_vs_people_1.mat", side="source")
    assert np.bincount(reuters.y).tolist() == [649, 588]  # -1 / +1, as the data README counts
