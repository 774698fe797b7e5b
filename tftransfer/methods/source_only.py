"""Source-only baseline: train on labelled source data, apply to the target as is."""

from tftransfer.methods.method import Method

SOURCE_ONLY = Method(
    name="source_only",
    summary="No adaptation: the source cross-entropy only (the bar every method must clear)",
    # The same network and recipe as the adaptation methods (bottleneck 256, SGD 0.01
    # annealed), as Transfer-Learning-Library's erm.py: only the adaptation loss differs.
    defaults={"bottleneck_units": 256},
    protocol="source",
)
