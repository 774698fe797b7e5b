"""Classical heads: 1-nearest-neighbour, linear SVM, logistic regression, with class scores."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import log_expit, log_softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC, LinearSVC

from tftransfer._checks import check_choice, check_positive
from tftransfer.blas import one_blas_thread

SVC_MAX_ITER = 1_000_000
"""libsvm iterations per pair of classes of the "svc" head: 6 x the most measured for a fit
on the raw features of the report's tasks (155,663, VOC->MSRC), so such fits are not cut."""

HEADS = ("1nn", "svm", "svc", "logreg", "source_cv")
"""The head names: "1nn" (1-nearest neighbour), "svm" (liblinear linear SVM), "svc" (libsvm
linear SVM), "logreg" (logistic regression), "source_cv" (logistic regression, or 1-NN where it
cross-validates significantly better on the labelled source: `SourceValidatedHead`)."""


class NearestNeighborHead:
    """1-nearest-neighbour classification with a graded score per class.

    The score of class c for a sample x is −min over source samples z_i of class c of
    ‖x − z_i‖ (Euclidean, scikit-learn's `euclidean_distances`), so argmax over classes
    is the class of the nearest source sample: the rule of
    `KNeighborsClassifier(n_neighbors=1)`, with exact distance ties between classes going
    to the lower class index (deterministic). The score is what validators and `auto`
    read: it says how far the nearest example of each class is, not only which is nearest.
    Distances are computed in blocks of `block` query rows (one matrix product each, then
    a per-class minimum), so memory stays O(block × n_train).
    """

    block = 2048

    def fit(self, z: np.ndarray, y: np.ndarray, n_classes: int) -> "NearestNeighborHead":
        order = np.argsort(y, kind="stable")
        self._train = z[order]
        self._train_sq = np.einsum("ij,ij->i", self._train, self._train)
        self._present = np.unique(y)  # classes absent from `y` score −inf
        self._starts = np.searchsorted(y[order], self._present)
        self._n_classes = n_classes
        return self

    def scores(self, z: np.ndarray) -> np.ndarray:
        out = np.full((len(z), self._n_classes), -np.inf)
        for start in range(0, len(z), self.block):
            rows = z[start:start + self.block]
            distances = euclidean_distances(rows, self._train, Y_norm_squared=self._train_sq)
            out[start:start + len(rows), self._present] = -np.minimum.reduceat(
                distances, self._starts, axis=1)
        return out


class LinearHead:
    """A scikit-learn linear classifier with (n, C) scores.

    - "svm": `LinearSVC(C=C, dual=True, random_state=seed)` (liblinear, squared hinge,
      one-vs-rest, the dual solver: liblinear's own default and scikit-learn's before
      1.5, so the linear-SVM rows of the published tables; on Office-Caltech SURF it gives
      the checked 42.5 average, and the primal solver that `dual="auto"` picks when
      n > d took ~10x longer there); scores are its decision values.
    - "svc": `SVC(kernel="linear", C=C, max_iter=SVC_MAX_ITER)` (libsvm, hinge, one-vs-one);
      scores are its one-vs-rest-shaped decision values (votes plus a confidence). Training
      is O(n²)-O(n³): meant for a few thousand samples. libsvm has no iteration cap of its
      own; on badly scaled features (TCA's coordinates of Office-Caltech SURF, a table of
      raw incomes) one pair of classes took 92 million iterations and minutes, so each pair
      stops at `SVC_MAX_ITER`, and then scikit-learn's ConvergenceWarning (which says to
      standardise the features) reaches the user.
    - "logreg": `LogisticRegression(C=C, max_iter=1000)` (L-BFGS, multinomial); scores
      are log class probabilities, so softmax(scores) is the model's probabilities, as
      for logits. They are computed from the decision values (log-sigmoid for two
      classes, log-softmax for more), not as `predict_log_proba`'s log(predict_proba):
      a sample the model is very sure of gets a large negative score for the other
      classes, not log(0) = −inf, which no validator can score.

    All are fitted on one BLAS thread (`tftransfer.blas.one_blas_thread`). For "svm" and
    "logreg" a ConvergenceWarning at the iteration cap is kept quiet, since their last
    iterate is a usable classifier and these heads are refitted many times inside the
    iterative methods; libsvm's is not (its last iterate at the cap can be far from the
    solution).
    """

    def __init__(self, kind: str, C: float = 1.0, seed: int = 0):
        self.kind = kind
        self.C = C
        self.seed = seed

    def fit(self, z: np.ndarray, y: np.ndarray, n_classes: int) -> "LinearHead":
        self._n_classes = n_classes
        if self.kind == "svm":
            model = LinearSVC(C=self.C, dual=True, random_state=self.seed)
        elif self.kind == "svc":
            model = SVC(kernel="linear", C=self.C, max_iter=SVC_MAX_ITER)
        else:
            model = LogisticRegression(C=self.C, max_iter=1000)
        with one_blas_thread(), warnings.catch_warnings():
            if self.kind != "svc":
                warnings.simplefilter("ignore", ConvergenceWarning)
            self._model = model.fit(z, y)
        return self

    def scores(self, z: np.ndarray) -> np.ndarray:
        out = np.full((len(z), self._n_classes), -np.inf)
        if self.kind in ("svm", "svc"):
            values = self._model.decision_function(z)
            if values.ndim == 1:  # binary: one signed margin, positive for classes_[1]
                values = np.stack([-values, values], axis=1)
        else:  # log-probabilities from the logits: predict_log_proba's log(0) is −inf
            values = self._model.decision_function(z)
            values = (np.stack([log_expit(-values), log_expit(values)], axis=1)
                      if values.ndim == 1 else log_softmax(values, axis=1))
        out[:, self._model.classes_] = values
        return out


