"""Reverse validation: learn back from the target pseudo-labels to the source."""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tftransfer.blas import one_blas_thread
from tftransfer._checks import check_choice, check_same_features
from tftransfer.selection._metrics import check_max_samples, squared_errors, subsample
from tftransfer.selection.base import Validator

SPACES = ("features", "input")


def reverse_validation_score(target_x, target_pseudo, source_x, source_y, *, seed: int = 0,
                             classifier=None) -> float:
    """Accuracy on (source_x, source_y) of a classifier fitted on (target_x, target_pseudo).

    Args:
        target_x: (n_t, d) target rows.
        target_pseudo: (n_t,) the scored model's predicted target classes.
        source_x: (n_v, d) source validation rows.
        source_y: (n_v,) source validation labels.
        seed: Seeds the default reverse classifier.
        classifier: Optional scikit-learn classifier (cloned); default standardised
            multinomial logistic regression.
    """
    target_x = np.asarray(target_x, np.float64).reshape(len(target_x), -1)
    source_x = np.asarray(source_x, np.float64).reshape(len(source_x), -1)
    owner = "reverse_validation_score"
    if target_x.shape[0] == 0 or source_x.shape[0] == 0:
        raise ValueError(f"{owner}: `target_x` and `source_x` must be non-empty. Received: "
                         f"{target_x.shape[0]} target and {source_x.shape[0]} source rows")
    check_same_features(target_x, source_x, ("target_x", "source_x"), owner=owner)
    pseudo = np.asarray(target_pseudo)
    classes = np.unique(pseudo)
    if len(classes) == 1:
        # A model that predicts one class on the whole target: the reverse classifier can
        # only predict that class too (scikit-learn refuses to fit a single class).
        predicted = np.full(len(source_x), classes[0])
    else:
        model = (make_pipeline(StandardScaler(), LogisticRegression(max_iter=500,
                                                                     random_state=seed))
                 if classifier is None else clone(classifier))
        with warnings.catch_warnings(), one_blas_thread():
            # Pseudo-labels of a good model are separable: lbfgs then stops at max_iter,
            # which changes nothing to the predicted classes.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(target_x, pseudo)
        predicted = model.predict(source_x)
    return float(np.mean(predicted == np.asarray(source_y)))


def reverse_validation_regression_score(target_x, target_predictions, source_x, source_y, *,
                                        regressor=None) -> float:
    """−MSE on (source_x, source_y) of a regressor fitted on (target_x, target_predictions).

    The regression form of reverse validation: the scored model's predictions on the target
    are the reverse model's training targets.

    Args:
        target_x: (n_t, d) target rows.
        target_predictions: (n_t,) or (n_t, k) the scored model's target predictions.
        source_x: (n_v, d) source validation rows.
        source_y: (n_v,) or (n_v, k) source validation targets.
        regressor: Optional scikit-learn regressor (cloned); default standardised ridge
            regression (α = 1), deterministic.
    """
    owner = "reverse_validation_regression_score"
    target_x = np.asarray(target_x, np.float64).reshape(len(target_x), -1)
    source_x = np.asarray(source_x, np.float64).reshape(len(source_x), -1)
    if target_x.shape[0] < 2 or source_x.shape[0] == 0:
        raise ValueError(f"{owner}: `target_x` must have at least 2 rows and `source_x` one. "
                         f"Received: {target_x.shape[0]} target and {source_x.shape[0]} "
                         "source rows")
    check_same_features(target_x, source_x, ("target_x", "source_x"), owner=owner)
    pseudo = np.asarray(target_predictions, np.float64).reshape(len(target_x), -1)
    model = (make_pipeline(StandardScaler(), Ridge(alpha=1.0)) if regressor is None
             else clone(regressor))
    with one_blas_thread():
        model.fit(target_x, pseudo if pseudo.shape[1] > 1 else pseudo[:, 0])
    predicted = np.asarray(model.predict(source_x), np.float64).reshape(len(source_x), -1)
    return -float(np.mean(squared_errors(predicted, source_y, owner)))


class ReverseValidation(Validator):
    """Reverse validation: accuracy on the source validation split of a reverse classifier
    trained on the target with the model's own pseudo-labels.

    Zhong, Fan, Yang, Verscheure & Ren, "Cross Validation Framework to Choose amongst
    Models and Datasets for Transfer Learning", ECML PKDD 2010; Ganin et al.,
    "Domain-Adversarial Training of Neural Networks", JMLR 2016, sec. 5.1.2 ("reverse
    validation"). With f the scored model and g a classifier trained on the target
    pseudo-labelled by f,

        ŷ_j = argmax f(x_j),  x_j ~ target train;   g = fit({(x_j, ŷ_j)});
        RV = (1/n_v) Σ_i 1[g(x_i) = y_i],   (x_i, y_i) ~ source validation.

    If f labels the target well, a classifier learnt from its labels transfers back to the
    source. Ganin et al. retrain the whole network in reverse; here g is a fast, seeded and
    deterministic standardised logistic regression on the model's features (or flattened
    inputs). Higher is better. On a regression task g is a regressor (standardised ridge)
    fitted to the model's target predictions and the score is its negated mean squared
    error on the source validation targets (`reverse_validation_regression_score`).

    Args:
        space: "features" (the model's features; default) or "input" (flattened inputs).
        max_samples: Cap on the pseudo-labelled target rows (seeded subsample; None keeps all).
        classifier: Optional scikit-learn classifier for g (cloned).
        regressor: Optional scikit-learn regressor for g on regression tasks (cloned).
    """

    name = "reverse_validation"
    splits = ("source_val", "target_train")

    def __init__(self, space: str = "features", max_samples: Optional[int] = 5000,
                 classifier=None, regressor=None):
        self.space = check_choice(space, "space", SPACES, owner=self.name)
        self.max_samples = check_max_samples(max_samples, self.name)
        self.classifier = classifier
        self.regressor = regressor

    def _score(self, outputs, seed):
        target, val = outputs["target_train"], outputs["source_val"]
        if self.space == "features":
            target_x, val_x = target.require_features(self.name), val.require_features(self.name)
        else:
            target_x, val_x = outputs.task.target_train.x, outputs.task.source_val.x
        rows = subsample(target.n, self.max_samples, seed)
        if target.is_regression:
            return reverse_validation_regression_score(
                target_x[rows], target.logits[rows], val_x, val.require_labels(self.name),
                regressor=self.regressor)
        return reverse_validation_score(
            target_x[rows], target.logits[rows].argmax(axis=1), val_x,
            val.require_labels(self.name), seed=seed, classifier=self.classifier)
