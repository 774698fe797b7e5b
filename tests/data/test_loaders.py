"""Tests for the data folder, the npz/svmlight/image readers and the real benchmarks.

Tests marked `needs_data` read the benchmark files of `default_data_dir()` and skip when
there is none (CI has them at ../shared/data); the others write their own files.
"""

import h5py
import numpy as np
import pytest
import scipy.io
import tensorflow as tf
from sklearn.datasets import dump_svmlight_file
from sklearn.neighbors import KNeighborsClassifier

from helpers import DATA, needs_data
from tftransfer.data import (
    DECAF_TASKS,
    MNIST_USPS_TASKS,
    OFFICE_CALTECH_TASKS,
    PUBLISHED,
    Domain,
    TransferTask,
    benchmark_task_names,
    datasets,
    default_data_dir,
    image_folder_class_names,
    load_decaf,
    load_image_folder,
    load_mnist_usps_jda,
    load_npz,
    load_office_caltech_surf,
    load_svmlight,
    load_usps,
    surf_preprocess,
)
from tftransfer.data import loaders

def one_nn_accuracy(source: Domain, target: Domain) -> float:
    model = KNeighborsClassifier(n_neighbors=1).fit(source.x, source.y)
    return 100.0 * model.score(target.x, target.y)


def l2(domain: Domain) -> Domain:
    x = domain.x / np.linalg.norm(domain.x, axis=1, keepdims=True)
    return Domain(domain.name, x, domain.y, domain.num_classes)


def check_domain(domain: Domain, n: int, d: int):
    assert domain.x.shape == (n, d) and domain.x.dtype == np.float32
    assert domain.y.shape == (n,) and domain.y.dtype == np.int32
    assert domain.num_classes == 10
    assert set(np.unique(domain.y)) == set(range(10))


# --------------------------------------------------------------------------- data folder


def test_default_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("TFTRANSFER_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("TFTRANSFER_DATA_DIR")
    shared = loaders._project_root().parent / "shared" / "data"
    assert default_data_dir() == (shared if shared.is_dir() else None)
    monkeypatch.setattr(loaders.paths, "_project_root", lambda: tmp_path / "project")
    assert default_data_dir() is None
    with pytest.raises(FileNotFoundError, match=r"data_dir=None.*TFTRANSFER_DATA_DIR"):
        load_office_caltech_surf("A")


def test_missing_data_dir_and_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope.*--data-dir.*TFTRANSFER_DATA_DIR"):
        load_decaf("D", data_dir=tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match=r"office_caltech10_surf/dslr_SURF_L10\.mat"):
        load_office_caltech_surf("dslr", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"mnist_usps_jda/MNIST_vs_USPS\.mat.*--data-dir"):
        datasets.get("mnist_usps")("M->U", data_dir=str(tmp_path))
    with pytest.raises(TypeError, match="data_dir must be a path"):
        load_usps("train", data_dir=3)


def test_mat_with_wrong_keys_shapes_labels(tmp_path):
    folder = tmp_path / "office_caltech10_surf"
    folder.mkdir()
    path = folder / "amazon_SURF_L10.mat"
    scipy.io.savemat(path, {"X": np.ones((5, 800)), "Y": np.ones((5, 1))})
    wrong_keys = r"lacks the key\(s\) \['fts', 'labels'\]; keys found: \['X', 'Y'\]"
    with pytest.raises(ValueError, match=wrong_keys):
        load_office_caltech_surf("A", data_dir=tmp_path)
    labels = np.arange(1, 11).reshape(-1, 1)
    scipy.io.savemat(path, {"fts": np.ones((10, 799)), "labels": labels})
    with pytest.raises(ValueError, match=r"'fts' must have shape \(n, 800\), got shape \(10, 79"):
        load_office_caltech_surf("A", data_dir=tmp_path)
    scipy.io.savemat(path, {"fts": np.ones((10, 800)), "labels": labels - 1})
    with pytest.raises(ValueError, match=r"labels in 1\.\.10, got values from 0\.0 to 9\.0"):
        load_office_caltech_surf("A", data_dir=tmp_path)
    scipy.io.savemat(path, {"fts": np.ones((10, 800)), "labels": labels[:9]})
    with pytest.raises(ValueError, match=r"must hold 10 labels"):
        load_office_caltech_surf("A", data_dir=tmp_path)
    scipy.io.savemat(path, {"fts": np.full((10, 800), np.nan), "labels": labels})
    with pytest.raises(ValueError, match="non-finite"):  # the Domain's own check
        load_office_caltech_surf("A", data_dir=tmp_path, preprocess=False)
    path.write_bytes(b"not a mat file")
    with pytest.raises(ValueError, match="Could not read .* as a MATLAB"):
        load_office_caltech_surf("A", data_dir=tmp_path)


def test_h5_with_wrong_keys(tmp_path):
    (tmp_path / "mnist_usps_jda").mkdir()
    with h5py.File(tmp_path / "mnist_usps_jda" / "MNIST_vs_USPS.mat", "w") as f:
        f["Xs"] = np.zeros((4, 256))
        f["labels"] = np.ones((1, 4))
    wrong_keys = r"lacks the key\(s\) \['Ys'\]; keys found: \['Xs', 'labels'\]"
    with pytest.raises(ValueError, match=wrong_keys):
        load_mnist_usps_jda("M", data_dir=tmp_path)


def test_unknown_domains_and_tasks():
    with pytest.raises(ValueError, match=r"Unknown Office-Caltech10 domain 'x'.*'amazon'/'A'"):
        load_office_caltech_surf("x")
    with pytest.raises(ValueError, match=r"Unknown DeCAF domain 'amazon'.*'dslr'/'D'"):
        load_decaf("amazon")
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'test', 'all'\]"):
        load_usps("val")
    get = datasets.get("office_caltech_surf")
    with pytest.raises(ValueError, match=r"'A->A' \(source and target must be .*: C->A, C->W"):
        get("A->A")
    with pytest.raises(ValueError, match=r"Unknown office_caltech_surf task 'A->X'. Valid tasks"):
        get("A->X")
    with pytest.raises(ValueError, match=r"Unknown mnist_usps task 'M->M'.*M->U, U->M"):
        datasets.get("mnist_usps")("M->M")
    with pytest.raises(ValueError, match=r"Unknown decaf task 5"):
        datasets.get("decaf")(5)
    with pytest.raises(ValueError, match="Valid datasets: office_caltech_surf, mnist_usps, decaf"):
        benchmark_task_names("office31")


