"""The zoo's classifiers: zoo-format input, features, a softmax head; the three bodies."""

import numpy as np
import pytest

from tftransfer.zoo.architectures import ARCHITECTURES, build_classifier


@pytest.mark.parametrize("architecture, feature_dim", [("lenet", 128), ("mlp", 128),
                                                        ("small_resnet", 64)])
def test_extractor_head_and_classifier_chain(architecture, feature_dim):
    extractor, head, classifier = build_classifier(architecture, 10, f"{architecture}_test")
    images = np.random.default_rng(0).uniform(0, 255, (4, 32, 32, 3)).astype("float32")
    features = extractor.predict(images, verbose=0)
    assert features.shape == (4, feature_dim)
    probabilities = classifier.predict(images, verbose=0)
    np.testing.assert_allclose(probabilities, head.predict(features, verbose=0), atol=1e-6)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_the_stem_reads_pixels_in_0_255():
    extractor, _, _ = build_classifier("mlp", 2, "mlp_test")
    assert [layer.name for layer in extractor.layers[1:3]] == ["to_unit_range", "to_16x16"]
    assert extractor.layers[1].scale == pytest.approx(1 / 255)


def test_unknown_architecture_lists_the_valid_ones():
    with pytest.raises(ValueError, match="one of 'lenet', 'mlp', 'small_resnet'"):
        build_classifier("vgg", 10, "x")
    assert ARCHITECTURES == ("lenet", "mlp", "small_resnet")
