"""AdaBN at test time: BatchNorm statistics re-estimated on the stream of test batches."""

from __future__ import annotations

from tftransfer.test_time.adapter import TestTimeAdapter
from tftransfer.test_time.batch_norm import RunningMoments, batch_moments_step, statistics_variables


class AdaBN(TestTimeAdapter):
    """AdaBN (Li, Wang, Shi, Liu & Hou, "Revisiting Batch Normalization For Practical Domain
    Adaptation", ICLR workshops 2017) on a stream of test batches: no gradient, only the
    BatchNorm statistics change.

    Each BatchNorm layer's moving statistics become the mean and variance of its inputs over
    the target examples seen so far (Algorithm 1's target statistics, accumulated over the
    stream exactly, `RunningMoments`); the batch is then scored in inference mode with them.
    With `episodic=True` they are the statistics of the batch alone (test-time batch
    normalisation; Schneider et al., NeurIPS 2020, with N = 0 source examples).

    The statistics of a batch come from one forward pass with every BatchNorm layer
    normalising by the batch's own statistics (see `reestimate_batch_norm` for what this
    means for the upper layers); γ, β and every other weight stay bit-identical.

    Args:
        model: A built Keras model with BatchNorm layers (or the path of a saved one).
        episodic: Statistics of each batch alone (True) or of the stream so far (False).
    """

    name = "AdaBN"
    # Each forward pass leaves the layers' moving statistics equal to the batch's.
    momentum = 0.0

    def __init__(self, model, episodic: bool = False):
        super().__init__(model, episodic)
        self.statistics = statistics_variables(self.layers)
        self.moments = RunningMoments(self.layers)
        self._fold_in = batch_moments_step(self.model, self.layers, self.moments)
        self.snapshot()

    def state_variables(self) -> list:
        return (self.statistics + [self.moments.count] + self.moments.means
                + self.moments.variances)

    def adapt_step(self, x):
        self._fold_in(x)
        self.moments.write_to_layers()
        return self.model(x, training=False)
