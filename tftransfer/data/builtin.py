"""Embedded transfer tasks that need no download.

Two families of domains; a task pairs two domains of one family, named "SOURCE->TARGET".

**Digits** (`sklearn.datasets.load_digits`: 1,797 grey 8×8 images of the digits 0-9, scaled
to [0, 1] by /16, flattened to 64 float32 features, 10 classes). The images are split once,
stratified with the fixed data seed `DIGITS_DATA_SEED = 0`, into two disjoint halves: a
task's source domain uses half A (898 images) and its target uses half B (899 images), so
source and target never share an image. Each domain is a shift applied to the 8×8 images
before flattening:

| domain     | shift                                                                        |
|------------|------------------------------------------------------------------------------|
| `original` | none                                                                         |
| `inverted` | `1 - x` (white digit on black becomes black on white)                        |
| `rotated`  | `scipy.ndimage.rotate(image, 30, reshape=False, order=1)`, clipped to [0, 1] |
| `noisy`    | `x + N(0, 0.3²)` i.i.d. per pixel, fixed noise seed 0, clipped to [0, 1]     |
| `blurred`  | `scipy.ndimage.gaussian_filter(image, sigma=0.8)` per image                  |

**Moons** (the toy experiment of Ganin et al., "Domain-Adversarial Training of Neural
Networks", JMLR 2016, section 5.1): 2-D points, 2 classes, `n_samples` per domain
(default 600).

| domain          | sample                                                                  |
|-----------------|-------------------------------------------------------------------------|
| `moons`         | `sklearn.datasets.make_moons(n_samples, noise=0.1)`                     |
| `moons_rotated` | a fresh `make_moons` draw rotated by 35° (counter-clockwise) about the  |
|                 | centre of the moons distribution, `MOONS_CENTRE = (0.5, 0.25)`          |

A source domain and a target domain are always separate draws (the draw's seed depends on
`seed` and on the role), so "moons->moons" compares two samples of one distribution.

**Cubic** (a REGRESSION family: `Domain(task="regression")`, one float target): the
covariate-shift example of Shimodaira, "Improving predictive inference under covariate
shift by weighting the log-likelihood function", J. Statistical Planning and Inference 90
(2000): y = −x + x³ + ε, ε ~ N(0, 0.3²), the same p(y | x) in both domains, only p(x)
moves. `n_samples` points per domain (default 400).

| domain          | x                                                                       |
|-----------------|-------------------------------------------------------------------------|
| `cubic`         | N(0.5, 0.5²)                                                            |
| `cubic_shifted` | N(0, 0.3²): inside the source's support but where it has few points     |

A model that cannot fit the cubic everywhere (a straight line, a small network trained
briefly) fits it where the source is dense; reweighting the source loss by p_T(x) / p_S(x)
moves the fit to where the target lives — importance weighting must help here, which the
tests check against the exact density ratio.

Standard tasks: `task_names()`; the digits ones are `DEFAULT_DIGITS_TASKS`.

Example:
    >>> task = load_task("original->inverted")
    >>> task.input_shape, task.num_classes
    ((64,), 10)
    >>> load_task("moons->moons_rotated", seed=1, n_samples=300).source_train.n
    240
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

import numpy as np
import scipy.ndimage
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

from tftransfer._checks import check_choice, check_instance, check_int
from tftransfer.data.domains import Domain, TransferTask
from tftransfer.registry import Registry

__all__ = [
    "DEFAULT_DIGITS_TASKS",
    "REVERSED_DIGITS_TASKS",
    "DIGITS_DATA_SEED",
    "DOMAINS",
    "CUBIC_DEFAULT_SAMPLES",
    "CUBIC_SOURCE",
    "CUBIC_TARGET",
    "DomainBuilder",
    "MOONS_CENTRE",
    "REGRESSION_TASKS",
    "MOONS_ROTATION_DEGREES",
    "cubic_density_ratio",
    "cubic_function",
    "domain_names",
    "load_domain",
    "load_task",
    "task_names",
]

DIGITS_DATA_SEED = 0
"""Fixed seed of the digits half A / half B split (never changes with the task seed)."""

DIGITS_ROTATION_DEGREES = 30.0
DIGITS_NOISE_STD = 0.3
DIGITS_NOISE_SEED = 0
DIGITS_BLUR_SIGMA = 0.8

MOONS_DEFAULT_SAMPLES = 600
MOONS_NOISE = 0.1
MOONS_ROTATION_DEGREES = 35.0
MOONS_CENTRE = (0.5, 0.25)
"""Mean of the make_moons distribution: the centre the rotated domain turns about."""

DEFAULT_DIGITS_TASKS: Tuple[str, ...] = (
    "original->inverted",
    "original->rotated",
    "original->noisy",
    "original->blurred",
)
REVERSED_DIGITS_TASKS: Tuple[str, ...] = tuple(
    "->".join(reversed(task.split("->"))) for task in DEFAULT_DIGITS_TASKS)
"""The default digits tasks with source and target swapped ("inverted->original", ...): a
shifted source, the original digits as target (`experiments.defaults_report --tasks
held_out` judges the defaults on them: none was chosen there)."""
_STANDARD_TASKS: Tuple[str, ...] = DEFAULT_DIGITS_TASKS + ("moons->moons_rotated",)

REGRESSION_TASKS: Tuple[str, ...] = ("cubic->cubic_shifted",)
"""The embedded regression tasks (not in `task_names()`, whose tasks are classification)."""

CUBIC_DEFAULT_SAMPLES = 400
CUBIC_NOISE = 0.3
CUBIC_SOURCE = (0.5, 0.5)
"""(mean, standard deviation) of x in the `cubic` domain."""
CUBIC_TARGET = (0.0, 0.3)
"""(mean, standard deviation) of x in the `cubic_shifted` domain."""

_ROLES = ("source", "target")


@dataclass(frozen=True)
class DomainBuilder:
    """How to build one embedded domain.

    Args:
        family: Family of the domain ("digits", "moons"); a task pairs one family only.
        build: `build(role, seed, n_samples) -> Domain`, where `role` is "source" or
            "target" (which half / which draw) and `n_samples` is None for the default.
        description: One line on the shift, shown by listings.
    """

    family: str
    build: Callable[[str, int, Optional[int]], Domain]
    description: str


DOMAINS: Registry = Registry("domain")
"""Registry of the embedded domains (name -> DomainBuilder)."""


# --------------------------------------------------------------------------- digits


@functools.lru_cache(maxsize=1)
def _digits() -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(images in [0, 1] of shape (1797, 8, 8), labels, half A indices, half B indices)."""
    data = load_digits()
    images = (data.images / 16.0).astype(np.float32)
    labels = data.target.astype(np.int32)
    half_a, half_b = train_test_split(
        np.arange(len(labels)),
        test_size=0.5,
        random_state=DIGITS_DATA_SEED,
        stratify=labels,
    )
    for array in (images, labels, half_a, half_b):
        array.flags.writeable = False
    return images, labels, np.sort(half_a), np.sort(half_b)


