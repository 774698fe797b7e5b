"""Any registered feature map (or none) followed by a classical head."""

from __future__ import annotations

from typing import Optional

import numpy as np

from tftransfer import _checks
from tftransfer import transforms as transform_registry
from tftransfer.shallow.base import ShallowClassifier
from tftransfer.shallow.heads import HEADS, make_head, used_head


class TransformThenHead(ShallowClassifier):
    """"Source only" on a shallow map: fit the map on both domains, a classical head on the source.

    `fit(Xs, ys, Xt)` fits the registered transform `transform_name` (`tftransfer.transforms`:
    "coral", "sa", "tca", "gfk") on the unlabelled samples of both domains, then the head
    on `transform_source(Xs)` with the source labels; `predict_scores(X, domain)` is the
    head's scores on the transform of X for its domain (e.g. CORAL re-colours source
    samples and leaves target samples as they are). `transform_name=None` is the head on the
    raw features: the 1-NN / SVM / logistic-regression baselines of the published tables.
    New samples go through the fitted map, so the fitted and new samples are treated
    alike.

    The heads (`tftransfer.shallow.heads`): "1nn" (1-nearest neighbour; scores are minus
    the distance to the nearest source sample of each class), "svm" (`LinearSVC`, C =
    `head_C`; decision values), "svc" (`SVC(kernel="linear")`, C = `head_C`; decision
    values), "logreg" (`LogisticRegression`, C = `head_C`; log-probabilities).

    Args:
        transform_name: A registered transform name, or None for the raw features.
        head: "1nn", "svm", "svc", "logreg" or "source_cv" (`tftransfer.shallow.heads`).
        head_C: C of the "svm" / "logreg" heads, a number > 0.
        **transform_options: The transform's constructor arguments (e.g. n_components=20,
            kernel="rbf"); they are parameters of this estimator too (`get_params`,
            `set_params`, `clone`), so searches can tune them.

    Attributes (after `fit`):
        transform_: The fitted transform (None for raw features).
        head_: The head used (the chosen one when `head="source_cv"`).

    Raises:
        ValueError / TypeError: An unknown transform or head (the valid names are
            listed), an option the transform does not take, or a bad option value.

    Example:
        >>> TransformThenHead("coral", "svm").fit(Xs, ys, Xt).predict(Xt)
        >>> TransformThenHead("tca", "1nn", n_components=30, kernel="rbf")
    """

    def __init__(self, transform_name: Optional[str] = None, head: str = "1nn",
                 head_C: float = 1.0, **transform_options):
        self.transform_name = transform_name
        self.head = head
        self.head_C = head_C
        self._transform_options = dict(transform_options)
        self._check_params()

    def _check_params(self) -> None:
        owner = type(self).__name__
        _checks.check_choice(self.head, "head", HEADS, owner=owner)
        _checks.check_positive(self.head_C, "head_C", owner=owner)
        if self.transform_name is None:
            if self._transform_options:
                raise TypeError(f"{owner}: transform options need a transform. Received: "
                                f"{sorted(self._transform_options)} with transform_name=None")
        else:
            self._new_transform()  # validates the name and the options

    def _new_transform(self):
        if self.transform_name not in transform_registry.names():
            raise ValueError(
                f"{type(self).__name__}: `transform_name` must be None or one of "
                f"{', '.join(repr(n) for n in transform_registry.names())}. "
                f"Received: transform_name={self.transform_name!r}"
            )
        return transform_registry.get(self.transform_name, **self._transform_options)

    # Transform options are estimator parameters (scikit-learn's BaseEstimator only
    # sees named constructor arguments).

    def get_params(self, deep: bool = True) -> dict:
        params = super().get_params(deep=deep)
        params.update(self._transform_options)
        return params

    def set_params(self, **params):
        named = ("transform_name", "head", "head_C")
        own = {key: params.pop(key) for key in list(params) if key in named}
        for key, value in own.items():
            setattr(self, key, value)
        self._transform_options.update(params)
        self._check_params()
        return self

    def search_space(self) -> dict:
        """C of a linear head, the subspace dimension of TCA / SA / GFK; 1-NN on raw or
        CORAL features has nothing to tune."""
        space = {} if self.head == "1nn" else {"head_C": "0.01:100:log"}
        if self.transform_name in ("tca", "sa", "gfk"):
            space["n_components"] = "10:100"
        return space

    def _fit(self, xs: np.ndarray, y: np.ndarray, xt: np.ndarray) -> None:
        self.transform_ = None if self.transform_name is None else self._new_transform().fit(xs, xt)
        z = self._embed(xs, "source")
        self._head = make_head(self.head, C=self.head_C, owner=type(self).__name__)
        self._head.fit(z, y, self.n_classes_)
        self.head_ = used_head(self._head, self.head)

    def _embed(self, x: np.ndarray, domain: str) -> np.ndarray:
        if self.transform_ is None:
            return x
        return np.asarray(self.transform_.transform(x, domain), dtype=np.float64)

    def _scores(self, x: np.ndarray, domain: str) -> np.ndarray:
        return self._head.scores(self._embed(x, domain))
