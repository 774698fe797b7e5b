"""Tests for load_task_from_files (data/files.py): one vocabulary, class-set checks, bad files."""

import numpy as np
import pandas as pd
import pytest
import scipy.io
from sklearn.datasets import dump_svmlight_file
from sklearn.linear_model import LogisticRegression

from tftransfer.data import TransferTask, default_data_dir
from tftransfer.data.files import FileTask, files_task, load_task_from_files

DATA = default_data_dir()
needs_data = pytest.mark.skipif(
    DATA is None or not DATA.is_dir(),
    reason=f"benchmark data folder not found (default_data_dir() -> {DATA})",
)


def table(rng, n, labels, shift=0.0, columns=("f0", "f1", "f2")):
    """Class c sits around (2c, 0, 0) + shift: a linear model separates the classes."""
    y = np.array([labels[i % len(labels)] for i in range(n)], dtype=object)
    index = np.array([sorted(set(labels)).index(v) for v in y])
    x = rng.normal(scale=0.3, size=(n, len(columns))) + shift
    x[:, 0] += 2.0 * index
    frame = pd.DataFrame(x, columns=list(columns))
    frame["label"] = y
    return frame


def write(frame, path, **kwargs):
    frame.to_csv(path, index=False, **kwargs)
    return path


def test_csv_pair_shares_one_sorted_vocabulary(tmp_path, rng):
    source = write(table(rng, 40, ["dog", "cat", "eel"]), tmp_path / "shop.csv")
    target_frame = table(rng, 30, ["eel", "cat", "dog"], shift=0.5)
    target = write(target_frame, tmp_path / "street.csv")
    task = load_task_from_files(source, target, seed=0)
    assert isinstance(task, FileTask) and isinstance(task, TransferTask)
    assert task.name == "shop->street" and not task.prediction_only
    assert task.class_names == ("cat", "dog", "eel") and task.num_classes == 3
    assert (task.source_train.n, task.source_val.n) == (36, 4)
    # transductive: the whole target is both the adaptation data and the test set
    assert task.target_train.n == task.target_test.n == 30
    np.testing.assert_array_equal(task.target_test.x, task.target_train.x)
    expected = [("cat", "dog", "eel").index(v) for v in target_frame["label"]]
    np.testing.assert_array_equal(task.target_test.y, expected)
    assert task.label_names([2, 0]).tolist() == ["eel", "cat"]
    assert task.files == {"source": str(source), "target": str(target)}
    assert task.formats == {"source": "csv", "target": "csv"}
    # The same class index means the same class in both files: a source-trained model
    # recognises the target classes.
    model = LogisticRegression().fit(task.source_train.x, task.source_train.y)
    assert model.score(task.target_test.x, task.target_test.y) > 0.9


def test_unlabelled_target_is_prediction_only(tmp_path, rng):
    source = write(table(rng, 20, ["a", "b"]), tmp_path / "s.csv")
    target_frame = table(rng, 12, ["a", "b"]).drop(columns="label")
    target = write(target_frame[["f2", "f0", "f1"]], tmp_path / "t.csv")  # columns shuffled
    task = load_task_from_files(source, target)
    assert task.prediction_only and task.target_test.y is None and task.target_train.y is None
    assert task.target_test.n == 12 and task.class_names == ("a", "b")
    assert any("no label column 'label': read as unlabelled" in n for n in task.notes)
    assert any("columns reordered by name" in n for n in task.notes)
    np.testing.assert_allclose(task.target_test.x, target_frame.to_numpy(np.float32))
    assert "prediction only" in repr(task)