def test_task_names_and_published():
    assert datasets.names()[:1] == ["builtin"]
    assert {"office_caltech_surf", "mnist_usps", "decaf"} <= set(datasets.names())
    assert benchmark_task_names("office_caltech_surf") == list(OFFICE_CALTECH_TASKS)
    assert len(set(OFFICE_CALTECH_TASKS)) == 12
    assert {t[0] for t in OFFICE_CALTECH_TASKS} == set("ACDW")
    assert benchmark_task_names("mnist_usps") == ["M->U", "U->M"] == list(MNIST_USPS_TASKS)
    assert benchmark_task_names("decaf") == ["D->W", "W->D"] == list(DECAF_TASKS)
    for dataset, table in PUBLISHED.items():
        for row in table.values():
            assert set(row) - {"average"} <= set(benchmark_task_names(dataset))
    surf = PUBLISHED["office_caltech_surf"]
    assert {m: surf[m]["average"] for m in surf} == {
        "1NN": 31.4, "SVM": 41.1, "TCA": 46.2, "GFK": 43.1,
        "JDA": 46.8, "CORAL": 48.8, "JGSA": 50.0, "MEDA": 52.7,
    }  # fmt: skip
    one_nn = [surf["1NN"][t] for t in OFFICE_CALTECH_TASKS]
    assert np.mean(one_nn) == pytest.approx(31.4, abs=0.05)
    methods = {"1NN", "SVM", "TCA", "JDA", "CORAL", "ARTL", "JGSA", "MEDA"}
    assert set(PUBLISHED["mnist_usps"]) == methods
    assert PUBLISHED["mnist_usps"]["MEDA"] == {"M->U": 89.5, "U->M": 72.1}


# --------------------------------------------------------------------------- transductive


