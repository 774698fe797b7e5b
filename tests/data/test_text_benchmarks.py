"""Tests for the cross-domain text benchmarks: Reuters-21578 and 20 Newsgroups.

Tests marked `needs_data` read `reuters21578_da/` and `newsgroups20_da/` under
`default_data_dir()` and skip when they are absent (CI has them at ../shared/data); the
others write their own files or use tiny arrays.
"""

import numpy as np
import pytest
import scipy.io
import scipy.sparse
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from tftransfer.data import datasets, default_data_dir
from tftransfer.data.benchmarks import (
    NEWSGROUPS_FOUR_WAY,
    NEWSGROUPS_PAIRS,
    NEWSGROUPS_TASKS,
    PUBLISHED,
    REUTERS_TASKS,
    TEXT_DEFAULT_TERMS,
    benchmark_task_names,
    load_newsgroups,
    load_reuters,
    newsgroups_task,
    reuters_task,
    task_domains,
    top_document_frequency_terms,
)

DATA = default_data_dir()


def _has(folder: str) -> bool:
    return DATA is not None and (DATA / folder).is_dir()


needs_reuters = pytest.mark.skipif(
    not _has("reuters21578_da"),
    reason=f"reuters21578_da/ not found in the data folder (default_data_dir() -> {DATA}); "
    "set $TFTRANSFER_DATA_DIR or provide ../shared/data",
)
needs_newsgroups = pytest.mark.skipif(
    not _has("newsgroups20_da"),
    reason=f"newsgroups20_da/ not found in the data folder (default_data_dir() -> {DATA}); "
    "set $TFTRANSFER_DATA_DIR or provide ../shared/data",
)


def source_only_scores(source, target):
    """Target accuracy (%) of 1-NN and a linear SVM (C=1) trained on the whole source."""
    xs, xt = scipy.sparse.csr_matrix(source.x), scipy.sparse.csr_matrix(target.x)
    one_nn = KNeighborsClassifier(n_neighbors=1).fit(xs, source.y).score(xt, target.y)
    svm = LinearSVC(C=1.0, dual=True, random_state=0).fit(xs, source.y).score(xt, target.y)
    return round(100 * one_nn, 1), round(100 * svm, 1)


def one_nn_tie_range(source, target):
    """The lowest and highest 1-NN target accuracy (%) over every way of breaking ties between
    equidistant nearest source documents (duplicates are common in these term matrices, and
    which of them a library returns depends on its version and the CPU's rounding)."""
    distances = pairwise_distances(scipy.sparse.csr_matrix(target.x, dtype=np.float64),
                                   scipy.sparse.csr_matrix(source.x, dtype=np.float64))
    nearest = distances <= distances.min(axis=1, keepdims=True) + 1e-9
    labels = [set(source.y[row]) for row in nearest]
    best = np.mean([y in found for y, found in zip(target.y, labels)])
    worst = np.mean([found == {y} for y, found in zip(target.y, labels)])
    return round(100 * worst, 1), round(100 * best, 1)


def assert_source_only_reproduces(source, target, checked_1nn, checked_svm):
    """1-NN reproduces `checked_1nn` up to ties (ours and the checked value within the
    tie range), the linear SVM `checked_svm` exactly."""
    one_nn, svm = source_only_scores(source, target)
    low, high = one_nn_tie_range(source, target)
    assert low <= checked_1nn <= high and low <= one_nn <= high, (one_nn, checked_1nn, low, high)
    assert svm == checked_svm


def unit_rows(x: np.ndarray) -> bool:
    norms = np.linalg.norm(x, axis=1)
    return bool(np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0)))


# --------------------------------------------------------------------------- registry, names


