"""experiments.auto_probe: the replayed rules on saved logits of a constructed task."""

import numpy as np

from experiments import auto_probe
from tftransfer import auto


def _save(out, method, target_logits, source_val_logits, y_source_val, y_target):
    path = auto_probe._file(out, "bench", "a->b", method)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, target_train=target_logits, target_test=target_logits,
             source_val=source_val_logits, y_source_val=y_source_val, y_target_test=y_target)


def test_rules_pick_as_specified(tmp_path):
    rng = np.random.default_rng(0)
    n, classes = 60, 3
    y = rng.integers(0, classes, n)
    y_val = rng.integers(0, classes, 30)
    right_val = 4.0 * np.eye(classes)[y_val]
    truth = 2.0 * np.eye(classes)[y]
    wrong = 2.0 * np.eye(classes)[(y + 1) % classes]
    # source_only: mildly confident and right on half the target; the deep candidates agree
    # with the truth (so does the ensemble); "mcc" is wrong but the most confident.
    half = np.where(np.arange(n)[:, None] < n // 2, truth, wrong) * 0.5
    _save(tmp_path, "source_only", half, right_val, y_val, y)
    for method in auto.required_candidates()[1:]:
        logits = 10.0 * wrong if method == "mcc" else truth
        _save(tmp_path, method, logits, right_val, y_val, y)
    text = auto_probe.replay(tmp_path)
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[1].strip(" |")
            for line in text.splitlines() if line.startswith("| ") and " | " in line}
    # The entropy rule trusts the most confident candidate: MCC, wrong everywhere (-50 points).
    assert rows["entropy / drop 5 (previous default)"] == "-50.0"
    # EnsV follows the majority, which is right (+50); the ORACLE reads the labels (+50).
    assert rows["EnsV"] == "+50.0"
    assert rows["ORACLE pick per task"] == "+50.0"
    assert "entropy / drop 5 (previous default): mcc 1" in text and "EnsV: mcc" not in text
