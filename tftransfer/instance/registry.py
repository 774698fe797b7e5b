"""Importance weightings by name, as the runner and RunConfig refer to them."""

from tftransfer.instance.weights import domain_classifier_weights, kmm_weights


def _kmm(xs, xt, seed: int = 0):
    del seed  # KMM is a deterministic quadratic program
    return kmm_weights(xs, xt)


def _domain_classifier(xs, xt, seed: int = 0):
    return domain_classifier_weights(xs, xt, seed=seed)


#: name -> weights(xs, xt, seed=...) returning one non-negative weight per source sample.
WEIGHTINGS = {"domain_classifier": _domain_classifier, "kmm": _kmm}
