"""Label-shift evidence: exact class shift and confidence drop, and when the guard fires."""

import keras
import numpy as np
import pytest

from tftransfer import backbones, methods, selection
from tftransfer.config import RunConfig
from tftransfer.data import Domain, TransferTask
from tftransfer.reproducibility import set_seed
from tftransfer.runner import train_and_evaluate
from tftransfer.selection import LabelShiftGuard, label_shift_evidence
from tftransfer.selection.label_shift import class_shares, total_variation
from tftransfer.training import fit_task


def test_class_shares_and_total_variation_are_exact():
    np.testing.assert_allclose(class_shares([0, 0, 2, 2, 2, 1], 4), [2 / 6, 1 / 6, 3 / 6, 0])
    assert total_variation([0.5, 0.5, 0.0], [0.2, 0.5, 0.3]) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="at least one label"):
        class_shares([], 3)
    with pytest.raises(ValueError, match=r"labels must lie in 0..2. Received: \[3\]"):
        class_shares([0, 3], 3)


def _outputs(task, source_val_logits, target_logits):
    def split(name, domain, logits):
        return selection.DomainOutputs(name, np.asarray(logits, float), None, domain.y)

    return selection.ModelOutputs.from_outputs(task, {
        "source_train": split("source_train", task.source_train, np.zeros((task.source_train.n, 2))),
        "source_val": split("source_val", task.source_val, source_val_logits),
        "target_train": split("target_train", task.target_train, target_logits),
        "target_test": split("target_test", task.target_test, np.zeros((task.target_test.n, 2))),
    })


def test_evidence_reads_the_source_labels_and_the_predicted_target_shares_only():
    x = np.zeros((4, 1), "float32")
    task = TransferTask("s->t", Domain("s", x, [0, 0, 0, 1], 2), Domain("v", x, [0, 1, 1, 1], 2),
                        Domain("t", x, None, 2), Domain("tt", x, [1, 1, 1, 1], 2), 2)
    # Source (train + validation) 4 / 4 of each class; the target predicted 3 × class 1.
    sure, unsure = [4.0, 0.0], [0.0, 0.0]  # top-class probabilities 0.982 and 0.5
    evidence = label_shift_evidence(_outputs(task, [sure] * 4, [unsure, sure[::-1], sure[::-1],
                                                                sure[::-1]]), task)
    assert evidence["class_shift"] == pytest.approx(0.25)  # ½ (|½ − ¼| + |½ − ¾|)
    top = 1 / (1 + np.exp(-4.0))
    assert evidence["confidence_drop"] == pytest.approx(top - (0.5 + 3 * top) / 4)


def test_the_guard_needs_a_large_class_shift_and_no_loss_of_confidence():
    guard = LabelShiftGuard()
    assert guard.fires({"class_shift": 0.5, "confidence_drop": 0.05})
    assert not guard.fires({"class_shift": 0.49, "confidence_drop": -0.2})
    assert not guard.fires({"class_shift": 0.9, "confidence_drop": 0.06})
    assert "at least 0.5" in guard.describe()
    with pytest.raises(ValueError, match="must hold finite class_shift, confidence_drop"):
        guard.fires({"class_shift": 0.7})
    with pytest.raises(ValueError, match="must hold finite.*Received: None"):
        guard.fires(None)
    with pytest.raises(ValueError, match="min_class_shift"):
        LabelShiftGuard(min_class_shift=1.5)
    with pytest.raises(TypeError, match="max_confidence_drop"):
        LabelShiftGuard(max_confidence_drop="0.05")


C, D = 3, 8


def _blobs(shares, n, rng, centres, offset=0.0):
    y = rng.choice(C, n, p=shares)
    return (centres[y] + rng.normal(0, 1, (n, D)) + offset).astype("float32"), y


def _task(target_shares, offset=0.0, seed=0):
    """Three Gaussian classes in 8-D, a third of each in the source; the target's class
    proportions `target_shares`, its features moved by `offset`."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (C, D))
    domains = [Domain(name, *_blobs(shares, 600, rng, centres, shift), C)
               for name, shares, shift in (("s", [1 / 3] * 3, 0.0), ("t", target_shares, offset))]
    return TransferTask.from_domains("s->t", *domains, seed=seed)


def _source_only_evidence(task):
    set_seed(0)
    model = methods.get("source_only")(backbones.get("mlp", input_shape=(D,), units=(32,)),
                                       num_classes=C)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    fit_task(model, task, epochs=5, batch_size=32, seed=0)
    return label_shift_evidence(selection.ModelOutputs(model, task), task)


def test_a_label_shift_fires_the_guard_and_a_covariate_shift_does_not():
    # The same classes drawn 90 / 5 / 5 in the target: an accurate source_only sees the true
    # difference of the proportions (about 0.57), and is as confident as on the source.
    task = _task([0.9, 0.05, 0.05])
    source = np.concatenate([task.source_train.y, task.source_val.y])
    true_shift = total_variation(class_shares(source, C), class_shares(task.target_test.y, C))
    shifted = _source_only_evidence(task)
    assert shifted["class_shift"] == pytest.approx(true_shift, abs=0.03), (shifted, true_shift)
    assert abs(shifted["confidence_drop"]) < 0.02, shifted
    assert LabelShiftGuard().fires(shifted)
    # A covariate shift that moves the predicted shares as much: the digits rotated by 30°
    # (the digits_shift benchmark's run, through the runner, which stores the evidence). The
    # rotated target is where source_only is wrong, and less sure.
    config = RunConfig(experiment="digits_shift", task="original->rotated", method="source_only",
                       seed=0, epochs=10, steps_per_epoch=50, batch_size=32,
                       backbone_options={"units": [128, 64]}, validators=("entropy",))
    record, _ = train_and_evaluate(config)
    assert record["class_shift"] > 0.5 and record["confidence_drop"] > 0.1, record
    assert not LabelShiftGuard().fires(record)