def test_task_names_and_registry():
    assert benchmark_task_names("reuters") == list(REUTERS_TASKS) == [
        "org->people", "people->org", "org->place", "place->org", "people->place",
        "place->people",
    ]  # fmt: skip
    assert NEWSGROUPS_PAIRS == ("comp_vs_rec", "comp_vs_sci", "comp_vs_talk", "rec_vs_sci",
                                "rec_vs_talk", "sci_vs_talk")
    assert list(NEWSGROUPS_TASKS) == [f"{p}:12->34" for p in NEWSGROUPS_PAIRS]
    assert benchmark_task_names("newsgroups") == [*NEWSGROUPS_TASKS,
                                                  "comp_vs_rec_vs_sci_vs_talk:1->3",
                                                  "comp_vs_rec_vs_sci_vs_talk:2->4"]
    assert datasets.get("reuters") is reuters_task
    assert datasets.get("newsgroups") is newsgroups_task
    for dataset, tasks in (("reuters", REUTERS_TASKS), ("newsgroups", NEWSGROUPS_TASKS)):
        for row in PUBLISHED[dataset].values():  # every reference row covers every task
            assert set(row) == set(tasks)
        assert all("checked" in name or "measured" in name for name in PUBLISHED[dataset])


def test_unknown_names_and_bad_options(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown reuters task 'org->org' \(source and target "
                                         r"must be different.*Valid tasks: org->people"):
        datasets.get("reuters")("org->org", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Unknown newsgroups task 'comp_vs_rec'.*"
                                         r"comp_vs_rec:12->34"):
        datasets.get("newsgroups")("comp_vs_rec", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Unknown Reuters-21578 pair 'orgs'.*org_vs_people"):
        load_reuters("orgs", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Unknown 20 Newsgroups pair 'rec_vs_comp'.*comp_vs_rec"):
        load_newsgroups("rec_vs_comp", data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"`n_terms` must be an int >= 1 and <= 4771"):
        load_reuters("org_vs_people", data_dir=tmp_path, n_terms=4772)
    with pytest.raises(TypeError, match=r"`n_terms` must be an int.*Received: n_terms='all'"):
        load_newsgroups("comp_vs_rec", data_dir=tmp_path, n_terms="all")
    for split in ((("X1",), ("X1",)), (("X5",), ("X3",)), ((), ("X3",)), "X1->X3"):
        with pytest.raises(ValueError, match=r"`split` must be \(source subcategories, target "
                                             r"subcategories\), two disjoint non-empty"):
            load_newsgroups(NEWSGROUPS_FOUR_WAY, data_dir=tmp_path, split=split)
    with pytest.raises(TypeError, match=r"`l2_normalize` must be True or False"):
        load_reuters("org_vs_people", data_dir=tmp_path, l2_normalize=1)
    with pytest.raises(ValueError, match=r"Unknown benchmark dataset 'reuter'.*reuters"):
        task_domains("reuter", "org->people")


def test_missing_files_name_the_file_and_how_to_point(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"reuters21578_da/org_vs_place_1\.mat.*--data-dir"):
        datasets.get("reuters")("place->org", data_dir=str(tmp_path))
    with pytest.raises(FileNotFoundError,
                       match=r"newsgroups20_da/sci\.mat.*TFTRANSFER_DATA_DIR"):
        load_newsgroups("sci_vs_talk", data_dir=tmp_path)


def test_bad_reuters_file_contents(tmp_path):
    folder = tmp_path / "reuters21578_da"
    folder.mkdir()
    path = folder / "org_vs_place_1.mat"
    x = scipy.sparse.random(4415, 6, density=0.01, random_state=0, format="csc")
    good = {"Xs": x, "Xt": x, "Ys": np.array([[-1.0], [1.0]] * 3), "Yt": np.ones((6, 1))}
    scipy.io.savemat(path, {**good, "Ys": np.array([[0.0], [1.0]] * 3)})
    with pytest.raises(ValueError, match=r"'Ys' must hold labels -1 and \+1 only"):
        load_reuters("org_vs_place", data_dir=tmp_path)
    scipy.io.savemat(path, {**good, "Xt": x[:4000]})
    with pytest.raises(ValueError, match=r"'Xt' must be stored as \(4415, n\), got shape "
                                         r"\(4000, 6\)"):
        load_reuters("org_vs_place", data_dir=tmp_path)
    scipy.io.savemat(path, {**good, "Xs": -x})
    with pytest.raises(ValueError, match=r"'Xs' must hold finite, non-negative values"):
        load_reuters("org_vs_place", data_dir=tmp_path)
    scipy.io.savemat(path, {k: v for k, v in good.items() if k != "Yt"})
    with pytest.raises(ValueError, match=r"Yt"):
        load_reuters("org_vs_place", data_dir=tmp_path)
    scipy.io.savemat(path, good)  # the valid file reads, labels -1/+1 -> 0/1
    source, target = load_reuters("org_vs_place", data_dir=tmp_path, n_terms=None)
    assert source.y.tolist() == [0, 1] * 3 and target.y.tolist() == [1] * 6


# --------------------------------------------------------------------------- the vocabulary cut


def test_top_document_frequency_terms_by_hand():
    a = np.array([[1.0, 0, 2, 0], [0, 0, 3, 1]])  # document frequencies with b: 2, 1, 3, 2
    b = scipy.sparse.csr_matrix(np.array([[5.0, 0, 1, 0], [0, 7, 0, 1]]))
    assert top_document_frequency_terms([a, b], 1).tolist() == [2]
    # Terms 0 and 3 tie at 2 documents: the lower index wins.
    assert top_document_frequency_terms([a, b], 2).tolist() == [0, 2]
    assert top_document_frequency_terms([b, a], 3).tolist() == [0, 2, 3]
    assert top_document_frequency_terms([a, b], 4).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="share one vocabulary"):
        top_document_frequency_terms([a, np.ones((2, 3))], 1)
    with pytest.raises(ValueError, match=r"`n_terms` must be an int >= 1 and <= 4"):
        top_document_frequency_terms([a], 5)
    with pytest.raises(ValueError, match="at least one term matrix"):
        top_document_frequency_terms([], 1)


@needs_reuters
def test_vocabulary_cut_ignores_labels_and_document_order():
    raw = scipy.io.loadmat(str(DATA / "reuters21578_da" / "org_vs_people_1.mat"))
    xs, xt = raw["Xs"].T.tocsr(), raw["Xt"].T.tocsr()
    kept = top_document_frequency_terms([xs, xt], 500)
    # Labels permuted at random, documents regrouped by the permuted labels and shuffled:
    # the terms cannot change, since the cut reads the union of the documents only.
    union = scipy.sparse.vstack([xs, xt], format="csr")
    rng = np.random.default_rng(0)
    labels = rng.permutation(np.r_[raw["Ys"].toarray().ravel(), raw["Yt"].toarray().ravel()])
    groups = [union[rng.permutation(np.flatnonzero(labels == c))] for c in (-1, 1)]
    assert np.array_equal(top_document_frequency_terms(groups, 500), kept)
    # What the loader keeps is that cut, then unit rows.
    source, target = load_reuters("org_vs_people", n_terms=500)
    assert np.allclose(source.x, normalize(xs[:, kept]).toarray(), atol=1e-6)
    assert np.allclose(target.x, normalize(xt[:, kept]).toarray(), atol=1e-6)


# --------------------------------------------------------------------------- Reuters


@needs_reuters
@pytest.mark.parametrize("pair,n_s,n_t,d,counts_s,counts_t", [
    ("org_vs_people", 1237, 1208, 4771, (649, 588), (621, 587)),
    ("org_vs_place", 1016, 1043, 4415, (588, 428), (587, 456)),
    ("people_vs_place", 1077, 1077, 4562, (649, 428), (621, 456)),
])
def test_reuters_domains(pair, n_s, n_t, d, counts_s, counts_t):
    full_s, full_t = load_reuters(pair, n_terms=None)
    for domain, n, counts, key in ((full_s, n_s, counts_s, "Xs"), (full_t, n_t, counts_t, "Xt")):
        assert domain.name == f"{pair}/{key}" and domain.num_classes == 2
        assert domain.x.shape == (n, d) and domain.x.dtype == np.float32
        # The file's -1 is class 0, +1 class 1 (counts from the data README).
        assert tuple(np.bincount(domain.y)) == counts
        assert unit_rows(domain.x) and domain.x.min() >= 0
    source, target = load_reuters(pair)
    assert source.x.shape == (n_s, TEXT_DEFAULT_TERMS) and target.x.shape == (n_t, 1000)
    assert unit_rows(source.x) and unit_rows(target.x)
    assert np.array_equal(source.y, full_s.y)
    raw_s, _ = load_reuters(pair, n_terms=None, l2_normalize=False)
    assert raw_s.x.max() > 1.5  # stored weights, not unit rows


@needs_reuters
def test_reuters_tasks_roles_and_split():
    first, second = load_reuters("org_vs_people")
    task = reuters_task("people->org", seed=3)  # the file with the roles swapped
    assert task.source_train.n + task.source_val.n == second.n == 1208
    assert task.source_val.n == 121  # ceil(0.1 * 1208)
    assert task.target_test.n == task.target_train.n == first.n == 1237
    assert np.array_equal(task.target_test.x, first.x)
    assert task.input_shape == (1000,) and task.num_classes == 2
    # Stratified source split, deterministic in the seed.
    assert abs(task.source_val.y.mean() - second.y.mean()) < 0.01
    again = datasets.get("reuters")("people->org", seed=3)
    other = reuters_task("people->org", seed=4)
    assert np.array_equal(again.source_train.x, task.source_train.x)
    assert np.array_equal(again.source_val.y, task.source_val.y)
    assert not np.array_equal(other.source_val.x, task.source_val.x)
    stored = reuters_task("org->people")
    assert stored.target_test.n == 1208 and stored.source_train.n + stored.source_val.n == 1237


@needs_reuters
def test_reuters_reproduces_the_checked_baselines():
    checked_1nn = PUBLISHED["reuters"]["1NN (checked, data README; all terms)"]
    checked_svm = PUBLISHED["reuters"]["SVM (checked, data README; all terms)"]
    for task in ("org->people", "people->org", "people->place"):
        source, target = task_domains("reuters", task, n_terms=None)
        assert_source_only_reproduces(source, target, checked_1nn[task], checked_svm[task])
    # The experiment's features (1,000 terms): the measured reference rows.
    rows = PUBLISHED["reuters"]
    source, target = task_domains("reuters", "place->people")
    assert_source_only_reproduces(source, target, rows["1NN (measured, 1,000 terms)"]["place->people"],
                                  rows["SVM (measured, 1,000 terms)"]["place->people"])


# --------------------------------------------------------------------------- 20 Newsgroups

# X1..X4 documents per top category (data README).
_DOCS = {"comp": (970, 963, 979, 958), "rec": (987, 993, 991, 997),
         "sci": (989, 984, 987, 985), "talk": (909, 940, 774, 627)}


@needs_newsgroups
@pytest.mark.parametrize("pair", NEWSGROUPS_PAIRS)
def test_newsgroups_domains(pair):
    a, b = pair.split("_vs_")
    source, target = load_newsgroups(pair)
    for domain, half, name in ((source, slice(0, 2), "X1+X2"), (target, slice(2, 4), "X3+X4")):
        n_a, n_b = sum(_DOCS[a][half]), sum(_DOCS[b][half])
        assert domain.name == f"{pair}/{name}"
        assert domain.x.shape == (n_a + n_b, 1000) and domain.x.dtype == np.float32
        # Class 1 = A (its documents first), class 0 = B.
        assert domain.y.tolist() == [1] * n_a + [0] * n_b
        assert unit_rows(domain.x) and domain.x.min() >= 0


@needs_newsgroups
def test_newsgroups_four_way_task():
    source, target = task_domains("newsgroups", "comp_vs_rec_vs_sci_vs_talk:1->3")
    for domain, key, index in ((source, "X1", 0), (target, "X3", 2)):
        counts = [_DOCS[c][index] for c in ("comp", "rec", "sci", "talk")]
        assert domain.name == f"comp_vs_rec_vs_sci_vs_talk/{key}"
        assert domain.x.shape == (sum(counts), 1000) and domain.num_classes == 4
        # Classes count down from the first category, as a pair's (A = 1, B = 0).
        assert domain.y.tolist() == sum(([3 - i] * n for i, n in enumerate(counts)), [])
        assert unit_rows(domain.x) and domain.x.min() >= 0
    task = newsgroups_task("comp_vs_rec_vs_sci_vs_talk:1->3")
    assert task.num_classes == 4 and task.target_test.n == 979 + 991 + 987 + 774
    task = newsgroups_task("comp_vs_rec_vs_sci_vs_talk:2->4")
    assert task.num_classes == 4 and task.target_test.n == 958 + 997 + 985 + 627
    assert task.source_train.n + task.source_val.n == 963 + 993 + 984 + 940


@needs_newsgroups
def test_newsgroups_cut_is_the_document_frequency_of_the_union():
    raw = {c: scipy.io.loadmat(str(DATA / "newsgroups20_da" / f"{c}.mat")) for c in ("rec", "talk")}
    blocks = [raw[c][k].T.tocsr() for c in ("rec", "talk") for k in ("X1", "X2", "X3", "X4")]
    df = sum(np.asarray((m != 0).sum(axis=0)).ravel() for m in blocks)
    by_hand = np.sort(np.argsort(-df, kind="stable")[:300])
    assert np.array_equal(top_document_frequency_terms(blocks, 300), by_hand)
    # Its smallest kept frequency is at least every dropped one's.
    assert df[by_hand].min() >= np.delete(df, by_hand).max()
    task = newsgroups_task("rec_vs_talk:12->34", n_terms=300, seed=1)
    source = scipy.sparse.vstack([blocks[0], blocks[1], blocks[4], blocks[5]], format="csr")
    expected = normalize(source[:, by_hand]).toarray()
    whole = np.concatenate([task.source_train.x, task.source_val.x])
    assert whole.shape == expected.shape == (3829, 300)
    # The split reorders rows: compare as sorted multisets of rows.
    assert np.allclose(np.sort(whole, axis=0), np.sort(expected, axis=0), atol=1e-6)


@needs_newsgroups
def test_newsgroups_task_and_split():
    task = datasets.get("newsgroups")("comp_vs_talk:12->34")
    assert task.input_shape == (1000,) and task.num_classes == 2
    assert task.target_test.n == 979 + 958 + 774 + 627
    assert task.source_train.n + task.source_val.n == 970 + 963 + 909 + 940
    again = newsgroups_task("comp_vs_talk:12->34")
    assert np.array_equal(again.source_val.x, task.source_val.x)
    # The experiment's features (1,000 terms): the measured reference rows.
    source, target = task_domains("newsgroups", "comp_vs_talk:12->34")
    rows = PUBLISHED["newsgroups"]
    assert source_only_scores(source, target) == (
        rows["1NN (measured, 1,000 terms)"]["comp_vs_talk:12->34"],
        rows["SVM (measured, 1,000 terms)"]["comp_vs_talk:12->34"],
    )


@needs_newsgroups
@pytest.mark.slow
def test_newsgroups_full_vocabulary_reproduces_the_checked_baselines():
    # The README's numbers on all 25,804 terms (cosine 1-NN and a linear SVM), reproduced
    # through the loader (dense: ~0.8 GB for the two domains).
    source, target = task_domains("newsgroups", "comp_vs_talk:12->34", n_terms=None)
    rows = PUBLISHED["newsgroups"]
    assert source_only_scores(source, target) == (
        rows["1NN (checked, data README; all terms)"]["comp_vs_talk:12->34"],
        rows["SVM (checked, data README; all terms)"]["comp_vs_talk:12->34"],
    )
