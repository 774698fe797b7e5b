"""`auto`: pick a method without target labels, and fall back to source-only when unsure.

Every candidate (source_only, the unsupervised deep adaptation methods and the classical
JDA, BDA, MEDA, EasyTL and GFK where they fit the data, each with its default settings) is
trained on the task; each trained model is scored by validators that never read
target labels (`tftransfer.selection`); a candidate replaces source_only only when the
evidence that it is better is strong (`Rule`). Otherwise the answer is source_only: the guard
against negative transfer.

The rule and why (docs/benchmarks.md, "auto"): the default rule was chosen leave-one-
benchmark-out (`python -m experiments.auto_rule` on a defaults report): 150 candidate rules
(every set of up to three of DEV, IWCV, reverse validation, entropy, SND as the evidence, a
largest source-validation drop of 1, 2 or 5 points, over all candidates at once or by family)
were replayed on the stored candidate runs of the seven benchmarks; for each benchmark the rule
was picked on the other six. The same rule won in all seven folds: within the deep candidates
and within the classical ones, a candidate must have a lower mean prediction entropy on the
target than source_only and lose at most 5 points of source validation accuracy, and among
those the lowest entropy wins; then the classical pick replaces the deep one if its source
validation accuracy is not lower. Entropy is compared only within a family because its scale
is not shared: a deep candidate's softmax is scored as trained (MCC minimises target entropy
by design), a classical one's after calibration on the source, so over all candidates at once
entropy ranks the classical ones last (auto was then 6.5 points under MEDA on digits and 5.2
on Office-Caltech). Held out, the rule gained +0.2 to +35.0 points over source_only on every
benchmark, within 0.5 points of the best candidate chosen with target labels on five of them,
2.1 (digits) and 1.8 (Office-Caltech) under it on the other two.
Entropy alone rewards a collapsed model (confident and wrong); the source-validation guard is
what catches that — an adversarial collapse shows on the labelled source first.
A second guard reads source_only alone (`selection.LabelShiftGuard`): when its predicted target
class shares differ from the source's by a total variation of 0.5 or more while it is no less
confident on the target (a mean top-class probability at most 0.05 lower), the shift reads as a
change of the classes' proportions, where aligning the domains costs accuracy (Zhao et al.,
ICML 2019), and auto keeps source_only whatever the validators say. On tables split so that the
classes' proportions move it took auto from 1.3 points under source_only to 1.5 above it, and it
fires on no decision of the seven benchmarks or the penguins; it misses a label shift seen
through a weak source classifier (Office-Caltech SURF targets subsampled by class: auto 4.5
points under source_only; `benchmarks/files_label_shift.py`, docs/benchmarks.md, "auto's
label-shift guard"). Other rules
(`Rule(evidence=("dev", "reverse_validation"))`, an earlier default, demanded agreement of
two validators that fail differently) are one argument away.

Example:
    >>> from tftransfer import auto
    >>> result = auto.fit(task)  # 10 epochs of max(50, one pass) steps of 32
    >>> result.decision.pick, result.decision.reason
    >>> result.decision.table          # every candidate's scores, pass/fail and why
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from tftransfer._checks import check_float
from tftransfer.config import RunConfig
from tftransfer.data.pipeline import steps_per_epoch_at_least
from tftransfer.selection.label_shift import FIELDS as LABEL_SHIFT_FIELDS
from tftransfer.selection.label_shift import LabelShiftGuard

#: The baseline auto falls back to.
BASELINE = "source_only"
#: The classical (shallow) candidates: fitted on arrays in seconds, the best published rows on
#: small feature benchmarks (`tftransfer.shallow`). Their class scores are temperature-scaled
#: on the labelled source validation split before any validator reads them
#: (`tftransfer.shallow.calibration`), so that entropy compares like with like.
SHALLOW_CANDIDATES = ("jda", "bda", "meda", "easytl", "gfk")
#: Candidates: the baseline, the unsupervised deep adaptation methods and the classical ones,
#: each with its default settings.
CANDIDATES = ("source_only", "dann", "dan", "deep_coral", "cdan", "cdan_e", "mdd", "mcc", "cdan_mcc",
              *SHALLOW_CANDIDATES)
#: The classical candidates build n × n matrices (O(n²) memory, O(n³) time): above this many
#: source + target training samples auto leaves them out (`candidates_for`).
SHALLOW_MAX_SAMPLES = 8000
#: Validators stored with every candidate run (the rule reads some; the report shows all).
VALIDATORS = ("source_val", "dev", "iwcv", "entropy", "snd", "reverse_validation")


@dataclass(frozen=True)
class Rule:
    """When a candidate may replace the baseline.

    Args:
        evidence: Validators on which the candidate must score at least as high as the
            baseline, and strictly higher on one (a saturated score, e.g. a reverse
            validation of 1.0 for everyone, cannot decide alone).
        max_source_drop: Largest fall of source validation accuracy (a fraction, 0.02 = 2
            points) a candidate may show against the baseline.
        rank_by: Validators whose mean rank orders the candidates that pass.
        across_families: Decide within the deep candidates and within the classical ones
            (`SHALLOW_CANDIDATES`), each family with the baseline, by the rule above; then
            keep the classical family's pick when its source validation accuracy is at
            least the deep pick's. The validators' scores are not on one scale across the
            families (a deep model's softmax is scored as trained — MCC minimises target
            entropy by design —, a classical one's after calibration on the source), source
            validation accuracy is. False: one decision over all candidates.
        label_shift_guard: When given, source_only is kept whenever the guard fires on
            source_only's label-shift evidence (its record's `class_shift` and
            `confidence_drop`), whatever the rule above picks. None: no such guard.
    """

    evidence: Sequence[str] = ("dev", "reverse_validation")
    max_source_drop: float = 0.02
    rank_by: Sequence[str] = ("dev", "reverse_validation")
    across_families: bool = False
    label_shift_guard: Optional[LabelShiftGuard] = None

    def __post_init__(self):
        check_float(self.max_source_drop, "max_source_drop", minimum=0.0, maximum=1.0, owner="Rule")
        if not isinstance(self.across_families, bool):
            raise TypeError(f"Rule: across_families must be a bool. Received: {self.across_families!r}")
        guard = self.label_shift_guard
        if not (guard is None or isinstance(guard, LabelShiftGuard)):
            raise TypeError("Rule: label_shift_guard must be a LabelShiftGuard or None. "
                            f"Received: {guard!r}")
        missing = sorted((set(self.evidence) | set(self.rank_by)) - set(VALIDATORS))
        if missing:
            raise ValueError(f"Rule: validators {missing} are not stored with candidate runs. "
                             f"Valid: {', '.join(VALIDATORS)}")

    def describe(self) -> str:
        within = (f"a candidate replaces {BASELINE} only if it scores no lower on any of "
                  f"{', '.join(self.evidence)}, higher on one, and loses at most {100 * self.max_source_drop:g} points "
                  f"of source validation accuracy; the passing candidate with the best mean rank on "
                  f"{', '.join(self.rank_by)} wins, else {BASELINE}")
        if self.across_families:
            within = (f"within the deep candidates and within the classical ones "
                      f"({', '.join(SHALLOW_CANDIDATES)}), each with {BASELINE}: {within}; "
                      "then the classical pick wins if its source validation accuracy is at least "
                      "the deep pick's, else the deep pick")
        if self.label_shift_guard is None:
            return within
        return f"{within}; but {BASELINE} whenever {self.label_shift_guard.describe()}"


#: Chosen leave-one-benchmark-out (module docstring; docs/benchmarks.md).
DEFAULT_RULE = Rule(evidence=("entropy",), max_source_drop=0.05, rank_by=("entropy",),
                    across_families=True, label_shift_guard=LabelShiftGuard())


@dataclass
class Decision:
    """What auto picked, why, and every candidate's evidence."""

    pick: str
    reason: str
    table: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict:
        return {"pick": self.pick, "reason": self.reason,
                "candidates": self.table.reset_index().to_dict(orient="records")}


