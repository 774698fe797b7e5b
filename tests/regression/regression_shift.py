"""A regression shift that feature alignment must undo (shared by the regression tests)."""

import numpy as np

from tftransfer.data import Domain, TransferTask


def spurious_offset_task(seed: int = 0, n: int = 400, offset: float = 3.0,
                         noise: float = 0.5) -> TransferTask:
    """y = z with two noisy views x = (z + e1, z + e2), e ~ N(0, noise²), z ~ N(0, 1).

    In the target the second view is offset by `offset`. Source-only regression averages
    both views (each is equally informative on the source), so on the target its
    predictions are biased by about offset/2. A representation whose distribution is the
    same in both domains cannot use the offset view's level: aligning the features (DANN,
    DAN, CORAL on the means) removes the bias.
    """
    rng = np.random.default_rng(seed)

    def domain(name, shift):
        z = rng.normal(0.0, 1.0, n)
        x = np.stack([z + rng.normal(0, noise, n), z + rng.normal(0, noise, n) + shift], 1)
        return Domain(name, x, z, task="regression")

    return TransferTask.from_domains("views->offset_view", domain("views", 0.0),
                                     domain("offset_view", offset), seed=seed)
