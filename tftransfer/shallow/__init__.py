"""Shallow domain-adaptation classifiers: JDA, BDA, MEDA, EasyTL, GFK, and maps + heads.

Scikit-learn-style estimators (`sklearn.base.BaseEstimator`) fitted on labelled source
samples and unlabelled target samples, `fit(Xs, ys, Xt)`, then
`predict(X, domain="target")`, `predict_scores(X, domain)` ((n, C) class scores, higher
= more likely), `transform_source(X)` / `transform_target(X)` (the learnt embedding).
Target labels are never an argument. `get("meda")` builds one by name; `names()` lists
them.

| name       | method                                                             |
|------------|--------------------------------------------------------------------|
| `jda`      | Joint Distribution Adaptation (Long et al., ICCV 2013) + a head    |
| `bda`      | Balanced Distribution Adaptation (Wang et al., ICDM 2017) + a head |
| `meda`     | Manifold Embedded Distribution Alignment (Wang et al., ACM MM 2018) |
| `easytl`   | Easy Transfer Learning (Wang et al., IEEE TMM 2019)                 |
| `gfk`      | Geodesic Flow Kernel (Gong et al., CVPR 2012) + a head             |
| `nn1`, `svm`, `svc`, `logreg` | a classical head on the raw features (source only) |
| `<map>_<head>` | a `tftransfer.transforms` map (coral, sa, tca, gfk) + a head   |

JDA's, BDA's and GFK's head is logistic regression, or the papers' 1-NN where the source
shows it significantly better (`head="source_cv"`, `heads.SourceValidatedHead`); `head="1nn"`
gives the papers' classifiers (`gfk_nn1` is GFK's by name).

They run through the runner like the deep methods (`RunConfig(method="meda")`), are
`auto` candidates (`tftransfer.auto.SHALLOW_CANDIDATES`) and are tuned by
`tftransfer.tuning.tune` over each class's `search_space()` with the same honest
validators; validators read their scores after temperature scaling on the source
validation split (`calibration`).

Example:
    >>> from tftransfer import shallow
    >>> model = shallow.get("meda").fit(Xs, ys, Xt)
    >>> model.predict(Xt), model.predict_scores(Xt).shape
"""

from tftransfer.shallow.balance import BalanceEstimate, estimate_balance, proxy_a_distance
from tftransfer.shallow.base import ShallowClassifier
from tftransfer.shallow.bda import BDA
from tftransfer.shallow.easytl import EasyTL
from tftransfer.shallow.gfk import GFKClassifier
from tftransfer.shallow.heads import HEADS, make_head
from tftransfer.shallow.jda import JDA
from tftransfer.shallow.meda import MEDA
from tftransfer.shallow.registry import SHALLOW_METHODS, get, names
from tftransfer.shallow.transform_then_head import TransformThenHead

__all__ = [
    "BDA",
    "BalanceEstimate",
    "EasyTL",
    "GFKClassifier",
    "HEADS",
    "JDA",
    "MEDA",
    "SHALLOW_METHODS",
    "ShallowClassifier",
    "TransformThenHead",
    "estimate_balance",
    "get",
    "make_head",
    "names",
    "proxy_a_distance",
]