def decide(scores: Mapping[str, Mapping[str, float]], rule: Rule = DEFAULT_RULE) -> Decision:
    """Picks among candidates from their honest scores (by family first with
    `rule.across_families`; source_only whenever `rule.label_shift_guard` fires).

    Args:
        scores: {candidate: {"source_val_accuracy": ..., "score_<validator>": ...}} — the
            records of the candidates' runs on one task and seed (extra keys are ignored).
        rule: The decision rule.

    Returns:
        The `Decision`; its table has one row per candidate with the scores used, whether it
        passed and why not.

    Raises:
        ValueError: the baseline is missing, a candidate lacks a validator the rule reads, or
            the rule has a label-shift guard and the baseline's record lacks its evidence.
    """
    guard = rule.label_shift_guard
    decision = _decide_by_family(scores, replace(rule, label_shift_guard=None))
    if guard is None:
        return decision
    baseline = scores[BASELINE]
    missing = [f for f in LABEL_SHIFT_FIELDS if not _finite(baseline.get(f))]
    if missing:
        raise ValueError(f"auto: the label-shift guard reads {', '.join(LABEL_SHIFT_FIELDS)} of "
                         f"the {BASELINE} run, which has no finite {', '.join(missing)}: the run "
                         "must be scored with validators by this version (relaunching retrains "
                         "it)")
    table = decision.table.assign(**{f: pd.Series({name: scores[name].get(f, math.nan)
                                                   for name in decision.table.index}, dtype=float)
                                     for f in LABEL_SHIFT_FIELDS})
    if not guard.fires(baseline):
        return Decision(decision.pick, decision.reason, table)
    return Decision(BASELINE, (
        f"label-shift guard: {BASELINE}'s predicted target class shares differ from the source's "
        f"by a total variation of {float(baseline['class_shift']):.2f} (at least "
        f"{guard.min_class_shift:g}) with its confidence {float(baseline['confidence_drop']):+.2f} "
        f"lower on the target (at most {guard.max_confidence_drop:g}): the classes' proportions "
        f"look changed, where aligning the domains costs accuracy; {BASELINE} kept (without the "
        f"guard: {decision.pick}, {decision.reason})"), table)