def test_transductive_split(rng):
    source = Domain("s", rng.normal(size=(50, 3)), np.arange(50) % 5, num_classes=5)
    target = Domain("t", rng.normal(size=(30, 3)), np.arange(30) % 5, num_classes=5)
    task = TransferTask.transductive(None, source, target, source_val_fraction=0.2, seed=3)
    assert task.name == "s->t" and task.num_classes == 5
    assert (task.source_train.n, task.source_val.n) == (40, 10)
    assert sorted(np.unique(task.source_val.y)) == list(range(5))  # stratified
    both = np.concatenate([task.source_train.x, task.source_val.x])
    assert np.unique(both, axis=0).shape[0] == 50  # disjoint, together the whole source
    for split, suffix in ((task.target_train, "train"), (task.target_test, "test")):
        assert split.name == f"t/{suffix}"
        np.testing.assert_array_equal(split.x, target.x)
        np.testing.assert_array_equal(split.y, target.y)
    again = TransferTask.transductive("x", source, target, source_val_fraction=0.2, seed=3)
    np.testing.assert_array_equal(again.source_val.x, task.source_val.x)
    other = TransferTask.transductive("x", source, target, source_val_fraction=0.2, seed=4)
    assert not np.array_equal(other.source_val.x, task.source_val.x)
    unlabelled = Domain("u", target.x, None, num_classes=5)
    with pytest.raises(ValueError, match="target domain 'u' must have labels"):
        TransferTask.transductive("x", source, unlabelled)
    with pytest.raises(ValueError, match="`source_val_fraction` must be a finite number "
                                         "> 0 and < 1"):
        TransferTask.transductive("x", source, target, source_val_fraction=1.0)


# --------------------------------------------------------------------------- benchmark files


@needs_data
@pytest.mark.parametrize("letter,long,n", [("A", "amazon", 958), ("C", "CALTECH10", 1123),
                                           ("D", "dslr", 157), ("W", "Webcam", 295)])
def test_office_caltech_surf_domains(letter, long, n):
    raw = load_office_caltech_surf(letter, preprocess=False)
    check_domain(raw, n, 800)
    assert raw.x.min() >= 0 and np.all(raw.x == np.round(raw.x))  # word counts
    domain = load_office_caltech_surf(long)
    check_domain(domain, n, 800)
    np.testing.assert_array_equal(domain.y, raw.y)
    # Rows were divided by their sums, then each feature z-scored within the domain.
    rows = raw.x.astype(np.float64) / raw.x.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    expected = (rows - rows.mean(0)) / rows.std(0)
    np.testing.assert_allclose(domain.x, expected, atol=1e-4)
    np.testing.assert_allclose(domain.x.mean(0), 0.0, atol=1e-4)
    np.testing.assert_allclose(domain.x.std(0), 1.0, atol=1e-3)


def test_surf_preprocess_edge_cases(rng):
    counts = rng.integers(0, 5, size=(6, 4)).astype(float)
    counts[2] = 0  # an empty bag of words
    counts[:, 3] = 0  # a word that never occurs
    z = surf_preprocess(counts)
    assert np.isfinite(z).all() and np.all(z[:, 3] == 0)
    scaled = counts * np.arange(1, 7)[:, None]  # row normalisation removes row scales
    np.testing.assert_allclose(surf_preprocess(scaled), z)


@needs_data
def test_one_nn_reproduces_published_office_caltech():
    source, target = load_office_caltech_surf("C"), load_office_caltech_surf("A")
    assert one_nn_accuracy(source, target) == pytest.approx(23.7, abs=0.1)
    webcam, dslr = load_office_caltech_surf("W"), load_office_caltech_surf("D")
    assert one_nn_accuracy(dslr, webcam) == pytest.approx(63.4, abs=0.1)


@needs_data
def test_mnist_usps_jda_domains_and_one_nn():
    mnist, usps = load_mnist_usps_jda("M"), load_mnist_usps_jda("usps")
    check_domain(mnist, 2000, 256)
    check_domain(usps, 1800, 256)
    for d in (mnist, usps):
        assert d.x.min() >= 0.0 and d.x.max() <= 1.0
    assert one_nn_accuracy(l2(mnist), l2(usps)) == pytest.approx(65.9, abs=0.1)
    normalised = load_mnist_usps_jda("MNIST", l2_normalize=True)
    np.testing.assert_allclose(normalised.x, l2(mnist).x, atol=1e-6)


@needs_data
def test_mnist_usps_jda_images_are_upright():
    # Rows are row-major 16x16 images the right way up: a 1-NN on the full USPS set
    # recognises the JDA digits far better than their transposes.
    usps = load_usps("all")
    reference = KNeighborsClassifier(n_neighbors=1).fit(usps.x, usps.y)
    for domain in (load_mnist_usps_jda("M"), load_mnist_usps_jda("U")):
        images, labels = domain.x[::4], domain.y[::4]
        flipped = images.reshape(-1, 16, 16).transpose(0, 2, 1).reshape(-1, 256)
        upright, transposed = reference.score(images, labels), reference.score(flipped, labels)
        assert upright > 2 * transposed, (domain.name, upright, transposed)


