"""Tests for the MSRC <-> VOC2007 benchmark (6 shared classes, 240-d dense-SIFT words).

Tests marked `needs_data` read `msrc_voc/MSRC_vs_VOC.mat` under `default_data_dir()` and skip
when it is absent (CI has it at ../shared/data); the others write their own files.
"""

import numpy as np
import pytest
import scipy.io
import scipy.sparse
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC

from tftransfer.data import datasets, default_data_dir
from tftransfer.data.benchmarks import (
    MSRC_VOC_TASKS,
    PUBLISHED,
    benchmark_task_names,
    load_msrc_voc,
    msrc_voc_task,
    surf_preprocess,
    task_domains,
)

DATA = default_data_dir()
needs_data = pytest.mark.skipif(
    DATA is None or not (DATA / "msrc_voc").is_dir(),
    reason=f"msrc_voc/ not found in the data folder (default_data_dir() -> {DATA}); set "
    "$TFTRANSFER_DATA_DIR or provide ../shared/data",
)

# Class counts of the file's classes 1..6 (data README).
MSRC_COUNTS = (58, 272, 72, 495, 182, 190)
VOC_COUNTS = (233, 194, 318, 558, 134, 93)


def test_names_registry_and_reference_rows():
    assert benchmark_task_names("msrc_voc") == list(MSRC_VOC_TASKS) == ["MSRC->VOC", "VOC->MSRC"]
    assert datasets.get("msrc_voc") is msrc_voc_task
    rows = PUBLISHED["msrc_voc"]
    assert rows["1NN (checked, data README)"] == {"MSRC->VOC": 35.5, "VOC->MSRC": 47.2}
    assert rows["SVM (checked, data README)"] == {"MSRC->VOC": 35.5, "VOC->MSRC": 51.2}


def test_errors(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown msrc_voc task 'VOC->VOC' \(source and target "
                                         r"must be different domains\). Valid tasks: MSRC->VOC"):
        datasets.get("msrc_voc")("VOC->VOC", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Unknown MSRC/VOC domain 'pascal'.*'voc2007'/'VOC'"):
        load_msrc_voc("pascal", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError,
                       match=r"msrc_voc/MSRC_vs_VOC\.mat.*--data-dir.*TFTRANSFER_DATA_DIR"):
        msrc_voc_task("MSRC->VOC", data_dir=str(tmp_path))
    with pytest.raises(TypeError, match=r"`preprocess` must be True or False"):
        load_msrc_voc("MSRC", data_dir=tmp_path, preprocess="yes")


def test_bad_file_contents(tmp_path):
    (tmp_path / "msrc_voc").mkdir()
    path = tmp_path / "msrc_voc" / "MSRC_vs_VOC.mat"
    x = scipy.sparse.csc_matrix(np.arange(1, 12 * 240 + 1, dtype=float).reshape(12, 240))
    y = np.arange(12).reshape(-1, 1) % 6 + 1
    good = {"X_src": x, "Y_src": y, "X_tar": x, "Y_tar": y}
    scipy.io.savemat(path, {**good, "Y_tar": y - 1})  # 0..5: not the file's 1..6
    with pytest.raises(ValueError, match=r"'Y_tar' must hold integer labels in 1\.\.6, got "
                                         r"values from 0\.0 to 5\.0"):
        load_msrc_voc("VOC", data_dir=tmp_path)
    scipy.io.savemat(path, {**good, "X_src": x[:, :200]})
    with pytest.raises(ValueError, match=r"'X_src' must be stored as \(n, 240\), got shape "
                                         r"\(12, 200\)"):
        load_msrc_voc("msrc", data_dir=tmp_path)
    scipy.io.savemat(path, {**good, "Y_src": y[:10]})
    with pytest.raises(ValueError, match=r"'Y_src' must hold 12 labels"):
        load_msrc_voc("MSRC", data_dir=tmp_path)
    scipy.io.savemat(path, good)
    domain = load_msrc_voc("voc2007", data_dir=tmp_path, preprocess=False)
    assert domain.name == "voc2007" and domain.y.tolist() == list(np.arange(12) % 6)
    assert np.array_equal(domain.x, x.toarray().astype(np.float32))


@needs_data
@pytest.mark.parametrize("domain,name,n,counts", [
    ("MSRC", "msrc", 1269, MSRC_COUNTS), ("VOC", "voc2007", 1530, VOC_COUNTS),
])
def test_domains(domain, name, n, counts):
    raw = load_msrc_voc(domain, preprocess=False)
    assert raw.name == name and raw.num_classes == 6
    assert raw.x.shape == (n, 240) and raw.x.dtype == np.float32 and raw.x.min() >= 0
    assert np.array_equal(raw.x, np.round(raw.x))  # visual-word counts
    # Classes 1..6 of the file are 0..5, with the README's counts.
    assert tuple(np.bincount(raw.y, minlength=6)) == counts
    pre = load_msrc_voc(domain)
    assert np.array_equal(pre.y, raw.y)
    # Row sums to 1, then each feature z-scored within the domain.
    assert np.allclose(pre.x, surf_preprocess(raw.x), atol=1e-5)
    live = pre.x.std(axis=0) > 0
    assert np.allclose(pre.x.mean(axis=0), 0, atol=1e-4)
    assert np.allclose(pre.x.std(axis=0)[live], 1, atol=1e-3)


@needs_data
def test_tasks_and_deterministic_split():
    task = msrc_voc_task("VOC->MSRC", seed=2)
    assert task.input_shape == (240,) and task.num_classes == 6
    assert task.source_train.n + task.source_val.n == 1530
    assert task.source_val.n == 153  # ceil(0.1 * 1530), stratified
    assert set(np.unique(task.source_val.y)) == set(range(6))
    assert task.target_test.n == task.target_train.n == 1269
    again = datasets.get("msrc_voc")("VOC->MSRC", seed=2)
    assert np.array_equal(again.source_val.x, task.source_val.x)
    assert not np.array_equal(msrc_voc_task("VOC->MSRC", seed=3).source_val.x, task.source_val.x)
    forward = msrc_voc_task("MSRC->VOC")
    assert forward.source_train.name == "msrc/train" and forward.target_test.n == 1530


@needs_data
@pytest.mark.slow
def test_reproduces_the_checked_baselines():
    checked = PUBLISHED["msrc_voc"]
    for task in MSRC_VOC_TASKS:
        source, target = task_domains("msrc_voc", task)
        one_nn = KNeighborsClassifier(n_neighbors=1).fit(source.x, source.y)
        assert round(100 * one_nn.score(target.x, target.y), 1) == checked[
            "1NN (checked, data README)"][task]
        # scikit-learn's default solver choice (the primal here, n > d), as the README.
        svm = LinearSVC(C=1.0).fit(source.x.astype(np.float64), source.y)
        assert round(100 * svm.score(target.x, target.y), 1) == checked[
            "SVM (checked, data README)"][task]
