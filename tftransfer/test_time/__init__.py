"""Test-time adaptation: a deployed model adapted on the unlabelled batches it scores.

No source data and no labels: only the trained model and the stream of test batches.

    >>> result = tftransfer.test_time.adapt(model, x_test, method="tent", batch_size=128)
    >>> result.predictions                       # scored as the model adapted, batch by batch

* `adapt(model, data, method="tent"|"adabn", episodic=False)`: adapt on a stream, in place,
  returning the adapted model and the outputs that scored each batch.
* `TestTimeAdaptation(model, method)`: the model wrapped so that Keras' `evaluate` and
  `predict` adapt on each batch before scoring it (any input format).
* `TestTimeAdaptationCallback(x, batch_size, method)`: the same as a callback for
  `model.evaluate(x, ...)` / `model.predict(x, ...)` on arrays.
* `Tent`, `AdaBN`: the adapters (`step(x)`, `reset()`); `reestimate_batch_norm(model, x)`:
  AdaBN on a whole target set at once (what the source-free `adabn` method does).
"""

from tftransfer.test_time.adabn import AdaBN
from tftransfer.test_time.adapt import ADAPTERS, TestTimeResult, adapt, make_adapter
from tftransfer.test_time.adapter import TestTimeAdapter
from tftransfer.test_time.batch_norm import (affine_variables, batch_norm_layers,
                                             batch_statistics_mode, reestimate_batch_norm,
                                             statistics_variables)
from tftransfer.test_time.callback import TestTimeAdaptationCallback
from tftransfer.test_time.tent import Tent
from tftransfer.test_time.wrapper import TestTimeAdaptation


def names() -> list[str]:
    """The test-time adaptation methods by name."""
    return ADAPTERS.names()


__all__ = ["ADAPTERS", "AdaBN", "Tent", "TestTimeAdapter", "TestTimeAdaptation",
           "TestTimeAdaptationCallback", "TestTimeResult", "adapt", "affine_variables",
           "batch_norm_layers", "batch_statistics_mode", "make_adapter", "names",
           "reestimate_batch_norm", "statistics_variables"]