def test_tables_without_header(tmp_path, rng):
    x = rng.normal(size=(12, 3))
    np.savetxt(tmp_path / "s.csv", np.column_stack([x, np.arange(12) % 2]), delimiter=",")
    np.savetxt(tmp_path / "t.csv", np.column_stack([x[:6], np.arange(6) % 2]), delimiter=",")
    np.savetxt(tmp_path / "u.csv", x[:5], delimiter=",")
    labelled = load_task_from_files(tmp_path / "s.csv", tmp_path / "t.csv")
    assert labelled.target_test.y.tolist() == [0, 1] * 3 and labelled.input_shape == (3,)
    unlabelled = load_task_from_files(tmp_path / "s.csv", tmp_path / "u.csv")
    assert unlabelled.prediction_only and unlabelled.target_test.x.shape == (5, 3)
    assert any("one column fewer than the source: read as unlabelled" in n for n in unlabelled.notes)


def test_target_test_file_makes_an_inductive_task(tmp_path, rng):
    source = write(table(rng, 20, [1, 2]), tmp_path / "s.csv")
    target = write(table(rng, 10, [1, 2]).drop(columns="label"), tmp_path / "t.csv")
    test = write(table(rng, 8, [2, 1]), tmp_path / "test.csv")
    task = load_task_from_files(source, target, test)
    assert not task.prediction_only and task.class_names == ("1", "2")
    assert (task.target_train.n, task.target_test.n) == (10, 8)
    assert task.target_train.y is None and task.target_test.y.tolist() == [1, 0] * 4
    unlabelled_test = write(table(rng, 8, [1, 2]).drop(columns="label"), tmp_path / "test2.csv")
    with pytest.raises(ValueError, match=r"target_test .*test2.csv' has no labels: a test file needs labels"):
        load_task_from_files(source, target, unlabelled_test)


def test_features_in_the_thousands_are_z_scored_on_both_domains_pooled(tmp_path, rng):
    source_frame, target_frame = table(rng, 30, ["a", "b"]), table(rng, 20, ["a", "b"], 0.5)
    for frame in (source_frame, target_frame):  # an income-like column; a constant one
        frame["f1"] = 5e4 + 1e4 * frame["f1"]
        frame["f2"] = 3.0
    source = write(source_frame, tmp_path / "s.csv")
    target = write(target_frame, tmp_path / "t.csv")
    test = write(table(rng, 8, ["a", "b"], 0.5).assign(f1=5e4, f2=3.0), tmp_path / "u.csv")
    task = load_task_from_files(source, target, test)
    both = pd.concat([source_frame, target_frame])[["f0", "f1", "f2"]].to_numpy(np.float64)
    mean, std = both.mean(axis=0), both.std(axis=0)
    expected = (target_frame[["f0", "f1", "f2"]].to_numpy() - mean) / np.where(std > 0, std, 1.0)
    np.testing.assert_allclose(task.target_train.x, expected, rtol=1e-5, atol=1e-5)
    pooled = np.concatenate([task.source_train.x, task.source_val.x, task.target_train.x])
    np.testing.assert_allclose(pooled.mean(axis=0), [0, 0, 0], atol=1e-5)
    np.testing.assert_allclose(pooled.std(axis=0), [1, 1, 0], atol=1e-5)  # constant: 0
    # The test file goes through the same map (its f1 = 5e4 lands near the pooled mean).
    np.testing.assert_allclose(task.target_test.x[:, 1], (5e4 - mean[1]) / std[1], rtol=1e-5)
    assert any("z-scored" in n and "--standardize none" in n for n in task.notes)
    assert "different units" in task.notes[-1]
    kept = load_task_from_files(source, target, standardize="none")
    np.testing.assert_allclose(kept.target_test.x, target_frame[["f0", "f1", "f2"]], rtol=1e-6)
    assert not any("z-scored" in n for n in kept.notes)
    # A year column: a small spread around a large value is far from the unit scale too.
    years = write(table(rng, 20, ["a", "b"]).assign(f2=lambda f: 2000 + f["f2"]), tmp_path / "y.csv")
    assert any("root mean square is 2e+03" in n for n in load_task_from_files(years, years).notes)
    # Features on the unit scale stay as given unless asked.
    small = write(table(rng, 20, ["a", "b"]), tmp_path / "small.csv")
    raw = load_task_from_files(small, small)
    assert not any("z-scored" in n for n in raw.notes)
    forced = load_task_from_files(small, small, standardize="pooled")
    assert any("standardize='pooled'" in n for n in forced.notes)
    np.testing.assert_allclose(forced.target_test.x.mean(axis=0), 0, atol=1e-5)
    with pytest.raises(ValueError, match="standardize.*'auto', 'pooled', 'scale', 'none'"):
        load_task_from_files(small, small, standardize="yes")


