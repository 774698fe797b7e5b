"""20 Newsgroups cross-domain text: 6 top-category pairs (and all 4 categories), fixed splits.

    python -m experiments.newsgroups [--data-dir ../shared/data] [--methods all]
        [--tasks comp_vs_rec:12->34,...|all] [--seeds 3] [--epochs E]
        [--out results/newsgroups]

Task "A_vs_B:12->34" (A, B among comp, rec, sci, talk): the source is subcategories X1, X2 of A
and of B, the target X3, X4 of both; binary, class 1 = A. The six pairs run by default;
`--tasks all` adds "comp_vs_rec_vs_sci_vs_talk:1->3" and ":2->4": all four categories (4
classes), X1 of each as the source and X3 as the target (X2 and X4), tasks no default was
chosen on (among the defaults report's held-out tasks). The 25,804-term vocabulary is cut to
the 1,000 terms of highest document frequency over source and target together (no labels
read), then rows are scaled to unit L2 norm. Unsupervised, transductive. No published table
was available: source-only 1-NN / SVM rows on all terms (checked in the data README) and 1-NN /
SVM / logistic regression on our 1,000 terms (benchmarks/classical_baselines.py) are printed
beside ours.
"""

from experiments.benchmark import DEFAULT_METHODS, MLP_BASE, benchmark_main
from tftransfer.data.benchmarks import BENCHMARK_TASKS, NEWSGROUPS_TASKS

DATASET = "newsgroups"
# The budget of every benchmark (10 epochs of 50 steps of batch 32, an MLP 256).
BASE = dict(MLP_BASE)
# MEDA builds 7,800 × 7,800 kernels here: 40-140 s a fit, 18 fits would take the default run
# past 15 minutes. Its rows: `--methods meda` (or `python -m experiments.text_transfer`).
NEWSGROUPS_METHODS = tuple(m for m in DEFAULT_METHODS if m != "meda")

main = benchmark_main(__doc__, DATASET, BENCHMARK_TASKS[DATASET], BASE,
                      default_methods=NEWSGROUPS_METHODS, default_tasks=NEWSGROUPS_TASKS)


if __name__ == "__main__":
    main()
