"""MSRC <-> VOC2007 images, 6 shared classes: tasks MSRC->VOC and VOC->MSRC.

    python -m experiments.msrc_voc [--data-dir ../shared/data] [--methods all]
        [--tasks MSRC->VOC,VOC->MSRC] [--seeds 3] [--epochs E] [--out results/msrc_voc]

240-d dense-SIFT bag-of-words of 1,269 MSRC and 1,530 VOC2007 images, each row divided by its
sum then z-scored per domain (the preprocessing of the CMMS demo, IEEE TIP 2020). Unsupervised,
transductive. No published table was available: source-only 1-NN / SVM rows (checked in the
data README) and logistic regression (benchmarks/classical_baselines.py) are printed beside ours.
"""

from experiments.benchmark import run_benchmark
from tftransfer.data.benchmarks import MSRC_VOC_TASKS, PUBLISHED, PUBLISHED_SOURCE

DATASET = "msrc_voc"
# Only the data-dependent parts (backbone, budget); every method keeps its own defaults.
# The budget: 10 epochs of 50 steps of batch 32 on every benchmark (the reference code's
# fixed iterations per epoch: a small task gets the steps a large one gets).
BASE = {"epochs": 10, "steps_per_epoch": 50, "batch_size": 32, "backbone": "mlp",
        "backbone_options": {"units": [256]}}


def main(argv=None) -> str:
    return run_benchmark(argv, doc=__doc__, experiment=DATASET, dataset=DATASET,
                         tasks=MSRC_VOC_TASKS, base=BASE, published=PUBLISHED[DATASET],
                         published_source=PUBLISHED_SOURCE[DATASET])


if __name__ == "__main__":
    main()