def test_pixels_in_0_255_are_divided_by_one_scale_not_z_scored(tmp_path, rng):
    images = rng.integers(0, 256, size=(40, 16)).astype(np.float64)
    images[:, 0] = 0.0  # a border pixel never lit
    images[:3, 1], images[3:, 1] = 255.0, 0.0  # one lit three times
    frame = pd.DataFrame(images, columns=[f"p{i}" for i in range(16)]).assign(label=np.arange(40) % 2)
    source, target = write(frame[:25], tmp_path / "s.csv"), write(frame[25:], tmp_path / "t.csv")
    task = load_task_from_files(source, target)
    rms = np.sqrt(np.mean(images ** 2))
    np.testing.assert_allclose(task.target_train.x, images[25:] / rms, rtol=1e-5)
    assert any(f"divided by one scale, their root mean square over source and target ({rms:.3g})"
               in n for n in task.notes)
    forced = load_task_from_files(source, target, standardize="scale")
    np.testing.assert_allclose(forced.target_train.x, task.target_train.x)
    z = load_task_from_files(source, target, standardize="pooled")
    assert z.target_train.x[:, 1].max() < 1.0 and np.abs(z.source_train.x[:, 1]).max() > 2.0


def test_category_columns_are_one_hot_over_both_files(tmp_path, rng):
    source_frame = table(rng, 24, ["a", "b"])
    source_frame["island"] = ["Dream", "Biscoe", "Dream"] * 8
    target_frame = table(rng, 12, ["a", "b"], shift=0.5)
    target_frame.insert(0, "island", ["Torgersen", None, "Dream"] * 4)  # another order
    task = load_task_from_files(write(source_frame, tmp_path / "s.csv"),
                                write(target_frame, tmp_path / "t.csv"), standardize="none")
    assert task.source_train.x.shape[1] == task.target_test.x.shape[1] == 6
    target = task.target_test.x
    np.testing.assert_allclose(target[:, :3], target_frame[["f0", "f1", "f2"]], rtol=1e-6)
    # island=Biscoe, =Dream, =Torgersen: the target's new value has a column, its missing
    # value none.
    np.testing.assert_array_equal(target[:3, 3:], [[0, 0, 1], [0, 0, 0], [0, 1, 0]])
    assert not task.source_train.x[:, 5].any()
    assert any("'island' (3 values) one-hot encoded" in n for n in task.notes)


def test_missing_values_are_an_error_unless_filled_with_pooled_means(tmp_path, rng):
    source_frame, target_frame = table(rng, 20, ["a", "b"]), table(rng, 10, ["a", "b"], shift=1.0)
    source_frame.loc[3, "f1"] = np.nan
    target_frame.loc[[2, 5], "f1"] = np.nan
    source, target = write(source_frame, tmp_path / "s.csv"), write(target_frame, tmp_path / "t.csv")
    with pytest.raises(ValueError, match=r"1 NaN .*column 'f1'.* missing='mean' \(--missing mean\)"):
        load_task_from_files(source, target)
    task = load_task_from_files(source, target, missing="mean", standardize="none")
    pooled = np.nanmean(np.concatenate([source_frame["f1"], target_frame["f1"]]))
    np.testing.assert_allclose(task.target_test.x[[2, 5], 1], pooled, rtol=1e-6)
    np.testing.assert_allclose(task.target_test.x[0], target_frame.loc[0, ["f0", "f1", "f2"]],
                               rtol=1e-6)
    assert any("3 missing feature value(s) in 1 column(s) ['f1'] filled with each column's "
               "mean over source and target" in n for n in task.notes)
    assert np.isfinite(task.source_train.x).all() and np.isfinite(task.source_val.x).all()
    source_frame["f2"] = np.nan
    target_frame["f2"] = np.nan
    with pytest.raises(ValueError, match=r"feature\(s\) \['f2'\] are missing in every sample"):
        load_task_from_files(write(source_frame, tmp_path / "s2.csv"),
                             write(target_frame, tmp_path / "t2.csv"), missing="mean")
    with pytest.raises(ValueError, match=r"`missing` must be one of 'error', 'mean'. Received: missing='median'"):
        load_task_from_files(source, target, missing="median")


