"""Target-only baseline (ORACLE): trained on all target training labels."""

from tftransfer.methods.method import Method

TARGET_ONLY = Method(
    name="target_only",
    summary=("ORACLE: supervised training on every target training label, the upper "
             "reference that unsupervised methods never see"),
    defaults={"bottleneck_units": 256},
    protocol="target",
    target_labels="all",
)
