"""Negative-transfer flags and the honest choice of the "after adaptation" model."""

import pandas as pd
import pytest

from tftransfer import auto
from tftransfer.report import analysis


def records(rows):
    """(method, seed, target acc, source val acc, dev, reverse validation, target labels);
    the entropy score (auto's default ranking validator) follows the reverse validation."""
    return pd.DataFrame([
        {"task": "a->b", "method": m, "seed": s, "run_id": f"{m}{s}", "target_accuracy": acc,
         "source_val_accuracy": val, "score_dev": dev, "score_reverse_validation": rev,
         "score_entropy": rev - 1.0, "target_labels": labels, "target_labels_per_class": 0}
        for m, s, acc, val, dev, rev, labels in rows])


FRAME = records([
    ("source_only", 0, 0.70, 0.90, -0.50, 0.80, "none"),
    ("source_only", 1, 0.72, 0.90, -0.50, 0.80, "none"),
    ("dann", 0, 0.60, 0.88, -0.30, 0.85, "none"),   # best validators, worst target accuracy
    ("dann", 1, 0.66, 0.88, -0.30, 0.85, "none"),
    ("mcc", 0, 0.75, 0.91, -0.60, 0.70, "none"),
    ("mcc", 1, 0.77, 0.91, -0.60, 0.70, "none"),
    ("target_only", 0, 0.95, 0.50, -0.90, 0.10, "all"),
])


def test_negative_transfer_flags_methods_below_source_only_with_the_amount():
    table = analysis.negative_transfer(FRAME).set_index("method")
    assert analysis.metric_of(FRAME) is analysis.TARGET_ACCURACY
    assert table.loc["dann", "difference"] == pytest.approx(63.0 - 71.0)
    assert table.loc["dann", "negative"] and not table.loc["mcc", "negative"]
    assert table.loc["mcc", "difference"] == pytest.approx(76.0 - 71.0)
    assert not any("target_only" in m for m in table.index)  # an ORACLE is not compared


def test_without_target_labels_the_flags_use_an_honest_validator():
    frame = FRAME.assign(target_accuracy=float("nan"))
    metric = analysis.metric_of(frame)
    assert metric.column == "score_dev" and not metric.reads_target_labels
    table = analysis.negative_transfer(frame).set_index("method")
    assert table.loc["mcc", "negative"] and table.loc["mcc", "difference"] == pytest.approx(-0.10)
    assert not table.loc["dann", "negative"]
    # without stored validators: the source validation accuracy
    plain = frame.drop(columns=["score_dev", "score_reverse_validation"])
    assert analysis.metric_of(plain).column == "source_val_accuracy"


def test_the_after_model_is_chosen_without_target_labels():
    method, how = analysis.best_method(FRAME, "a->b")
    # auto's ranking validators, not mcc, the target's best
    assert method == "dann" and ", ".join(auto.DEFAULT_RULE.rank_by) in how
    plain = FRAME.drop(columns=["score_dev", "score_reverse_validation", "score_entropy"])
    assert analysis.best_method(plain, "a->b") == ("mcc",
                                                   "best source validation accuracy (honest)")
    with_auto = pd.concat([FRAME, FRAME.iloc[[4]].assign(method="auto", auto_pick="mcc")])
    assert analysis.best_method(with_auto, "a->b")[0] == "mcc"
    kept = pd.concat([FRAME, FRAME.iloc[[0]].assign(method="auto", auto_pick="source_only")])
    method, how = analysis.best_method(kept, "a->b")
    assert method == "dann" and how.endswith("(auto kept source_only)")


def test_results_table_is_mean_and_std_with_oracle_rows_labelled():
    table = analysis.results_table(FRAME, analysis.TARGET_ACCURACY)
    assert table.loc["dann", "a->b"] == "63.0 ± 3.0"
    assert table.loc["target_only (ORACLE: all target labels)", "a->b"] == "95.0 ± 0.0"
    assert analysis.oracle_labels(FRAME) == ["target_only (ORACLE: all target labels)"]
