"""transform_task: every split mapped; images stay images under a map that keeps the input space."""

import numpy as np
import pytest

from tftransfer import transforms
from tftransfer.data.domains import Domain, TransferTask


def _image_task(seed=0):
    rng = np.random.default_rng(seed)
    source = Domain("s", rng.normal(size=(60, 4, 4, 1)).astype("float32"), np.arange(60) % 3, 3)
    target = Domain("t", (1.5 * rng.normal(size=(50, 4, 4, 1)) + 0.5).astype("float32"),
                    np.arange(50) % 3, 3)
    return TransferTask.transductive("s->t", source, target, seed=0)


def test_coral_keeps_the_image_shape_and_equals_the_flat_map():
    task = _image_task()
    mapped = transforms.transform_task(transforms.get("coral"), task)
    assert mapped.input_shape == task.input_shape == (4, 4, 1)
    flat = transforms.get("coral").fit(task.source_train.x.reshape(task.source_train.n, -1),
                                       task.target_train.x.reshape(task.target_train.n, -1))
    np.testing.assert_array_equal(
        mapped.source_train.x.reshape(task.source_train.n, -1),
        flat.transform_source(task.source_train.x.reshape(task.source_train.n, -1)))
    # CORAL re-colours the source only; the target passes unchanged.
    np.testing.assert_allclose(mapped.target_test.x, task.target_test.x, rtol=1e-6)


def test_a_subspace_map_gives_flat_features():
    task = _image_task()
    mapped = transforms.transform_task(transforms.get("sa", n_components=5), task)
    assert mapped.input_shape == (5,)
    assert mapped.source_val.x.shape == (task.source_val.n, 5)


def test_input_space_writes_a_subspace_map_back_as_images():
    task = _image_task()
    mapped = transforms.transform_task(transforms.get("sa", n_components=5), task,
                                       input_space=True)
    assert mapped.input_shape == (4, 4, 1)
    sa = transforms.get("sa", n_components=5).fit(
        task.source_train.x.reshape(task.source_train.n, -1),
        task.target_train.x.reshape(task.target_train.n, -1))
    basis, mean = sa.linear_map("target")  # orthonormal columns P_T, x̄_T
    for split, domain in ((mapped.source_train, "source"), (mapped.target_test, "target")):
        original = getattr(task, "source_train" if domain == "source" else "target_test").x
        flat = split.x.reshape(split.n, -1)
        # The subspace coordinates are recovered exactly from the written-back images ...
        np.testing.assert_allclose((flat - mean) @ basis,
                                   sa.transform(original.reshape(split.n, -1), domain),
                                   atol=1e-5)
        # ... and the images lie in the target's k-dimensional principal subspace.
        assert np.linalg.matrix_rank(flat - mean, tol=1e-4) == 5


def test_input_space_refuses_an_rbf_tca_and_says_what_to_use():
    task = _image_task()
    with pytest.raises(ValueError, match="not a linear map.*'primal'.*backbone='mlp'"):
        transforms.transform_task(transforms.get("tca", n_components=4, kernel="rbf"), task,
                                  input_space=True)
    # Without input_space its coordinates go to a dense backbone as before.
    assert transforms.transform_task(transforms.get("tca", n_components=4, kernel="rbf"),
                                     task).input_shape == (4,)


def test_input_space_of_tca_primal_is_the_projection_on_its_span():
    task = _image_task()
    mapped = transforms.transform_task(transforms.get("tca", n_components=4, kernel="primal"),
                                       task, input_space=True)
    x = task.target_test.x.reshape(task.target_test.n, -1).astype(np.float64)
    tca = transforms.get("tca", n_components=4, kernel="primal").fit(
        task.source_train.x.reshape(task.source_train.n, -1),
        task.target_train.x.reshape(task.target_train.n, -1))
    w = tca.components_
    projection = w @ np.linalg.pinv(w)
    np.testing.assert_allclose(mapped.target_test.x.reshape(task.target_test.n, -1),
                               x @ projection.T, atol=1e-4)


def test_each_transform_says_whether_it_is_linear_before_fitting():
    assert all(transforms.get(name).is_linear for name in ("coral", "sa", "gfk"))
    assert transforms.get("tca", kernel="primal").is_linear
    assert not transforms.get("tca", kernel="rbf").is_linear
    assert not transforms.InputSpace(transforms.get("sa")).is_linear  # no FixedLinearMap form
