"""The one signature every adaptation loss shares."""

from __future__ import annotations

import keras


class AdaptationLoss(keras.layers.Layer):
    """A discrepancy between the source and target domains, as a Keras layer.

    Every adaptation loss of tftransfer has this call signature, so the one training engine
    (`tftransfer.methods.DomainAdaptationModel`) can combine any of them:

        loss(features_s, features_t, logits_s, logits_t, ramp=1.0) -> scalar

    The arguments are the features and classifier logits of the source and target examples
    of the GLOBAL batch (the engine gathers them across replicas), and the result is one
    scalar. A loss owns the layers it needs (a domain discriminator, an adversarial
    classifier), creates them in `__init__` from its config and builds them in `build`, so it
    saves and reloads with the model.

    `ramp` is the engine's schedule factor in [0, 1] for this step (Ganin's λ_p under the
    "dann" schedule, 1 under "constant"). Losses that train the features through a gradient
    reversal layer (`reverses_gradient = True`) scale the REVERSED gradient by it, so their
    own networks keep a full-strength gradient, as the reference code of DANN/CDAN/MDD does;
    for every other loss the engine multiplies the loss by it.

    Subclasses implement `call` (and `build` when they own layers) and `get_config`.
    """

    #: Whether the features get this loss's gradient through a gradient reversal layer.
    reverses_gradient: bool = False
    #: Whether the loss reads the logits (a regression task cannot use such a loss).
    uses_predictions: bool = False

    def build(self, features_s_shape, features_t_shape=None, logits_s_shape=None,
              logits_t_shape=None):
        self.built = True

    def call(self, features_s, features_t, logits_s, logits_t, ramp=1.0):
        raise NotImplementedError

    def compute_output_shape(self, *args, **kwargs):
        return ()