def test_class_sets_that_differ(tmp_path, rng):
    source = write(table(rng, 20, ["cat", "dog", "eel"]), tmp_path / "s.csv")
    open_set = write(table(rng, 12, ["cat", "dog", "fox"]), tmp_path / "open.csv")
    message = (r"class sets differ: target .*open.csv' has classes the source lacks: \['fox'\] "
               r"\(open-set adaptation is not supported\); source classes \['cat', 'dog', 'eel'\], "
               r"target classes \['cat', 'dog', 'fox'\]")
    with pytest.raises(ValueError, match=message):
        load_task_from_files(source, open_set)
    partial = write(table(rng, 12, ["cat", "dog"]), tmp_path / "partial.csv")
    message = (r"target .*partial.csv' lacks source classes \['eel'\]; source classes "
               r"\['cat', 'dog', 'eel'\], target classes \['cat', 'dog'\]; .*allow_partial=True")
    with pytest.raises(ValueError, match=message):
        load_task_from_files(source, partial)
    task = load_task_from_files(source, partial, allow_partial=True)
    assert task.num_classes == 3 and set(task.target_test.y.tolist()) == {0, 1}
    assert any("partial set accepted" in n for n in task.notes)
    test = write(table(rng, 6, ["cat", "fox"]), tmp_path / "test.csv")
    with pytest.raises(ValueError, match=r"target_test .*test.csv' has classes the source lacks: \['fox'\]"):
        load_task_from_files(source, partial, test, allow_partial=True)


def test_numeric_labels_with_a_gap(tmp_path, rng):
    source = write(table(rng, 20, [0, 1, 3]), tmp_path / "s.csv")
    target = write(table(rng, 9, [0, 1, 3]), tmp_path / "t.csv")
    with pytest.raises(ValueError, match=r"classes \['2'\] have no source sample: .*zero-based.*pass labels='values'"):
        load_task_from_files(source, target)
    task = load_task_from_files(source, target, labels="values")
    assert task.class_names == ("0", "1", "3")


def test_svmlight_pair_with_plus_minus_one_labels(tmp_path, rng):
    x = np.abs(rng.normal(size=(20, 6))) + 0.1
    y = np.where(np.arange(20) % 2, 1, -1)
    dump_svmlight_file(x, y, str(tmp_path / "s.svm"), zero_based=False)
    dump_svmlight_file(x[:10, :4], y[:10], str(tmp_path / "t.svm"), zero_based=False)
    task = load_task_from_files(tmp_path / "s.svm", tmp_path / "t.svm")
    assert task.class_names == ("-1", "1") and task.input_shape == (6,)  # read together
    np.testing.assert_allclose(task.target_test.x[:, :4], x[:10, :4].astype(np.float32), rtol=1e-6)
    assert any("labels -1/+1 read as binary" in n for n in task.notes)
    assert not any("binary" in n for n in load_task_from_files(
        tmp_path / "s.svm", tmp_path / "t.svm", labels="binary").notes)


