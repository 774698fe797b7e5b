"""Published (or, where none exist, reference) accuracies of the real benchmarks, to print
beside ours.

Office-Caltech SURF, MNIST/USPS and DeCAF: all from Wang et al., "Visual Domain Adaptation
with Manifold Embedded Distribution Alignment" (MEDA), ACM MM 2018: Table 2 (Office-Caltech10,
SURF), Table 3 (MNIST/USPS, JDA protocol) and Table 4 (Office-Caltech10, DeCAF6). The
baselines: 1NN and SVM trained on the source only; TCA (Pan et al., IEEE TNN 2011); GFK
(Gong et al., CVPR 2012); JDA (Long et al., ICCV 2013); CORAL (Sun et al., AAAI 2016); ARTL
(Long et al., IEEE TKDE 2014); JGSA (Zhang et al., CVPR 2017). Task names are those of
`tftransfer.data.benchmarks` ("C->A": source Caltech10, target amazon).

Reuters-21578, 20 Newsgroups and MSRC/VOC2007: no table of published numbers for these files
was available (the benchmark data folder's README.md says so), so none is quoted. Their rows
are REFERENCE baselines instead — source-only 1-NN, linear SVM (C=1) and logistic regression
(C=1), trained on the whole source and scored on the whole target — named by where they come
from: "(checked, data README)" rows were checked by the data folder's maintainers and
reproduced here; "(measured ...)" rows were measured here with
`python benchmarks/classical_baselines.py --full-vocabulary` (its docstring gives the
protocol) where the README has no number or its features differ from the experiment's (the
text sets' experiments keep 1,000 terms).
"""

from typing import Dict

__all__ = ["PUBLISHED", "PUBLISHED_SOURCE"]

_MEDA = (
    "Wang et al., Visual Domain Adaptation with Manifold Embedded Distribution Alignment, "
    "ACM MM 2018"
)
_REFERENCE = (
    "no published table available: reference source-only baselines, checked in the data "
    "README or measured by benchmarks/classical_baselines.py"
)
PUBLISHED_SOURCE: Dict[str, str] = {
    "office_caltech_surf": f"{_MEDA}, Table 2 (SURF features)",
    "mnist_usps": f"{_MEDA}, Table 3",
    "decaf": f"{_MEDA}, Table 4 (DeCAF6 features)",
    "reuters": _REFERENCE + "; the README's rows use all terms, the experiment 1,000",
    "newsgroups": _REFERENCE + "; the README's rows use all 25,804 terms, the experiment 1,000",
    "msrc_voc": _REFERENCE,
}
"""Where each `PUBLISHED` table comes from."""

_NEWSGROUPS_PAIRS = ("comp_vs_rec", "comp_vs_sci", "comp_vs_talk", "rec_vs_sci", "rec_vs_talk",
                     "sci_vs_talk")


def _newsgroups(*accuracies: float) -> Dict[str, float]:
    """A 20 Newsgroups row, in the order of `_NEWSGROUPS_PAIRS` (split 12->34)."""
    return {f"{pair}:12->34": a for pair, a in zip(_NEWSGROUPS_PAIRS, accuracies, strict=True)}


_REUTERS_TASKS = ("org->people", "people->org", "org->place", "place->org", "people->place",
                  "place->people")


def _reuters(*accuracies: float) -> Dict[str, float]:
    """A Reuters-21578 row, in the order of `_REUTERS_TASKS`."""
    return dict(zip(_REUTERS_TASKS, accuracies, strict=True))


