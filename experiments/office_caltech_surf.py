"""Office-Caltech10 with SURF features: 12 tasks over Amazon, Caltech, DSLR, Webcam.

    python -m experiments.office_caltech_surf [--data-dir ../shared/data] [--methods all]
        [--tasks A->W,...] [--seeds 3] [--epochs E] [--out results/office_caltech_surf]

800-d SURF bag-of-words, each row divided by its sum then z-scored per domain (the data's
standard preprocessing; Gong et al., CVPR 2012). Unsupervised, transductive protocol of the
published tables (MEDA, ACM MM 2018, Table 2), which are printed beside ours. The default
rows leave out CDAN+E, CDAN+MCC, DAN, Deep CORAL and target_only (`OFFICE_CALTECH_METHODS`,
below); `--methods` names them.
"""

from experiments.benchmark import DEFAULT_METHODS, run_benchmark
from tftransfer.data.benchmarks import OFFICE_CALTECH_TASKS, PUBLISHED, PUBLISHED_SOURCE

DATASET = "office_caltech_surf"
# Only the data-dependent parts (backbone, budget); every method keeps its own defaults.
# The budget: 10 epochs of 50 steps of batch 32 on every benchmark (the reference code's
# fixed iterations per epoch: a small task gets the steps a large one gets).
BASE = {"epochs": 10, "steps_per_epoch": 50, "batch_size": 32, "backbone": "mlp",
        "backbone_options": {"units": [256]}}
# All 17 rows (612 runs) take 5 min 40 s on a 2-core machine where these 12 take 3 min 02 s
# (docs/benchmarks.md): the CDAN-family discriminators read 256 × 10 multilinear features,
# 2.5 s a run there, over twice DANN, and the three CDAN rows are 47 % of the work.
# The default keeps CDAN itself and leaves out the rows that add least on this benchmark:
# CDAN+E and CDAN+MCC (CDAN's variants; MCC alone is above both), DAN and Deep CORAL (within
# 0.2 points of source_only), and target_only (100 by construction in the transductive
# protocol, where the target domain is both its training and its test set). `--methods
# cdan_e,cdan_mcc,dan,deep_coral,target_only` adds them; `--methods all` runs every variant.
OFFICE_CALTECH_METHODS = tuple(m for m in DEFAULT_METHODS if m not in (
    "cdan_e", "cdan_mcc", "dan", "deep_coral", "target_only"))


def main(argv=None) -> str:
    return run_benchmark(argv, doc=__doc__, experiment=DATASET, dataset=DATASET,
                         tasks=OFFICE_CALTECH_TASKS, base=BASE, published=PUBLISHED[DATASET],
                         published_source=PUBLISHED_SOURCE[DATASET],
                         default_methods=OFFICE_CALTECH_METHODS)


if __name__ == "__main__":
    main()
