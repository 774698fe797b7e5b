"""Prediction entropy, the entropy-minimisation regulariser (Grandvalet & Bengio, 2005)."""

from __future__ import annotations

import keras
from keras import ops

from tftransfer._checks import check_bool


def prediction_entropy(logits, from_logits: bool = True, per_example: bool = False):
    """Shannon entropy of softmax predictions.

    Grandvalet & Bengio, "Semi-supervised Learning by Entropy Minimization", NIPS 17
    (2005): the regulariser is the empirical conditional entropy of the predictions

        H = −(1/n) Σ_i Σ_c p(c | x_i) log p(c | x_i).

    From logits the log-probabilities come from `log_softmax`, which stays finite
    for confident predictions. Given probabilities they are clipped to
    [epsilon, 1] before the log.

    Args:
        logits: Class scores, shape (n, C) (or (..., C): the entropy is taken over
            the last axis).
        from_logits: If False, `logits` holds probabilities that sum to 1.
        per_example: If True return one entropy per example, shape (n,) (the input
            shape without its last axis); otherwise their mean, a scalar.

    Returns:
        A float32 tensor, in nats: between 0 and log(C) per example.

    Raises:
        TypeError: If `from_logits` or `per_example` is not a bool.
    """
    from_logits = check_bool(from_logits, "from_logits", owner="prediction_entropy")
    per_example = check_bool(per_example, "per_example", owner="prediction_entropy")
    values = ops.cast(ops.convert_to_tensor(logits), "float32")
    if from_logits:
        log_p = ops.log_softmax(values, axis=-1)
        p = ops.exp(log_p)
    else:
        p = ops.clip(values, keras.config.epsilon(), 1.0)
        log_p = ops.log(p)
    entropy = -ops.sum(p * log_p, axis=-1)
    return entropy if per_example else ops.mean(entropy)


@keras.saving.register_keras_serializable(package="tftransfer")
class Entropy(keras.losses.Loss):
    """Prediction entropy of `y_pred` as a Keras loss; `y_true` is ignored.

    Computes `prediction_entropy(y_pred, from_logits)` per example (Grandvalet &
    Bengio, 2005: H = −(1/n) Σ_i Σ_c p_ic log p_ic), so `reduction` and
    `sample_weight` work as for any Keras loss; the default reduction gives the mean
    entropy. `y_true` may be None.

    Args:
        from_logits: Whether `y_pred` holds logits (True) or probabilities.
        name: Name of the loss.
        **kwargs: Other `keras.losses.Loss` arguments (`reduction`, `dtype`).

    Raises:
        TypeError: If `from_logits` is not a bool.
    """

    def __init__(self, from_logits: bool = True, name: str = "entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.from_logits = check_bool(from_logits, "from_logits", owner="Entropy")

    def __call__(self, y_true, y_pred, sample_weight=None):
        # Keras converts y_true to a tensor before call(); None cannot be converted.
        if y_true is None:
            y_true = y_pred
        return super().__call__(y_true, y_pred, sample_weight=sample_weight)

    def call(self, y_true, y_pred):
        del y_true  # Unsupervised: only the predictions matter.
        return prediction_entropy(y_pred, from_logits=self.from_logits, per_example=True)

    def get_config(self):
        config = super().get_config()
        config["from_logits"] = self.from_logits
        return config
