"""Evaluating a trained model on a labelled domain."""

from __future__ import annotations

from tftransfer.data.pipeline import labelled_dataset


def accuracy(model, domain, batch_size: int) -> float:
    """`model`'s accuracy on a labelled `Domain` (inference mode)."""
    result = model.evaluate(labelled_dataset(domain.x, domain.y, batch_size=batch_size),
                            verbose=0, return_dict=True)
    return float(result["accuracy"])
