"""Tests for the tf.data pipelines."""

import numpy as np
import pytest
import tensorflow as tf

from tftransfer.data import (labelled_dataset, paired_dataset, steps_per_epoch,
                             steps_per_epoch_at_least)


def arrays(n, features=3, offset=0):
    """x whose first feature is the sample id (offset + i); y = id % 2."""
    x = np.zeros((n, features))
    x[:, 0] = offset + np.arange(n)
    return x, np.arange(n) % 2


def take(ds, k):
    return [tf.nest.map_structure(lambda t: t.numpy(), e) for e in ds.take(k)]


def test_default_structure_and_dtypes():
    xs, ys = arrays(20)
    xt, _ = arrays(15, offset=1000)
    ds = paired_dataset(xs, ys, xt, batch_size=4, seed=0)
    (source, target), = take(ds, 1)
    assert len(source) == 2 and isinstance(target, tuple) and len(target) == 1
    spec = ds.element_spec
    assert spec[0][0].dtype == tf.float32 and spec[0][1].dtype == tf.int32
    assert spec[1][0].dtype == tf.float32
    assert spec[0][0].shape == (4, 3) and spec[0][1].shape == (4,) and spec[1][0].shape == (4, 3)


def test_weighted_structure_and_dtypes():
    xs, ys = arrays(20)
    xt, _ = arrays(15, offset=1000)
    w = np.linspace(0.0, 2.0, 20)
    ds = paired_dataset(xs, ys, xt, batch_size=4, seed=0, source_weight=w)
    (x_s, y_s, w_s), (x_t,) = take(ds, 1)[0]
    assert w_s.dtype == np.float32 and w_s.shape == (4,)
    ids = x_s[:, 0].astype(int)
    np.testing.assert_allclose(w_s, w[ids].astype(np.float32))
    np.testing.assert_array_equal(y_s, ys[ids])


def test_target_labels_structure_keep_minus_one():
    xs, ys = arrays(20)
    xt, _ = arrays(15, offset=1000)
    yt = np.full(15, -1)
    yt[:3] = [0, 1, 0]
    ds = paired_dataset(xs, ys, xt, yt, batch_size=5, seed=0)
    assert ds.element_spec[1][1].dtype == tf.int32
    seen = {}
    for (_, _), (x_t, y_t) in take(ds, 3):
        seen.update(zip(x_t[:, 0].astype(int) - 1000, y_t))
    assert len(seen) == 15
    np.testing.assert_array_equal([seen[i] for i in range(15)], yt)


def test_shorter_domain_repeats_for_ten_batches():
    xs, ys = arrays(100)
    xt, _ = arrays(7, offset=1000)  # fewer than one batch
    batches = take(paired_dataset(xs, ys, xt, batch_size=16, seed=0), 10)
    assert len(batches) == 10
    for (x_s, _), (x_t,) in batches:
        assert x_s.shape == (16, 3) and x_t.shape == (16, 3)  # drop_remainder: fixed shape
    target_ids = np.concatenate([x_t[:, 0] for _, (x_t,) in batches]).astype(int) - 1000
    # 160 target samples from 7: each pass of 7 is a permutation
    for start in range(0, 154, 7):
        assert sorted(target_ids[start : start + 7]) == list(range(7))


