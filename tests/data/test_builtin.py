"""Tests for the embedded digits and moons tasks."""

import numpy as np
import pytest
import scipy.ndimage
from sklearn.datasets import load_digits, make_moons

from tftransfer.data import DEFAULT_DIGITS_TASKS, TransferTask, load_domain, load_task, task_names
from tftransfer.data.builtin import MOONS_CENTRE, _digits_half_indices, domain_names


def test_task_names():
    assert task_names() == [
        "original->inverted",
        "original->rotated",
        "original->noisy",
        "original->blurred",
        "moons->moons_rotated",
    ]
    assert list(DEFAULT_DIGITS_TASKS) == task_names()[:4]


@pytest.mark.parametrize("name", task_names())
def test_standard_task_loads(name):
    task = load_task(name)
    assert isinstance(task, TransferTask) and task.name == name
    digits = name.startswith("original")
    assert task.input_shape == ((64,) if digits else (2,))
    assert task.num_classes == (10 if digits else 2)
    n_source, n_target = (898, 899) if digits else (600, 600)
    assert task.source_train.n + task.source_val.n == n_source
    assert task.target_train.n + task.target_test.n == n_target
    for split in (task.source_train, task.source_val, task.target_train, task.target_test):
        assert split.x.dtype == np.float32 and split.y.dtype == np.int32
        assert set(np.unique(split.y)) == set(range(task.num_classes))  # stratified
        if digits:
            assert split.x.min() >= 0.0 and split.x.max() <= 1.0


def test_digits_halves_are_disjoint_and_stratified():
    half_a, half_b = _digits_half_indices()
    assert len(half_a) + len(half_b) == 1797
    assert not set(half_a) & set(half_b)
    labels = load_digits().target
    assert np.abs(np.bincount(labels[half_a]) - np.bincount(labels[half_b])).max() <= 1


def test_original_to_original_shares_no_image():
    task = load_task("original->original")
    source = {r.tobytes() for d in (task.source_train, task.source_val) for r in d.x}
    target = {r.tobytes() for d in (task.target_train, task.target_test) for r in d.x}
    assert len(source) == 898 and len(target) == 899 and not source & target


def test_digits_halves_do_not_depend_on_seed():
    a, b = load_task("original->inverted", seed=0), load_task("original->inverted", seed=4)
    def rows(t):
        return {r.tobytes() for d in (t.source_train, t.source_val) for r in d.x}

    assert rows(a) == rows(b)
    assert not np.array_equal(a.source_val.x, b.source_val.x)  # but the task split does


def _target_images(name):
    return load_domain(name, role="target").x.reshape(-1, 8, 8)


def test_original_matches_load_digits():
    half_a, _ = _digits_half_indices()
    original = load_domain("original", role="source")
    expected = load_digits().images[half_a].reshape(-1, 64) / 16.0
    np.testing.assert_allclose(original.x, expected, atol=1e-6)
    np.testing.assert_array_equal(original.y, load_digits().target[half_a])


def test_each_shift_is_the_documented_one():
    original = _target_images("original")
    np.testing.assert_allclose(_target_images("inverted"), 1.0 - original, atol=1e-6)

    rotated = np.clip(scipy.ndimage.rotate(original[0], 30, reshape=False, order=1), 0, 1)
    np.testing.assert_allclose(_target_images("rotated")[0], rotated, atol=1e-5)

    blurred = scipy.ndimage.gaussian_filter(original[5], sigma=0.8)
    np.testing.assert_allclose(_target_images("blurred")[5], blurred, atol=1e-5)

    noisy = _target_images("noisy")
    residual = (noisy - original)[(noisy > 0) & (noisy < 1)]  # unclipped pixels
    assert 0.25 < residual.std() < 0.35
    np.testing.assert_array_equal(noisy, _target_images("noisy"))  # fixed noise seed

    for name in ("inverted", "rotated", "noisy", "blurred"):
        assert np.abs(_target_images(name) - original).mean() > 0.02, name


def test_moons_rotated_is_35_degree_rotation():
    plain = load_domain("moons", role="target", seed=3, n_samples=200)
    rotated = load_domain("moons_rotated", role="target", seed=3, n_samples=200)
    theta = np.deg2rad(35.0)
    r = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    c = np.asarray(MOONS_CENTRE)
    np.testing.assert_allclose(rotated.x, (plain.x - c) @ r.T + c, atol=1e-5)
    np.testing.assert_array_equal(rotated.y, plain.y)
    radius = lambda x: np.linalg.norm(x - c, axis=1)  # noqa: E731
    np.testing.assert_allclose(radius(rotated.x), radius(plain.x), atol=1e-5)


def test_moons_follow_make_moons_and_seed():
    source = load_domain("moons", role="source", seed=2, n_samples=100)
    x, y = make_moons(100, noise=0.1, random_state=4)
    np.testing.assert_allclose(source.x, x, atol=1e-6)
    np.testing.assert_array_equal(source.y, y)
    target = load_domain("moons", role="target", seed=2, n_samples=100)
    assert not np.allclose(source.x, target.x)  # source and target are fresh draws
    t1, t2 = load_task("moons->moons_rotated", seed=1), load_task("moons->moons_rotated", seed=1)
    np.testing.assert_array_equal(t1.target_test.x, t2.target_test.x)
    t3 = load_task("moons->moons_rotated", seed=2)
    assert not np.array_equal(t1.source_train.x, t3.source_train.x)
    small = load_task("moons->moons_rotated", n_samples=50)
    assert small.source_train.n + small.source_val.n == 50


@pytest.mark.parametrize(
    "name, message",
    [
        ("original", r"must look like 'SOURCE->TARGET'.*original->inverted.*"
                     r"Received: name='original'"),
        ("original->", r"must look like 'SOURCE->TARGET'"),
        ("a->b->c", r"must look like 'SOURCE->TARGET'"),
        (
            "original->sideways",
            r"Unknown domain 'sideways'.*"
            r"digits: original, inverted, rotated, noisy, blurred; moons: moons, moons_rotated",
        ),
        (
            "original->moons",
            r"mixes families: 'original' is a digits domain and 'moons' a moons domain",
        ),
    ],
)
def test_bad_task_names(name, message):
    with pytest.raises(ValueError, match=message):
        load_task(name)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`n_samples` applies only to the moons family"):
        load_task("original->inverted", n_samples=100)
    with pytest.raises(ValueError, match=r"`n_samples` must be an int >= 4. Received: n_samples=2"):
        load_task("moons->moons_rotated", n_samples=2)
    with pytest.raises(ValueError, match=r"`role` must be one of 'source', 'target'. "
                                         r"Received: role='test'"):
        load_domain("moons", role="test")
    with pytest.raises(ValueError, match=r"`seed` must be an int >= 0 and <= 2147483646. "
                                         r"Received: seed=-1"):
        load_task("moons->moons", seed=-1)
    assert domain_names("moons") == ["moons", "moons_rotated"]
