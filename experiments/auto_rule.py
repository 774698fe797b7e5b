"""How `auto`'s rule was chosen: candidate rules scored leave-one-benchmark-out.

    python -m experiments.auto_rule [--results results/defaults_report] [--out ...]
        [--rank-by evidence|any] [--candidates all|deep]

Reads the candidate runs of a defaults report (every candidate of `tftransfer.auto` on every
benchmark, task and seed, with the honest validators' scores stored in their records) and
replays `auto.decide` under each candidate rule: which validators must agree (every
non-empty subset of up to three of DEV, IWCV, reverse validation, entropy, SND) and how much
source validation accuracy a candidate may lose (1, 2 or 5 points); the candidates that pass
are ranked on the same validators (`--rank-by evidence`) or, with `--rank-by any`, on any one
or two of source validation accuracy and the five validators (a rule may then e.g. guard with
entropy and rank by source validation accuracy); and each rule is replayed twice: over all
candidates at once, and "by family" (`auto.Rule.across_families`: within the deep and within
the classical candidates, then the classical pick if its source validation accuracy is not
lower) — 150 rules, or 3,150 with `--rank-by any`. For each benchmark B the
rule is chosen on the OTHER benchmarks (the largest mean gain over source_only among the rules
never below it there; ties to the simpler rule), then scored on B: the table's numbers for
B never saw B's target labels in the choice. The default rule is the one chosen on all
benchmarks. Target labels only score the replays. The rules are replayed without auto's
label-shift guard (`auto.Rule.label_shift_guard`), which reads source_only alone and fires on
none of the report's decisions (docs/benchmarks.md, "auto's label-shift guard").
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import pandas as pd

from tftransfer import auto
from tftransfer.io import write_text_atomic

EVIDENCE = ("dev", "iwcv", "reverse_validation", "entropy", "snd")
SOURCE_DROPS = (0.01, 0.02, 0.05)
#: What `--rank-by any` may order the passing candidates by: source validation accuracy (no
#: target label either) or any validator.
RANK_BY = ("source_val", *EVIDENCE)
RANK_BY_MODES = ("evidence", "any")


def candidate_rules(rank_by: str = "evidence") -> List[auto.Rule]:
    """The rules replayed: every non-empty subset of up to three EVIDENCE validators × each
    SOURCE_DROPS; ranked on that evidence ("evidence") or on any one or two of RANK_BY ("any");
    each over all candidates at once and by family."""
    if rank_by not in RANK_BY_MODES:
        raise ValueError(f"rank_by must be one of {', '.join(RANK_BY_MODES)}. Received: {rank_by!r}")
    rankings = [r for size in (1, 2) for r in itertools.combinations(RANK_BY, size)]
    rules = []
    for size in (1, 2, 3):
        for evidence in itertools.combinations(EVIDENCE, size):
            for drop in SOURCE_DROPS:
                for ranking in ([evidence] if rank_by == "evidence" else rankings):
                    for by_family in (False, True):
                        rules.append(auto.Rule(evidence=evidence, max_source_drop=drop,
                                               rank_by=ranking, across_families=by_family))
    return rules


def rule_name(rule: auto.Rule) -> str:
    name = f"{'+'.join(rule.evidence)} / drop {100 * rule.max_source_drop:g}"
    if tuple(rule.rank_by) != tuple(rule.evidence):
        name += f" / rank {'+'.join(rule.rank_by)}"
    if rule.across_families:
        name += " / by family"
    return name


#: The candidate sets the rules can be replayed over (`--candidates`).
CANDIDATE_SETS = {"all": auto.CANDIDATES,
                  "deep": tuple(c for c in auto.CANDIDATES if c not in auto.SHALLOW_CANDIDATES)}


def replay(frame: pd.DataFrame, rule: auto.Rule,
           candidate_set: Sequence[str] = auto.CANDIDATES) -> pd.DataFrame:
    """auto's accuracy under `rule` per benchmark × task × seed, beside source_only's, with
    `candidate_set` as its candidates (groups missing one are left out)."""
    rows = []
    candidates = frame[frame["method"].isin(candidate_set)]
    for (benchmark, task, seed), group in candidates.groupby(["experiment", "task", "seed"]):
        if set(group["method"]) != set(candidate_set):
            continue
        records = {r["method"]: r for r in group.to_dict(orient="records")}
        try:
            pick = auto.decide(records, rule).pick
        except ValueError:  # a candidate without a finite score: auto keeps the baseline
            pick = auto.BASELINE
        rows.append({"benchmark": benchmark, "task": task, "seed": seed,
                     "auto": records[pick]["target_accuracy"],
                     "source_only": records["source_only"]["target_accuracy"], "pick": pick})
    return pd.DataFrame(rows)


def per_benchmark(replayed: pd.DataFrame, oracle: pd.Series) -> pd.DataFrame:
    """Per benchmark: auto and source_only averages (%), gain, gap to the oracle method."""
    means = 100 * replayed.groupby("benchmark")[["auto", "source_only"]].mean()
    means["gain"] = means["auto"] - means["source_only"]
    means["gap_to_oracle"] = oracle.reindex(means.index) - means["auto"]
    return means


def oracle_best(frame: pd.DataFrame, candidate_set: Sequence[str] = auto.CANDIDATES) -> pd.Series:
    """Per benchmark, the best candidate's average accuracy (%), chosen WITH target labels."""
    candidates = frame[frame["method"].isin(candidate_set)]
    means = 100 * candidates.groupby(["experiment", "method"])["target_accuracy"].mean()
    return means.groupby("experiment").max()


