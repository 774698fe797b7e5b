"""benchmarks/shallow_reproduction.py compares with the papers' tables: it must run their heads."""

from helpers import benchmark_script
from tftransfer import shallow


def test_the_jda_family_rows_use_the_papers_1nn_head_not_the_registry_default():
    shallow_reproduction = benchmark_script("shallow_reproduction")
    for name in ("jda", "gfk"):  # the registry's default: a source-validated head
        assert shallow.get(name).head == "source_cv", name
    for name in ("tca", "jda", "bda", "gfk"):
        _, make = shallow_reproduction.METHODS[name]
        assert make().head == "1nn", name
    assert shallow_reproduction.METHODS["tca"][1]().n_iter == 1
