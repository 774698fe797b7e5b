"""MSRC <-> VOC2007 images, 6 shared classes: tasks MSRC->VOC and VOC->MSRC.

    python -m experiments.msrc_voc [--data-dir ../shared/data] [--methods all]
        [--tasks MSRC->VOC,VOC->MSRC] [--seeds 3] [--epochs E] [--out results/msrc_voc]

240-d dense-SIFT bag-of-words of 1,269 MSRC and 1,530 VOC2007 images, each row divided by its
sum then z-scored per domain (the preprocessing of the CMMS demo, IEEE TIP 2020). Unsupervised,
transductive. No published table was available: source-only 1-NN / SVM rows (checked in the
data README) and logistic regression (benchmarks/classical_baselines.py) are printed beside ours.
"""

from experiments.benchmark import MLP_BASE, benchmark_main
from tftransfer.data.benchmarks import MSRC_VOC_TASKS

DATASET = "msrc_voc"
BASE = dict(MLP_BASE)

main = benchmark_main(__doc__, DATASET, MSRC_VOC_TASKS, BASE)


if __name__ == "__main__":
    main()