def _decide_by_family(scores: Mapping[str, Mapping[str, float]], rule: Rule) -> Decision:
    """`decide` without the label-shift guard."""
    classical = [name for name in scores if name in SHALLOW_CANDIDATES]
    deep = [name for name in scores if name not in SHALLOW_CANDIDATES]
    if not (rule.across_families and classical and len(deep) > 1):
        return _decide_one_family(scores, rule)
    within = replace(rule, across_families=False)  # its reasons name the within-family rule
    decisions = {family: _decide_one_family({n: scores[n] for n in names}, within)
                 for family, names in (("deep", deep), ("classical", [BASELINE, *classical]))}
    table = pd.concat([decisions["deep"].table.assign(family="deep"),
                       decisions["classical"].table.drop(index=BASELINE).assign(family="classical")])
    deep_pick, classical_pick = decisions["deep"].pick, decisions["classical"].pick
    if classical_pick == BASELINE:
        return Decision(deep_pick, f"deep: {decisions['deep'].reason}; classical: "
                        f"{decisions['classical'].reason}", table)
    accuracy = table["source_val_accuracy"]
    comparison = (f"source validation accuracy {100 * accuracy[classical_pick]:.1f} % for "
                  f"{classical_pick}, {100 * accuracy[deep_pick]:.1f} % for {deep_pick}")
    if accuracy[classical_pick] >= accuracy[deep_pick]:
        return Decision(classical_pick, f"classical: {decisions['classical'].reason}; deep pick "
                        f"{deep_pick}; {comparison}: the classical pick is not lower", table)
    return Decision(deep_pick, f"deep: {decisions['deep'].reason}; classical pick "
                    f"{classical_pick}; {comparison}: the classical pick is lower", table)