@needs_data
def test_usps():
    train, test, both = load_usps(), load_usps("test"), load_usps("all")
    check_domain(train, 7291, 256)
    check_domain(test, 2007, 256)
    check_domain(both, 9298, 256)
    assert (train.name, test.name, both.name) == ("usps/train", "usps/test", "usps")
    np.testing.assert_array_equal(both.x[7291:], test.x)
    assert 0.0 <= both.x.min() and both.x.max() <= 1.0


@needs_data
def test_decaf():
    dslr, webcam = load_decaf("D"), load_decaf("WEBCAM")
    check_domain(dslr, 157, 4096)
    check_domain(webcam, 295, 4096)
    assert one_nn_accuracy(l2(webcam), l2(dslr)) == pytest.approx(100.0)


@needs_data
@pytest.mark.parametrize(
    "dataset,name",
    [("office_caltech_surf", t) for t in OFFICE_CALTECH_TASKS]
    + [("mnist_usps", t) for t in MNIST_USPS_TASKS]
    + [("decaf", t) for t in DECAF_TASKS],
)
def test_every_benchmark_task_loads_transductive(dataset, name):
    task = datasets.get(dataset)(name, data_dir=str(DATA), source_val_fraction=0.1, seed=0)
    sizes = {"A": 958, "C": 1123, "D": 157, "W": 295, "M": 2000, "U": 1800}
    source, target = name.split("->")
    assert isinstance(task, TransferTask) and task.name == name and task.num_classes == 10
    assert task.input_shape == {"office_caltech_surf": (800,), "mnist_usps": (256,),
                                "decaf": (4096,)}[dataset]
    assert task.source_train.n + task.source_val.n == sizes[source]
    assert task.source_val.n == int(np.ceil(0.1 * sizes[source]))
    assert set(np.unique(task.source_val.y)) == set(range(10))  # stratified
    assert task.target_train.n == task.target_test.n == sizes[target]
    np.testing.assert_array_equal(task.target_train.x, task.target_test.x)
    np.testing.assert_array_equal(task.target_train.y, task.target_test.y)


@needs_data
def test_runner_passes_data_options():
    from tftransfer.config import RunConfig
    from tftransfer.runner import load_task

    config = RunConfig(experiment="x", method="source_only", dataset="decaf", task="W->D",
                       data_options={"data_dir": str(DATA), "source_val_fraction": 0.2})
    task = load_task(config)
    assert (task.name, task.source_val.n, task.target_test.n) == ("W->D", 59, 157)


# --------------------------------------------------------------------------- npz


def test_npz_round_trip_and_errors(tmp_path, rng):
    x, y = rng.normal(size=(12, 2, 3)), np.arange(12) % 3
    path = tmp_path / "feats.npz"
    np.savez(path, x=x, y=y, labels=y + 1)
    domain = load_npz(path)
    assert domain.name == "feats" and domain.num_classes == 3 and domain.feature_shape == (2, 3)
    assert domain.class_names == ("0", "1", "2") and domain.format == "npz"
    np.testing.assert_allclose(domain.x, x.astype(np.float32))
    np.testing.assert_array_equal(domain.y, y)
    one_based = load_npz(path, y_key="labels", num_classes=5, name="n")
    assert one_based.num_classes == 5 and one_based.class_names == ("1", "2", "3", "4", "5")
    np.testing.assert_array_equal(one_based.y, y)  # labels 1..3 read as 1-based, noted
    assert any("one-based" in note for note in one_based.notes)
    unlabelled = load_npz(path, y_key=False, num_classes=3)
    assert not unlabelled.has_labels
    wrong_key = r"has no array 'feats' \(x_key\); arrays found: x \(12, 2, 3\), y \(12,\)"
    with pytest.raises(ValueError, match=wrong_key):
        load_npz(path, x_key="feats")
    with pytest.raises(ValueError, match="has no labels; pass num_classes"):
        load_npz(path, y_key=False)
    with pytest.raises(ValueError, match=r"labels \[3\] are not among the classes \[0, 1, 2\]"):
        load_npz(path, y_key="labels", classes=[0, 1, 2])
    np.savez(path, x=x, y=y[:-1])
    with pytest.raises(ValueError, match=r"expected one label per sample \(12\), got labels of shape \(11,\)"):
        load_npz(path)
    np.savez(path, x=np.arange(5.0), y=np.arange(5) % 2)
    with pytest.raises(ValueError, match=r"at least 2 dims, got shape \(5,\)"):
        load_npz(path)
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        load_npz(tmp_path / "missing.npz")


