"""20 Newsgroups cross-domain text: 6 top-category pairs, one fixed subcategory split each.

    python -m experiments.newsgroups [--data-dir ../shared/data] [--methods all]
        [--tasks comp_vs_rec:12->34,...] [--seeds 3] [--epochs E]
        [--out results/newsgroups]

Task "A_vs_B:12->34" (A, B among comp, rec, sci, talk): the source is subcategories X1, X2 of A
and of B, the target X3, X4 of both; binary, class 1 = A. The 25,804-term vocabulary is cut to
the 1,000 terms of highest document frequency over source and target together (no labels
read), then rows are scaled to unit L2 norm. Unsupervised, transductive. No published table
was available: source-only 1-NN / SVM rows on all terms (checked in the data README) and 1-NN /
SVM / logistic regression on our 1,000 terms (benchmarks/classical_baselines.py) are printed
beside ours.
"""

from experiments.benchmark import MLP_BASE, benchmark_main
from tftransfer.data.benchmarks import NEWSGROUPS_TASKS

DATASET = "newsgroups"
# 3 epochs: ~3,900 documents make ~60 steps an epoch, so ~180 steps as for the other
# benchmarks; the source-validation accuracy is flat from 3 to 5 epochs (94.4, comp_vs_rec).
BASE = dict(MLP_BASE)

main = benchmark_main(__doc__, DATASET, NEWSGROUPS_TASKS, BASE)


if __name__ == "__main__":
    main()
