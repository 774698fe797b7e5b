"""Domains (a labelled or unlabelled sample of one distribution) and transfer tasks.

A `Domain` holds the arrays of one data distribution: features `x` of shape
`(n, *feature_shape)` and, optionally, integer class labels `y` of shape `(n,)` — or, with
`task="regression"`, float targets of shape `(n,)` or `(n, num_outputs)`.
A `TransferTask` holds the four splits every experiment needs:

| split          | labels     | used for                                                   |
|----------------|------------|------------------------------------------------------------|
| `source_train` | required   | supervised task loss                                       |
| `source_val`   | required   | source-validation model selection                          |
| `target_train` | optional   | unlabelled adaptation data; its labels (when present) are  |
|                |            | hidden from unsupervised methods and only used by the      |
|                |            | oracle `target_only` baseline and few-label experiments    |
| `target_test`  | required   | reporting target accuracy (never for selection unless the  |
|                |            | report says "oracle")                                      |

`TransferTask.from_domains` splits the target into disjoint `target_train` / `target_test`;
`TransferTask.transductive` (the protocol of the published shallow-DA benchmark tables)
uses the whole target domain as both.

Example:
    >>> source = Domain("a", np.random.rand(100, 4), np.arange(100) % 2, num_classes=2)
    >>> target = Domain("b", np.random.rand(80, 4) + 1, np.arange(80) % 2, num_classes=2)
    >>> task = TransferTask.from_domains("a->b", source, target, seed=0)
    >>> task.input_shape
    (4,)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
from sklearn.model_selection import train_test_split

from tftransfer._checks import (
    as_labels,
    as_samples,
    check_all_finite,
    check_choice,
    check_fraction,
    check_instance,
    check_int,
)

__all__ = ["Domain", "TransferTask", "validate_same_feature_shape", "TASKS"]

#: What `y` holds: class indices, or real-valued targets.
TASKS = ("classification", "regression")


def _check_name(name, owner: str) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{owner}: `name` must be a non-empty string. Received: name={name!r}")
    return name


@dataclass(frozen=True, eq=False, repr=False)
class Domain:
    """A sample of one data distribution: features and (optionally) class labels or targets.

    On construction `x` is converted to float32 and `y` to int32 (classification) or
    float32 (regression) (arrays that already have these dtypes are not copied) and both
    are validated.

    Args:
        name: Human-readable name, used in every error message ("original", "mnist").
        x: Features of shape `(n, *feature_shape)` with `n >= 1`; every value finite.
        y: Integer class labels of shape `(n,)` in `[0, num_classes)`, or None for an
            unlabelled domain. Floats are accepted when they hold whole numbers. With
            `task="regression"`: finite real targets of shape `(n,)` (one output) or
            `(n, num_outputs)`.
        num_classes: Number of classes of the task, at least 2; None for regression.
        task: "classification" (default) or "regression".

    Raises:
        TypeError: If an argument has the wrong type (non-numeric `x`, non-integer `y`).
        ValueError: If `x` has fewer than 2 dims, holds no samples or non-finite values,
            or `y` has the wrong shape, non-integral values or labels out of range.

    Example:
        >>> d = Domain("toy", np.zeros((3, 2)), np.array([0, 1, 1]), num_classes=2)
        >>> d.n, d.feature_shape
        (3, (2,))
    """

    name: str
    x: np.ndarray
    y: Optional[np.ndarray]
    num_classes: Optional[int] = None
    task: str = "classification"

    def __post_init__(self):
        owner = f"Domain {_check_name(self.name, 'Domain')!r}"
        check_choice(self.task, "task", TASKS, owner=owner)
        if self.task == "regression":
            if self.num_classes is not None:
                raise ValueError(f"{owner}: `num_classes` must be None for task='regression' "
                                 f"(the targets are real values). Received: "
                                 f"num_classes={self.num_classes!r}")
            num_classes = None
        else:
            num_classes = check_int(self.num_classes, "num_classes", minimum=2, owner=owner)
        x = as_samples(self.x, "x", owner=owner)
        if math.prod(x.shape[1:]) == 0:
            raise ValueError(f"{owner}: every sample of `x` must have at least one feature. "
                             f"Received: x of shape {x.shape}")
        x = check_all_finite(x.astype(np.float32, copy=False), "x", owner=owner,
                             note="after conversion to float32")
        n = x.shape[0]

        y = self.y
        if y is not None and self.task == "regression":
            y = _as_targets(y, n, owner)
        elif y is not None:
            y = np.asarray(y)
            as_labels(y, n, "y", owner=owner, num_classes=num_classes)
            y = y.reshape(n).astype(np.int32, copy=False)  # (n, 1) columns pass as_labels

        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "num_classes", num_classes)

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.x.shape[0])

    @property
    def feature_shape(self) -> Tuple[int, ...]:
        """Shape of one sample, `x.shape[1:]`."""
        return tuple(int(d) for d in self.x.shape[1:])

    @property
    def has_labels(self) -> bool:
        """Whether the domain carries labels (or regression targets)."""
        return self.y is not None

    @property
    def num_outputs(self) -> Optional[int]:
        """Regression: the number of targets per sample (None when unlabelled);
        classification: None."""
        if self.task != "regression" or self.y is None:
            return None
        return 1 if self.y.ndim == 1 else int(self.y.shape[1])

    def subset(self, indices, name: Optional[str] = None) -> "Domain":
        """Returns a new domain holding the samples at `indices` (copies the arrays).

        Args:
            indices: Integer indices in `[0, n)` or a boolean mask of shape `(n,)`.
            name: Name of the new domain; defaults to this domain's name.

        Returns:
            A `Domain` with the selected samples (and labels, when present).

        Raises:
            TypeError: If `indices` is neither integer nor boolean.
            ValueError: If an index is out of range, the mask has the wrong shape, or
                nothing is selected.
        """
        owner = f"Domain {self.name!r}.subset"
        idx = np.asarray(indices)
        if idx.dtype == np.bool_:
            if idx.shape != (self.n,):
                raise ValueError(f"{owner}: a boolean mask `indices` must have shape "
                                 f"({self.n},). Received: indices of shape {idx.shape}")
            idx = np.flatnonzero(idx)
        elif idx.size == 0:
            idx = idx.astype(np.int64)
        elif not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"{owner}: `indices` must be integers or a boolean mask. "
                            f"Received: indices of dtype {idx.dtype}")
        if idx.ndim != 1:
            raise ValueError(f"{owner}: `indices` must be 1-D. "
                             f"Received: indices of shape {idx.shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.n):
            raise ValueError(f"{owner}: `indices` must lie in [0, {self.n}). "
                             f"Received: indices from {int(idx.min())} to {int(idx.max())}")
        return Domain(
            name=self.name if name is None else name,
            x=self.x[idx],
            y=None if self.y is None else self.y[idx],
            num_classes=self.num_classes,
            task=self.task,
        )

    def __repr__(self) -> str:
        if self.task == "regression":
            return (f"Domain(name={self.name!r}, n={self.n}, feature_shape={self.feature_shape}, "
                    f"labelled={self.has_labels}, task='regression', "
                    f"num_outputs={self.num_outputs})")
        return (
            f"Domain(name={self.name!r}, n={self.n}, feature_shape={self.feature_shape}, "
            f"labelled={self.has_labels}, num_classes={self.num_classes})"
        )


def _as_targets(y, n: int, owner: str) -> np.ndarray:
    """Regression targets as float32 `(n,)` or `(n, k)`, every value finite."""
    arr = np.asarray(y)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{owner}: regression targets `y` must be numeric. "
                        f"Received: y of dtype {arr.dtype}")
    if arr.ndim not in (1, 2) or arr.shape[0] != n or (arr.ndim == 2 and arr.shape[1] < 1):
        raise ValueError(f"{owner}: regression targets `y` must have shape ({n},) or "
                         f"({n}, num_outputs). Received: y of shape {arr.shape}")
    return check_all_finite(arr.astype(np.float32, copy=False), "y", owner=owner,
                            note="after conversion to float32")


def validate_same_feature_shape(*domains: Domain, **named_domains: Domain) -> Tuple[int, ...]:
    """Checks that all domains have one feature shape and returns it.

    Positional domains are named by `Domain.name` in the error; keyword domains by their
    keyword (`source=..., target=...`), which reads better for roles.

    Args:
        *domains: Domains labelled by their own names.
        **named_domains: Domains labelled by the keyword.

    Returns:
        The common feature shape.

    Raises:
        TypeError: If an argument is not a `Domain`.
        ValueError: If no domain is given, or two feature shapes differ, e.g.
            "feature shapes differ between domains: source (64,) vs target (32,)".
    """
    labelled = [(d.name if isinstance(d, Domain) else repr(d), d) for d in domains]
    labelled += list(named_domains.items())
    if not labelled:
        raise ValueError("validate_same_feature_shape: at least one domain must be given. "
                         "Received: none")
    for label, domain in labelled:
        check_instance(domain, label, Domain)
    first_label, first = labelled[0]
    for label, domain in labelled[1:]:
        if domain.feature_shape != first.feature_shape:
            raise ValueError(
                f"The domains must have one feature shape. Received: {first_label} "
                f"{first.feature_shape} vs {label} {domain.feature_shape}"
            )
    return first.feature_shape


def _split_indices(
    y: np.ndarray, held_fraction: float, seed: int, domain_name: str, what: str,
    stratify_labels: bool = True,
) -> Tuple[np.ndarray, np.ndarray]:
    """Seeded split of `range(len(y))` into (kept, held) sorted index arrays.

    Stratified on `y` when every class present has at least 2 samples and both parts can
    hold one sample of each class; a plain seeded split otherwise (always for regression
    targets, `stratify_labels=False`). The held part has `ceil(held_fraction * n)` samples.
    """
    n = len(y)
    n_held = math.ceil(held_fraction * n)
    if n_held < 1 or n - n_held < 1:
        raise ValueError(
            f"Domain {domain_name!r} must have enough samples to split off a {what} part of "
            f"fraction {held_fraction} with at least 1 sample on each side. "
            f"Received: {n} samples"
        )
    stratify = None
    if stratify_labels:
        _, counts = np.unique(y, return_counts=True)
        stratify = y if (counts.min() >= 2 and min(n_held, n - n_held) >= len(counts)) else None
    kept, held = train_test_split(
        np.arange(n), test_size=n_held, random_state=seed, shuffle=True, stratify=stratify
    )
    return np.sort(kept), np.sort(held)


def _check_source_target(name: Optional[str], source: Domain, target: Domain,
                         seed) -> Tuple[str, int]:
    """Checks that `source` and `target` are labelled Domains of one shape and class count.

    Returns the task name (default "<source>-><target>") and `seed` as an int >= 0.
    """
    validate_same_feature_shape(source=source, target=target)
    if source.task != target.task:
        raise ValueError("`source` and `target` must have one task. "
                         f"Received: source {source.task!r} vs target {target.task!r}")
    if source.num_classes != target.num_classes:
        raise ValueError(
            "`source` and `target` must have one num_classes. "
            f"Received: source {source.num_classes} vs target {target.num_classes}"
        )
    for role, domain in (("source", source), ("target", target)):
        if not domain.has_labels:
            raise ValueError(
                f"The {role} domain {domain.name!r} must have labels to be split. "
                "Received: y=None"
            )
    seed = check_int(seed, "seed", minimum=0)
    return (f"{source.name}->{target.name}" if name is None else name), seed


@dataclass(frozen=True, eq=False, repr=False)
class TransferTask:
    """A transfer problem: a labelled source, a target, and their splits.

    Args:
        name: Task name, by convention "SOURCE->TARGET" ("original->inverted").
        source_train: Labelled source training split.
        source_val: Labelled source validation split (honest model selection).
        target_train: Target adaptation split. It may carry labels: they are hidden from
            unsupervised methods and used only by the oracle `target_only` baseline and
            for few-label experiments (see `target_partial_labels`).
        target_test: Labelled target test split, for reporting.
        num_classes: Number of classes; every split must agree. None for regression
            splits (`Domain(..., task="regression")`); the task then has `num_outputs`.

    Raises:
        TypeError: If a split is not a `Domain`.
        ValueError: If the splits' feature shapes or num_classes differ, or a split that
            needs labels has none.

    Example:
        >>> task = TransferTask.from_domains("a->b", source, target, seed=0)
        >>> y_few = task.target_partial_labels(per_class=5, seed=0)  # -1 = unlabelled
    """

    name: str
    source_train: Domain
    source_val: Domain
    target_train: Domain
    target_test: Domain
    num_classes: Optional[int] = None

    _SPLITS = ("source_train", "source_val", "target_train", "target_test")

    def __post_init__(self):
        owner = f"TransferTask {_check_name(self.name, 'TransferTask')!r}"
        splits = {split: getattr(self, split) for split in self._SPLITS}
        for split, domain in splits.items():
            check_instance(domain, split, Domain, owner=owner)
        if splits["source_train"].task == "regression":
            self._check_regression_splits(owner, splits)
            return
        num_classes = check_int(self.num_classes, "num_classes", minimum=2, owner=owner)
        for split, domain in splits.items():
            if domain.num_classes != num_classes:
                raise ValueError(
                    f"{owner}: every split must have the task's num_classes={num_classes}. "
                    f"Received: {split} ({domain.name!r}) with num_classes={domain.num_classes}"
                )
        validate_same_feature_shape(**splits)
        for split in ("source_train", "source_val", "target_test"):
            if not splits[split].has_labels:
                raise ValueError(
                    f"{owner}: {split} ({splits[split].name!r}) must have labels; only "
                    "target_train may be unlabelled. Received: y=None"
                )
        object.__setattr__(self, "num_classes", num_classes)

    def _check_regression_splits(self, owner: str, splits) -> None:
        """Regression: every split a regression Domain, labelled where it must be, with one
        number of outputs; `num_classes` None."""
        if self.num_classes is not None:
            raise ValueError(f"{owner}: `num_classes` must be None for regression splits. "
                             f"Received: num_classes={self.num_classes!r}")
        for split, domain in splits.items():
            if domain.task != "regression":
                raise ValueError(f"{owner}: every split must have one task. Received: "
                                 f"source_train 'regression' vs {split} {domain.task!r}")
        validate_same_feature_shape(**splits)
        for split in ("source_train", "source_val", "target_test"):
            if not splits[split].has_labels:
                raise ValueError(
                    f"{owner}: {split} ({splits[split].name!r}) must have targets; only "
                    "target_train may be unlabelled. Received: y=None")
        outputs = {split: d.num_outputs for split, d in splits.items() if d.has_labels}
        if len(set(outputs.values())) != 1:
            raise ValueError(f"{owner}: every split must have one number of outputs. "
                             f"Received: {outputs}")

    @property
    def task(self) -> str:
        """"classification" or "regression" (the splits' `Domain.task`)."""
        return self.source_train.task

    @property
    def num_outputs(self) -> Optional[int]:
        """Regression: targets per sample; classification: None."""
        return self.source_train.num_outputs

    @property
    def input_shape(self) -> Tuple[int, ...]:
        """Feature shape shared by every split (a model's input shape)."""
        return self.source_train.feature_shape

    def target_partial_labels(self, per_class: int, seed: int) -> np.ndarray:
        """Few-label view of the target training labels.

        For each class, `per_class` samples of `target_train` are drawn at random (seeded);
        a class with fewer samples keeps all of them. Label sets are nested: with one seed,
        the samples chosen for `per_class=k` are included in those for `per_class=k+1`.
        Regression has no classes: `per_class` samples of the whole `target_train` are
        drawn (nested in the same way) and the others are NaN.

        Args:
            per_class: Number of labelled samples to keep per class, >= 0.
            seed: Seed of the draw.

        Returns:
            An int32 copy of `target_train.y` where every unchosen sample is -1; for
            regression a float32 copy where every unchosen sample is NaN.

        Raises:
            ValueError: If `target_train` has no labels or `per_class` < 0.
            TypeError: If `per_class` or `seed` is not an int.
        """
        owner = f"TransferTask {self.name!r}"
        per_class = check_int(per_class, "per_class", minimum=0, owner=owner)
        seed = check_int(seed, "seed", minimum=0, owner=owner)
        y = self.target_train.y
        if y is None:
            raise ValueError(
                f"{owner}: target_train ({self.target_train.name!r}) must have labels to draw "
                "partial labels from; give the target domain labels. Received: y=None"
            )
        rng = np.random.default_rng(seed)
        if self.task == "regression":
            partial = np.full_like(y, np.nan, dtype=np.float32)
            chosen = rng.permutation(len(y))[:per_class]
            partial[chosen] = y[chosen]
            return partial
        partial = np.full_like(y, -1, dtype=np.int32)
        for c in range(self.num_classes):
            members = np.flatnonzero(y == c)
            chosen = rng.permutation(members)[:per_class]
            partial[chosen] = c
        return partial

    def target_labelled_subset(self, per_class: int, seed: int) -> Domain:
        """The labelled samples of `target_partial_labels(per_class, seed)` as a Domain.

        Args:
            per_class: Number of labelled samples per class, >= 1.
            seed: Seed of the draw (same draw as `target_partial_labels`).

        Returns:
            A labelled `Domain` named "<target_train name>[<per_class>/class]".

        Raises:
            ValueError: If `target_train` has no labels or `per_class` < 1 (no samples).
        """
        check_int(per_class, "per_class", minimum=1, owner=f"TransferTask {self.name!r}")
        partial = self.target_partial_labels(per_class, seed)
        if self.task == "regression":
            chosen = np.isfinite(partial.reshape(len(partial), -1)).all(axis=1)
            return self.target_train.subset(np.flatnonzero(chosen),
                                            name=f"{self.target_train.name}[{per_class}]")
        return self.target_train.subset(
            np.flatnonzero(partial >= 0), name=f"{self.target_train.name}[{per_class}/class]"
        )

    @classmethod
    def from_domains(
        cls,
        name: Optional[str],
        source: Domain,
        target: Domain,
        *,
        source_val_fraction: float = 0.2,
        target_test_fraction: float = 0.5,
        seed: int = 0,
    ) -> "TransferTask":
        """Builds a task by splitting a labelled source and a labelled target.

        Splits are seeded and stratified on the labels (`sklearn`'s `train_test_split`)
        when every class has at least 2 samples, plain seeded splits otherwise. Each split
        keeps the original sample order. `target_train` keeps its labels (hidden from
        unsupervised methods; see the class docstring).

        Args:
            name: Task name; None gives "<source.name>-><target.name>".
            source: Labelled source domain.
            target: Labelled target domain (its test split needs labels).
            source_val_fraction: Fraction of the source held out as `source_val`, in (0, 1).
            target_test_fraction: Fraction of the target held out as `target_test`, in (0, 1).
            seed: Seed of both splits.

        Returns:
            A `TransferTask` whose splits are named "<domain>/train", "<domain>/val",
            "<domain>/test".

        Raises:
            TypeError: If `source`/`target` are not Domains or a number has the wrong type.
            ValueError: If a fraction is outside (0, 1), a domain lacks labels, the two
                domains differ in feature shape or num_classes, or a domain is too small.
        """
        name, seed = _check_source_target(name, source, target, seed)
        source_val_fraction = check_fraction(source_val_fraction, "source_val_fraction")
        target_test_fraction = check_fraction(target_test_fraction, "target_test_fraction")

        stratify = source.task == "classification"
        s_train, s_val = _split_indices(source.y, source_val_fraction, seed, source.name, "val",
                                        stratify)
        t_train, t_test = _split_indices(target.y, target_test_fraction, seed, target.name, "test",
                                         stratify)
        return cls(
            name=name,
            source_train=source.subset(s_train, name=f"{source.name}/train"),
            source_val=source.subset(s_val, name=f"{source.name}/val"),
            target_train=target.subset(t_train, name=f"{target.name}/train"),
            target_test=target.subset(t_test, name=f"{target.name}/test"),
            num_classes=source.num_classes,
        )

    @classmethod
    def transductive(
        cls,
        name: Optional[str],
        source: Domain,
        target: Domain,
        *,
        source_val_fraction: float = 0.1,
        seed: int = 0,
    ) -> "TransferTask":
        """Builds a task under the transductive protocol of the shallow-DA benchmark tables.

        The protocol of the published Office-Caltech, MNIST/USPS and DeCAF results (Long et
        al., "Transfer Feature Learning with Joint Distribution Adaptation", ICCV 2013; Wang
        et al., "Visual Domain Adaptation with Manifold Embedded Distribution Alignment",
        ACM MM 2018): the whole target domain is both the unlabelled adaptation data and the
        test set. So `target_train` and `target_test` hold the same samples, in the original
        order (they share `target`'s arrays; do not modify them in place). The labels of
        `target_train` are hidden from unsupervised methods, as for `from_domains`. The
        source is split into `source_train` / `source_val` (seeded, stratified when every
        class has at least 2 samples, original order kept).

        Args:
            name: Task name; None gives "<source.name>-><target.name>".
            source: Labelled source domain.
            target: Labelled target domain (the test split needs labels).
            source_val_fraction: Fraction of the source held out as `source_val`, in (0, 1).
            seed: Seed of the source split.

        Returns:
            A `TransferTask` whose splits are named "<source>/train", "<source>/val",
            "<target>/train" and "<target>/test".

        Raises:
            TypeError: If `source`/`target` are not Domains or a number has the wrong type.
            ValueError: If the fraction is outside (0, 1), a domain lacks labels, the two
                domains differ in feature shape or num_classes, or the source is too small.

        Example:
            >>> task = TransferTask.transductive("a->b", source, target, seed=0)
            >>> task.target_train.n == task.target_test.n == target.n
            True
        """
        name, seed = _check_source_target(name, source, target, seed)
        source_val_fraction = check_fraction(source_val_fraction, "source_val_fraction")

        s_train, s_val = _split_indices(source.y, source_val_fraction, seed, source.name, "val",
                                        source.task == "classification")
        # The arrays are already float32 / int32, so these Domains share them (no copy).
        return cls(
            name=name,
            source_train=source.subset(s_train, name=f"{source.name}/train"),
            source_val=source.subset(s_val, name=f"{source.name}/val"),
            target_train=Domain(f"{target.name}/train", target.x, target.y, target.num_classes,
                                task=target.task),
            target_test=Domain(f"{target.name}/test", target.x, target.y, target.num_classes,
                               task=target.task),
            num_classes=source.num_classes,
        )

    def __repr__(self) -> str:
        what = (f"num_outputs={self.num_outputs}" if self.task == "regression"
                else f"num_classes={self.num_classes}")
        return (
            f"TransferTask(name={self.name!r}, source {self.source_train.n}+{self.source_val.n} "
            f"(train+val), target {self.target_train.n}+{self.target_test.n} (train+test), "
            f"input_shape={self.input_shape}, {what})"
        )