# --------------------------------------------------------------------------- svmlight


def test_svmlight_round_trip_and_labels(tmp_path, rng):
    x = rng.normal(size=(20, 7)).astype(np.float32)
    x[x < 0] = 0.0
    x[:, 0] = 1.0  # feature index 0 occurs: the zero-based index detection is unambiguous
    y = np.arange(20) % 4
    path = tmp_path / "train.svm"
    dump_svmlight_file(x, y, str(path))
    domain = load_svmlight(path, n_features=7)
    assert domain.name == "train" and domain.num_classes == 4 and domain.x.dtype == np.float32
    np.testing.assert_allclose(domain.x, x, rtol=1e-6)
    np.testing.assert_array_equal(domain.y, y)
    assert load_svmlight(path, n_features=10).feature_shape == (10,)

    one_based = tmp_path / "one.svm"
    dump_svmlight_file(x, y + 1, str(one_based))
    for labels in ("one_based", "auto"):
        shifted = load_svmlight(one_based, labels=labels)
        np.testing.assert_array_equal(shifted.y, y)
        assert shifted.num_classes == 4 and shifted.class_names == ("1", "2", "3", "4")
    assert load_svmlight(one_based, labels="zero_based").num_classes == 5  # class 0 empty
    with pytest.raises(ValueError, match="labels='one_based' declares labels 1..K, but the labels hold 0"):
        load_svmlight(path, labels="one_based")
    with pytest.raises(ValueError, match=r"num_classes=3 is too small for zero-based labels up to 3"):
        load_svmlight(path, num_classes=3)

    fractional = tmp_path / "frac.svm"
    dump_svmlight_file(x, y + 0.5, str(fractional))
    with pytest.raises(ValueError, match=r"labels must be class labels.*such as 0\.5"):
        load_svmlight(fractional)
    (tmp_path / "bad.svm").write_text("1 a:b\n")
    with pytest.raises(ValueError, match="Could not parse .*bad.svm"):
        load_svmlight(tmp_path / "bad.svm")


# --------------------------------------------------------------------------- image folders


def write_png(path, pixels):
    tf.io.write_file(str(path), tf.io.encode_png(tf.constant(pixels, dtype=tf.uint8)))


def test_image_folder_round_trip_and_errors(tmp_path, rng):
    root = tmp_path / "photos"
    images = {}
    for label, cls in enumerate(["cat", "dog", "eel"]):
        (root / cls).mkdir(parents=True)
        for i in range(2):
            pixels = rng.integers(0, 256, size=(6, 5, 3))
            write_png(root / cls / f"{i}.png", pixels)
            images[(label, i)] = pixels
    assert image_folder_class_names(root) == ["cat", "dog", "eel"]
    domain = load_image_folder(root, image_size=(6, 5))
    assert domain.name == "photos" and domain.num_classes == 3
    assert domain.x.shape == (6, 6, 5, 3) and domain.x.dtype == np.float32
    np.testing.assert_array_equal(domain.y, [0, 0, 1, 1, 2, 2])
    expected = np.stack([images[(label, i)] for label in range(3) for i in range(2)]) / 255.0
    np.testing.assert_allclose(domain.x, expected, atol=1e-6)
    assert domain.class_names == ("cat", "dog", "eel")
    grey = load_image_folder(root, image_size=(4, 4), color_mode="grayscale",
                             classes=["ant", "cat", "dog", "eel"])
    assert grey.x.shape == (6, 4, 4, 1) and grey.num_classes == 4
    np.testing.assert_array_equal(grey.y, [1, 1, 2, 2, 3, 3])  # "ant" has no sub-folder
    assert 0.0 <= grey.x.min() and grey.x.max() <= 1.0

    with pytest.raises(ValueError, match=r"num_classes=2 differs from the 3 class sub-folders"):
        load_image_folder(root, num_classes=2)
    modes = r"color_mode must be one of \['grayscale', 'rgb', 'rgba'\], got 'bgr'"
    with pytest.raises(ValueError, match=modes):
        load_image_folder(root, color_mode="bgr")
    with pytest.raises(ValueError, match=r"image_size must be \(height, width\).*got \(0, 4\)"):
        load_image_folder(root, image_size=(0, 4))
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_image_folder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="has no class sub-folders"):
        load_image_folder(tmp_path / "empty")