def _digits_half_indices() -> Tuple[np.ndarray, np.ndarray]:
    """Indices into `load_digits()` of half A (sources) and half B (targets)."""
    _, _, half_a, half_b = _digits()
    return half_a, half_b


def _shift_none(images: np.ndarray) -> np.ndarray:
    return images


def _shift_inverted(images: np.ndarray) -> np.ndarray:
    return 1.0 - images


def _shift_rotated(images: np.ndarray) -> np.ndarray:
    rotated = scipy.ndimage.rotate(
        images, DIGITS_ROTATION_DEGREES, axes=(1, 2), reshape=False, order=1
    )
    return np.clip(rotated, 0.0, 1.0)


def _shift_noisy(images: np.ndarray) -> np.ndarray:
    # Noise is drawn for all 1,797 images at once, so each image's noise is fixed
    # whichever half (role) it lands in.
    noise = np.random.default_rng(DIGITS_NOISE_SEED).normal(0.0, DIGITS_NOISE_STD, images.shape)
    return np.clip(images + noise, 0.0, 1.0)


def _shift_blurred(images: np.ndarray) -> np.ndarray:
    # sigma 0 along the image axis: each 8x8 image is filtered on its own.
    return scipy.ndimage.gaussian_filter(images, sigma=(0.0, DIGITS_BLUR_SIGMA, DIGITS_BLUR_SIGMA))


@functools.lru_cache(maxsize=None)
def _shifted_digits(name: str) -> np.ndarray:
    """All 1,797 images under the shift `name`, flattened to (1797, 64), read-only."""
    images, _, _, _ = _digits()
    shifted = _DIGITS_SHIFTS[name](images).astype(np.float32)
    flat = shifted.reshape(len(shifted), -1)
    flat.flags.writeable = False
    return flat


def _digits_builder(name: str) -> Callable[[str, int, Optional[int]], Domain]:
    def build(role: str, seed: int, n_samples: Optional[int]) -> Domain:
        del seed  # the halves always use DIGITS_DATA_SEED
        if n_samples is not None:
            raise ValueError(
                f"load_domain: `n_samples` applies only to the moons family; digits domain "
                f"{name!r} always uses its fixed half of load_digits. "
                f"Received: n_samples={n_samples!r}"
            )
        _, labels, half_a, half_b = _digits()
        half = half_a if role == "source" else half_b
        return Domain(name, _shifted_digits(name)[half], labels[half], num_classes=10)

    return build


