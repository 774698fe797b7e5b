"""A model zoo the project pretrains itself, to validate backbone ranking on real models.

Eight backbones, all reading 32x32x3 images in [0, 255] (`tftransfer.zoo.inputs`):

| member                  | architecture  | source (examples)                  | how loaded |
|-------------------------|---------------|------------------------------------|------------|
| `lenet_mnist`           | LeNet         | MNIST of the JDA file (1,800)      | `hub:`     |
| `mlp_mnist`             | MLP 256-128   | MNIST of the JDA file (1,800)      | `hub:`     |
| `lenet_usps`            | LeNet         | USPS training set (6,561)          | `hub:`     |
| `mlp_usps`              | MLP 256-128   | USPS training set (6,561)          | `hub:`     |
| `small_resnet_usps`     | small ResNet  | USPS training set (6,561)          | `hub:`     |
| `lenet_digits`          | LeNet         | scikit-learn digits, half A (808)  | `hub:`     |
| `lenet_digits_inverted` | LeNet         | the same, inverted (808)           | `hub:`     |
| `resnet8_cifar10`       | ResNet-8      | CIFAR-10 (MLCommons Tiny, 50,000)  | `file:`    |

(90% of each source trains, 10% gives the source validation accuracy.) Each project member
is exported with `tftransfer.backbones.export_hub` and read back as `hub:<zoo>/<member>/hub`;
its source softmax head is saved beside it, so LEEP and NCE can score it.

    python -m tftransfer.zoo build --out results/zoo      # ~3 min on one core; resumable
    python -m tftransfer.zoo list --zoo results/zoo

Example:
    >>> zoo = tftransfer.zoo.load_zoo("results/zoo")
    >>> target = tftransfer.zoo.to_zoo_images(tftransfer.data.load_usps("test"))
    >>> tftransfer.ranking.rank_backbones(zoo.specs(), target, source_heads=zoo.source_heads())
"""

from tftransfer.zoo.inputs import ZOO_INPUT_SHAPE, to_zoo_images
from tftransfer.zoo.load import Zoo, load_zoo
from tftransfer.zoo.members import MEMBERS, RESNET8_NAME, ZOO_VERSION, ZooMember, member_names


def build_zoo(*args, **kwargs):
    """`tftransfer.zoo.build.build_zoo` (imported on use: it needs TensorFlow)."""
    from tftransfer.zoo.build import build_zoo as build

    return build(*args, **kwargs)


__all__ = ["MEMBERS", "RESNET8_NAME", "ZOO_INPUT_SHAPE", "ZOO_VERSION", "Zoo", "ZooMember",
           "build_zoo", "load_zoo", "member_names", "to_zoo_images"]