def _decide_one_family(scores: Mapping[str, Mapping[str, float]], rule: Rule) -> Decision:
    """`decide` over `scores` as one family."""
    if BASELINE not in scores:
        raise ValueError(f"auto needs the {BASELINE} run among the candidates. Received: "
                         f"{sorted(scores)}")
    needed = sorted(set(rule.evidence) | set(rule.rank_by))
    rows = {}
    for name, record in scores.items():
        missing = [v for v in needed if not _finite(record.get(f"score_{v}"))]
        if missing or not _finite(record.get("source_val_accuracy")):
            raise ValueError(f"auto: candidate {name!r} has no finite score for "
                             f"{missing or ['source_val_accuracy']}; its run must store "
                             f"validators {', '.join(VALIDATORS)}")
        rows[name] = {"source_val_accuracy": float(record["source_val_accuracy"]),
                      **{v: float(record[f"score_{v}"]) for v in needed}}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("candidate")
    base = table.loc[BASELINE]
    verdicts = {}
    for name, row in table.iterrows():
        if name == BASELINE:
            verdicts[name] = "baseline"
            continue
        worse = [v for v in rule.evidence if row[v] < base[v]]
        better = [v for v in rule.evidence if row[v] > base[v]]
        drop = base["source_val_accuracy"] - row["source_val_accuracy"]
        if worse:
            verdicts[name] = f"below {BASELINE} on {', '.join(worse)}"
        elif not better:
            verdicts[name] = f"not above {BASELINE} on any of {', '.join(rule.evidence)}"
        elif drop > rule.max_source_drop:
            verdicts[name] = f"source validation accuracy {100 * drop:.1f} points below {BASELINE}"
        else:
            verdicts[name] = "pass"
    table["verdict"] = pd.Series(verdicts)
    passing = table[table["verdict"] == "pass"]
    if passing.empty:
        return Decision(BASELINE, f"no candidate passed the rule ({rule.describe()})", table)
    ranks = passing[list(rule.rank_by)].rank(ascending=False).mean(axis=1)
    pick = str(ranks.sort_values(kind="stable").index[0])
    table["mean_rank"] = ranks
    reason = (f"{pick} passed ({len(passing)} of {len(table) - 1} candidates did) and ranks best on "
              f"{', '.join(rule.rank_by)}")
    return Decision(pick, reason, table)


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def candidates_for(n_samples: Optional[int] = None, n_features: Optional[int] = None,
                   candidates: Optional[Sequence[str]] = None) -> List[str]:
    """auto's candidates for a task of `n_samples` source + target training samples with
    `n_features` features: all of `candidates` (default `CANDIDATES`) less the classical ones
    that cannot run there with their defaults — all of them above `SHALLOW_MAX_SAMPLES`, and
    each whose default subspace (`n_components`) is a fixed number of dimensions above the
    features' (the registered defaults are None: the paper's k, or fewer where the data have
    fewer, so they run on any number of features).
    """
    from tftransfer import shallow  # the registry, only for the classical candidates' defaults

    candidates = CANDIDATES if candidates is None else candidates
    if n_samples is not None and n_samples > SHALLOW_MAX_SAMPLES:
        return [c for c in candidates if c not in SHALLOW_CANDIDATES]
    if n_features is not None:
        return [c for c in candidates if c not in SHALLOW_CANDIDATES
                or (shallow.get(c).get_params().get("n_components") or 0) <= n_features]
    return list(candidates)


def required_candidates() -> List[str]:
    """The candidates every auto decision needs (the classical ones may be left out)."""
    return [c for c in CANDIDATES if c not in SHALLOW_CANDIDATES]


def candidate_configs(base: RunConfig, candidates: Optional[Sequence[str]] = None) -> List[RunConfig]:
    """One config per candidate on `base` (its task, seed, backbone, data), validators on.

    The base's method options and recipe are dropped: every candidate runs its defaults.
    """
    candidates = CANDIDATES if candidates is None else candidates
    return [base.replace(method=name, variant=name, method_options={}, recipe={},
                         validators=tuple(VALIDATORS)) for name in candidates]


def auto_record(candidate_records: Sequence[dict], rule: Rule = DEFAULT_RULE) -> dict:
    """The `auto` row of a results table from its candidates' records (one task, one seed).

    Its accuracy is the picked candidate's; `auto_pick` names it. Failed candidates are left
    out (a failed baseline fails auto).
    """
    done = {r["method"]: r for r in candidate_records if r.get("status") == "done"}
    decision = decide(done, rule)
    picked = done[decision.pick]
    record = {**picked, "method": "auto", "auto_pick": decision.pick,
              "auto_reason": decision.reason, "cached": all(r.get("cached") for r in done.values())}
    record["run_id"] = "auto:" + picked["run_id"]
    return record, decision


def with_candidates(method_names: Sequence[str], n_samples: Optional[int] = None,
                    n_features: Optional[int] = None) -> List[str]:
    """The variants to run for `method_names`: all but "auto", plus auto's candidates
    (`candidates_for(n_samples, n_features)`) when "auto" is asked for."""
    names = [m for m in method_names if m != "auto"]
    if "auto" in method_names:
        names += [c for c in candidates_for(n_samples, n_features) if c not in names]
    return names