_DIGITS_SHIFTS = {
    "original": _shift_none,
    "inverted": _shift_inverted,
    "rotated": _shift_rotated,
    "noisy": _shift_noisy,
    "blurred": _shift_blurred,
}
_DIGITS_DESCRIPTIONS = {
    "original": "load_digits images, no shift",
    "inverted": "1 - x",
    "rotated": f"rotated by {DIGITS_ROTATION_DEGREES:g} degrees (bilinear, clipped)",
    "noisy": f"additive Gaussian noise, std {DIGITS_NOISE_STD:g}, clipped to [0, 1]",
    "blurred": f"Gaussian blur, sigma {DIGITS_BLUR_SIGMA:g}",
}
for _name in _DIGITS_SHIFTS:
    DOMAINS.register(
        _name, DomainBuilder("digits", _digits_builder(_name), _DIGITS_DESCRIPTIONS[_name])
    )


# --------------------------------------------------------------------------- moons


def _rotate_2d(points: np.ndarray, degrees: float, centre) -> np.ndarray:
    """Rotates (n, 2) points counter-clockwise by `degrees` about `centre`."""
    theta = np.deg2rad(degrees)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    centre = np.asarray(centre, dtype=np.float64)
    return (points - centre) @ rotation.T + centre


def _moons_builder(name: str, degrees: float) -> Callable[[str, int, Optional[int]], Domain]:
    def build(role: str, seed: int, n_samples: Optional[int]) -> Domain:
        if n_samples is None:
            n_samples = MOONS_DEFAULT_SAMPLES
        # At least 2 samples per class, so that the task splits stay stratifiable.
        n_samples = check_int(n_samples, "n_samples", minimum=4, owner="load_domain")
        # Source and target are separate draws for one seed: 2*seed (source), 2*seed+1.
        random_state = 2 * seed + _ROLES.index(role)
        x, y = make_moons(n_samples=int(n_samples), noise=MOONS_NOISE, random_state=random_state)
        if degrees:
            x = _rotate_2d(x, degrees, MOONS_CENTRE)
        return Domain(name, x, y, num_classes=2)

    return build


DOMAINS.register(
    "moons",
    DomainBuilder("moons", _moons_builder("moons", 0.0), f"make_moons, noise {MOONS_NOISE:g}"),
)
DOMAINS.register(
    "moons_rotated",
    DomainBuilder(
        "moons",
        _moons_builder("moons_rotated", MOONS_ROTATION_DEGREES),
        f"make_moons rotated by {MOONS_ROTATION_DEGREES:g} degrees about {MOONS_CENTRE}",
    ),
)


# --------------------------------------------------------------------------- cubic


def cubic_function(x: np.ndarray) -> np.ndarray:
    """E[y | x] = −x + x³ of the cubic domains."""
    return -x + x ** 3


def cubic_density_ratio(x) -> np.ndarray:
    """The exact importance weight p_T(x) / p_S(x) of "cubic->cubic_shifted" at `x` (n, 1)."""
    x = np.asarray(x, np.float64).reshape(-1)

    def log_normal(mean, std):
        return -0.5 * ((x - mean) / std) ** 2 - np.log(std)

    return np.exp(log_normal(*CUBIC_TARGET) - log_normal(*CUBIC_SOURCE))


def _cubic_builder(name: str, mean: float, std: float) -> Callable[[str, int, Optional[int]], Domain]:
    def build(role: str, seed: int, n_samples: Optional[int]) -> Domain:
        if n_samples is None:
            n_samples = CUBIC_DEFAULT_SAMPLES
        n_samples = check_int(n_samples, "n_samples", minimum=4, owner="load_domain")
        # Separate draws per role, as for the moons: 2*seed (source), 2*seed + 1 (target).
        rng = np.random.default_rng(2 * seed + _ROLES.index(role))
        x = rng.normal(mean, std, (int(n_samples), 1))
        y = cubic_function(x[:, 0]) + rng.normal(0.0, CUBIC_NOISE, int(n_samples))
        return Domain(name, x, y, task="regression")

    return build


DOMAINS.register(
    "cubic",
    DomainBuilder("cubic", _cubic_builder("cubic", *CUBIC_SOURCE),
                  f"regression y = -x + x^3 + N(0, {CUBIC_NOISE:g}^2), x ~ N{CUBIC_SOURCE}"),
)
DOMAINS.register(
    "cubic_shifted",
    DomainBuilder("cubic", _cubic_builder("cubic_shifted", *CUBIC_TARGET),
                  f"regression y = -x + x^3 + N(0, {CUBIC_NOISE:g}^2), x ~ N{CUBIC_TARGET}"),
)