@pytest.mark.parametrize("n_large", [40, 45])
def test_one_epoch_sees_every_sample_of_larger_domain(n_large):
    batch_size = 8
    xs, ys = arrays(n_large)
    xt, _ = arrays(11, offset=1000)
    steps = steps_per_epoch(n_large, 11, batch_size)
    assert steps == -(-n_large // batch_size)
    batches = take(paired_dataset(xs, ys, xt, batch_size=batch_size, seed=3), steps)
    ids = np.concatenate([x_s[:, 0] for (x_s, _), _ in batches]).astype(int)
    # The first n_large samples are one full pass; the rest start the next pass.
    assert sorted(ids[:n_large]) == list(range(n_large))
    if n_large % batch_size == 0:
        assert len(ids) == n_large  # exactly once


def test_same_seed_same_order_different_seed_differs():
    xs, ys = arrays(30)
    xt, _ = arrays(20, offset=1000)

    def order(seed):
        batches = take(paired_dataset(xs, ys, xt, batch_size=6, seed=seed), 8)
        return np.concatenate([np.r_[x_s[:, 0], x_t[:, 0]] for (x_s, _), (x_t,) in batches])

    np.testing.assert_array_equal(order(5), order(5))
    assert not np.array_equal(order(5), order(6))


def test_source_and_target_use_different_shuffles():
    xs, ys = arrays(30)
    xt, _ = arrays(30, offset=1000)
    (x_s, _), (x_t,) = take(paired_dataset(xs, ys, xt, batch_size=30, seed=0), 1)[0]
    assert not np.array_equal(x_s[:, 0], x_t[:, 0] - 1000)


def test_each_pass_is_reshuffled():
    xs, ys = arrays(12)
    batches = take(paired_dataset(xs, ys, xs, batch_size=12, seed=0), 3)
    passes = [b[0][0][:, 0] for b in batches]
    assert not (np.array_equal(passes[0], passes[1]) and np.array_equal(passes[1], passes[2]))


def test_paired_dataset_validation():
    xs, ys = arrays(10)
    with pytest.raises(ValueError, match=r"`batch_size` must be an int >= 1. "
                                         r"Received: batch_size=0"):
        paired_dataset(xs, ys, xs, batch_size=0, seed=0)
    with pytest.raises(TypeError, match=r"`batch_size` must be an int >= 1. "
                                        r"Received: batch_size=4\.0"):
        paired_dataset(xs, ys, xs, batch_size=4.0, seed=0)
    message = (r"`source_x` and `target_x` must have the same feature shape. "
               r"Received: source_x of shape \(10, 3\), target_x of shape \(5, 2\)")
    with pytest.raises(ValueError, match=message):
        paired_dataset(xs, ys, np.zeros((5, 2)), batch_size=2, seed=0)
    with pytest.raises(ValueError, match=r"`source_y` must hold one label per sample \(10\). "
                                         r"Received: 9 labels"):
        paired_dataset(xs, ys[:9], xs, batch_size=2, seed=0)
    with pytest.raises(ValueError, match=r"`target_x` must have shape \(n, \*features\) "
                                         r"with n >= 1"):
        paired_dataset(xs, ys, np.zeros((0, 3)), batch_size=2, seed=0)
    with pytest.raises(ValueError, match=r"`source_weight` must be finite and >= 0"):
        paired_dataset(xs, ys, xs, batch_size=2, seed=0, source_weight=-np.ones(10))


def test_steps_per_epoch():
    assert steps_per_epoch(100, 7, 16) == 7
    assert steps_per_epoch(7, 100, 10) == 10
    assert steps_per_epoch(3, 2, 64) == 1
    assert steps_per_epoch(10, 0, 4) == 3  # a single-domain stream
    with pytest.raises(ValueError, match=r"`n_target` must be an int >= 0. Received: n_target=-1"):
        steps_per_epoch(5, -1, 4)
    with pytest.raises(ValueError, match=r"`n_source` must be an int >= 1. Received: n_source=0"):
        steps_per_epoch(0, 5, 4)


def test_steps_per_epoch_at_least_a_minimum_or_one_pass():
    assert steps_per_epoch_at_least(50, 958, 295, 32) == 50  # 30 steps a pass
    assert steps_per_epoch_at_least(50, 2000, 1800, 32) == 63  # a pass is longer
    assert steps_per_epoch_at_least(1, 60, 45, 32) == 2  # 1: one pass
    with pytest.raises(ValueError, match=r"`minimum` must be an int >= 1"):
        steps_per_epoch_at_least(0, 60, 45, 32)


def test_labelled_dataset_variants():
    x, y = arrays(10)
    ds = labelled_dataset(x, y, batch_size=4)
    batches = take(ds, 10)
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert ds.element_spec[0].dtype == tf.float32 and ds.element_spec[1].dtype == tf.int32
    np.testing.assert_array_equal(np.concatenate([b[0][:, 0] for b in batches]), np.arange(10))

    fixed = labelled_dataset(x, y, batch_size=4, drop_remainder=True)
    assert fixed.element_spec[0].shape == (4, 3) and len(take(fixed, 10)) == 2

    w = np.arange(10) / 10
    xb, yb, wb = take(labelled_dataset(x, y, batch_size=10, sample_weight=w), 1)[0]
    assert wb.dtype == np.float32
    np.testing.assert_allclose(wb, w.astype(np.float32))

    only_x = labelled_dataset(x, None, batch_size=5)
    assert isinstance(only_x.element_spec, tf.TensorSpec)


def test_labelled_dataset_shuffle_repeat_seeded():
    x, y = arrays(10)

    def order(seed):
        ds = labelled_dataset(x, y, batch_size=5, shuffle=True, seed=seed, repeat=True)
        return np.concatenate([b[0][:, 0] for b in take(ds, 6)])

    first = order(1)
    assert len(first) == 30 and sorted(first[:10]) == list(range(10))
    np.testing.assert_array_equal(first, order(1))
    with pytest.raises(ValueError, match=r"`sample_weight` needs labels `y`"):
        labelled_dataset(x, None, batch_size=2, sample_weight=np.ones(10))


@pytest.mark.parametrize("make", [
    lambda x, y: paired_dataset(x, y, x, batch_size=4, seed=0),
    lambda x, y: labelled_dataset(x, y, batch_size=4),
    lambda x, y: labelled_dataset(x, y, batch_size=4, shuffle=True, seed=0, repeat=True),
    lambda x, y: labelled_dataset(x, y, batch_size=4, shuffle=True, seed=0),
])
def test_pipelines_prefetch_without_the_autotuner(make):
    # The autotuner's thread stalled iterator deletion by seconds (pipeline.prefetched).
    x, y = arrays(10)
    ds = make(x, y)
    assert ds.options().autotune.enabled is False
    assert len(take(ds, 2)) == 2


def test_the_stream_is_pinned_batches_spanning_passes_included():
    # Every recorded run was trained on this stream (seed 0: the source's passes of 10 cut in
    # batches of 4, the target's of 7); a change of the pipeline must not move it.
    xs = np.arange(10, dtype="float32")[:, None]
    xt = np.arange(7, dtype="float32")[:, None]
    batches = take(paired_dataset(xs, np.zeros(10, int), xt, batch_size=4, seed=0), 5)
    assert [x_s[:, 0].astype(int).tolist() for (x_s, _), _ in batches] == [
        [0, 4, 1, 5], [6, 8, 2, 3], [9, 7, 9, 0], [2, 6, 3, 4], [1, 5, 7, 8]]
    assert [x_t[:, 0].astype(int).tolist() for _, (x_t,) in batches] == [
        [1, 5, 2, 3], [0, 4, 6, 2], [4, 1, 6, 0], [5, 3, 5, 6], [1, 2, 0, 3]]
