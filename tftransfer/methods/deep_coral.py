"""Deep CORAL: align second-order statistics of source and target features."""

from __future__ import annotations

from tftransfer.adaptation import CORALLoss
from tftransfer.methods.method import CONSTANT_TRADE_OFF, Method


def deep_coral_losses(on_logits: bool = False):
    """Deep CORAL (Sun & Saenko, ECCV 2016 workshops): match the covariances of the source
    and target features.

    Args:
        on_logits: As for `CORALLoss` (align the logits instead of the features).

    Returns:
        {"coral": the `CORALLoss`}.
    """
    return {"coral": CORALLoss(on_logits=on_logits, name="coral")}


# The paper's ℓ_CORAL = ||C_S − C_T||²_F / (4 d²) is small (~1e-3 on these features); the
# paper sets λ so that the two losses end on a par, which depends on the data. We keep λ = 1
# with the shared recipe and search λ over a wide range.
DEEP_CORAL = Method.from_losses(deep_coral_losses, "deep_coral", defaults=CONSTANT_TRADE_OFF,
                                space={"lambda_": "0.1:1000:log"})