# --------------------------------------------------------------------------- public API


def domain_names(family: Optional[str] = None) -> List[str]:
    """Names of the embedded domains, optionally of one family ("digits", "moons")."""
    return [n for n in DOMAINS.names() if family is None or DOMAINS.get(n).family == family]


def task_names() -> List[str]:
    """The standard tasks: the four digits shifts from "original", then the moons task."""
    return list(_STANDARD_TASKS)


def _check_seed(seed, owner: str) -> int:
    """`seed` as an int in [0, 2**31 - 1)."""
    return check_int(seed, "seed", minimum=0, maximum=2**31 - 2, owner=owner)


def _get_builder(name: str, context: str) -> DomainBuilder:
    if name not in DOMAINS:
        families = sorted({DOMAINS.get(n).family for n in DOMAINS.names()})
        listing = "; ".join(f"{f}: {', '.join(domain_names(f))}" for f in families)
        raise ValueError(f"Unknown domain {name!r}{context}. Valid domains ({listing})")
    return DOMAINS.get(name)


def load_domain(
    name: str, *, role: str = "source", seed: int = 0, n_samples: Optional[int] = None
) -> Domain:
    """Builds one embedded domain in full (before any train/val/test split).

    Args:
        name: Domain name, one of `domain_names()`.
        role: "source" (digits half A; the source moons draw) or "target" (digits half B;
            the target moons draw).
        seed: Seed of the moons draw, in [0, 2**31 - 1); ignored by digits domains.
        n_samples: Moons and cubic only: samples in the domain (default 600 moons, 400
            cubic). Must be None for digits.

    Returns:
        The labelled `Domain` (a regression domain for the cubic family).

    Raises:
        ValueError: If the name or role is unknown, or `n_samples` is invalid.
    """
    check_instance(name, "name", str, owner="load_domain", expected="a domain name (a string)")
    check_choice(role, "role", _ROLES, owner="load_domain")
    seed = _check_seed(seed, "load_domain")
    return _get_builder(name, "").build(role, seed, n_samples)


def _parse_task_name(name) -> Tuple[str, str]:
    """Splits "SOURCE->TARGET" and checks both domains exist in one family."""
    check_instance(name, "name", str, owner="load_task",
                   expected="a task name like 'original->inverted'")
    parts = [p.strip() for p in name.split("->")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"load_task: `name` must look like 'SOURCE->TARGET' (standard tasks: "
            f"{', '.join(_STANDARD_TASKS)}). Received: name={name!r}"
        )
    source, target = parts
    source_builder = _get_builder(source, f" (source of task {name!r})")
    target_builder = _get_builder(target, f" (target of task {name!r})")
    if source_builder.family != target_builder.family:
        raise ValueError(
            f"Task {name!r} mixes families: {source!r} is a {source_builder.family} domain and "
            f"{target!r} a {target_builder.family} domain; source and target must come from one "
            f"family ({source_builder.family}: {', '.join(domain_names(source_builder.family))}; "
            f"{target_builder.family}: {', '.join(domain_names(target_builder.family))})"
        )
    return source, target


def load_task(name: str, *, seed: int = 0, n_samples: Optional[int] = None) -> TransferTask:
    """Loads an embedded task "SOURCE->TARGET" with both domains from one family.

    The source domain is built with role "source" and the target with role "target" (see
    `load_domain`), then split by `TransferTask.from_domains` (20% source validation, 50%
    target test, stratified, seeded by `seed`).

    Args:
        name: "SOURCE->TARGET", e.g. "original->inverted" or "moons->moons_rotated"; any
            pair of domains from one family is accepted, `task_names()` lists the standard ones.
        seed: Seed of the moons draws and of the task splits, in [0, 2**31 - 1). The digits
            halves always use `DIGITS_DATA_SEED`.
        n_samples: Moons and cubic only: samples per domain (default 600 moons, 400 cubic).
            Must be None for digits.

    Returns:
        The `TransferTask` (a regression task for "cubic->cubic_shifted",
        `REGRESSION_TASKS`); every split carries labels (target_train's labels are for the
        oracle baseline and few-label experiments only).

    Raises:
        ValueError: If the name is malformed, a domain is unknown (the message lists the
            valid domains), the domains come from different families, or `n_samples` is
            given for digits.
    """
    source_name, target_name = _parse_task_name(name)
    seed = _check_seed(seed, "load_task")
    source = load_domain(source_name, role="source", seed=seed, n_samples=n_samples)
    target = load_domain(target_name, role="target", seed=seed, n_samples=n_samples)
    return TransferTask.from_domains(f"{source_name}->{target_name}", source, target, seed=seed)
