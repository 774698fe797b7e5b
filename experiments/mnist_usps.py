"""MNIST <-> USPS digits (JDA protocol): tasks M->U and U->M.

    python -m experiments.mnist_usps [--data-dir ../shared/data] [--methods all]
        [--tasks M->U,U->M] [--seeds 3] [--epochs E] [--out results/mnist_usps]

2,000 MNIST and 1,800 USPS images at 16x16 (Long et al., ICCV 2013), a LeNet-style CNN.
Unsupervised, transductive protocol of the published tables (MEDA, ACM MM 2018, Table 3),
which are printed beside ours.
"""

from experiments.benchmark import benchmark_main
from tftransfer.data.benchmarks import MNIST_USPS_TASKS

DATASET = "mnist_usps"
# Only the data-dependent parts: the budget of every benchmark (`experiments.benchmark.MLP_BASE`)
# on the project's LeNet; every method keeps its own defaults.
BASE = {"epochs": 10, "steps_per_epoch": 50, "batch_size": 32, "backbone": "lenet",
        "backbone_options": {"feature_units": 128}}

# SA's and TCA's subspaces reach the LeNet written back in pixel coordinates
# (`tftransfer.transforms.InputSpace`), as CORAL's re-coloured pixels do.

main = benchmark_main(__doc__, DATASET, MNIST_USPS_TASKS, BASE)


if __name__ == "__main__":
    main()
