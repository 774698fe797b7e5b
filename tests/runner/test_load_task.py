"""load_task: a subspace map reaches a backbone in the layout that backbone reads."""

from tftransfer.config import RunConfig
from tftransfer.runner import load_task

# The builtin digits are flat 8 x 8 images (64 pixels), a "flat square input" for the LeNet.
CONFIG = RunConfig(experiment="test", task="original->inverted", method="source_only",
                   transform="sa", transform_options={"n_components": 10})


def test_an_mlp_gets_the_subspace_coordinates():
    assert load_task(CONFIG.replace(backbone="mlp")).input_shape == (10,)


def test_a_lenet_gets_the_subspace_written_back_as_images():
    task = load_task(CONFIG.replace(backbone="lenet"))
    assert task.input_shape == (64,)
    assert task.source_train.x.shape[1] == 64
