"""experiments.default_variants: a method's option variants against source_only, leave one out."""

import pandas as pd
import pytest

from experiments import default_variants


def test_leave_one_out_picks_on_the_other_benchmarks():
    deltas = pd.DataFrame({"v0": [10.0, -5.0, 1.0], "v1": [2.0, 3.0, 2.0]},
                          index=["a", "b", "c"])
    table = default_variants.leave_one_out(deltas).set_index("held out")
    # Holding out b: v0 wins on a and c (5.5 vs 2.0) and scores -5.0 on b.
    assert table.loc["b", "chosen on the others"] == "v0"
    assert table.loc["b", "Δ held out"] == -5.0
    # Holding out a: v1 wins on b and c (2.5 vs -2.0).
    assert table.loc["a", "chosen on the others"] == "v1"


@pytest.mark.slow
def test_runs_the_variants_and_source_only_on_one_task(tmp_path):
    text = default_variants.main(["--method", "dann", "--variants", '[{"lambda_": 0.3}]',
                                  "--benchmarks", "digits_shift", "--tasks", "original->rotated",
                                  "--out", str(tmp_path), "--jobs", "1"])
    assert "| digits_shift |" in text and (tmp_path / "summary.md").read_text() == text
    runs = list((tmp_path / "runs").glob("*/done"))
    assert len(runs) == 2  # source_only and the one variant


def test_bad_variants_are_rejected(tmp_path):
    with pytest.raises(SystemExit):
        default_variants.main(["--method", "dann", "--variants", "{lambda: 1}", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        default_variants.main(["--method", "dann", "--variants", "[]", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        default_variants.main(["--method", "dann", "--variants", '[{"lambda_": 1}]',
                               "--benchmarks", "imagenet", "--out", str(tmp_path)])
    for method, variants in (("danny", '[{"lambda_": 1}]'), ("dann", '[{"temperature": 2}]')):
        with pytest.raises(SystemExit):
            default_variants.main(["--method", method, "--variants", variants,
                                   "--benchmarks", "digits_shift", "--out", str(tmp_path)])


def test_task_set_without_tasks_is_refused(tmp_path):
    # decaf's every task is in the report: it has no held-out task.
    with pytest.raises(SystemExit):
        default_variants.main(["--method", "dann", "--variants", '[{"lambda_": 1}]',
                               "--benchmarks", "decaf", "--task-set", "held_out",
                               "--out", str(tmp_path)])


def test_held_out_task_set_runs_the_left_out_tasks(tmp_path, monkeypatch):
    seen = {}

    def fake_variant_configs(method, variants, benchmarks, tasks, seeds, data_dir):
        seen.update(tasks)
        raise ValueError("stop before training")

    monkeypatch.setattr(default_variants, "variant_configs", fake_variant_configs)
    with pytest.raises(SystemExit):
        default_variants.main(["--method", "dann", "--variants", '[{"lambda_": 1}]',
                               "--benchmarks", "office_caltech_surf,msrc_voc",
                               "--task-set", "held_out", "--out", str(tmp_path)])
    assert seen == {"office_caltech_surf": ["C->W", "C->D", "A->C", "W->A", "D->A", "D->W"]}


def test_spread_is_over_seeds_of_the_seed_by_seed_delta():
    rows = []
    # Benchmark "a": source_only 50 / 60 on seeds 0 / 1, the variant 54 / 62: Δ 4 and 2.
    for seed, base, variant in ((0, 0.50, 0.54), (1, 0.60, 0.62)):
        rows += [{"experiment": "a", "seed": seed, "variant": "source_only", "target_accuracy": base},
                 {"experiment": "a", "seed": seed, "variant": "v0", "target_accuracy": variant}]
    frame = pd.DataFrame(rows)
    assert default_variants.delta_table(frame).loc["a", "v0"] == pytest.approx(3.0)
    spread = default_variants.delta_spread(frame)
    assert spread.loc["a", "v0"] == pytest.approx(1.0)  # std of (4, 2), ddof 0
    shown = default_variants.with_spread(default_variants.delta_table(frame), spread)
    assert shown.loc["a", "v0"] == "3.0 ± 1.0"


def test_a_variant_can_set_a_pipelines_transform_options(tmp_path):
    pairs = default_variants.variant_configs(
        "coral", [{}, {"transform_options": {"standardize": "domain"}}], ["digits_shift"],
        {"digits_shift": ["original->rotated"]}, 1, tmp_path)
    configs = {label: config for config, label in pairs}
    assert configs["v0"].transform == "coral" and dict(configs["v0"].transform_options) == {}
    assert dict(configs["v1"].transform_options) == {"standardize": "domain"}
    assert dict(configs["v1"].method_options) == dict(configs["v0"].method_options)
    assert configs["v1"].run_id() != configs["v0"].run_id()
