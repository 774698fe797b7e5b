"""experiments.auto_rule: candidate rules for auto replayed on stored runs, leave one out."""

import pandas as pd
import pytest

from experiments import auto_rule
from tftransfer import auto


def _records(benchmarks=("a", "b", "c")) -> pd.DataFrame:
    """Candidate runs where only the source validation accuracy finds the best method.

    source_only scores 0 on every validator. "mcc" beats it on every validator, has the best
    validator scores and source_only's source validation accuracy, but "meda" (second on
    every validator, the best source validation accuracy) is 15 points better on the target;
    every other candidate is below source_only on every validator, so no rule lets it pass.
    """
    rows = []
    for benchmark in benchmarks:
        for task in ("t1", "t2"):
            for method in auto.CANDIDATES:
                validators, source_val, target = {"source_only": (0.0, 0.80, 0.50),
                                                  "mcc": (0.6, 0.80, 0.55),
                                                  "meda": (0.5, 0.90, 0.70)}.get(method, (-1.0, 0.5, 0.3))
                rows.append({"experiment": benchmark, "task": task, "seed": 0, "method": method,
                             "target_accuracy": target, "source_val_accuracy": source_val,
                             **{f"score_{v}": validators for v in auto.VALIDATORS if v != "source_val"},
                             "score_source_val": source_val})
    return pd.DataFrame(rows)


def test_rule_families():
    base = auto_rule.candidate_rules()
    # Subsets of 1-3 of 5 validators × 3 source drops, over all candidates or by family.
    assert len(base) == 25 * 3 * 2
    assert all(tuple(r.rank_by) == tuple(r.evidence) for r in base)
    assert sum(r.across_families for r in base) == 75
    extended = auto_rule.candidate_rules("any")
    assert len(extended) == 25 * 3 * (6 + 15) * 2  # ranked on 1 or 2 of 6 scores
    names = [auto_rule.rule_name(r) for r in extended]
    assert len(set(names)) == len(names)
    assert {"entropy / drop 5", "entropy / drop 5 / rank source_val",
            "entropy / drop 5 / by family"} <= set(names)
    with pytest.raises(ValueError, match="evidence, any"):
        auto_rule.candidate_rules("all")


def test_ranking_by_source_validation_picks_what_the_validators_miss():
    frame = _records()
    oracle = auto_rule.oracle_best(frame)
    assert oracle.to_dict() == {"a": 70.0, "b": 70.0, "c": 70.0}
    rules = {auto_rule.rule_name(r): r for r in (
        auto.Rule(evidence=("entropy",), max_source_drop=0.05, rank_by=("entropy",)),
        auto.Rule(evidence=("entropy",), max_source_drop=0.05, rank_by=("source_val",)))}
    replays = {name: auto_rule.replay(frame, rule) for name, rule in rules.items()}
    assert set(replays["entropy / drop 5"]["pick"]) == {"mcc"}
    assert set(replays["entropy / drop 5 / rank source_val"]["pick"]) == {"meda"}
    scores = {name: auto_rule.per_benchmark(r, oracle) for name, r in replays.items()}
    assert auto_rule.choose(scores, ["a", "b"]) == "entropy / drop 5 / rank source_val"
    assert scores["entropy / drop 5 / rank source_val"].loc["c", "gap_to_oracle"] == pytest.approx(0.0)


def test_by_family_the_classical_pick_needs_a_source_validation_accuracy_not_lower():
    frame = _records(benchmarks=("a",))
    by_family = auto.Rule(evidence=("entropy",), max_source_drop=0.05, rank_by=("entropy",),
                          across_families=True)
    # meda leads the classical family and fits the source better than mcc, the deep pick.
    assert set(auto_rule.replay(frame, by_family)["pick"]) == {"meda"}
    lower = frame.assign(source_val_accuracy=frame["source_val_accuracy"].where(
        frame["method"] != "meda", 0.79))
    assert set(auto_rule.replay(lower, by_family)["pick"]) == {"mcc"}


def test_main_chooses_leave_one_out_and_writes_its_table(tmp_path):
    _records().to_csv(tmp_path / "results.csv", index=False)
    text = auto_rule.main(["--results", str(tmp_path)])
    # Ranked on the validators, mcc leads (+5 points); by family, meda's better source fit
    # wins (+20, the ORACLE): the leave-one-out choice is a by-family rule in every fold.
    assert text.count("/ by family | +20.0 | 0.0 | meda 2 |") == 3
    assert "(the default): **" in text and "/ by family**" in text
    assert (tmp_path / "auto_rule.md").read_text() == text


def test_a_folder_without_results_is_a_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        auto_rule.main(["--results", str(tmp_path)])
    assert "must be a defaults-report folder" in capsys.readouterr().err
