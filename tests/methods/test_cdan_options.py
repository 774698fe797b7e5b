"""CDAN's and CDAN+E's discriminator options reach their conditional adversarial loss."""

import pytest

from tftransfer.methods.cdan import cdan_e_losses, cdan_losses


@pytest.mark.parametrize("build,conditioned", [(cdan_losses, False), (cdan_e_losses, True)])
def test_discriminator_options_reach_the_loss(build, conditioned):
    loss = build(discriminator_units=(16,), discriminator_batch_norm=True,
                 discriminator_dropout=0.2)["conditional_adversarial"]
    assert loss.entropy_conditioning is conditioned
    assert (tuple(loss.hidden_units), loss.batch_norm, loss.dropout) == ((16,), True, 0.2)
    default = build()["conditional_adversarial"]  # the CDAN authors' discriminator
    assert (default.batch_norm, default.dropout) == (False, 0.5)
    with pytest.raises(ValueError, match="dropout"):
        build(discriminator_dropout=1.5)
