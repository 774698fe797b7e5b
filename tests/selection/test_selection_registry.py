"""The validator registry: names, unknown names, options, oracle flag."""

import pytest

from tftransfer import selection

HONEST = ["source_val", "iwcv", "dev", "entropy", "snd", "reverse_validation"]


def test_names_and_oracle_flag():
    assert selection.names() == HONEST + ["target_oracle"]
    assert selection.names(include_oracle=False) == HONEST
    assert selection.is_oracle("target_oracle")
    assert selection.get("target_oracle").uses_target_labels
    assert "ORACLE" in selection.TargetOracle.__doc__
    for name in HONEST:
        assert not selection.is_oracle(name)
        assert not selection.get(name).uses_target_labels
        assert selection.get(name).higher_is_better


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as err:
        selection.get("nope")
    for name in selection.names():
        assert name in str(err.value)
    with pytest.raises(ValueError, match="Valid validators"):
        selection.is_oracle("nope")


def test_options_are_checked():
    assert selection.get("snd", temperature=0.1).temperature == 0.1
    with pytest.raises(TypeError, match="'entropy'.*takes no arguments"):
        selection.get("entropy", temperature=0.1)
    with pytest.raises(ValueError, match="`metric` must be one of 'accuracy', 'cross_entropy'. "
                                         "Received: metric='f1'"):
        selection.get("source_val", metric="f1")
    with pytest.raises(ValueError, match="`space` must be one of 'input', 'features'. "
                                         "Received: space='pixels'"):
        selection.get("iwcv", space="pixels")
    with pytest.raises(ValueError, match="temperature.*Received: temperature=0"):
        selection.get("snd", temperature=0)
    with pytest.raises(ValueError, match="max_samples.*Received: max_samples=1"):
        selection.get("dev", max_samples=1)
    with pytest.raises(ValueError, match="test_alpha.*Received: test_alpha=2"):
        selection.get("iwcv", test_alpha=2)