class SourceValidatedHead:
    """Logistic regression, or 1-NN where the source shows 1-NN is significantly better.

    A linear classifier suits bag-of-words and visual-word counts, the nearest labelled
    example suits pixels (docs/benchmarks.md, JDA's head). Which one a user's data needs
    is read from the *source* labels only: both heads are cross-validated on the same
    stratified folds (k = 5, or the smallest class's count when lower; fixed folds), and
    1-NN replaces logistic regression, the default, only when McNemar's test
    on their held-out predictions rejects "equally accurate" at the 5 % level in 1-NN's
    favour (Dietterich, "Approximate statistical tests for comparing supervised
    classification learning algorithms", Neural Computation 1998):

        (|n_1nn − n_logreg| − 1)² / (n_1nn + n_logreg) > χ²₁(0.95) = 3.841,  n_1nn > n_logreg,

    n_h = the source samples only head h classifies correctly. A class with a single
    labelled example cannot be on both sides of a fold: then there is no evidence and
    logistic regression stays. The chosen head is then fitted on all of `z`. `chosen_`
    names it, `cv_accuracy_` holds each head's accuracy (empty without CV) and `mcnemar_`
    the statistic; target labels are never read.
    """

    default, challenger = "logreg", "1nn"
    max_folds = 5
    critical_value = 3.841  # χ² with one degree of freedom, 95 %

    def __init__(self, C: float = 1.0, seed: int = 0):
        self.C = C
        self.seed = seed

    def fit(self, z: np.ndarray, y: np.ndarray, n_classes: int) -> "SourceValidatedHead":
        smallest = int(np.bincount(y)[np.unique(y)].min())
        self.cv_accuracy_, self.mcnemar_, better = {}, 0.0, False
        if smallest >= 2:  # else a class cannot be on both sides of a fold: no evidence
            splits = list(StratifiedKFold(n_splits=min(self.max_folds, smallest), shuffle=True,
                                          random_state=0).split(z, y))
            right = {name: self._cv_correct(name, z, y, n_classes, splits)
                     for name in (self.default, self.challenger)}
            self.cv_accuracy_ = {name: float(np.mean(r)) for name, r in right.items()}
            only_challenger = int(np.sum(right[self.challenger] & ~right[self.default]))
            only_default = int(np.sum(right[self.default] & ~right[self.challenger]))
            discordant = only_challenger + only_default
            if discordant:
                self.mcnemar_ = (abs(only_challenger - only_default) - 1) ** 2 / discordant
            better = only_challenger > only_default and self.mcnemar_ > self.critical_value
        self.chosen_ = self.challenger if better else self.default
        self._head = make_head(self.chosen_, C=self.C, seed=self.seed).fit(z, y, n_classes)
        return self

    def _cv_correct(self, name: str, z: np.ndarray, y: np.ndarray, n_classes: int,
                    splits) -> np.ndarray:
        """Per source sample: whether head `name` classifies it right when held out."""
        right = np.zeros(len(y), dtype=bool)
        for train, held in splits:
            head = make_head(name, C=self.C, seed=self.seed).fit(z[train], y[train], n_classes)
            right[held] = np.argmax(head.scores(z[held]), axis=1) == y[held]
        return right

    def scores(self, z: np.ndarray) -> np.ndarray:
        return self._head.scores(z)


def used_head(head, name: str) -> str:
    """The name of the head a fitted `head` (made as `name`) classifies with: the chosen
    one for "source_cv", else `name`."""
    return head.chosen_ if isinstance(head, SourceValidatedHead) else name


def make_head(name: str, C: float = 1.0, seed: int = 0, owner: str = "head"):
    """A new head by name (one of `HEADS`); `C` is the regularisation C of the linear ones.

    Every head has `fit(z, y, n_classes)` (y in 0..n_classes-1) and `scores(z)` -> (n,
    n_classes), higher = more likely, −inf for a class the head never saw.
    """
    check_choice(name, "head", HEADS, owner=owner)
    check_positive(C, "head_C", owner=owner)
    if name == "1nn":
        return NearestNeighborHead()
    if name == "source_cv":
        return SourceValidatedHead(C=C, seed=seed)
    return LinearHead(name, C=C, seed=seed)
