"""Published accuracies of the real benchmarks, to print beside ours.

All from Wang et al., "Visual Domain Adaptation with Manifold Embedded Distribution
Alignment" (MEDA), ACM MM 2018: Table 2 (Office-Caltech10, SURF), Table 3 (MNIST/USPS,
JDA protocol) and Table 4 (Office-Caltech10, DeCAF6). The baselines: 1NN and SVM trained
on the source only; TCA (Pan et al., IEEE TNN 2011); GFK (Gong et al., CVPR 2012); JDA
(Long et al., ICCV 2013); CORAL (Sun et al., AAAI 2016); ARTL (Long et al., IEEE TKDE
2014); JGSA (Zhang et al., CVPR 2017). Task names are those of
`tftransfer.data.benchmarks` ("C->A": source Caltech10, target amazon).
"""

from typing import Dict

__all__ = ["PUBLISHED", "PUBLISHED_SOURCE"]

_MEDA = (
    "Wang et al., Visual Domain Adaptation with Manifold Embedded Distribution Alignment, "
    "ACM MM 2018"
)
PUBLISHED_SOURCE: Dict[str, str] = {
    "office_caltech_surf": f"{_MEDA}, Table 2 (SURF features)",
    "mnist_usps": f"{_MEDA}, Table 3",
    "decaf": f"{_MEDA}, Table 4 (DeCAF6 features)",
}
"""Where each `PUBLISHED` table comes from."""

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
}
"""Published target accuracies (%): dataset -> method -> {task: accuracy, "average": ...}.

From the MEDA paper's tables (`PUBLISHED_SOURCE`); "average" is the paper's mean over all
the dataset's tasks and is given only where the paper reports it (Office-Caltech). A method
lists only the tasks recorded here.
"""