PUBLISHED: Dict[str, Dict[str, Dict[str, float]]] = {
    "office_caltech_surf": {
        "1NN": {
            "C->A": 23.7, "C->W": 25.8, "C->D": 25.5, "A->C": 26.0, "A->W": 29.8, "A->D": 25.5,
            "W->C": 19.9, "W->A": 23.0, "W->D": 59.2, "D->C": 26.3, "D->A": 28.5, "D->W": 63.4,
            "average": 31.4,
        },  # fmt: skip
        "SVM": {"A->W": 31.9, "average": 41.1},
        "TCA": {"A->W": 40.0, "average": 46.2},
        "GFK": {"average": 43.1},
        "JDA": {"A->W": 38.0, "average": 46.8},
        "CORAL": {"A->W": 44.4, "average": 48.8},
        "JGSA": {"average": 50.0},
        "MEDA": {"A->W": 53.2, "average": 52.7},
    },
    "mnist_usps": {
        "1NN": {"M->U": 65.9, "U->M": 44.7},
        "SVM": {"M->U": 68.2, "U->M": 62.2},
        "TCA": {"M->U": 56.3, "U->M": 51.2},
        "JDA": {"M->U": 67.3, "U->M": 59.7},
        "CORAL": {"M->U": 49.2, "U->M": 30.5},
        "ARTL": {"M->U": 88.8, "U->M": 67.7},
        "JGSA": {"M->U": 80.4, "U->M": 68.2},
        "MEDA": {"M->U": 89.5, "U->M": 72.1},
    },
    "decaf": {
        "1NN": {"D->W": 91.5, "W->D": 98.1},
        "SVM": {"D->W": 98.3, "W->D": 100.0},
        "JDA": {"D->W": 99.7, "W->D": 100.0},
    },
    # README rows: all terms, rows L2-normalised (re-measured here: equal, except 1NN
    # place->org 60.8, an equidistant-neighbour tie resolved differently). Measured rows: the
    # experiment's features, the 1,000 terms of highest document frequency.
    "reuters": {
        "1NN (checked, data README; all terms)": _reuters(72.8, 72.0, 66.9, 60.9, 52.7, 53.5),
        "SVM (checked, data README; all terms)": _reuters(75.9, 77.4, 70.6, 64.2, 60.3, 58.2),
        "LR (checked, data README; all terms)": _reuters(79.1, 81.7, 66.9, 64.8, 59.4, 58.5),
        "1NN (measured, 1,000 terms)": _reuters(70.1, 72.8, 66.3, 62.0, 52.5, 55.6),
        "SVM (measured, 1,000 terms)": _reuters(73.5, 74.5, 69.9, 63.5, 58.5, 59.0),
        "LR (measured, 1,000 terms)": _reuters(77.8, 81.7, 68.6, 65.3, 61.0, 59.4),
    },
    # README rows: all 25,804 terms (re-measured here: equal). Measured rows: the
    # experiment's features, the 1,000 terms of highest document frequency.
    "newsgroups": {
        "1NN (checked, data README; all terms)": _newsgroups(70.4, 59.6, 86.6, 60.0, 58.7, 62.6),
        "SVM (checked, data README; all terms)": _newsgroups(86.0, 69.5, 94.7, 69.7, 76.3, 80.0),
        "1NN (measured, 1,000 terms)": _newsgroups(74.3, 61.6, 88.9, 51.3, 61.3, 64.7),
        "SVM (measured, 1,000 terms)": _newsgroups(82.9, 67.2, 94.2, 66.0, 73.9, 73.4),
        "LR (measured, 1,000 terms)": _newsgroups(86.4, 71.7, 95.1, 69.9, 76.4, 78.2),
    },
    # Row sums to 1, then z-score per domain (the experiment's features). Re-measured here:
    # 1NN equal; SVM VOC->MSRC 51.9 with the liblinear dual solver of the baselines script
    # (51.2 with scikit-learn's default primal solver for n > d, as the README).
    "msrc_voc": {
        "1NN (checked, data README)": {"MSRC->VOC": 35.5, "VOC->MSRC": 47.2},
        "SVM (checked, data README)": {"MSRC->VOC": 35.5, "VOC->MSRC": 51.2},
        "LR (measured)": {"MSRC->VOC": 37.8, "VOC->MSRC": 52.2},
    },
}
"""Published target accuracies (%): dataset -> method -> {task: accuracy, "average": ...}.

From the MEDA paper's tables (`PUBLISHED_SOURCE`); "average" is the paper's mean over all
the dataset's tasks and is given only where the paper reports it (Office-Caltech). A method
lists only the tasks recorded here. For "reuters", "newsgroups" and "msrc_voc" the rows are
reference baselines, not published numbers (see the module docstring and the row names).
"""
