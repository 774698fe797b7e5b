"""The score registry: names, what each score reads, and the module docstring examples."""

import doctest
import sys

import numpy as np
import pytest

from tftransfer import ranking


def test_registered_scores_and_what_they_read():
    assert ranking.names() == ["logme", "leep", "nce", "hscore", "hscore_shrinkage", "gbc",
                               "nleep"]
    assert ranking.names(reads="features") == ["logme", "hscore", "hscore_shrinkage", "gbc",
                                               "nleep"]
    assert [n for n in ranking.names() if ranking.get(n).needs_source_classifier] == ["leep", "nce"]


def test_unknown_score_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid transferability scores: logme, leep, nce"):
        ranking.get("sfda")


def test_nce_reads_the_argmax_of_probabilities(rng):
    labels = rng.integers(0, 3, 30)
    p = rng.dirichlet(np.ones(5), size=30)
    assert ranking.get("nce")(labels=labels, source_probabilities=p) == ranking.nce(p.argmax(1), labels)
    with pytest.raises(ValueError, match="reads a source classifier"):
        ranking.get("leep")(labels=labels, features=p)


@pytest.mark.parametrize("module", ["logme", "leep", "nce", "hscore", "gbc", "nleep"])
def test_docstring_examples(module):
    result = doctest.testmod(sys.modules[f"tftransfer.ranking.{module}"], extraglobs={"np": np})
    assert result.attempted > 0 and result.failed == 0
