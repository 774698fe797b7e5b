"""The constructor of the scikit-learn-style estimators, declared once.

scikit-learn's convention: `__init__` stores each argument unchanged under its own name
(`get_params`, `set_params` and `sklearn.base.clone` read the names from the signature of
`__init__`), and this package then checks them (`_check_params`, called again by `fit`,
since `set_params` may have changed them). `checked_params` writes that `__init__` from the
class's annotated fields instead of by hand.
"""

from __future__ import annotations

import dataclasses


def _post_init(self) -> None:
    self._check_params()


def checked_params(cls: type) -> type:
    """Class decorator: an `__init__` from the annotated fields, then `self._check_params()`.

    The fields are dataclass fields (`dataclasses.dataclass(eq=False, repr=False)`): the
    generated `__init__` takes them in order with their defaults, which is the signature
    scikit-learn's `get_params` and `clone` read; a subclass adds its own fields after its
    parent's. Equality stays identity (the estimators stay hashable) and the repr stays
    `BaseEstimator`'s.

    Example:
        >>> @checked_params
        ... class Model(BaseEstimator):
        ...     n_components: int = 30
        ...
        ...     def _check_params(self) -> None:
        ...         check_int(self.n_components, "n_components", minimum=1, owner="Model")
    """
    if "__post_init__" not in vars(cls):
        cls.__post_init__ = _post_init
    return dataclasses.dataclass(eq=False, repr=False)(cls)