def add_auto_records(records: List[dict], rule: Rule = DEFAULT_RULE):
    """`records` plus one `auto` record per experiment × task × seed whose required candidates
    (`required_candidates()`; the classical ones join when they ran) all ran with their
    validators, and the decisions (for `auto.json`).

    Returns:
        (records + auto records, [decision dicts: experiment, task, seed, pick, reason,
        every candidate's scores]).
    """
    groups: Dict[tuple, List[dict]] = {}
    for record in records:
        if record["method"] in CANDIDATES and f"score_{VALIDATORS[0]}" in record:
            key = (record["experiment"], record["task"], record["seed"])
            groups.setdefault(key, []).append(record)
    decisions, added = [], []
    for (experiment, task, seed), group in sorted(groups.items()):
        if not {r["method"] for r in group} >= set(required_candidates()):
            continue
        try:
            record, decision = auto_record(group, rule)
        except ValueError as error:  # a failed baseline or missing scores: auto fails too
            added.append({**group[0], "method": "auto", "status": "failed", "error": str(error)})
            continue
        added.append(record)
        decisions.append({"experiment": experiment, "task": task, "seed": seed,
                          **decision.to_dict()})
    return records + added, decisions


def decisions_json(decisions: Sequence[dict], rule: Rule = DEFAULT_RULE) -> dict:
    """The content of `auto.json`: the rule in words and every decision."""
    return {"rule": rule.describe(), "decisions": list(decisions)}


@dataclass
class AutoResult:
    """`fit`'s answer: the decision, the trained model of the pick (a `keras.Model`, or a
    fitted `tftransfer.shallow` classifier when a classical candidate wins), every
    candidate's record."""

    decision: Decision
    model: object
    records: Dict[str, dict]


def fit(task, *, candidates: Optional[Sequence[str]] = None, rule: Rule = DEFAULT_RULE,
        seed: int = 0, epochs: int = 10, steps_per_epoch: int = 50, batch_size: int = 32,
        backbone: str = "mlp",
        backbone_options: Optional[Mapping] = None,
        candidate_options: Optional[Mapping[str, Mapping]] = None, verbose: int = 0) -> AutoResult:
    """Trains every candidate on `task` (a `TransferTask`), scores them honestly and picks.

    Target labels are never read for the pick (only reported in the records' target
    accuracy when the task has them).

    Args:
        task: The `TransferTask`.
        candidates: Candidate methods; must include source_only. Default:
            `candidates_for` the task's source + target training samples and features.
        rule: The decision rule.
        seed, epochs, batch_size, backbone, backbone_options: The runs' settings (the
            data-dependent part; every candidate keeps its own defaults otherwise).
        steps_per_epoch: Optimizer steps per epoch: this many, or one pass over the larger
            domain where that is more (`steps_per_epoch_at_least`; 1: one pass).
            The defaults, 10 epochs of 50 steps of 32, are the budget every candidate's
            defaults were chosen with.
        candidate_options: {candidate: method options} replacing some defaults (e.g. to see
            what auto does when a candidate is made to hurt).
        verbose: Keras fit verbosity.

    Returns:
        An `AutoResult` with the trained model of the pick. A candidate that fails (e.g. a
        classical one whose subspace does not fit the data) is recorded as failed, with its
        error, and left out of the decision; a failed source_only fails auto.
    """
    from tftransfer.runner import train, evaluate_run, make_record, resolve
    from tftransfer.runner.shallow_run import evaluate_shallow, train_shallow

    if candidates is None:
        candidates = candidates_for(task.source_train.n + task.target_train.n,
                                    int(np.prod(task.input_shape)))
    base = RunConfig(experiment="auto", task=task.name if "->" in task.name else "source->target",
                     method=BASELINE, seed=seed, epochs=epochs, batch_size=batch_size,
                     steps_per_epoch=steps_per_epoch_at_least(
                         steps_per_epoch, task.source_train.n, task.target_train.n, batch_size),
                     backbone=backbone, backbone_options=dict(backbone_options or {}))
    records, models = {}, {}
    for config in candidate_configs(base, candidates):
        config = config.replace(method_options=dict((candidate_options or {}).get(config.method, {})))
        if resolve(config).shallow:
            try:
                model, seconds = train_shallow(config, task)
                metrics = evaluate_shallow(model, task, config, seconds)
            except (ValueError, np.linalg.LinAlgError) as error:
                records[config.method] = make_record(config, "failed",
                                                     error=f"{type(error).__name__}: {error}")
                continue
        else:
            model, trained_task, frame, seconds = train(config, task=task, verbose=verbose)
            metrics = evaluate_run(model, trained_task, config, resolve(config).method.target_labels,
                                   frame, seconds)
        records[config.method] = make_record(config, "done", **metrics)
        models[config.method] = model
    decision = decide({name: r for name, r in records.items() if r["status"] == "done"}, rule)
    return AutoResult(decision, models[decision.pick], records)
