"""Office-Caltech10 DeCAF6 features: tasks D->W and W->D.

    python -m experiments.decaf [--data-dir ../shared/data] [--methods all]
        [--tasks D->W,W->D] [--seeds 3] [--epochs E] [--out results/decaf]

4,096-d DeCAF6 activations of DSLR (157 images) and Webcam (295), each row scaled to unit
L2 norm. Unsupervised, transductive protocol of the published tables (MEDA, ACM MM 2018,
Table 4), printed beside ours.
"""

from experiments.benchmark import MLP_BASE, benchmark_main
from tftransfer.data.benchmarks import DECAF_TASKS

DATASET = "decaf"
# Rows scaled to unit L2 norm, as for the published rows (raw activations cost every method
# 1.5-22 points here; measured 2026-11-23, see docs/benchmarks.md).
BASE = {**MLP_BASE, "data_options": {"l2_normalize": True}}

main = benchmark_main(__doc__, DATASET, DECAF_TASKS, BASE)


if __name__ == "__main__":
    main()