def test_mat_pair_file_as_source_and_target(tmp_path, rng):
    xs, xt = rng.normal(size=(5, 12)), rng.normal(size=(5, 9))  # features x samples
    path = tmp_path / "pair.mat"
    scipy.io.savemat(path, {"Xs": xs, "Xt": xt, "Ys": (np.arange(12) % 2 + 1)[:, None],
                            "Yt": (np.arange(9) % 2 + 1)[:, None]})
    task = load_task_from_files(path, path)
    assert task.name == "pair[source]->pair[target]" and task.input_shape == (5,)
    np.testing.assert_allclose(task.target_test.x, xt.T.astype(np.float32))
    assert task.source_train.n + task.source_val.n == 12
    # different keys per file, and an unlabelled .mat target stored features x samples
    scipy.io.savemat(tmp_path / "bare.mat", {"data": xt})
    task = load_task_from_files(path, tmp_path / "bare.mat",
                                target_options={"x_key": "data", "y_key": False})
    assert task.prediction_only and task.target_test.x.shape == (9, 5)  # oriented by n_features


def test_text_files_become_tfidf_features(tmp_path):
    (tmp_path / "s.txt").write_text("pos\tgreat fun film\nneg\tdull slow film\n" * 3)
    (tmp_path / "t.txt").write_text("great fun book\ndull slow book\n")
    task = load_task_from_files(tmp_path / "s.txt", tmp_path / "t.txt")
    assert task.prediction_only and task.class_names == ("neg", "pos")
    assert task.input_shape == (6,)  # book, dull, film, fun, great, slow
    assert any("TF-IDF vectors of 6 terms" in n for n in task.notes)


# --------------------------------------------------------------------------- bad input


def test_bad_inputs_get_one_line_errors(tmp_path, rng):
    good = write(table(rng, 20, ["a", "b"]), tmp_path / "good.csv")
    cases = []
    cases.append((FileNotFoundError, r"source file .*missing.csv' not found; check the path",
                  (tmp_path / "missing.csv", good)))
    cases.append((FileNotFoundError, r"target file .*nowhere/t.csv' not found; the folder .*nowhere' does not exist",
                  (good, tmp_path / "nowhere" / "t.csv")))
    (tmp_path / "empty.csv").write_text("")
    cases.append((ValueError, r"empty.csv' is empty", (good, tmp_path / "empty.csv")))
    nan = table(rng, 10, ["a", "b"])
    nan.loc[4, "f2"] = np.nan
    cases.append((ValueError, r"nan.csv': 1 NaN and 0 infinite feature value\(s\) in 1 sample\(s\) \(first: row 4, column 'f2'",
                  (good, write(nan, tmp_path / "nan.csv"))))
    wide = table(rng, 10, ["a", "b"], columns=("f0", "f1", "f2", "f3"))
    cases.append((ValueError, r"feature columns differ between source .*good.csv' and target .*wide.csv': only in the source \[\], only in the target \['f3'\]",
                  (good, write(wide, tmp_path / "wide.csv"))))
    np.savetxt(tmp_path / "plain.csv", np.column_stack([rng.normal(size=(6, 3)), np.arange(6) % 2]), delimiter=",")
    np.savetxt(tmp_path / "narrow.csv", np.column_stack([rng.normal(size=(6, 1)), np.arange(6) % 2]), delimiter=",")
    cases.append((ValueError, r"feature counts differ: source .*plain.csv' has 3 features per sample, target .*narrow.csv' has 1",
                  (tmp_path / "plain.csv", tmp_path / "narrow.csv")))
    np.savez(tmp_path / "a.npz", x=rng.normal(size=(6, 4)), y=np.arange(6) % 2)
    np.savez(tmp_path / "b.npz", x=rng.normal(size=(6, 5)), y=np.arange(6) % 2)
    cases.append((ValueError, r"feature counts differ: source .*a.npz' has 4 features per sample, target .*b.npz' has 5",
                  (tmp_path / "a.npz", tmp_path / "b.npz")))
    single = write(table(rng, 10, ["a"]), tmp_path / "single.csv")
    cases.append((ValueError, r"source .*single.csv' has a single class \('a'\); a classifier needs at least 2",
                  (single, good)))
    bare = write(table(rng, 10, ["a", "b"]).drop(columns="label"), tmp_path / "bare.csv")
    cases.append((ValueError, r"source .*bare.csv' \(column 'f2'\): labels must be class labels .* or the wrong column",
                  (bare, good)))
    np.savez(tmp_path / "unlabelled.npz", x=rng.normal(size=(6, 3)))
    cases.append((ValueError, r"source .*unlabelled.npz' has no labels, and the source must be labelled: give it labels \(y_key=...\)",
                  (tmp_path / "unlabelled.npz", tmp_path / "unlabelled.npz")))
    (tmp_path / "t.txt").write_text("x\tsome words\n")
    cases.append((ValueError, r"\['target'\] are text and the other files are not", (good, tmp_path / "t.txt")))
    for error, message, (source, target) in cases:
        with pytest.raises(error, match=message) as info:
            load_task_from_files(source, target)
        assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="Unknown file format 'xlsx'"):
        load_task_from_files(good, good, format="xlsx")
    with pytest.raises(ValueError, match=r"option\(s\) \['x_key'\] do not apply to csv files"):
        load_task_from_files(good, good, x_key="X")


