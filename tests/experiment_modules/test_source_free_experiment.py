"""experiments.source_free: its flags (the runs themselves are measured, not tested here)."""

import pytest

from experiments import source_free


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(SystemExit, match="valid: source_only, mcc, shot, shot_im, tent, adabn"):
        source_free.main(["--methods", "shot,dann"])
    with pytest.raises(SystemExit, match="valid: digits, mnist_usps"):
        source_free.main(["--benchmarks", "office"])


def test_every_source_free_method_is_known():
    assert set(source_free.SOURCE_FREE) == {"shot", "shot_im", "tent", "adabn"}
    assert set(source_free.ONLINE.values()) == {"tent", "adabn"}