def choose(scores: Dict[str, pd.DataFrame], benchmarks: Sequence[str]) -> str:
    """The rule with the largest mean gain on `benchmarks` among those never below
    source_only there (all rules when none qualifies); ties go to the simpler rule."""
    table = pd.DataFrame({name: s.loc[list(benchmarks), "gain"] for name, s in scores.items()}).T
    safe = table[(table >= 0).all(axis=1)]
    pool = safe if len(safe) else table
    means = pool.mean(axis=1)
    best = means.max()
    tied = [name for name in pool.index if means[name] >= best - 1e-9]
    return min(tied, key=lambda name: (name.count("+"), name))


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results/defaults_report",
                        help="a defaults-report folder (its results.csv)")
    parser.add_argument("--out", default=None, help="where to write auto_rule.md (default: --results)")
    parser.add_argument("--candidates", default="all", choices=sorted(CANDIDATE_SETS),
                        help="auto's candidates in the replay: all (auto.CANDIDATES) or deep "
                             "(without the classical ones, auto before they joined)")
    parser.add_argument("--rank-by", default="evidence", choices=RANK_BY_MODES,
                        help="evidence: rank passing candidates on the rule's validators (150 "
                             "rules); any: on any one or two of source validation accuracy and "
                             "the validators (3,150 rules, 9 minutes on 2 cores)")
    args = parser.parse_args(argv)
    candidate_set = CANDIDATE_SETS[args.candidates]
    results = Path(args.results) / "results.csv"
    if not results.is_file():
        parser.error(f"no {results}: --results must be a defaults-report folder "
                     "(python -m experiments.defaults_report --out FOLDER)")
    frame = pd.read_csv(results, dtype={"run_id": str})
    frame = frame[frame["status"].fillna("done") == "done"] if "status" in frame else frame
    rules = {rule_name(r): r for r in candidate_rules(args.rank_by)}
    oracle = oracle_best(frame, candidate_set)
    replays = {name: replay(frame, rule, candidate_set) for name, rule in rules.items()}
    scores = {name: per_benchmark(r, oracle) for name, r in replays.items()}
    benchmarks = sorted(oracle.index)
    lines = ["## How auto's rule was chosen (leave one benchmark out)", "",
             f"{len(rules)} candidate rules replayed on the candidate runs of `{args.results}` "
             f"(candidates: {', '.join(candidate_set)}). "
             "For each benchmark the rule is chosen on the others (largest mean gain over "
             "source_only among the rules never below it there), then scored on it.", "",
             "| held-out benchmark | rule chosen on the others | auto − source_only | "
             "ORACLE best candidate − auto | auto's picks |", "|---|---|---|---|---|"]
    for held_out in benchmarks:
        chosen = choose(scores, [b for b in benchmarks if b != held_out])
        row = scores[chosen].loc[held_out]
        picks = replays[chosen]
        picks = picks[picks["benchmark"] == held_out]["pick"].value_counts()
        lines.append(f"| {held_out} | {chosen} | {row['gain']:+.1f} | {row['gap_to_oracle']:.1f} | "
                     + ", ".join(f"{p} {n}" for p, n in picks.items()) + " |")
    final = choose(scores, benchmarks)
    lines += ["", f"Rule chosen on all benchmarks (the default): **{final}**.", "",
              "Per benchmark with that rule (in-sample):", "",
              "| benchmark | source_only | auto | gain | ORACLE best − auto |", "|---|---|---|---|---|"]
    for benchmark, row in scores[final].iterrows():
        lines.append(f"| {benchmark} | {row['source_only']:.1f} | {row['auto']:.1f} | "
                     f"{row['gain']:+.1f} | {row['gap_to_oracle']:.1f} |")
    text = "\n".join(lines) + "\n"
    name = "auto_rule" + ("" if args.candidates == "all" else f"_{args.candidates}") \
        + ("" if args.rank_by == "evidence" else f"_rank_{args.rank_by}") + ".md"
    write_text_atomic(Path(args.out or args.results) / name, text)
    print(text)
    return text


if __name__ == "__main__":
    main()