def test_image_folders(tmp_path, rng):
    import tensorflow as tf

    for domain, classes in (("studio", ("cat", "dog")), ("street", ("dog", "cat")), ("cats", ("cat",))):
        for cls in classes:
            (tmp_path / domain / cls).mkdir(parents=True)
            pixels = rng.integers(0, 256, size=(5, 5, 3))
            tf.io.write_file(str(tmp_path / domain / cls / "0.png"),
                             tf.io.encode_png(tf.constant(pixels, dtype=tf.uint8)))
    task = load_task_from_files(tmp_path / "studio", tmp_path / "street", image_size=(4, 4),
                                source_val_fraction=0.5)
    assert task.input_shape == (4, 4, 3) and task.class_names == ("cat", "dog")
    assert task.formats["source"] == "image_folder" and task.target_test.y.tolist() == [0, 1]
    asked = load_task_from_files(tmp_path / "studio", tmp_path / "street", image_size=(4, 4),
                                 source_val_fraction=0.5, standardize="pooled")
    np.testing.assert_array_equal(asked.target_test.x, task.target_test.x)  # images untouched
    assert any("does not apply to images" in n for n in asked.notes)
    with pytest.raises(ValueError, match=r"target .*cats' lacks source classes \['dog'\]"):
        load_task_from_files(tmp_path / "studio", tmp_path / "cats", image_size=(4, 4))


def test_files_task_is_a_dataset_loader(tmp_path, rng):
    source = write(table(rng, 20, ["a", "b"]), tmp_path / "s.csv")
    target = write(table(rng, 10, ["a", "b"]), tmp_path / "t.csv")
    task = files_task("mine", source=str(source), target=str(target), source_val_fraction=0.25, seed=3)
    assert task.name == "mine" and task.source_val.n == 5


# --------------------------------------------------------------------------- real data


@needs_data
def test_real_files_make_the_benchmark_domains():
    from tftransfer.data import load_office_caltech_surf

    task = load_task_from_files(DATA / "office_caltech10_surf/amazon_SURF_L10.mat",
                                DATA / "office_caltech10_surf/webcam_SURF_L10.mat")
    webcam = load_office_caltech_surf("W", preprocess=False)
    np.testing.assert_array_equal(task.target_test.x, webcam.x)
    np.testing.assert_array_equal(task.target_test.y, webcam.y)
    assert task.class_names == tuple(str(c) for c in range(1, 11))
    reuters = DATA / "reuters21578_da/org_vs_people_1.mat"
    task = load_task_from_files(reuters, reuters)
    assert task.input_shape == (4771,) and task.target_test.n == 1208
    assert task.class_names == ("-1", "1")
